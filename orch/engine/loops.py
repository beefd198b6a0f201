"""Loop items of a task: ``loop:`` and the ``with_<lookup>:`` forms."""

from __future__ import annotations

import glob
import itertools
import os
from collections.abc import Iterator
from typing import Any

from orch.errors import TemplateError


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


def _sequence(spec: str) -> list[str]:
    """``with_sequence: start=1 end=5 stride=1 format=web%02d`` (or ``count=N``)."""
    opts: dict[str, str] = {}
    for word in str(spec).replace(",", " ").split():
        key, _, value = word.partition("=")
        opts[key] = value
    start = int(opts.get("start", "1"), 0)
    stride = int(opts.get("stride", "1"), 0)
    if "count" in opts:
        end = start + (int(opts["count"], 0) - 1) * stride
    else:
        end = int(opts.get("end", start), 0)
    fmt = opts.get("format", "%d")
    step = stride if end >= start else -abs(stride)
    return [fmt % i for i in range(start, end + (1 if step > 0 else -1), step)]


# with_<name> forms done here; the others run the lookup plugin of that name.
NATIVE_KINDS = frozenset({"loop", "items", "flattened", "indexed_items", "dict", "nested", "cartesian", "together",
                          "sequence", "fileglob", "lines", "random_choice"})


def loop_items(kind: str, value: Any, search_dirs: list[str]) -> list:
    """Items for an already templated loop value."""
    if kind == "loop":
        return _as_list(value, kind)
    if kind in ("items", "flattened"):
        return _flatten(_as_list(value, kind), 1 if kind == "items" else None)
    if kind == "indexed_items":
        return [[i, item] for i, item in enumerate(_flatten(_as_list(value, kind), 1))]
    if kind == "dict":
        if not isinstance(value, dict):
            _bad(kind, value)
        return [{"key": k, "value": v} for k, v in value.items()]
    if kind in ("nested", "cartesian"):
        lists = [_as_list(v, kind) for v in _as_list(value, kind)]
        return [list(combo) for combo in itertools.product(*lists)]
    if kind == "together":
        lists = [_as_list(v, kind) for v in _as_list(value, kind)]
        return [list(group) for group in itertools.zip_longest(*lists)]
    if kind == "sequence":
        return _sequence(value)
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
    if kind == "lines":
        return [line for v in _as_list(value, kind) for line in str(v).splitlines()]
    if kind == "random_choice":
        import random

        items = _as_list(value, kind)
        return [random.choice(items)] if items else []
    raise TemplateError(f"with_{kind} is not supported by orch; use loop with a filter or lookup")
