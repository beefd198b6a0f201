"""Module names and argument checks over the catalogue (catalogue.py holds the specs).

Validation happens twice: argument *names* before templating (so typos fail at load time, with a
suggestion), types and values after templating (on the controller).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from typing import Any

from orch.booleans import parse_bool
from orch.errors import Location, ParseError
from orch.modules.catalogue import MODULE_LIST, ModuleInfo

MODULES: dict[str, ModuleInfo] = {m.name: m for m in MODULE_LIST}
_NAMES: dict[str, str] = {}
for _m in MODULE_LIST:
    for _short in (_m.name, *_m.aliases):
        _NAMES[_short] = _m.name
        for _coll in (*_m.collections, "ansible.legacy") if "ansible.builtin" in _m.collections else _m.collections:
            _NAMES[f"{_coll}.{_short}"] = _m.name

# Modules the controller runs itself (no agent round trip).
CONTROLLER_MODULES = frozenset({
    "debug", "assert", "fail", "set_fact", "include_vars", "include_tasks", "import_tasks", "include_role",
    "import_role", "meta", "pause", "add_host", "group_by", "wait_for_connection", "set_stats",
    "validate_argument_spec", "ansible._protomatter.debug",
})


def resolve_module(name: str) -> str | None:
    """Canonical short name for any known spelling, or None."""
    return _NAMES.get(name)


def is_module(name: str) -> bool:
    return name in _NAMES


def suggest(word: str, choices: Any) -> str:
    """' (did you mean 'X'?)' or ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def suggest_module(name: str) -> str:
    short = name.rsplit(".", 1)[-1]
    hint = suggest(name, _NAMES) or suggest(short, _NAMES)
    return hint


def get_info(module: str) -> ModuleInfo:
    canonical = resolve_module(module)
    if canonical is None:
        raise ParseError(f"unknown module {module!r}{suggest_module(module)}")
    return MODULES[canonical]


def _alias_map(spec: Mapping[str, dict]) -> dict[str, str]:
    out = {}
    for name, opts in spec.items():
        out[name] = name
        for alias in opts.get("aliases", ()):
            out[alias] = name
    return out


# Actions that check their option names only when they run, and say so in these words (Ansible's
# _VALID_ARGS): a task with other names fails on the host that reaches it with that message.
OPTION_NAMES_AT_RUN = frozenset({"wait_for_connection", "fail", "group_by", "set_stats"})


class InvalidOptions(ParseError):
    """Unknown option names of an OPTION_NAMES_AT_RUN action: validate_args reports them again at run time."""


class UnsupportedOptions(ParseError):
    """Unknown option names of a module, found at load; the task fails with validate_args' words when it runs."""


class MissingArguments(ParseError):
    """Required options a task lacks, found at load; the task fails with validate_args' words when it runs."""


def unsupported_message(info: ModuleInfo, written: str, bad: list[str]) -> str:
    """Ansible's msg for unknown module options: the task's own spelling of the module, sorted names."""
    if info.name == "shell" and "expand_argument_vars" in bad:
        return f"Unsupported parameters for ({written}) module: expand_argument_vars"  # its action's own check
    spec = info.spec or {}
    names = ", ".join(sorted(spec))
    aliases = sorted(alias for opts in spec.values() for alias in opts.get("aliases", ()))
    if aliases:
        names += f" ({', '.join(aliases)})"
    return f"Unsupported parameters for ({written}) module: {', '.join(sorted(bad))}. Supported parameters include: {names}."


def _invalid_options(info: ModuleInfo, args: Mapping[str, Any], known: Mapping[str, str]) -> str | None:
    bad = [str(key) for key in args if key not in known]
    return f"Invalid options for {info.name}: {','.join(bad)}" if bad else None


def check_arg_names(module: str, args: Mapping[str, Any], location: Location | None = None) -> None:
    """Load-time check: every argument name must be known (or an alias)."""
    info = get_info(module)
    if info.spec is None or info.extra.get("passthrough"):
        return  # pass-through arguments are the backend's to check, when the task runs
    known = _alias_map(info.spec)
    if info.name in OPTION_NAMES_AT_RUN and (message := _invalid_options(info, args, known)):
        raise InvalidOptions(message, location=location_of_key(args, location))
    for key in args:
        if key not in known:
            if key == "_raw_params":
                raise ParseError(f"module {info.name!r} does not take free-form arguments", location=location)
            raise UnsupportedOptions(f"module {info.name!r} has no argument {key!r}{suggest(str(key), known)}",
                                     location=location_of_key(args, location))


def check_required(module: str, args: Mapping[str, Any], location: Location | None = None) -> None:
    """Load-time check: required arguments are given (by name or alias), before any host is touched."""
    info = get_info(module)
    if info.spec is None:
        return
    given = {_alias_map(info.spec).get(key, key) for key in args}
    for name, opts in info.spec.items():
        if opts.get("required") and name not in given:
            raise MissingArguments(f"module {info.name!r}: missing required argument {name!r}", location=location)
    _check_one_of(info, given, location)


