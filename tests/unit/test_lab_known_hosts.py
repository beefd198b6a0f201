"""The lab's known_hosts: a host made anew at an address replaces the key of the one before."""

from orch.lab.lab import _record_host_keys


def test_new_host_replaces_stale_key_at_same_address(tmp_path):
    known = tmp_path / "known_hosts"
    known.write_bytes(b"127.0.10.1 ssh-ed25519 OLD1\n127.0.10.2 ssh-ed25519 KEEP2\n")
    _record_host_keys(known, [("lab1", "127.0.10.1"), ("lab3", "127.0.10.3")],
                      [b"ssh-ed25519 NEW1 root@lab1\n", b"ssh-ed25519 NEW3 root@lab3\n"])
    assert known.read_bytes().splitlines() == [
        b"127.0.10.2 ssh-ed25519 KEEP2", b"127.0.10.1 ssh-ed25519 NEW1", b"127.0.10.3 ssh-ed25519 NEW3"]


def test_first_hosts_write_a_new_file(tmp_path):
    known = tmp_path / "known_hosts"
    _record_host_keys(known, [("lab1", "127.0.10.1")], [b"ssh-ed25519 K root@lab1"])
    assert known.read_bytes() == b"127.0.10.1 ssh-ed25519 K\n"
