"""Ansible's INI inventory format.

Values (``k=v`` on host lines and in ``[g:vars]``) are read as Ansible reads them: a
Python literal when ``ast.literal_eval`` accepts it (``5`` -> 5, ``True`` -> True,
``[1,2]`` -> list), else the text itself (``true``, ``yes``, ``a b`` stay strings).
Host lines are split shell-style first, so quotes there group words and disappear.
"""

from __future__ import annotations

import ast
import re
import shlex
import warnings
from typing import Any

from orch import hashmerge
from orch.errors import Location, ParseError
from orch.inventory.model import Inventory
from orch.inventory.ranges import RangeError, expand_hosts, split_port

_SECTION = re.compile(r"^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$")
_GROUPNAME = re.compile(r"^([^:\]\s]+)\s*(?:#.*)?$")
def parse_value(text: str) -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = ast.literal_eval(text)
    except Exception:  # not a literal: keep the text (Ansible catches only some; we never crash)
        return text
    return _coerce(value)


def _coerce(value: Any) -> Any:
    # literal_eval accepts Python-only types; turn them into what YAML/JSON can hold
    if isinstance(value, (list, tuple, set)):
        return [_coerce(v) for v in value]
    if isinstance(value, dict):
        return {_coerce(k): _coerce(v) for k, v in value.items()}
    if value is ...:
        return "..."
    if isinstance(value, complex):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    return value


def load_ini(inv: Inventory, text: str, path: str) -> None:
    """Add the hosts and groups of an INI inventory text to ``inv``."""
    group, state = "ungrouped", "hosts"
    pending: dict[str, dict[str, Any]] = {}  # groups named before their own section
    for lineno, raw in enumerate(text.splitlines(), 1):
        loc = Location(path, lineno)
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        m = _SECTION.match(line)
        if m:
            # ansible-core 2.19 keeps names like web-servers as they are (checked)
            group, state = m.group(1), m.group(2) or "hosts"
            if state not in ("hosts", "children", "vars"):
                raise ParseError(f"section [{m.group(1)}:{state}] has unknown type {state!r}", location=loc)
            if group not in inv.groups:
                if state == "vars" and group not in pending:
                    pending[group] = {"state": "vars", "loc": loc}
                inv.add_group(group)
            if group in pending and state != "vars":
                if pending[group]["state"] == "children":
                    _resolve_pending(inv, group, pending)
                else:
                    del pending[group]
            continue
        if line.startswith("[") and (line.endswith("]") or "]" not in line):
            raise ParseError(f"invalid section header {line!r} (no spaces allowed, [name] or [name:vars|children])",
                             location=loc)
        if state == "hosts":
            _host_line(inv, line, group, loc, path)
        elif state == "vars":
            key, eq, value = line.partition("=")
            if not eq:
                raise ParseError(f"expected key=value in [{group}:vars], got {line!r}", location=loc)
            key = key.strip()
            if not key:
                raise ParseError(f"empty variable name in [{group}:vars]", location=loc)
            set_group_var(inv, group, key, parse_value(value.strip()), loc)
        else:  # children
            cm = _GROUPNAME.match(line)
            if not cm:
                raise ParseError(f"expected a group name in [{group}:children], got {line!r}", location=loc)
            child = cm.group(1)
            if child == group:
                raise ParseError(f"group {group!r} cannot be a child of itself", location=loc)
            if child in inv.groups:
                inv.add_child(group, child, loc)
            elif child in pending:
                pending[child].setdefault("parents", []).append(group)
            else:
                pending[child] = {"state": "children", "loc": loc, "parents": [group]}
    for name, decl in pending.items():
        if decl["state"] == "vars":
            raise ParseError(f"section [{name}:vars] is for group {name!r}, which is never defined",
                             location=decl["loc"])
        raise ParseError(f"section [{decl['parents'][-1]}:children] names group {name!r}, which is never defined",
                         location=decl["loc"])


def _resolve_pending(inv: Inventory, group: str, pending: dict[str, dict[str, Any]]) -> None:
    decl = pending.pop(group)
    for parent in decl.get("parents", []):
        inv.add_child(parent, group, decl["loc"])
        if parent in pending and pending[parent]["state"] == "children":
            _resolve_pending(inv, parent, pending)


def set_group_var(inv: Inventory, group: str, key: str, value: Any, loc: Location) -> None:
    """An inline group variable (INI or YAML); ansible_group_priority sets the priority instead."""
    g = inv.groups[group]
    if key == "ansible_group_priority":  # Ansible keeps it out of the vars
        try:
            g.priority = int(value)
        except (TypeError, ValueError):
            raise ParseError(f"ansible_group_priority must be an integer, got {value!r}", location=loc) from None
        return
    hashmerge.update(g.vars, {key: value}, hashmerge.merging())  # a group in two sources, as for hosts
    g.var_locs[key] = loc


def _host_line(inv: Inventory, line: str, group: str, loc: Location, path: str) -> None:
    try:
        tokens = shlex.split(line, comments=True)
    except ValueError as exc:
        raise ParseError(f"cannot parse host line {line!r}: {exc}", location=loc) from None
    if not tokens:
        return
    pattern, port = split_port(tokens[0])
    if pattern.endswith(":") and port is None:
        raise ParseError(f"invalid host {tokens[0]!r}: ending in ':' (reserved for a port)", location=loc)
    try:
        names = expand_hosts(pattern)
    except RangeError as exc:
        raise ParseError(str(exc), location=loc) from None
    if "---" in names:
        raise ParseError("invalid host '---' (is this a YAML file with an .ini-like name?)", location=loc)
    variables: dict[str, Any] = {}
    for tok in tokens[1:]:
        key, eq, value = tok.partition("=")
        if not eq:
            raise ParseError(f"expected key=value host variable, got {tok!r}", location=loc)
        variables[key] = parse_value(value)
    for name in names:
        host = inv.add_host(name, group, port, source=path, loc=loc)
        for key, value in variables.items():
            host.set_var(key, value, loc)
