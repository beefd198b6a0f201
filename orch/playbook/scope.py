"""Shared helpers for the loader: where we are, what is inherited, typed checks."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from orch.errors import Location, ParseError
from orch.modules.registry import suggest

if TYPE_CHECKING:  # pragma: no cover
    from orch.playbook.model import Role


@dataclass
class Scope:
    """What a task list inherits from the play, role, block or import around it."""

    file: str                      # the file being parsed
    playbook_dir: str
    play_vars: dict[str, Any] = field(default_factory=dict)  # for templated static imports
    role: "Role | None" = None
    when: list[Any] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    vars: dict[str, Any] = field(default_factory=dict)
    environment: list[Any] = field(default_factory=list)
    keywords: dict[str, Any] = field(default_factory=dict)  # INHERITED keywords set above the task
    stack: tuple[str, ...] = ()    # files being imported, for loop detection
    is_handler: bool = False
    handler_block: bool = False    # a block here would be a handler of its own (nested, or in a task file)
    collections: tuple[str, ...] = ()  # the ``collections:`` keyword in force (play, role, block)
    module_defaults: Any = None    # ModuleDefaults in force (orch/playbook/module_defaults.py)
    group_cache: Any = None        # the play's resolved action groups and their warnings (GroupCache)
    # Shared per play: roles already added (dedup), keyed by (path, params repr).
    seen_roles: dict[tuple[str, str], Any] = field(default_factory=dict)
    # Shared per play: roles whose defaults and vars the whole play sees (import_role's, as in Ansible).
    public_roles: list[Any] = field(default_factory=list)

    def child(self, **changes: Any) -> "Scope":
        return replace(self, **changes)

    @property
    def dir(self) -> str:
        return os.path.dirname(self.file)


def loc_of(mapping: Any, key: str | None = None, default: Location | None = None) -> Location | None:
    """Best location for ``mapping[key]``: the value, else the key, else the mapping."""
    if key is not None and isinstance(mapping, dict):
        value = mapping.get(key)
        if getattr(value, "loc", None):
            return value.loc
        for k in mapping:
            if k == key and getattr(k, "loc", None):
                return k.loc
    return getattr(mapping, "loc", None) or default


def key_loc(mapping: Any, key: str, default: Location | None = None) -> Location | None:
    for k in mapping:
        if k == key and getattr(k, "loc", None):
            return k.loc
    return getattr(mapping, "loc", None) or default


def expect(value: Any, types: tuple[type, ...], what: str, where: Location | None) -> Any:
    if isinstance(value, bool) and bool not in types:
        raise ParseError(f"{what} must be {_names(types)}, got a boolean", location=where)
    if not isinstance(value, types):
        raise ParseError(f"{what} must be {_names(types)}, got {type_name(value)}", location=where)
    return value


def type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    for base, name in ((bool, "a boolean"), (int, "a number"), (float, "a number"), (str, "a string"),
                       (dict, "a mapping"), (list, "a list")):
        if isinstance(value, base):
            return name
    return type(value).__name__


def _names(types: tuple[type, ...]) -> str:
    names = {str: "a string", list: "a list", dict: "a mapping", int: "a number", bool: "a boolean",
             float: "a number", type(None): "null"}
    return " or ".join(dict.fromkeys(names.get(t, t.__name__) for t in types))


def check_keys(data: dict, allowed: frozenset[str], unsupported: dict[str, str], what: str,
               default: Location | None) -> None:
    for key in data:
        if not isinstance(key, str):
            raise ParseError(f"{what} keys must be strings, got {key!r}", location=loc_of(data, None, default))
        if key in unsupported:
            raise ParseError(unsupported[key], location=key_loc(data, key, default))
        if key not in allowed:
            raise ParseError(f"unknown {what} keyword {key!r}{suggest(key, allowed)}",
                             location=key_loc(data, key, default))


def conditions(value: Any, what: str, where: Location | None) -> list[Any]:
    """``when``-like values: a string, a boolean, or a list of those."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, (dict, list)) or item is None:
            raise ParseError(f"{what} must be an expression (string), a boolean or a list of them, "
                             f"got {type_name(item)}", location=getattr(item, "loc", None) or where)
    return list(items)
