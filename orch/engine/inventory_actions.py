"""group_by and add_host: tasks that change the run's in-memory inventory, as Ansible's do.

Both run on the controller. ``group_by`` puts the current host in the group named by ``key``
(spaces become dashes, as in Ansible) under ``parents``. ``add_host`` adds or updates a host,
with groups and vars, for the plays that follow; like Ansible's it runs once per play, not
once per host (loop over it for several hosts). Afterwards the host's ``group_names``,
``groups`` and group vars (``group_vars/<group>.yml``) follow the new membership.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from orch.errors import OrchError
from orch.inventory.patterns import implicit_localhost
from orch.inventory.vars import refresh_host

if TYPE_CHECKING:
    from orch.engine.step import StepContext
    from orch.inventory.model import Host, Inventory

_NAME_KEYS = ("name", "hostname", "host")
_GROUP_KEYS = ("groups", "group", "groupname")


def _names(value: Any) -> list[str]:
    items = value.split(",") if isinstance(value, str) else [str(v) for v in value or []]
    return [item.strip() for item in items if item.strip()]


def _take(args: dict, aliases: tuple[str, ...]) -> Any:
    """The first value set under one of an option's aliases; every alias is taken out of ``args``."""
    values = [args.pop(alias, None) for alias in aliases]
    return next((value for value in values if value), None)


def _join(inv: "Inventory", host: "Host", group_name: str, parents: list[str]) -> bool:
    """Put ``host`` in the group (made if new, under ``parents``); True when it was not in it yet."""
    group = inv.add_group(group_name)
    for parent in parents:
        if parent != group_name:
            inv.add_group(parent)
            inv.add_child(parent, group_name)
    if host.name in group.member_names:
        return False
    inv.add_host_to_group(group, host)
    return True


def _settle(step: "StepContext", inv: "Inventory", host: "Host") -> None:
    """Ansible's post-change rules (orphans under all, ungrouped), then the host's vars anew."""
    inv.reconcile()
    refresh_host(inv, host)
    state = step.worker.run.pb.states.get(host.name)
    if state is not None:
        state.inventory_vars = dict(host.vars)
        state.group_names = list(host.group_names)


def group_by(step: "StepContext", args: dict) -> dict:
    key = str(args.get("key") or "").strip().replace(" ", "-")
    if not key:
        raise OrchError("group_by needs a 'key'")
    parents = _names(args.get("parents")) or ["all"]
    inv = step.worker.run.pb.inventory
    with inv.lock:
        host = inv.hosts.get(step.host_name) or implicit_localhost(inv, step.host_name)  # a play of localhost alone
        changed = _join(inv, host, key, parents)
        _settle(step, inv, host)
    return {"changed": changed, "add_group": key, "parent_groups": parents}


def _split_port(name: str) -> tuple[str, int | None]:
    """``host:2222`` and ``[::1]:2222`` carry a port; a bare IPv6 address does not."""
    if name.startswith("[") and "]:" in name:
        address, _, port = name[1:].partition("]:")
    elif name.count(":") == 1:
        address, _, port = name.partition(":")
    else:
        return name, None
    if not port.isdigit():
        raise OrchError(f"add_host: bad port in {name!r}")
    return address, int(port)


def add_host(step: "StepContext", args: dict) -> dict:
    rest = dict(args)
    rest.pop("_raw_params", None)
    name = _take(rest, _NAME_KEYS)
    if not name:
        raise OrchError("add_host needs a 'name'")
    groups = _names(_take(rest, _GROUP_KEYS))
    name, port = _split_port(str(name).strip())
    if port is not None:
        rest["ansible_ssh_port"] = port  # the name Ansible's add_host sets
    inv = step.worker.run.pb.inventory
    with inv.lock:
        changed = name not in inv.hosts
        host = inv.add_host(name, source="add_host")
        for key, value in rest.items():
            if key not in host.inline_vars or host.inline_vars[key] != value:
                host.set_var(key, value)
                changed = True
        for group in groups:
            changed = _join(inv, host, group, []) or changed
        _settle(step, inv, host)
    return {"changed": changed, "add_host": {"host_name": name, "groups": groups, "host_vars": rest}}
