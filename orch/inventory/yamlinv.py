"""Ansible's YAML inventory format (also JSON files of the same shape).

Top-level keys are groups (usually just ``all``); each group is null or a mapping of
``hosts`` / ``children`` / ``vars``. Host keys may hold ranges; host values are null
or a mapping of vars. Where Ansible only warns (a group that is not a mapping, an
unknown key) we warn too; where it fails, we fail with file:line.
"""

from __future__ import annotations

from typing import Any

from orch.errors import Location, ParseError
from orch.inventory.ini import set_group_var
from orch.inventory.model import Inventory
from orch.inventory.ranges import RangeError, expand_hosts, split_port
from orch.yamlsrc import location_of

_SECTIONS = ("vars", "children", "hosts")


def _kind(value: Any) -> str:
    for t, word in ((dict, "mapping"), (list, "list"), (str, "string"), (bool, "boolean"), (int, "number"),
                    (float, "number")):
        if isinstance(value, t):
            return word
    return "null" if value is None else type(value).__name__


def load_yaml_inventory(inv: Inventory, data: Any, path: str) -> None:
    here = Location(path, 1)
    if not data:  # Ansible ends up accepting an empty file (its INI loader takes it)
        return
    if not isinstance(data, dict):
        raise ParseError(f"a YAML inventory must be a mapping of groups, got a {_kind(data)}",
                         location=location_of(data, here))
    for name, body in data.items():
        _group(inv, name, body, path, location_of(data, here))


def _group(inv: Inventory, name: Any, body: Any, path: str, parent_loc: Location) -> str | None:
    loc = location_of(name, None) or location_of(body, parent_loc)
    if not isinstance(name, str) or not name:
        raise ParseError(f"group name must be a non-empty string, got {name!r}", location=loc)
    if body is not None and not isinstance(body, dict):
        inv.warnings.append(f"{loc}: skipping {name!r}: not a valid group definition (a {_kind(body)})")
        return None
    inv.add_group(name)
    if body is None:
        return name
    for section in _SECTIONS:
        if section in body:
            value = body[section]
            if isinstance(value, str):  # Ansible accepts `hosts: web1` for a single entry
                body[section] = {value: None}
            elif value is not None and not isinstance(value, dict):
                raise ParseError(f"{section!r} of group {name!r} must be a mapping, got a {_kind(value)}",
                                 location=location_of(value, loc))
    for key, value in body.items():
        if value is None:
            continue
        if key == "vars":
            for var, v in value.items():
                vloc = location_of(var, None) or location_of(v, None) or location_of(value, loc)
                set_group_var(inv, name, var, v, vloc)
        elif key == "children":
            for child, child_body in value.items():
                child_name = _group(inv, child, child_body, path, location_of(value, loc))
                if child_name is not None:
                    inv.add_child(name, child_name, location_of(child, location_of(value, loc)))
                elif isinstance(child, str) and child in inv.groups:
                    inv.add_child(name, child, location_of(child, loc))
        elif key == "hosts":
            for pattern, hvars in value.items():
                _hosts(inv, name, pattern, hvars, path, location_of(value, loc))
        elif key in _SECTIONS:
            pass
        elif not isinstance(value, dict):
            inv.warnings.append(f"{loc}: skipping key {key!r} in group {name!r}: not a mapping")
        else:
            inv.warnings.append(f"{loc}: skipping unexpected key {key!r} in group {name!r}"
                                " (only vars, children and hosts are valid)")
    return name


def _hosts(inv: Inventory, group: str, pattern: Any, hvars: Any, path: str, loc: Location) -> None:
    hloc = location_of(pattern, None) or location_of(hvars, loc)
    if not isinstance(pattern, str):
        raise ParseError(f"host name {pattern!r} must be a string (quote numbers)", location=hloc)
    if hvars is None:
        hvars = {}
    if not isinstance(hvars, dict):
        raise ParseError(f"vars of host {pattern!r} must be a mapping, got a {_kind(hvars)}",
                         location=location_of(hvars, hloc))
    base, port = split_port(pattern)
    try:
        names = expand_hosts(base)
    except RangeError as exc:
        raise ParseError(str(exc), location=hloc) from None
    for hname in names:
        host = inv.add_host(hname, group, port, source=path, loc=hloc)
        for k, v in hvars.items():
            host.set_var(k, v, location_of(k, None) or location_of(v, hloc))
