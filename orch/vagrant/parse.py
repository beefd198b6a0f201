"""Parse what Vagrant prints, and the groups of a project (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from orch.errors import Location, ParseError


@dataclass
class MachineStatus:
    name: str
    state: str = "unknown"
    provider: str = ""


def parse_status(text: str) -> dict[str, MachineStatus]:
    """``vagrant status --machine-readable``: ``timestamp,target,type,data...`` lines."""
    machines: dict[str, MachineStatus] = {}
    for line in text.splitlines():
        fields = line.split(",", 3)
        if len(fields) < 4 or not fields[1]:  # ui lines and experimental banners have no target
            continue
        _, target, kind, data = fields
        if kind not in ("state", "provider-name", "metadata"):
            continue
        machine = machines.setdefault(target, MachineStatus(target))
        if kind == "state":
            machine.state = data
        elif kind == "provider-name":
            machine.provider = data
        elif data.startswith("provider,") and not machine.provider:
            machine.provider = data.partition(",")[2]
    return machines


@dataclass
class SshEntry:
    name: str
    options: dict[str, str] = field(default_factory=dict)  # lower-cased keys, first value wins
    identity_files: list[str] = field(default_factory=list)

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.options.get(key.lower(), default)


def parse_ssh_config(text: str) -> dict[str, SshEntry]:
    """``vagrant ssh-config``: ``Host NAME`` blocks of ``Key value`` lines."""
    entries: dict[str, SshEntry] = {}
    current: SshEntry | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition(" ")
        value = value.strip().strip('"')
        if key.lower() == "host":
            current = entries.setdefault(value, SshEntry(value))
        elif current is not None:
            if key.lower() == "identityfile":
                current.identity_files.append(value)
            current.options.setdefault(key.lower(), value)
    return entries


def groups_inventory(groups: Any, machines: list[str], origin: str) -> dict[str, dict[str, Any]]:
    """Vagrant's ``ansible.groups`` shape -> YAML-inventory groups (hosts/children/vars).

    ``GROUP: [machines]``, ``"GROUP:children": [groups]``, ``"GROUP:vars": {k: v}``.
    Machines the project does not define are left out, as Vagrant's Ansible provisioner does.
    """
    if groups is None:
        return {}
    if not isinstance(groups, dict):
        raise ParseError("'groups' must be a mapping of group names", location=Location(origin))
    out: dict[str, dict[str, Any]] = {}
    for key, value in groups.items():
        name, _, suffix = str(key).partition(":")
        body = out.setdefault(name, {})
        if suffix == "vars":
            if not isinstance(value, dict):
                raise ParseError(f"groups: {key!r} must be a mapping of variables", location=Location(origin))
            body.setdefault("vars", {}).update(value)
        elif suffix in ("", "children"):
            members = [value] if isinstance(value, str) else value
            if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
                raise ParseError(f"groups: {key!r} must be a list of names", location=Location(origin))
            if suffix == "children":
                body.setdefault("children", {}).update({m: {} for m in members})
            else:
                body.setdefault("hosts", {}).update({m: None for m in members if m in machines})
        else:
            raise ParseError(f"groups: {key!r}: only GROUP, GROUP:children and GROUP:vars are known",
                             location=Location(origin))
    return out
