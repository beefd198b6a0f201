"""Hosts, groups and the inventory that holds them, shaped as Ansible shapes them.

Ansible's rules this model keeps (checked against ansible-core 2.19):
- two implicit groups exist from the start, ``all`` then ``ungrouped`` (a child of all);
- after every source is read, each group without a parent becomes a child of ``all``,
  and each host that belongs to no group but ``all``/``ungrouped`` is put in ``ungrouped``
  (and taken out of it when it is in a real group);
- a group's *depth* is the longest path from ``all`` (all = 0); it orders group vars.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from orch import hashmerge
from orch.errors import Location, ParseError


@dataclass(eq=False)
class Group:
    name: str
    vars: dict[str, Any] = field(default_factory=dict)  # inline vars (ini/yaml), not group_vars files
    hosts: list["Host"] = field(default_factory=list)  # direct members, definition order
    children: list["Group"] = field(default_factory=list)
    parents: list["Group"] = field(default_factory=list)
    priority: int = 1  # ansible_group_priority
    depth: int = 0
    var_locs: dict[str, Location] = field(default_factory=dict)
    member_names: set[str] = field(default_factory=set, repr=False)  # O(1) membership for big groups

    def __repr__(self) -> str:
        return f"Group({self.name!r})"

    def ancestors(self) -> list["Group"]:
        seen: dict[str, Group] = {}
        todo = list(self.parents)
        while todo:
            g = todo.pop(0)
            if g.name not in seen:
                seen[g.name] = g
                todo.extend(g.parents)
        return list(seen.values())

    def descendants_ordered(self) -> list["Group"]:
        """Self, then children level by level (Ansible's order for a group's hosts)."""
        ordered = [self]
        seen = {id(self)}
        level = [self]
        while level:
            nxt = []
            for g in level:
                for c in g.children:
                    if id(c) not in seen:
                        seen.add(id(c))
                        ordered.append(c)
                        nxt.append(c)
            level = nxt
        return ordered

    def all_hosts(self) -> list["Host"]:
        """Hosts of this group and of its descendants, no duplicates, Ansible's order."""
        out: list[Host] = []
        seen: set[str] = set()
        for g in self.descendants_ordered():
            for h in g.hosts:
                if h.name not in seen:
                    seen.add(h.name)
                    out.append(h)
        return out


@dataclass(eq=False)
class Host:
    name: str
    inline_vars: dict[str, Any] = field(default_factory=dict)  # vars set on the host in inventory files
    groups: list[Group] = field(default_factory=list)  # direct groups and their ancestors, ordered
    vars: dict[str, Any] = field(default_factory=dict)  # merged by precedence; set by load_inventory
    var_locs: dict[str, Location] = field(default_factory=dict)
    source: str | None = None  # the inventory source that first defined it
    implicit: bool = False

    def __repr__(self) -> str:
        return f"Host({self.name!r})"

    @property
    def group_names(self) -> list[str]:
        """As Ansible's ``group_names``: sorted, without ``all`` (``ungrouped`` stays)."""
        return sorted(g.name for g in self.groups if g.name != "all")

    def set_var(self, key: str, value: Any, loc: Location | None = None) -> None:
        # a host in two inventory sources: its mappings merge under hash_behaviour=merge
        hashmerge.update(self.inline_vars, {key: value}, hashmerge.merging())
        if loc:
            self.var_locs[key] = loc


