"""docker_container: present / started / stopped / absent, recreated only when a field differs.

Arguments and return keys follow community.docker.docker_container (a documented subset,
see the README); ``container`` in the result is the container's inspect output.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from orch.docker.daemon import Daemon, daemon_for
from orch.docker.modules.common import docker_errors, flag, image_ref, not_found
from orch.docker.modules.container_spec import (differences, parse_port, planned_fields, running_fields,
                                                wanted_fields)
from orch.errors import HostFailure

if TYPE_CHECKING:
    from orch.engine.step import StepContext

PLANNED = "planned:"  # prefix of an image id a check-mode build would make


def _image(daemon: Daemon, args: dict) -> tuple[str | None, dict]:
    """The wanted image's id and config; planned images count in check mode."""
    if not args.get("image"):
        return None, {}
    ref = image_ref(args["image"])
    if daemon.plan is not None and ref in daemon.plan.images:
        planned = daemon.plan.images[ref]
        if planned is None:
            raise HostFailure(f"image {ref} would have been removed by an earlier step")
        return planned, {}
    info = not_found(daemon.client.inspect_image, ref)
    # Never an implicit pull (no registry is assumed): pull: true/always, or missing.
    pull = str(args.get("pull") if args.get("pull") is not None else "never").lower()
    always, missing = pull in ("true", "yes", "always"), pull == "missing"
    if info is not None and not always:
        return info["Id"], info.get("Config") or {}
    if info is None and not (always or missing):
        raise HostFailure(f"image {ref} is not on the daemon ({daemon.url}) and pull is not set "
                          "(build it with docker_image, or set pull: missing)")
    if daemon.plan is not None:
        return (info["Id"], info.get("Config") or {}) if info is not None else (PLANNED + ref, {})
    with docker_errors(f"pulling {ref}"):
        repository, tag = ref.rsplit(":", 1)
        daemon.client.pull(repository, tag=tag)
        info = daemon.client.inspect_image(ref)
    return info["Id"], info.get("Config") or {}


def _current(daemon: Daemon, name: str) -> tuple[dict | None, dict | None]:
    """(fields, inspect) of the container now, or as an earlier planned step left it."""
    if daemon.plan is not None and name in daemon.plan.containers:
        planned = daemon.plan.containers[name]
        return (planned, None) if planned is not None else (None, None)
    info = not_found(daemon.client.inspect_container, name)
    if info is None:
        return None, None
    fields = running_fields(info)
    fields["running"] = bool((info.get("State") or {}).get("Running"))
    return fields, info


def _create(daemon: Daemon, name: str, args: dict) -> None:
    client = daemon.client
    ports = [parse_port(p) for p in args.get("published_ports") or []]
    bindings: dict[str, list] = {}
    for container, ip, host_port in ports:
        binding = ((ip, int(host_port)) if host_port else (ip,)) if ip else (int(host_port) if host_port else None)
        bindings.setdefault(container, []).append(binding)
    binds = [str(v) for v in args.get("volumes") or [] if ":" in str(v)]
    networks = [n if isinstance(n, dict) else {"name": n} for n in args.get("networks") or []]
    mode = args.get("network_mode") or (networks[0]["name"] if networks else None)
    restart = args.get("restart_policy")
    host_config = client.create_host_config(
        port_bindings={int(c.split("/")[0]) if c.endswith("/tcp") else c: b[0] if len(b) == 1 else b
                       for c, b in bindings.items()} or None,
        binds=binds or None, network_mode=mode, privileged=flag(args.get("privileged")),
        init=flag(args.get("init")) if args.get("init") is not None else None,
        restart_policy={"Name": restart, "MaximumRetryCount": int(args.get("restart_retries") or 0)}
        if restart and restart != "no" else None)
    env = {str(k): str(v) for k, v in (args.get("env") or {}).items()}
    client.create_container(
        image_ref(args["image"]), command=args.get("command"), name=name, environment=env or None,
        labels={str(k): str(v) for k, v in (args.get("labels") or {}).items()} or None,
        entrypoint=args.get("entrypoint"), user=args.get("user"), working_dir=args.get("working_dir"),
        hostname=args.get("hostname"), ports=[(int(c.split("/")[0]), c.split("/")[1]) for c, _, _ in ports] or None,
        volumes=[str(v).split(":")[1] for v in binds] + [str(v) for v in args.get("volumes") or [] if ":" not in str(v)]
        or None, host_config=host_config)
    for extra in networks[1:] if not args.get("network_mode") else networks:
        client.connect_container_to_network(name, extra["name"], aliases=extra.get("aliases"),
                                            ipv4_address=extra.get("ipv4_address"))


