"""known_hosts files are parsed once per version of the file, and clients still see every key."""

from __future__ import annotations

from orch.connection import hostkeys
from orch.connection.paramiko_import import paramiko


def _line(host: str, key: paramiko.PKey) -> str:
    return f"{host} {key.get_name()} {key.get_base64()}\n"


def test_known_hosts_parsed_once_per_version(tmp_path):
    first, second = paramiko.RSAKey.generate(1024), paramiko.RSAKey.generate(1024)
    known = tmp_path / "known_hosts"
    known.write_text(_line("10.0.0.1", first))
    clients = [paramiko.SSHClient() for _ in range(3)]
    for client in clients:
        hostkeys.configure_client(client, "yes", known)
    parsed = hostkeys._parsed[str(known)]
    assert all(hostkeys._parsed_file(known) is parsed[1] for _ in clients)  # three clients, one parse
    assert all(c.get_host_keys().lookup("10.0.0.1")["ssh-rsa"] == first for c in clients)
    # A key one client learns (accept-new) is its own: the shared parse is not changed.
    clients[0].get_host_keys().add("10.0.0.2", second.get_name(), second)
    assert clients[1].get_host_keys().lookup("10.0.0.2") is None

    with known.open("a") as handle:  # the file changed: read again
        handle.write(_line("10.0.0.2", second))
    late = paramiko.SSHClient()
    hostkeys.configure_client(late, "yes", known)
    assert late.get_host_keys().lookup("10.0.0.2")["ssh-rsa"] == second
    assert hostkeys._parsed[str(known)][1] is not parsed[1]  # only the newest version is kept
