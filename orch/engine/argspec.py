"""Argument specs as Ansible's roles write them (``meta/argument_specs.yml``, ``validate_argument_spec``).

``validate(spec, values)`` returns the problems found, one message each: missing
required options, values that do not convert to their type, values outside
``choices``, and unknown options. Nested ``options`` of dicts and of lists of dicts are
checked the same way. (Ansible hands a role's validation only the entry point's
``options``, so relations such as ``mutually_exclusive`` beside them are not checked.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from orch.errors import ParseError
from orch.modules.registry import _convert

_RELAXED = {"jsonarg": "raw", "json": "raw", "bytes": "raw", "bits": "raw", "any": "raw"}


def validate(spec: Mapping[str, Any], values: Mapping[str, Any], context: tuple[str, ...] = ()) -> list[str]:
    """Problems of ``values`` against ``spec`` (an empty list when they are valid)."""
    where = f" (in {' -> '.join(context)})" if context else ""
    problems: list[str] = []
    names: dict[str, str] = {}
    for name, opts in spec.items():
        names[name] = name
        for alias in (opts or {}).get("aliases") or ():
            names[alias] = name
    given: dict[str, Any] = {}
    for key, value in values.items():
        if key not in names:
            problems.append(f"unknown option {key!r}{where}; the options are: {', '.join(sorted(spec))}")
            continue
        given[names[key]] = value
    missing = [name for name, opts in spec.items() if (opts or {}).get("required") and given.get(name) is None]
    if missing:
        problems.append(f"required option(s) missing{where}: {', '.join(missing)}")
    for name, value in given.items():
        opts = spec[name] or {}
        if value is None:
            continue
        problems += _check_value(name, value, opts, where, context)
    return problems


def _check_value(name: str, value: Any, opts: Mapping[str, Any], where: str, context: tuple[str, ...]) -> list[str]:
    kind = _RELAXED.get(opts.get("type", "str"), opts.get("type", "str"))
    if kind == "str" and not isinstance(value, str):
        value = str(value)  # as Ansible: other scalars become their text
    try:
        converted = _convert(value, {"type": kind, **({"elements": _RELAXED.get(opts["elements"], opts["elements"])}
                                                      if "elements" in opts else {})}, f"option {name!r}")
    except (ValueError, TypeError) as exc:
        return [f"{exc}{where}"]
    except ParseError as exc:  # a string that is no key=value text, for a dict
        return [f"option {name!r}{where}: {exc.message}"]
    problems = []
    choices = opts.get("choices")
    if choices:
        items = converted if isinstance(converted, list) else [converted]
        wrong = [item for item in items if item not in choices]
        if wrong:
            problems.append(f"option {name!r}{where} must be one of {', '.join(map(str, choices))}; "
                            f"got {', '.join(map(str, wrong))}")
    sub = opts.get("options")
    if sub and kind == "dict" and isinstance(converted, Mapping):
        problems += validate(sub, converted, (*context, name))
    elif sub and kind == "list":
        for index, item in enumerate(converted):
            if isinstance(item, Mapping):
                problems += validate(sub, item, (*context, f"{name}[{index}]"))
            else:
                problems.append(f"option {name!r}{where}: element {index} must be a dictionary")
    return problems
