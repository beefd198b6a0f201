"""What ssh_config says about a host, read with paramiko's parser.

Without a file of its own a host gets ``~/.ssh/config`` then ``/etc/ssh/ssh_config``
(OpenSSH's order: the first value found wins); ``orch_ssh_config_file`` replaces both.
Each set of files is parsed once per run, not once per host.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from orch.connection.paramiko_import import paramiko
from orch.errors import UnreachableError

USER_CONFIG = "~/.ssh/config"
SYSTEM_CONFIG = "/etc/ssh/ssh_config"

_parsed: dict[tuple[str, ...], paramiko.SSHConfig] = {}
_lock = threading.Lock()


def _config(paths: tuple[str, ...]) -> paramiko.SSHConfig:
    with _lock:
        config = _parsed.get(paths)
        if config is None:
            config = paramiko.SSHConfig()
            for path in paths:
                try:
                    with open(path) as handle:
                        config.parse(handle)
                except (OSError, paramiko.ssh_exception.ConfigParseError) as exc:
                    raise UnreachableError(f"cannot read ssh config {path}: {exc}") from None
            _parsed[paths] = config
        return config


def lookup(alias: str, config_file: str | None = None) -> dict:
    """The ssh_config settings for ``alias`` (keys lower-cased, as paramiko gives them)."""
    if config_file:
        paths: tuple[str, ...] = (str(Path(config_file).expanduser()),)
    else:
        paths = tuple(p for p in (os.path.expanduser(USER_CONFIG), SYSTEM_CONFIG) if os.path.isfile(p))
    try:
        return dict(_config(paths).lookup(alias))
    except ImportError:  # paramiko runs `Match exec` with invoke, which orch keeps out (paramiko_import.py)
        raise UnreachableError(f"ssh_config 'Match exec' is not supported by orch ({', '.join(paths)})") from None


@dataclass(frozen=True)
class Endpoint:
    """One SSH server to log in to: the target, or a jump host on the way."""

    hostname: str
    port: int
    user: str | None
    key_files: tuple[str, ...]
    known_hosts: str
    proxy_command: str | None = None


def endpoint(alias: str, config: dict, *, user: str | None = None, port: int | None = None,
             key_file: str | None = None, known_hosts: str | None = None) -> Endpoint:
    """Settings given by orch (inventory, ProxyJump spec) win over ssh_config's."""
    from_config = [str(Path(k).expanduser()) for k in config.get("identityfile", [])]
    # A key orch was given must exist (paramiko says so if not); ssh_config's may be absent, as in ssh.
    keys = ([str(Path(key_file).expanduser())] if key_file else []) + [k for k in from_config if os.path.exists(k)]
    command = config.get("proxycommand")
    chosen_known = known_hosts or str(config.get("userknownhostsfile", "~/.ssh/known_hosts")).split()[0]
    return Endpoint(
        hostname=config.get("hostname", alias),
        port=int(port or config.get("port", 22)),
        user=user or config.get("user"),
        key_files=tuple(dict.fromkeys(keys)),
        known_hosts=str(Path(chosen_known).expanduser()),
        proxy_command=command if command and command.lower() != "none" else None,
    )


def jump_hops(spec: str | None) -> list[tuple[str, str | None, int | None]]:
    """``ProxyJump`` as (host, user, port) per hop: ``[user@]host[:port]``, comma separated."""
    if not spec or spec.strip().lower() == "none":
        return []
    hops = []
    for item in spec.split(","):
        user, _, rest = item.strip().rpartition("@")
        host, port = rest, None
        if rest.startswith("[") and "]" in rest:
            host, _, tail = rest[1:].partition("]")
            port = tail[1:] if tail.startswith(":") else None
        elif rest.count(":") == 1:
            host, port = rest.split(":")
        if port is not None and not str(port).isdigit():
            raise UnreachableError(f"bad ProxyJump hop {item.strip()!r}")
        hops.append((host, user or None, int(port) if port else None))
    return hops
