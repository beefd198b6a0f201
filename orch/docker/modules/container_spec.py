"""docker_container: the wanted container and the running one, as comparable fields.

Both sides become the same normalized dict (sorted lists, dicts of strings) so a
comparison is plain equality per field. Only fields the task names are compared
(as community.docker does), except the image, which always is. Env and labels are
compared as the container would really have them: the image's plus the task's.
"""

from __future__ import annotations

import shlex
from typing import Any

from orch.errors import HostFailure

FIELDS = ("image", "command", "entrypoint", "env", "published_ports", "volumes", "labels", "restart_policy",
          "restart_retries", "networks", "network_mode", "user", "working_dir", "hostname", "privileged", "init")


def _argv(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, list):
        return [str(v) for v in value]
    return shlex.split(str(value))


def parse_port(spec: Any) -> tuple[str, str, str]:
    """``[ip:][host:]container[/proto]`` -> (container/proto, host ip, host port)."""
    text = str(spec)
    proto = "tcp"
    if "/" in text:
        text, proto = text.rsplit("/", 1)
    parts = text.rsplit(":", 2) if text.count(":") <= 2 else None
    if parts is None or not parts[-1].isdigit():
        raise HostFailure(f"published_ports: cannot read {spec!r} (use [ip:][host_port:]container_port[/proto])")
    container = f"{parts[-1]}/{proto}"
    if len(parts) == 3:
        return container, parts[0], parts[1]
    if len(parts) == 2:
        return container, "", parts[0]
    return container, "", ""


def _ports(bindings: dict | None) -> list[str]:
    out = []
    for container, hosts in (bindings or {}).items():
        for host in hosts or [{}]:
            out.append(f"{host.get('HostIp') or ''}:{host.get('HostPort') or ''}:{container}")
    return sorted(out)


def _volume(spec: str) -> str:
    parts = str(spec).split(":")
    if len(parts) == 2:
        parts.append("rw")
    return ":".join(parts)


def wanted_fields(args: dict, image_id: str | None, image_config: dict) -> dict[str, Any]:
    """The task's container as fields (None: not asked for, not compared)."""
    env = None
    if args.get("env") is not None:
        env = dict(e.split("=", 1) for e in image_config.get("Env") or [] if "=" in e)
        env.update({str(k): _env_value(v) for k, v in (args.get("env") or {}).items()})
    labels = None
    if args.get("labels") is not None:
        labels = dict(image_config.get("Labels") or {})
        labels.update({str(k): str(v) for k, v in (args.get("labels") or {}).items()})
    ports = None
    if args.get("published_ports") is not None:
        ports = sorted(f"{ip}:{hp}:{cp}" for cp, ip, hp in map(parse_port, args["published_ports"]))
    volumes = None
    if args.get("volumes") is not None:
        volumes = sorted(_volume(v) for v in args["volumes"] if ":" in str(v))
    networks = None
    if args.get("networks") is not None:
        networks = sorted(str(n["name"] if isinstance(n, dict) else n) for n in args["networks"])
    restart = args.get("restart_policy")
    return {
        "image": image_id,
        "command": _argv(args.get("command")),
        "entrypoint": _argv(args.get("entrypoint")),
        "env": env,
        "published_ports": ports,
        "volumes": volumes,
        "labels": labels,
        "restart_policy": None if restart is None else ("no" if restart in ("no", "", None) else str(restart)),
        "restart_retries": None if args.get("restart_retries") is None else int(args["restart_retries"]),
        "networks": networks,
        "network_mode": args.get("network_mode"),
        "user": args.get("user"),
        "working_dir": args.get("working_dir"),
        "hostname": args.get("hostname"),
        "privileged": None if args.get("privileged") is None else bool(args["privileged"]),
        "init": None if args.get("init") is None else bool(args["init"]),
    }


def _env_value(value: Any) -> str:
    if isinstance(value, bool):
        raise HostFailure("env values must be strings: quote booleans ('yes', 'true') as Ansible requires")
    return str(value)


def running_fields(info: dict) -> dict[str, Any]:
    """A container's inspect output as the same fields."""
    config, host = info.get("Config") or {}, info.get("HostConfig") or {}
    restart = host.get("RestartPolicy") or {}
    return {
        "image": info.get("Image"),
        "command": config.get("Cmd") or [],
        "entrypoint": config.get("Entrypoint") or [],
        "env": dict(e.split("=", 1) for e in config.get("Env") or [] if "=" in e),
        "published_ports": _ports(host.get("PortBindings")),
        "volumes": sorted(_volume(v) for v in host.get("Binds") or []),
        "labels": dict(config.get("Labels") or {}),
        "restart_policy": restart.get("Name") or "no",
        "restart_retries": int(restart.get("MaximumRetryCount") or 0),
        "networks": sorted((info.get("NetworkSettings") or {}).get("Networks") or {}),
        "network_mode": host.get("NetworkMode"),
        "user": config.get("User") or "",
        "working_dir": config.get("WorkingDir") or "",
        "hostname": config.get("Hostname") or "",
        "privileged": bool(host.get("Privileged")),
        "init": bool(host.get("Init")),
    }


def differences(wanted: dict, current: dict) -> list[str]:
    """Names of the fields the task asks for that the container does not have."""
    out = []
    for name in FIELDS:
        want = wanted.get(name)
        if want is None:
            continue
        have = current.get(name)
        if name in ("command", "entrypoint") and not want and not have:
            continue
        if want != have:
            out.append(name)
    return out


def planned_fields(wanted: dict) -> dict[str, Any]:
    """What a container created from ``wanted`` would show (for later check-mode steps)."""
    return {k: v for k, v in wanted.items() if v is not None}