def _check_one_of(info: ModuleInfo, given: set[str], location: Location | None) -> None:
    for group in info.required_one_of:
        if not given.intersection(group):
            shown = ", ".join("free-form command" if g == "_raw_params" else g for g in group)
            # Ansible's wording: tests match "one of the following"
            raise ParseError(f"module {info.name!r}: one of the following is required: {shown}", location=location)


def location_of_key(args: Any, default: Location | None) -> Location | None:
    return getattr(args, "loc", None) or default


def _convert(value: Any, opts: dict[str, Any], where: str) -> Any:
    kind = opts.get("type", "str")
    if value is None or kind == "raw":
        return value
    if kind in ("str", "path"):
        return value if isinstance(value, str) else str(value)  # as Ansible's check_type_str: any value, as text
    if kind == "bool":
        parsed = parse_bool(value)
        if parsed is not None:
            return parsed
        raise ValueError(f"{where} must be a boolean (yes/no/true/false), got {value!r}")
    if kind in ("int", "float"):
        if isinstance(value, bool):
            raise ValueError(f"{where} must be a number, got {value!r}")
        try:
            number = float(value) if kind == "float" else int(value) if not isinstance(value, float) else value
            if kind == "int" and isinstance(number, float):
                if not number.is_integer():
                    raise ValueError
                number = int(number)
            return number
        except (TypeError, ValueError):
            raise ValueError(f"{where} must be an {kind}, got {value!r}") from None
    if kind == "list":
        if isinstance(value, str):
            items: list = [v.strip() for v in value.split(",")] if value else []
        elif isinstance(value, (list, tuple)):
            items = list(value)
        else:
            items = [value]
        if "elements" in opts:
            items = [_convert(v, {"type": opts["elements"]}, f"{where} element") for v in items]
        return items
    if kind == "dict":
        if isinstance(value, Mapping):
            return dict(value)
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("{"):
                return json.loads(text)
            from orch.playbook.kv import parse_kv

            return parse_kv(text)
        raise ValueError(f"{where} must be a dictionary, got {type(value).__name__}")
    raise ValueError(f"{where}: unknown type {kind!r} in the module spec")


def _backend_args(module: str, backend: str, passed: Mapping[str, Any], location: Location | None) -> dict[str, Any]:
    """Arguments a pass-through module hands on: names and types as the backend module takes them."""
    spec = get_info(backend).spec or {}
    known = _alias_map(spec)
    out: dict[str, Any] = {}
    for key, value in passed.items():
        if key not in known:
            raise ParseError(f"module {module!r} has no argument {key!r}, nor has its backend module {backend!r} "
                             f"on this host{suggest(str(key), known)}", location=location)
        try:
            out[key] = _convert(value, spec[known[key]], f"argument {key!r}")
        except ValueError as exc:
            raise ParseError(f"module {module!r}: {exc}", location=location) from None
    return out


def validate_args(module: str, args: Mapping[str, Any], location: Location | None = None,
                  written: str | None = None) -> dict[str, Any]:
    """Post-templating check: aliases resolved, types converted, defaults filled.

    ``written`` is the module's name as the task spells it (Ansible's message for unknown options names it)."""
    info = get_info(module)
    if info.spec is None:
        return dict(args)
    spec = info.spec
    known = _alias_map(spec)
    out: dict[str, Any] = {}
    if info.name in OPTION_NAMES_AT_RUN and (message := _invalid_options(info, args, known)):
        raise ParseError(message, location=location)
    backend = info.extra.get("passthrough")
    if backend:
        out.update(_backend_args(info.name, backend, {k: v for k, v in args.items() if k not in known}, location))
        args = {k: v for k, v in args.items() if k in known}
    bad = [str(key) for key in args if key not in known]
    if bad:
        raise UnsupportedOptions(unsupported_message(info, written or info.name, bad), location=location)
    for key, value in args.items():
        name = known[key]
        if name in out and key != name:
            raise ParseError(f"module {info.name!r}: {key!r} and {name!r} are the same argument", location=location)
        try:
            out[name] = _convert(value, spec[name], f"argument {name!r}")
        except ValueError as exc:
            raise ParseError(f"module {info.name!r}: {exc}", location=location) from None
        choices = spec[name].get("choices")
        if choices and out[name] is not None:
            values = out[name] if isinstance(out[name], list) else [out[name]]
            for v in values:
                if v not in choices:
                    raise ParseError(f"module {info.name!r}: argument {name!r} must be one of "
                                     f"{', '.join(map(str, choices))}; got {v!r}", location=location)
    for group in info.mutually_exclusive:
        present = [g for g in group if out.get(g) is not None]
        if len(present) > 1:
            # Ansible's wording (tests match "parameters are mutually exclusive")
            raise ParseError(f"module {info.name!r}: parameters are mutually exclusive: {'|'.join(present)}",
                             location=location)
    _check_one_of(info, {name for name, value in out.items() if value is not None}, location)
    missing = sorted(name for name, opts in spec.items() if opts.get("required") and out.get(name) is None)
    if missing:  # Ansible's words
        raise MissingArguments(f"missing required arguments: {', '.join(missing)}", location=location)
    for name, opts in spec.items():
        if name not in out and "default" in opts:
            default = opts["default"]
            out[name] = list(default) if isinstance(default, list) else default
    return out
