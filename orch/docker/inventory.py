"""Inventory source: running Docker containers (``plugin: docker``).

A YAML file (``community.docker.docker_containers`` and ``docker_containers`` are
accepted as plugin names too), or ``-i docker:`` / ``-i docker:URL`` on the command line::

    plugin: docker
    docker_host: unix:///var/run/docker.sock   # default: DOCKER_HOST, else the default socket
    filters:                                   # all given filters must match
      label: [app=web, tier]                   # key=value or just key
      name: [web-*]                            # shell-style globs on the container name
      status: [running]                        # default: running (others cannot run steps)
    groups_from_labels: [orch.group]           # the label's value (comma-separated) names groups
    keyed_groups:                              # like Ansible's keyed_groups, on a few keys
      - key: labels.app                        # labels.NAME, labels['NAME'], image, status
        prefix: app                            # -> group app_<value>
        separator: "_"
    groups: {containers: true}                 # constant groups every matching container joins
    connection: docker                         # the only transport for containers

Each container becomes a host named like the container, with ``ansible_connection:
docker``, ``ansible_host`` (its name), ``ansible_docker_host`` (when not the default)
and ``docker_id``, ``docker_image``, ``docker_labels``, ``docker_status``.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Any

from orch.errors import Location, ParseError
from orch.inventory.model import Inventory

_BAD_GROUP_CHARS = re.compile(r"[^A-Za-z0-9_]")
_LABEL_KEY = re.compile(r"""^(?:docker_)?labels(?:\.([\w.\-]+)|\[['"]([^'"]+)['"]\])$""")


def _group_name(text: str) -> str:
    return _BAD_GROUP_CHARS.sub("_", text)


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _matches(container: dict, filters: dict) -> bool:
    labels = container.get("Labels") or {}
    for spec in _listed(filters.get("label")):
        key, sep, value = spec.partition("=")
        if key not in labels or (sep and labels[key] != value):
            return False
    names = _listed(filters.get("name"))
    if names and not any(fnmatch.fnmatchcase(container["_name"], pattern) for pattern in names):
        return False
    statuses = _listed(filters.get("status")) or ["running"]
    return container.get("State") in statuses


def _key_value(container: dict, key: str, origin: str) -> str | None:
    found = _LABEL_KEY.match(key.strip())
    if found:
        return (container.get("Labels") or {}).get(found.group(1) or found.group(2))
    if key.strip() in ("image", "docker_image"):
        return container.get("Image")
    if key.strip() in ("status", "docker_status"):
        return container.get("State")
    raise ParseError(f"keyed_groups key {key!r} is not supported (labels.NAME, labels['NAME'], image, status)",
                     location=Location(origin))


def load_docker_source(inv: Inventory, spec: Any, origin: str) -> None:
    config = spec if isinstance(spec, dict) else ({"docker_host": spec} if spec else {})
    connection = str(config.get("connection") or "docker")
    if connection not in ("docker", "docker_api", "community.docker.docker_api", "community.docker.docker"):
        raise ParseError(f"plugin docker: connection {connection!r} is not supported (docker)",
                         location=Location(origin))
    docker_host = config.get("docker_host") or None
    from orch.connection.docker import api_client
    from orch.errors import UnreachableError

    try:
        client = api_client(str(docker_host) if docker_host else None)
        containers = client.containers(all=True)
    except UnreachableError as exc:
        raise ParseError(f"docker inventory: {exc.message}", location=Location(origin)) from None
    filters = config.get("filters") or {}
    for container in sorted(containers, key=lambda c: (c.get("Names") or ["/"])[0]):
        container["_name"] = (container.get("Names") or ["/" + container["Id"][:12]])[0].lstrip("/")
        if not _matches(container, filters):
            continue
        _add(inv, container, config, docker_host, origin)


def _add(inv: Inventory, container: dict, config: dict, docker_host: str | None, origin: str) -> None:
    name = container["_name"]
    groups: list[str] = []
    labels = container.get("Labels") or {}
    for label in _listed(config.get("groups_from_labels")):
        groups += [_group_name(v.strip()) for v in str(labels.get(label, "")).split(",") if v.strip()]
    for keyed in config.get("keyed_groups") or []:
        value = _key_value(container, str(keyed.get("key", "")), origin)
        if value is None:
            continue
        prefix, separator = keyed.get("prefix", ""), keyed.get("separator", "_")
        groups.append(_group_name(f"{prefix}{separator}{value}" if prefix else str(value)))
    groups += [str(g) for g, on in (config.get("groups") or {}).items() if on]
    host = inv.add_host(name, source=origin)
    for group in dict.fromkeys(groups):
        inv.add_group(group)
        inv.add_host(name, group)
    host.set_var("ansible_connection", "docker")
    host.set_var("ansible_host", name)
    if docker_host:
        host.set_var("ansible_docker_host", str(docker_host))
    host.set_var("docker_id", container["Id"])
    host.set_var("docker_image", container.get("Image"))
    host.set_var("docker_labels", dict(labels))
    host.set_var("docker_status", container.get("State"))


def register() -> None:
    from orch.inventory.sources import register_source

    for name in ("docker", "docker_containers", "community.docker.docker_containers"):
        register_source(name, load_docker_source)
