"""docker_volume: present / absent; ``recreate: options-changed`` recreates on a driver/option/label change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from orch.docker.daemon import daemon_for
from orch.docker.modules.common import docker_errors, not_found
from orch.errors import HostFailure

if TYPE_CHECKING:
    from orch.engine.step import StepContext


def docker_volume(step: "StepContext", args: dict) -> dict:
    name = str(args.get("volume_name") or args.get("name") or "")
    if not name:
        raise HostFailure("docker_volume needs 'volume_name'")
    daemon = daemon_for(step, args)
    plan, client = daemon.plan, daemon.client
    with docker_errors(f"volume {name}"):
        if plan is not None and name in plan.volumes:
            current = plan.volumes[name]
        else:
            info = not_found(client.inspect_volume, name)
            current = None if info is None else {"driver": info.get("Driver"), "labels": info.get("Labels") or {},
                                                 "options": info.get("Options") or {}}
        if str(args.get("state") or "present") == "absent":
            if current is None:
                return {"changed": False, "volume": {}, "actions": []}
            if plan is not None:
                plan.volumes[name] = None
            else:
                client.remove_volume(name)
            return {"changed": True, "volume": {}, "actions": [f"Removed volume {name}"]}
        wanted = {"driver": args.get("driver") or "local",
                  "labels": {str(k): str(v) for k, v in (args.get("labels") or {}).items()},
                  "options": {str(k): str(v) for k, v in (args.get("driver_options") or {}).items()}}
        mode = str(args.get("recreate") or "never")
        differ = [] if current is None else [k for k in wanted if wanted[k] != current.get(k)]
        if current is not None and not (mode == "always" or (mode == "options-changed" and differ)):
            return {"changed": False, "volume": _inspect(client, name, plan), "actions": [], "differences": differ}
        actions = ([f"Removed volume {name}"] if current is not None else []) + [f"Created volume {name}"]
        if plan is not None:
            plan.volumes[name] = wanted
            return {"changed": True, "volume": {}, "actions": actions, "differences": differ}
        if current is not None:
            client.remove_volume(name)
        client.create_volume(name, driver=wanted["driver"], driver_opts=wanted["options"] or None,
                             labels=wanted["labels"] or None)
        return {"changed": True, "volume": client.inspect_volume(name), "actions": actions, "differences": differ}


def _inspect(client, name: str, plan) -> dict:
    return {} if plan is not None and name in plan.volumes else (not_found(client.inspect_volume, name) or {})
