"""Connection settings of a host, read from Ansible's connection variables.

Ansible users set these in inventories; orch reads the same names (and a few
short ``orch_*`` additions). Precedence between sources is the inventory's job;
this module only turns a host's merged variables into typed options.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from orch.booleans import parse_bool
from orch.errors import UnsupportedConnection, UsageError

HOST_KEY_POLICIES = ("yes", "accept-new", "off")
USER_VARS = ("ansible_user", "ansible_ssh_user", "ansible_remote_user")  # the login user, first set wins


def to_bool(value, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    parsed = parse_bool(value)
    if parsed is None:
        raise UsageError(f"not a boolean: {value!r}")
    return parsed


def host_key_policy(value) -> str:
    """Map StrictHostKeyChecking / ansible_host_key_checking values to a policy.

    ``yes``: only known keys; ``accept-new``: record unknown keys, refuse changed
    ones (the default, as OpenSSH's accept-new); ``off``: trust any key and
    record nothing (Ansible's host_key_checking=False).
    """
    if value is None or value == "":
        return "accept-new"
    if isinstance(value, bool):
        return "yes" if value else "off"
    text = str(value).strip().lower()
    if text in ("accept-new", "accept_new", "new"):
        return "accept-new"
    if text == "ask" or parse_bool(text) is True:
        return "yes"
    if parse_bool(text) is False:
        return "off"
    raise UsageError(f"unknown host key checking policy {value!r} (use yes, accept-new or no)")


@dataclass(frozen=True)
class ConnectionOptions:
    transport: str = "ssh"
    address: str = ""
    port: int | None = None
    user: str | None = None
    password: str | None = None
    private_key_file: str | None = None
    host_key_checking: str = "accept-new"
    known_hosts_file: str | None = None
    timeout: float = 10.0
    python: str = "python3"
    agent_cache: bool = True  # keep the compiled agent in ~/.cache/orch on the host (bootstrap.py)
    docker_host: str | None = None
    become: bool = False
    become_user: str = "root"
    become_method: str = "sudo"
    become_password: str | None = field(default=None, repr=False)
    become_flags: str | None = None  # None: the method's own defaults (become.DEFAULT_FLAGS)
    ssh_config_file: str | None = None
    proxy_jump: str | None = None


def _first(hostvars: dict, *names, default=None):
    for name in names:
        value = hostvars.get(name)
        if value is not None and value != "":
            return value
    return default


def proxy_jump_of(args: str | None) -> str | None:
    """ProxyJump from ``ansible_ssh_common_args``/``_extra_args`` (``-J h`` or ``-o ProxyJump=h``)."""
    if not args:
        return None
    import shlex

    words = shlex.split(str(args))
    for i, word in enumerate(words):
        value = None
        if word == "-J" and i + 1 < len(words):
            value = words[i + 1]
        elif word == "-o" and i + 1 < len(words):
            value = words[i + 1]
        elif word.startswith("-o"):
            value = word[2:]
        if value and word != "-J":
            key, _, rest = value.replace(" ", "=", 1).partition("=")
            value = rest if key.lower() == "proxyjump" else None
        if value:
            return value
    return None


def _scalar(name: str, merged: dict, *keys: str, default: Any = None) -> Any:
    """The first of ``keys`` that is set, refused with its name when it is a list or a mapping."""
    for key in keys:
        value = merged.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, (list, dict, bool)):
            kind = "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else "a boolean"
            raise UsageError(f"host {name}: {key} must be a single value (a string), got {kind}: {value!r}"[:300])
        return value
    return default


def options_for(name: str, hostvars: dict, overrides: dict | None = None) -> ConnectionOptions:
    """Build a host's options from its variables; ``overrides`` are CLI flags."""
    merged = dict(hostvars)
    merged.update({k: v for k, v in (overrides or {}).items() if v is not None})
    transport = str(_first(merged, "ansible_connection", default="ssh"))
    if transport in ("smart", "paramiko", "paramiko_ssh", "ssh"):
        transport = "ssh"
    elif transport in ("community.docker.docker", "docker", "community.docker.docker_api", "docker_api"):
        transport = "docker"
    elif transport != "local":
        raise UnsupportedConnection(f"host {name}: connection {transport!r} is not supported by orch (ssh, docker, local)")
    port = _first(merged, "ansible_port", "ansible_ssh_port")
    try:
        port = int(port) if port is not None else None
        timeout = float(_first(merged, "ansible_timeout", "ansible_ssh_timeout", "orch_timeout", default=10))
    except (TypeError, ValueError):
        raise UsageError(f"host {name}: ansible_port/ansible_timeout must be numbers") from None
    checking = _first(merged, "ansible_host_key_checking", "ansible_ssh_host_key_checking", "orch_host_key_checking")
    if checking is None:
        checking = os.environ.get("ORCH_HOST_KEY_CHECKING", os.environ.get("ANSIBLE_HOST_KEY_CHECKING"))
    return ConnectionOptions(
        transport=transport,
        address=str(_scalar(name, merged, "ansible_host", "ansible_ssh_host", default=name)),
        port=port,
        user=_scalar(name, merged, *USER_VARS),
        password=_first(merged, "ansible_password", "ansible_ssh_pass", "ansible_ssh_password"),
        private_key_file=_first(merged, "ansible_ssh_private_key_file", "ansible_private_key_file",
                                default=os.environ.get("ORCH_PRIVATE_KEY_FILE")  # ansible.cfg's, via orch.config
                                or os.environ.get("ANSIBLE_PRIVATE_KEY_FILE")),
        host_key_checking=host_key_policy(checking),
        known_hosts_file=_first(merged, "orch_known_hosts_file", "ansible_ssh_known_hosts_file"),
        timeout=timeout,
        python=str(_scalar(name, merged, "ansible_python_interpreter", default="python3")),
        agent_cache=to_bool(_first(merged, "orch_agent_cache"), True),
        docker_host=_first(merged, "ansible_docker_host", "docker_host", "orch_docker_host"),
        become=to_bool(_first(merged, "ansible_become", "become"), False),
        become_user=str(_scalar(name, merged, "ansible_become_user", "become_user", default="root")),
        become_method=str(_first(merged, "ansible_become_method", "become_method", default="sudo")),
        become_password=_first(merged, "ansible_become_password", "ansible_become_pass", "ansible_sudo_pass"),
        become_flags=_first(merged, "ansible_become_flags"),
        ssh_config_file=_first(merged, "orch_ssh_config_file", "ansible_ssh_config_file"),
        proxy_jump=proxy_jump_of(" ".join(str(merged.get(k) or "") for k in
                                          ("ansible_ssh_common_args", "ansible_ssh_extra_args"))),
    )
