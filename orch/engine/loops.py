"""Loop items of a task: ``loop:`` and the ``with_<lookup>:`` forms."""

from __future__ import annotations

import glob
import itertools
import os
from collections.abc import Iterator
from typing import Any

from orch.errors import TemplateError
from orch.templating.sequence import sequence_items


def _flatten(value: Any, levels: int | None) -> list:
    out: list = []
    for item in value:
        if isinstance(item, list) and (levels is None or levels > 0):
            out.extend(_flatten(item, None if levels is None else levels - 1))
        else:
            out.append(item)
    return out


def _as_list(value: Any, kind: str) -> list:
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, Iterator):  # a filter chain's generator (map, select, ...)
        return list(value)
    if isinstance(value, str):
        return [value] if kind != "loop" else _bad(kind, value)
    if isinstance(value, dict) and kind in ("dict",):
        return [value]
    if value is None:
        return []
    return _bad(kind, value)


def _bad(kind: str, value: Any) -> list:
    raise TemplateError(f"{'loop' if kind == 'loop' else 'with_' + kind} needs a list, got "
                        f"{type(value).__name__} {value!r}"[:300])


# with_<name> forms done here; the others run the lookup plugin of that name.
NATIVE_KINDS = frozenset({"loop", "list", "items", "flattened", "indexed_items", "dict", "nested", "cartesian", "together",
                          "sequence", "fileglob", "random_choice"})


def loop_items(kind: str, value: Any, search_dirs: list[str]) -> list:
    """Items for an already templated loop value."""
    if kind == "loop":
        return _as_list(value, kind)
    if kind == "list":  # the list lookup: one term that is not a list (a string, a mapping) is one item
        return _as_list(value, kind) if isinstance(value, (list, tuple, Iterator)) or value is None else [value]
    if kind in ("items", "flattened"):
        return _flatten(_as_list(value, kind), 1 if kind == "items" else None)
    if kind == "indexed_items":
        if isinstance(value, dict):
            return [[0, value]]  # a mapping is one term, as Ansible's lookup takes it
        return [[i, item] for i, item in enumerate(_flatten(_as_list(value, kind), 1))]
    if kind == "dict":
        if not isinstance(value, dict):
            raise TemplateError(f"with_dict: the dict lookup plugin expects a dictionary, got {type(value).__name__} "
                                f"{value!r}"[:300])
        return [{"key": k, "value": v} for k, v in value.items()]
    if kind in ("nested", "cartesian"):
        lists = [_as_list(v, kind) for v in _as_list(value, kind)]
        return [list(combo) for combo in itertools.product(*lists)]
    if kind == "together":
        lists = [_as_list(v, kind) for v in _as_list(value, kind)]
        if not lists or not all(lists):
            raise TemplateError("with_together requires at least one element in each list")
        return [list(group) for group in itertools.zip_longest(*lists)]
    if kind == "sequence":
        return sequence_items(value)
    if kind == "fileglob":
        found: list[str] = []
        for pattern in _as_list(value, kind):
            candidates = [pattern] if os.path.isabs(pattern) else [os.path.join(d, pattern) for d in search_dirs]
            for candidate in candidates:
                matches = sorted(p for p in glob.glob(candidate) if os.path.isfile(p))
                if matches:
                    found.extend(matches)
                    break
        return found
    if kind == "random_choice":
        import random

        items = _as_list(value, kind)
        return [random.choice(items)] if items else []
    raise TemplateError(f"with_{kind} is not supported by orch; use loop with a filter or lookup")