def _remove(daemon: Daemon, name: str, args: dict) -> None:
    daemon.client.remove_container(name, force=True, v=not flag(args.get("keep_volumes"), True))


def docker_container(step: "StepContext", args: dict) -> dict:
    name = str(args.get("name") or "")
    if not name:
        raise HostFailure("docker_container needs 'name'")
    state = str(args.get("state") or "started")
    daemon = daemon_for(step, args)
    with docker_errors(f"container {name}"):
        current, _ = _current(daemon, name)
        actions: list[dict] = []
        diff: dict[str, Any] = {"before": {}, "after": {}}
        if state == "absent":
            if current is None:
                return {"changed": False, "container": {}, "actions": []}
            actions.append({"removed": name})
            if daemon.plan is not None:
                daemon.plan.containers[name] = None
            else:
                _remove(daemon, name, args)
            return {"changed": True, "container": {}, "actions": actions, "diff": {"before": {"exists": True},
                                                                                    "after": {"exists": False}}}
        if current is None and not args.get("image"):
            raise HostFailure(f"container {name} does not exist and no image is given to create it")
        image_id, image_config = _image(daemon, args)
        if not args.get("image") and current is not None:
            image_id = current.get("image")
        wanted = wanted_fields(args, image_id, image_config)
        differ = differences(wanted, current) if current is not None else []
        recreate = current is None or bool(differ) or flag(args.get("recreate"))
        was_running = bool(current and current.get("running"))
        if current is not None and recreate:
            actions.append({"recreated": name, "differences": differ or ["recreate requested"]})
            diff = {"before": {f: current.get(f) for f in differ}, "after": {f: wanted[f] for f in differ}}
        elif current is None:
            actions.append({"created": name})
            diff = {"before": {"exists": False}, "after": {"exists": True}}
        run_it = state == "started" or (state == "present" and recreate and was_running)
        restarted = False
        if state == "stopped" and was_running and not recreate:
            actions.append({"stopped": name})
        if run_it and (recreate or not was_running):
            actions.append({"started": name})
        elif run_it and flag(args.get("restart")):
            actions.append({"restarted": name})
            restarted = True
        changed = bool(actions)
        if daemon.plan is not None:
            fields = planned_fields(wanted) if recreate else dict(current or {})
            fields["running"] = bool(run_it) if state != "stopped" else False
            if state == "present" and not recreate:
                fields["running"] = was_running
            daemon.plan.containers[name] = fields
            return {"changed": changed, "actions": actions, "diff": diff, "differences": differ,
                    "container": _current_info(daemon, name) if not recreate else {}}
        client = daemon.client
        if recreate:
            if current is not None:
                _remove(daemon, name, args)
            _create(daemon, name, args)
        if run_it and (recreate or not was_running):
            client.start(name)
        elif restarted:
            client.restart(name, timeout=int(args.get("stop_timeout") or 10))
        if state == "stopped" and not recreate and was_running:
            client.stop(name, timeout=int(args.get("stop_timeout") or 10))
        info = client.inspect_container(name)
        return {"changed": changed, "actions": actions, "diff": diff, "differences": differ, "container": info}


def _current_info(daemon: Daemon, name: str) -> dict:
    return not_found(daemon.client.inspect_container, name) or {}
