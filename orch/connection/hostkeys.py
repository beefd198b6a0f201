"""Host key checking with OpenSSH's StrictHostKeyChecking meanings.

``yes`` refuses hosts whose key is not known; ``accept-new`` records unknown
keys and refuses changed ones; ``off`` trusts any key and records nothing.
A changed key is always a refusal while checking is on (paramiko raises
BadHostKeyException, translated by the ssh connection).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from orch.connection.paramiko_import import paramiko
from orch.errors import UnreachableError

_append_lock = threading.Lock()


def known_host_name(address: str, port: int | None) -> str:
    """The name a key is filed under in known_hosts: ``[addr]:port`` off port 22."""
    if port and port != 22:
        return f"[{address}]:{port}"
    return address


class HostKeyPolicy(paramiko.MissingHostKeyPolicy):
    def __init__(self, mode: str, known_hosts: Path) -> None:
        self.mode = mode
        self.known_hosts = known_hosts

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
        if self.mode == "off":
            return
        fingerprint = key.fingerprint if hasattr(key, "fingerprint") else key.get_base64()[:16]
        if self.mode == "yes":
            raise UnreachableError(
                f"host key for {hostname} is not known ({key.get_name()} {fingerprint}) and host key checking "
                f"is 'yes'; add it to {self.known_hosts} or use accept-new"
            )
        client.get_host_keys().add(hostname, key.get_name(), key)
        record_host_key(self.known_hosts, hostname, key)


def record_host_key(path: Path, hostname: str, key: paramiko.PKey) -> None:
    """Append one key to a known_hosts file (thread-safe, creates the file 0600)."""
    line = f"{hostname} {key.get_name()} {key.get_base64()}\n"
    with _append_lock:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a") as handle:
            handle.write(line)


_parsed: dict[str, tuple[tuple[int, int], paramiko.HostKeys]] = {}  # path: (version, keys)
_parsed_lock = threading.Lock()


def _parsed_file(path: Path) -> paramiko.HostKeys:
    """A known_hosts file parsed once per version of it, not once per host of a run."""
    st = path.stat()
    version = (st.st_mtime_ns, st.st_size)
    with _parsed_lock:
        cached = _parsed.get(str(path))
        if cached is None or cached[0] != version:
            cached = _parsed[str(path)] = (version, paramiko.HostKeys(str(path)))
        return cached[1]


def _load(into: paramiko.HostKeys, path: Path) -> None:
    parsed = _parsed_file(path)
    entries = getattr(parsed, "_entries", None)
    if isinstance(entries, list) and isinstance(getattr(into, "_entries", None), list):
        into._entries.extend(entries)  # entries are never changed in place: sharing them is safe
    else:  # a paramiko without the attribute: parse again
        into.load(str(path))


def configure_client(client: paramiko.SSHClient, mode: str, known_hosts: Path) -> None:
    """Load known keys and set the policy for unknown ones."""
    if mode != "off":
        system = Path("~/.ssh/known_hosts").expanduser()
        try:
            if system.exists() and system != known_hosts:
                _load(client.get_host_keys(), system)
        except (OSError, paramiko.SSHException):
            pass
        if known_hosts.exists():
            try:
                _load(client.get_host_keys(), known_hosts)
            except (OSError, paramiko.SSHException) as exc:
                raise UnreachableError(f"cannot read known_hosts file {known_hosts}: {exc}") from None
    client.set_missing_host_key_policy(HostKeyPolicy(mode, known_hosts))
