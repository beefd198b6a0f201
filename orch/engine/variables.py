"""Variables of a host at a task, in Ansible's precedence order (lowest first).

1. role defaults               6. block and task vars (and role params)
2. inventory vars (incl. group_vars/host_vars next to inventory and playbook)
3. facts (``ansible_facts`` and ``ansible_*``)
4. play vars, then vars_files  7. include_vars
5. role vars                   8. set_fact and registered results
                               9. extra vars (``-e``), which always win
Magic variables (``inventory_hostname``, ``hostvars``, ``groups``, ...) are
set last and cannot be overridden, as in Ansible.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from orch import hashmerge


class HostVars(Mapping):
    """``hostvars``: every host's variables, computed when asked for."""

    def __init__(self, lookup) -> None:
        self._lookup = lookup  # name -> dict or None

    def __getitem__(self, name: str) -> Any:
        found = self._lookup(name)
        if found is None:
            raise KeyError(name)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._lookup.names())

    def __len__(self) -> int:
        return len(self._lookup.names())


class HostVarsVars(Mapping):
    """One host's variables in ``hostvars``: each templated with that host's own variables when read."""

    def __init__(self, variables: dict[str, Any], templar) -> None:
        self._vars = variables
        self._templar = templar
        self._done: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key not in self._done:
            self._done[key] = self._templar.template(self._vars[key], self._vars)
        return self._done[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._vars)

    def __len__(self) -> int:
        return len(self._vars)


class DelegatedVars(Mapping):
    """``ansible_delegated_vars`` of a delegated task: ``{host: its variables}``, found when first read."""

    def __init__(self, host: Callable[[], str], host_vars: Callable[[str], Mapping[str, Any]]) -> None:
        self._host = host
        self._host_vars = host_vars
        self._found: dict[str, Mapping[str, Any]] | None = None

    def _mapping(self) -> dict[str, Mapping[str, Any]]:
        if self._found is None:
            name = str(self._host())
            self._found = {name: self._host_vars(name)}
        return self._found

    def __getitem__(self, key: str) -> Any:
        return self._mapping()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._mapping())

    def __len__(self) -> int:
        return len(self._mapping())


def merge_layers(*layers: Mapping[str, Any] | None) -> dict[str, Any]:
    """The layers, later ones winning; mappings merge instead under ``hash_behaviour=merge``."""
    merge = hashmerge.merging()
    merged: dict[str, Any] = {}
    for layer in layers:
        if layer:
            hashmerge.update(merged, layer, merge)
    return merged
