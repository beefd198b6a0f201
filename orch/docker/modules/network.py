"""docker_network: present / absent; recreated when driver, options, IPAM or labels differ."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from orch.docker.daemon import daemon_for
from orch.docker.modules.common import docker_errors, flag, not_found
from orch.errors import HostFailure

if TYPE_CHECKING:
    from orch.engine.step import StepContext


def _wanted(args: dict) -> dict[str, Any]:
    ipam = [{k: str(v) for k, v in entry.items() if k in ("subnet", "gateway", "iprange") and v}
            for entry in args.get("ipam_config") or []]
    return {"driver": args.get("driver") or "bridge",
            "internal": flag(args.get("internal")) if args.get("internal") is not None else None,
            "labels": {str(k): str(v) for k, v in (args.get("labels") or {}).items()} if args.get("labels") is not None else None,
            "options": {str(k): str(v) for k, v in (args.get("driver_options") or {}).items()} or None,
            "ipam": sorted(ipam, key=str) or None}


def _current(info: dict) -> dict[str, Any]:
    ipam = [{k.lower().replace("iprange", "iprange"): v for k, v in
             {"subnet": c.get("Subnet"), "gateway": c.get("Gateway"), "iprange": c.get("IPRange")}.items() if v}
            for c in ((info.get("IPAM") or {}).get("Config") or [])]
    return {"driver": info.get("Driver"), "internal": bool(info.get("Internal")), "labels": info.get("Labels") or {},
            "options": info.get("Options") or {}, "ipam": sorted(ipam, key=str)}


def docker_network(step: "StepContext", args: dict) -> dict:
    name = str(args.get("name") or "")
    if not name:
        raise HostFailure("docker_network needs 'name'")
    daemon = daemon_for(step, args)
    plan, client = daemon.plan, daemon.client
    with docker_errors(f"network {name}"):
        if plan is not None and name in plan.networks:
            current = plan.networks[name]
            info = None
        else:
            info = not_found(client.inspect_network, name)
            current = _current(info) if info is not None else None
        if str(args.get("state") or "present") == "absent":
            if current is None:
                return {"changed": False, "network": {}, "actions": []}
            _remove(daemon, name, info, args, plan)
            return {"changed": True, "network": {}, "actions": [f"Removed network {name}"]}
        wanted = _wanted(args)
        differ = [] if current is None else [k for k, v in wanted.items() if v is not None and v != current.get(k)]
        if current is not None and not differ and not flag(args.get("force")):
            return {"changed": False, "network": info or {}, "actions": []}
        actions = [f"Removed network {name}"] if current is not None else []
        actions.append(f"Created network {name}")
        diff = {"before": {k: current.get(k) for k in differ}, "after": {k: wanted[k] for k in differ}} \
            if current is not None else {"before": {"exists": False}, "after": {"exists": True}}
        if plan is not None:
            plan.networks[name] = {k: v for k, v in wanted.items() if v is not None}
            return {"changed": True, "network": {}, "actions": actions, "diff": diff, "differences": differ}
        if current is not None:
            _remove(daemon, name, info, args, None)
        ipam = None
        if wanted["ipam"]:
            import docker.types

            ipam = docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(
                subnet=c.get("subnet"), gateway=c.get("gateway"), iprange=c.get("iprange")) for c in wanted["ipam"]])
        client.create_network(name, driver=wanted["driver"], options=wanted["options"], ipam=ipam,
                              internal=bool(wanted["internal"]), labels=wanted["labels"],
                              attachable=flag(args.get("attachable")) or None,
                              enable_ipv6=flag(args.get("enable_ipv6")) or None)
        return {"changed": True, "network": client.inspect_network(name), "actions": actions, "diff": diff,
                "differences": differ}


def _remove(daemon, name: str, info: dict | None, args: dict, plan) -> None:
    if plan is not None:
        plan.networks[name] = None
        return
    attached = sorted(c.get("Name", cid) for cid, c in ((info or {}).get("Containers") or {}).items())
    if attached and not flag(args.get("force")):
        raise HostFailure(f"network {name} must be recreated but containers use it: {', '.join(attached)} "
                          "(force: true disconnects them)")
    for container in attached:
        daemon.client.disconnect_container_from_network(container, name, force=True)
    daemon.client.remove_network(name)
