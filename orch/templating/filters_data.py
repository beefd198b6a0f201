"""Collection and serialization filters (combine, set algebra, JSON, YAML, ...)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping
from typing import Any

import yaml
from jinja2 import pass_environment
from jinja2.filters import do_unique

from orch.errors import TemplateError


def _is_seq(value: Any) -> bool:
    return isinstance(value, Iterable) and not isinstance(value, (str, bytes, Mapping))


def _unique(items: Iterable) -> list:
    out: list = []
    for item in items:
        if item not in out:  # values may be unhashable (dicts), so keep it O(n^2) but general
            out.append(item)
    return out


@pass_environment
def unique(environment: Any, items: Iterable, case_sensitive: bool | None = None, attribute: Any = None) -> list:
    """Jinja's unique (strings compared without case unless case_sensitive), as a list; values Jinja
    cannot hash (dicts) are compared plainly when no Jinja-only option was asked for, as in Ansible."""
    items = list(items)
    try:
        return list(do_unique(environment, items, case_sensitive=bool(case_sensitive), attribute=attribute))
    except TypeError:
        if case_sensitive is False or attribute is not None:
            raise TemplateError("unique: case_sensitive=False and attribute need hashable values") from None
        return _unique(items)


def union(a: Iterable, b: Iterable) -> list:
    return _unique(itertools.chain(a, b))


def intersect(a: Iterable, b: Iterable) -> list:
    other = list(b)
    return _unique(x for x in a if x in other)


def difference(a: Iterable, b: Iterable) -> list:
    other = list(b)
    return _unique(x for x in a if x not in other)


def symmetric_difference(a: Iterable, b: Iterable) -> list:
    a, b = list(a), list(b)
    return _unique([x for x in a if x not in b] + [x for x in b if x not in a])


def flatten(value: Iterable, levels: int | None = None, skip_nulls: bool = True) -> list:
    out: list = []
    for item in value:
        if skip_nulls and item in (None, "None", "null"):
            continue
        if _is_seq(item) and (levels is None or levels > 0):
            out.extend(flatten(item, None if levels is None else levels - 1, skip_nulls))
        else:
            out.append(item)
    return out


def _merge(a: dict, b: Mapping, recursive: bool, list_merge: str) -> dict:
    out = dict(a)
    for key, value in b.items():
        old = out.get(key)
        if recursive and isinstance(old, Mapping) and isinstance(value, Mapping):
            out[key] = _merge(dict(old), value, True, list_merge)
        elif isinstance(old, list) and isinstance(value, list) and list_merge != "replace":
            out[key] = _merge_lists(old, value, list_merge)
        else:
            out[key] = value
    return out


def _merge_lists(old: list, new: list, how: str) -> list:
    if how == "keep":
        return old
    if how == "append":
        return old + new
    if how == "prepend":
        return new + old
    if how == "append_rp":
        return [x for x in old if x not in new] + new
    if how == "prepend_rp":
        return new + [x for x in old if x not in new]
    raise TemplateError(f"combine: unknown list_merge {how!r}")


def combine(*terms: Any, recursive: bool = False, list_merge: str = "replace") -> dict:
    dicts: list = []
    for term in terms:
        if isinstance(term, Mapping):
            dicts.append(term)
        elif _is_seq(term):
            dicts.extend(term)
        else:
            raise TemplateError(f"combine: expected dictionaries, got {type(term).__name__}")
    out: dict = {}
    for d in dicts:
        if not isinstance(d, Mapping):
            raise TemplateError(f"combine: expected dictionaries, got {type(d).__name__}")
        out = _merge(out, d, recursive, list_merge)
    return out


def dict2items(value: Any, key_name: str = "key", value_name: str = "value") -> list:
    if not isinstance(value, Mapping):
        raise TemplateError(f"dict2items requires a dictionary, got {type(value).__name__}")
    return [{key_name: k, value_name: v} for k, v in value.items()]


def items2dict(value: Any, key_name: str = "key", value_name: str = "value") -> dict:
    try:
        return {item[key_name]: item[value_name] for item in value}
    except (KeyError, TypeError) as exc:
        raise TemplateError(f"items2dict: each item needs {key_name!r} and {value_name!r} ({exc})") from None


def to_dict(value: Any) -> dict:
    return dict(value)


def zip_filter(*lists: Iterable) -> list:
    return [list(t) for t in zip(*lists)]


def zip_longest(*lists: Iterable, fillvalue: Any = None) -> list:
    return [list(t) for t in itertools.zip_longest(*lists, fillvalue=fillvalue)]


def product(*lists: Iterable, repeat: int = 1) -> list:
    return [list(t) for t in itertools.product(*lists, repeat=repeat)]


def _jsonable(value: Any) -> Any:
    # Our YAML strings are str subclasses; json handles them. Sets and tuples become lists,
    # other mappings (hostvars) dicts.
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"object of type {type(value).__name__} is not JSON serializable")


def to_json(value: Any, **kw: Any) -> str:
    kw.setdefault("default", _jsonable)
    return json.dumps(value, **kw)


def to_nice_json(value: Any, indent: int = 4, sort_keys: bool = True, **kw: Any) -> str:
    return json.dumps(value, indent=indent, sort_keys=sort_keys, separators=(",", ": "), default=_jsonable, **kw)


def from_json(value: Any, **kw: Any) -> Any:
    try:
        return json.loads(value, **kw)
    except ValueError as exc:
        raise TemplateError(f"from_json: invalid JSON: {exc}") from None


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, data: str) -> Any:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data))


_Dumper.add_multi_representer(str, _represent_str)
_Dumper.add_multi_representer(dict, lambda d, v: d.represent_dict(v.items()))
_Dumper.add_multi_representer(list, lambda d, v: d.represent_list(list(v)))


def to_yaml(value: Any, **kw: Any) -> str:
    kw.setdefault("default_flow_style", None)
    kw.setdefault("allow_unicode", True)
    return yaml.dump(value, Dumper=_Dumper, **kw)


def to_nice_yaml(value: Any, indent: int = 4, **kw: Any) -> str:
    kw.setdefault("default_flow_style", False)
    kw.setdefault("allow_unicode", True)
    return yaml.dump(value, Dumper=_Dumper, indent=indent, **kw)


def from_yaml(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return yaml.safe_load(value)
    except yaml.YAMLError as exc:
        raise TemplateError(f"from_yaml: invalid YAML: {exc}") from None


def from_yaml_all(value: Any) -> list:
    try:
        return list(yaml.safe_load_all(value))
    except yaml.YAMLError as exc:
        raise TemplateError(f"from_yaml_all: invalid YAML: {exc}") from None


FILTERS = {
    "unique": unique,
    "union": union,
    "intersect": intersect,
    "difference": difference,
    "symmetric_difference": symmetric_difference,
    "flatten": flatten,
    "combine": combine,
    "dict2items": dict2items,
    "items2dict": items2dict,
    "dict": to_dict,
    "zip": zip_filter,
    "zip_longest": zip_longest,
    "product": product,
    "to_json": to_json,
    "to_nice_json": to_nice_json,
    "from_json": from_json,
    "to_yaml": to_yaml,
    "to_nice_yaml": to_nice_yaml,
    "from_yaml": from_yaml,
    "from_yaml_all": from_yaml_all,
}