class Inventory:
    """Hosts and groups in definition order. Loaders mutate it through the add_* methods."""

    def __init__(self) -> None:
        self.hosts: dict[str, Host] = {}
        self.groups: dict[str, Group] = {}
        self.sources: list[str] = []
        self.warnings: list[str] = []
        self._vars_dirs: Any = None  # set by orch.inventory.vars.resolve
        self.version = 0  # bumped by every change of membership: lets readers cache what they derive
        self.lock = threading.RLock()  # a run's group_by/add_host change it while hosts read it
        self._group_members: tuple[int, dict[str, list[str]]] | None = None
        self.add_group("all")
        self.add_group("ungrouped")
        self.add_child("all", "ungrouped")

    # -- building ---------------------------------------------------------------------
    def add_group(self, name: str) -> Group:
        group = self.groups.get(name)
        if group is None:
            group = self.groups[name] = Group(name)
            self.version += 1
        return group

    def add_host(self, name: str, group: str | None = None, port: int | None = None,
                 source: str | None = None, loc: Location | None = None) -> Host:
        host = self.hosts.get(name)
        if host is None:
            host = self.hosts[name] = Host(name, source=source)
            self.version += 1
            if port is not None:  # like Ansible: only the first definition's port counts
                host.set_var("ansible_port", port, loc)
        if group is not None:
            self.add_host_to_group(self.groups[group], host)
        return host

    def add_host_to_group(self, group: Group, host: Host) -> None:
        if host.name in group.member_names:
            return
        group.hosts.append(host)
        group.member_names.add(host.name)
        self.version += 1
        for g in [*group.ancestors(), group]:
            if g not in host.groups:
                host.groups.append(g)

    def add_child(self, parent_name: str, child_name: str, loc: Location | None = None) -> None:
        parent, child = self.groups[parent_name], self.groups[child_name]
        if parent is child:
            raise ParseError(f"group {child_name!r} cannot be a child of itself", location=loc)
        if child in parent.children:
            return
        if child is parent or child in parent.ancestors():
            raise ParseError(
                f"adding group {child_name!r} as child to {parent_name!r} creates a dependency loop",
                location=loc)
        parent.children.append(child)
        self.version += 1
        if not any(p.name == parent.name for p in child.parents):
            child.parents.append(parent)
        # hosts below the child now also belong to the parent's line
        new = [parent, *parent.ancestors()]
        for h in child.all_hosts():
            for g in new:
                if g not in h.groups:
                    h.groups.append(g)

    def reconcile(self) -> None:
        """Ansible's post-parse rules: orphans under all, ungrouped hosts, depths."""
        self.version += 1
        all_g, ungrouped = self.groups["all"], self.groups["ungrouped"]
        for g in list(self.groups.values()):
            if g is not all_g and not g.parents:
                self.add_child("all", g.name)
        for h in self.hosts.values():
            real = [g for g in h.groups if g is not all_g and g is not ungrouped]
            if ungrouped in h.groups:
                if real:
                    ungrouped.hosts = [x for x in ungrouped.hosts if x is not h]
                    ungrouped.member_names.discard(h.name)
                    h.groups.remove(ungrouped)
            elif not real:
                self.add_host_to_group(ungrouped, h)
            if all_g not in h.groups:
                h.groups.insert(0, all_g)
        self._compute_depths()

    def _compute_depths(self) -> None:
        memo: dict[str, int] = {"all": 0}

        def depth(g: Group) -> int:
            if g.name not in memo:
                memo[g.name] = 1 + max((depth(p) for p in g.parents), default=-1)
            return memo[g.name]

        for g in self.groups.values():
            g.depth = depth(g)

    # -- querying -----------------------------------------------------------------------
    def select(self, pattern: str, limit: str | None = None) -> list[Host]:
        """Hosts matching an Ansible host pattern (and --limit), inventory order."""
        from orch.inventory.patterns import select_hosts

        return select_hosts(self, pattern, limit)

    def group_members(self) -> dict[str, list[str]]:
        """Every group's host names (the ``groups`` magic variable), computed once per change."""
        with self.lock:
            cached = self._group_members
            if cached is None or cached[0] != self.version:
                members = {name: [h.name for h in self.select(name)] for name in self.groups}
                cached = self._group_members = (self.version, members)
            return cached[1]

    def explain(self, host_name: str) -> list[Any]:
        """Per variable of the host: value, winning source, overridden (source, value)s."""
        from orch.inventory.vars import explain_host

        return explain_host(self, host_name)

    def to_ansible_list(self) -> dict[str, Any]:
        """The structure ``ansible-inventory --list`` prints."""
        available = {h.name for h in self.groups["all"].all_hosts()}
        out: dict[str, Any] = {}
        seen: set[str] = set()

        def fmt(g: Group) -> None:
            entry: dict[str, Any] = {}
            if g.name != "all":
                hosts = [h.name for h in g.hosts if h.name in available]
                if hosts:
                    entry["hosts"] = hosts
            if g.children:
                entry["children"] = [c.name for c in g.children]
            if entry:
                out[g.name] = entry
            for c in g.children:
                if c.name not in seen:
                    seen.add(c.name)
                    fmt(c)

        fmt(self.groups["all"])
        hostvars = {h.name: dict(h.vars) for h in self.groups["all"].all_hosts() if h.vars}
        out["_meta"] = {"hostvars": hostvars, "profile": "inventory_legacy"}
        return out
