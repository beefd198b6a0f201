"""The ``config`` lookup: the value of an Ansible setting, or of a plugin's option, as Ansible would use it.

A value comes, in Ansible's order, from the play's variables (the setting's ``vars``), the
environment (``env``), ``ansible.cfg`` (``ini``), then its default; ``show_origin`` tells which.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from orch.booleans import parse_bool
from orch.config import ini_value
from orch.errors import TemplateError
from orch.templating.config_defs import base_definitions, plugin_definitions
from orch.templating.lookup_paths import search_dirs

if TYPE_CHECKING:  # pragma: no cover
    from orch.templating.templar import Templar

_ON_MISSING = ("error", "warn", "skip")
_DEFAULT_REF = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def _fail(message: str) -> TemplateError:
    return TemplateError(f"lookup('config'): {message}")


def _typed(value: Any, kind: str, label: str) -> Any:
    kind = str(kind or "string").lower()
    if value is None:
        return None
    try:
        if kind in ("bool", "boolean"):
            flag = parse_bool(value)
            if flag is None:
                raise ValueError(value)
            return flag
        if kind in ("int", "integer"):
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "list":
            return [v.strip() for v in value.split(",")] if isinstance(value, str) else list(value or [])
        if kind in ("path", "tmppath", "tmp"):
            return os.path.abspath(os.path.expanduser(str(value))) if value is not None else None
        if kind in ("pathspec", "pathlist"):
            parts = value.split(os.pathsep if kind == "pathspec" else ",") if isinstance(value, str) else value
            return [os.path.abspath(os.path.expanduser(str(p).strip())) for p in parts or []]
    except (TypeError, ValueError):
        raise _fail(f"Invalid type for configuration option {label}: {value!r} is not a {kind}") from None
    return str(value) if kind in ("str", "string") else value


class _Resolver:
    def __init__(self, ctx: Any, definitions: dict[str, dict], label: str) -> None:
        self.ctx = ctx
        self.definitions = definitions
        self.label = label

    def _from_vars(self, entries: list) -> tuple[Any, str] | None:
        found = None
        for entry in entries:  # as in Ansible, the last one defined wins
            name = entry.get("name") if isinstance(entry, dict) else None
            if isinstance(name, str) and name in self.ctx.parent:
                value = self.ctx.parent[name]
                if value is not None:
                    found = (value, f"var: {name}")
        return found

    def _from_env(self, entries: list) -> tuple[Any, str] | None:
        found = None
        for entry in entries:
            name = entry.get("name") if isinstance(entry, dict) else None
            if isinstance(name, str) and name in os.environ:
                found = (os.environ[name], f"env: {name}")
        return found

    def _from_ini(self, entries: list) -> tuple[Any, str] | None:
        found = None
        for entry in entries:
            if isinstance(entry, dict) and entry.get("key"):
                found = ini_value(str(entry.get("section", "defaults")), str(entry["key"])) or found
        return found

    def _default(self, definition: dict) -> Any:
        value = definition.get("default")
        if isinstance(value, str) and "{{" in value:  # a default naming another setting ('{{ANSIBLE_HOME}}')
            value = _DEFAULT_REF.sub(lambda m: str(self.value(m.group(1))[0]) if m.group(1) in self.definitions
                                     else m.group(0), value)
        return value

    def value(self, name: str) -> tuple[Any, str]:
        definition = self.definitions[name]
        found = (self._from_vars(definition.get("vars") or []) or self._from_env(definition.get("env") or [])
                 or self._from_ini(definition.get("ini") or []))
        if found is None:
            if definition.get("required"):
                raise _fail(f"Required config {name!r} for {self.label} not provided")
            found = (self._default(definition), "default")
        return _typed(found[0], definition.get("type", "string"), f"{name!r} of {self.label}"), found[1]


def lookup_config(ctx: Any, templar: "Templar", terms: list, on_missing: str = "error", plugin_type: Any = None,
                  plugin_name: Any = None, show_origin: Any = False, **kwargs: Any) -> list:
    if kwargs:
        raise _fail(f"{sorted(kwargs)[0]!r} is not a valid option")
    if on_missing not in _ON_MISSING:
        raise _fail(f"Invalid value {on_missing!r} for option 'on_missing': use error, warn or skip")
    if bool(plugin_type) != bool(plugin_name):
        raise _fail("Both plugin_type and plugin_name are required, cannot use one without the other")
    if plugin_type:
        definitions = plugin_definitions(str(plugin_type), str(plugin_name), search_dirs(ctx, templar, ""))
        if definitions is None:
            raise _fail(f"Unable to load {plugin_type} plugin {plugin_name!r}")
        label = f"{plugin_name!r} {plugin_type} plugin"
    else:
        definitions, label = base_definitions(), "Ansible"
    resolver = _Resolver(ctx, definitions, label)
    out: list = []
    for term in terms:
        if not isinstance(term, str):
            raise _fail(f"Invalid setting identifier, {term!r} is not a string, it is a {type(term).__name__}")
        if term not in definitions or term.startswith("_terms"):
            if on_missing == "error":
                raise _fail(f"No config definition exists for {term!r}")
            continue  # warn: orch has no warning channel from a lookup; skip
        value, origin = resolver.value(term)
        out.append([value, origin] if parse_bool(show_origin) else value)
    return out
