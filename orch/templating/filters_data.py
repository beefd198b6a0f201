"""Collection and serialization filters (combine, set algebra, JSON, YAML, ...)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping
from typing import Any

import yaml
from jinja2 import Undefined, pass_environment
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
            raise TemplateError("unique: Jinja's unique failed and cannot fall back to plain comparison with "
                                "case_sensitive=False or attribute") from None
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


def combine(*terms: Any, **options: Any) -> dict:
    recursive, list_merge = options.pop("recursive", False), options.pop("list_merge", "replace")
    if options:
        raise TemplateError("combine: 'recursive' and 'list_merge' are the only valid keyword arguments")
    dicts = flatten(terms, levels=1)  # `[d1, d2] | combine` as well as `d1 | combine(d2)`
    if len(dicts) == 1:
        return dicts[0]
    out: dict = {}
    for d in dicts:
        if not isinstance(d, Mapping):
            raise TemplateError(f"combine: failed to combine variables, expected dicts but got a "
                                f"'{type(d).__name__}'")
        out = _merge(out, d, recursive, list_merge)
    return out


@pass_environment
def extract(environment: Any, item: Any, container: Any, morekeys: Any = None) -> Any:
    """``container[item]`` (then ``[morekeys...]``); a missing key gives an undefined value, not an error."""
    keys = [item] + (morekeys if isinstance(morekeys, list) else [] if morekeys is None else [morekeys])
    value = container
    for key in keys:
        value = environment.getitem(value, key)
    return value


def subelements(obj: Any, path: Any, skip_missing: bool = False) -> list:
    """Pairs (element, item) for each item of the list at ``path`` (dotted or a list of keys) in each element."""
    if isinstance(obj, Mapping):
        elements = list(obj.values())
    elif isinstance(obj, list):
        elements = list(obj)
    else:
        raise TemplateError("subelements: obj must be a list of dicts or a nested dict")
    if isinstance(path, list):
        keys = list(path)
    elif isinstance(path, str):
        keys = path.split(".")
    else:
        raise TemplateError("subelements: subelements must be a list or a string")
    out: list = []
    for element in elements:
        values = element
        for key in keys:
            if not isinstance(values, Mapping):
                raise TemplateError(f"subelements: the key {key} should point to a dictionary, got {values!r}")
            if key not in values:
                if not skip_missing:
                    raise TemplateError(f"subelements: could not find {key!r} key in iterated item {values!r}")
                values = []
                break
            values = values[key]
        if not isinstance(values, list):
            raise TemplateError(f"subelements: the key {keys[-1]!r} should point to a list, got {values!r}")
        out.extend((element, value) for value in values)
    return out


def dict2items(value: Any, key_name: str = "key", value_name: str = "value") -> list:
    if not isinstance(value, Mapping):
        raise TemplateError(f"dict2items requires a dictionary, got {type(value).__name__}")
    return [{key_name: k, value_name: v} for k, v in value.items()]


def items2dict(value: Any, key_name: str = "key", value_name: str = "value") -> dict:
    if not isinstance(value, (list, tuple)):
        raise TemplateError(f"items2dict requires a list, got {type(value).__name__} instead")
    if not all(isinstance(item, Mapping) for item in value):
        raise TemplateError(f"items2dict requires a list of dictionaries, got {value!r} instead")
    try:
        return {item[key_name]: item[value_name] for item in value}
    except KeyError:
        raise TemplateError(f"items2dict requires each dictionary in the list to contain the keys "
                            f"'{key_name}' and '{value_name}', got {value!r} instead") from None


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
    if isinstance(value, Undefined):
        str(value)  # raises, naming what is missing (or why a !vault value cannot be used)
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


def to_yaml(value: Any, *_: Any, default_flow_style: bool | None = None, **kw: Any) -> str:
    kw.setdefault("allow_unicode", True)
    return yaml.dump(value, Dumper=_Dumper, default_flow_style=default_flow_style, **kw)


def to_nice_yaml(value: Any, indent: int = 4, *_: Any, default_flow_style: bool = False, **kw: Any) -> str:
    return to_yaml(value, indent=indent, default_flow_style=default_flow_style, **kw)


def from_yaml(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return yaml.safe_load(value)
    except yaml.YAMLError as exc:
        raise TemplateError(f"from_yaml: invalid YAML: {exc}") from None


def from_yaml_all(value: Any) -> Any:
    if value is None:
        return []
    if not isinstance(value, str):
        return value
    try:
        return list(yaml.safe_load_all(value))
    except yaml.YAMLError as exc:
        raise TemplateError(f"from_yaml_all: invalid YAML: {exc}") from None


def origin(value: Any) -> str | None:
    """Where a value came from, as Ansible 2.19's tests ask it: a YAML file:line:column, an environment
    variable (the env lookup's result), or None."""
    found = getattr(value, "origin", None) if isinstance(value, str) else None
    if found is None and isinstance(value, str):
        loc = getattr(value, "loc", None)
        found = str(loc) if loc is not None else None
    return found


def finalize(value: Any) -> Any:
    """A result as plain data, the way Ansible 2.19 finishes one: tuples are lists, mappings dicts."""
    if isinstance(value, (list, tuple)):
        return [finalize(item) for item in value]
    if isinstance(value, Mapping):
        return {key: finalize(item) for key, item in value.items()}
    return value


FILTERS = {
    "unique": unique,
    "union": union,
    "intersect": intersect,
    "difference": difference,
    "symmetric_difference": symmetric_difference,
    "flatten": flatten,
    "combine": combine,
    "extract": extract,
    "subelements": subelements,
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
