"""Inventory variable precedence: the one place it is written down.

For a host, variables are merged from these layers, lowest first (later wins; a
variable is replaced whole, as with Ansible's default ``hash_behaviour=replace``):

 1. inline vars of group ``all``          (``[all:vars]``, ``all: vars:`` in YAML)
 2. inline vars of the host's other groups, ordered by (depth, ansible_group_priority,
    name): parents before children, then lower priority first, then alphabetical.
    ``ungrouped`` counts as a group of depth 1.
 3. ``group_vars/all``   next to each inventory source, in source order
 4. ``group_vars/all``   in each extra vars dir (the playbook's dir), in order
 5. ``group_vars/<g>``   next to each inventory source: source by source, and inside
    one source the groups in the order of layer 2
 6. ``group_vars/<g>``   in each extra vars dir, likewise
 7. inline vars of the host  (``host k=v`` in INI, ``hosts: {h: {k: v}}`` in YAML)
 8. ``host_vars/<host>`` next to each inventory source, in source order
 9. ``host_vars/<host>`` in each extra vars dir

This is Ansible's order for these sources (VARIABLE_PRECEDENCE default:
all_inventory, groups_inventory, all_plugins_inventory, all_plugins_play,
groups_plugins_inventory, groups_plugins_play; then host, host_vars inventory, play).
``ansible_group_priority`` is honoured only when set inline in an inventory file (as in
Ansible; in a group_vars file it is an ordinary variable).

A vars "file" ``NAME`` is the first that exists of ``NAME`` (a file, or a folder whose
files — ``.yml``/``.yaml``/``.json`` or no extension, recursively, sorted, hidden and
``~`` files skipped — are merged in order), ``NAME.yml``, ``NAME.yaml``, ``NAME.json``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from orch import hashmerge, yamlsrc
from orch.errors import Location, ParseError
from orch.inventory.model import Group, Host, Inventory

VARS_EXTENSIONS = (".yml", ".yaml", ".json")


@dataclass
class VarLayer:
    kind: str  # "group all (inventory)", "group_vars/web", "host_vars/h1", ...
    file: str
    vars: dict[str, Any]
    locs: dict[str, Location] = field(default_factory=dict)

    def source_of(self, name: str) -> str:
        loc = self.locs.get(name)
        return f"{loc or self.file} ({self.kind})"


@dataclass
class VarExplanation:
    name: str
    value: Any
    source: str
    overridden: list[tuple[str, Any]]  # lower-precedence (source, value), highest first


class VarsDirs:
    """group_vars/host_vars lookups with each directory listed and each file read once."""

    def __init__(self, inventory_dirs: Iterable[Path], extra_dirs: Iterable[Path]) -> None:
        self.inventory_dirs = _dedupe_keep_last([Path(d) for d in inventory_dirs])
        self.extra_dirs = _dedupe_keep_last([Path(d) for d in extra_dirs])
        self._listings: dict[Path, dict[str, bool]] = {}
        self._files: dict[Path, tuple[dict[str, Any], dict[str, Location]]] = {}

    def _listing(self, d: Path) -> dict[str, bool]:
        cached = self._listings.get(d)
        if cached is None:
            cached = {}
            try:
                with os.scandir(d) as it:
                    for e in it:
                        cached[e.name] = e.is_dir()
            except (FileNotFoundError, NotADirectoryError):
                pass
            except OSError as exc:
                raise ParseError(f"cannot list directory: {exc.strerror}", location=Location(str(d))) from None
            self._listings[d] = cached
        return cached

    def layers(self, base: Path, subdir: str, name: str, kind: str) -> list[VarLayer]:
        d = base / subdir
        listing = self._listing(d)
        for ext in ("",) + VARS_EXTENSIONS:
            entry = name + ext
            if entry in listing:
                paths = self._walk(d / entry) if listing[entry] else [d / entry]
                out = []
                for p in paths:
                    data, locs = self._read(p)
                    if data:
                        out.append(VarLayer(kind, str(p), data, locs))
                return out
        return []

    def _walk(self, d: Path) -> list[Path]:
        out: list[Path] = []
        for name in sorted(self._listing(d)):
            if name.startswith(".") or name.endswith("~"):
                continue
            ext = os.path.splitext(name)[1]
            if self._listing(d)[name]:
                if not ext:
                    out.extend(self._walk(d / name))
            elif not ext or ext in VARS_EXTENSIONS:
                out.append(d / name)
        return out

    def _read(self, path: Path) -> tuple[dict[str, Any], dict[str, Location]]:
        cached = self._files.get(path)
        if cached is None:
            data = yamlsrc.load_file(path)
            if data is None:
                data = {}
            if not isinstance(data, dict):
                raise ParseError("a vars file must hold a mapping of variable names to values",
                                 location=yamlsrc.location_of(data, Location(str(path))))
            locs = {k: loc for k in data if (loc := yamlsrc.location_of(k))}
            cached = self._files[path] = (data, locs)
        return cached


def _dedupe_keep_last(items: list[Path]) -> list[Path]:
    # merging the same dir twice changes nothing but its position: the last one counts
    seen: set[Path] = set()
    out = []
    for p in reversed(items):
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out[::-1]


def sort_groups(groups: Iterable[Group]) -> list[Group]:
    return sorted(groups, key=lambda g: (g.depth, g.priority, g.name))


def host_layers(inv: Inventory, host: Host, vd: VarsDirs) -> list[VarLayer]:
    """The layers of the module docstring for one host, lowest precedence first."""
    all_g = inv.groups["all"]
    groups = sort_groups(g for g in host.groups if g is not all_g)
    out: list[VarLayer] = []
    if all_g.vars:
        out.append(_inline(all_g.vars, all_g.var_locs, "inventory vars of group all"))
    for g in groups:
        if g.vars:
            out.append(_inline(g.vars, g.var_locs, f"inventory vars of group {g.name}"))
    for dirs, where in ((vd.inventory_dirs, "inventory"), (vd.extra_dirs, "playbook")):
        for base in dirs:
            out.extend(vd.layers(base, "group_vars", "all", f"{where} group_vars/all"))
    for dirs, where in ((vd.inventory_dirs, "inventory"), (vd.extra_dirs, "playbook")):
        for base in dirs:
            for g in groups:
                out.extend(vd.layers(base, "group_vars", g.name, f"{where} group_vars/{g.name}"))
    if host.inline_vars:
        out.append(_inline(host.inline_vars, host.var_locs, f"inventory vars of host {host.name}"))
    for dirs, where in ((vd.inventory_dirs, "inventory"), (vd.extra_dirs, "playbook")):
        for base in dirs:
            out.extend(vd.layers(base, "host_vars", host.name, f"{where} host_vars/{host.name}"))
    return out


def _inline(values: dict[str, Any], locs: dict[str, Location], kind: str) -> VarLayer:
    first = next(iter(locs.values()), None)
    return VarLayer(kind, first.file if first else "<inventory>", values, locs)


def merge(layers: list[VarLayer]) -> dict[str, Any]:
    merge_hashes = hashmerge.merging()
    out: dict[str, Any] = {}
    for layer in layers:
        hashmerge.update(out, layer.vars, merge_hashes)
    return out


def resolve(inv: Inventory, vd: VarsDirs) -> None:
    """Set ``host.vars`` of every host; keep ``vd`` for later explanations."""
    inv._vars_dirs = vd
    for host in inv.hosts.values():
        host.vars = merge(host_layers(inv, host, vd))


def refresh_host(inv: Inventory, host: Host) -> None:
    """Recompute one host's vars after its groups or own vars changed (group_by, add_host)."""
    vd = inv._vars_dirs or VarsDirs([], [])
    host.vars = merge(host_layers(inv, host, vd))


def explain_host(inv: Inventory, host_name: str) -> list[VarExplanation]:
    host = inv.hosts.get(host_name)
    if host is None:
        from orch.errors import UsageError

        raise UsageError(f"no host named {host_name!r} in the inventory")
    history: dict[str, list[tuple[str, Any]]] = {}
    for layer in host_layers(inv, host, inv._vars_dirs):
        for k, v in layer.vars.items():
            history.setdefault(k, []).append((layer.source_of(k), v))
    out = []
    for name in sorted(history):
        chain = history[name]
        src, value = chain[-1]
        out.append(VarExplanation(name, value, src, chain[-2::-1]))
    return out
