"""Host key checking over real sshd: OpenSSH's StrictHostKeyChecking meanings."""

from __future__ import annotations

import pytest

from tests.conftest import orch

pytestmark = pytest.mark.integration


def _inventory(lab, tmp_path, known_hosts, policy=None):
    host = lab.names[0]
    line = f"{host} ansible_host={lab.address(host)} ansible_user=root ansible_ssh_private_key_file={lab.key}"
    line += f" orch_known_hosts_file={known_hosts}"
    if policy is not None:
        line += f" ansible_host_key_checking={policy}"
    inv = tmp_path / "inv.ini"
    inv.write_text(line + "\n")
    return inv


def test_accept_new_records_unknown_key_then_uses_it(lab, tmp_path):
    known = tmp_path / "kh" / "known_hosts"
    inv = _inventory(lab, tmp_path, known)  # no policy given: accept-new is the default
    res = orch("exec", "all", "-i", str(inv), "-m", "ping", "-o", env={"ANSIBLE_HOST_KEY_CHECKING": ""})
    assert res.returncode == 0, res.stdout + res.stderr
    recorded = known.read_text()
    expected = next(line for line in lab.known_hosts.read_text().splitlines() if line.startswith(lab.address(lab.names[0]) + " "))
    assert recorded.strip() == expected.strip()
    assert oct(known.stat().st_mode & 0o777) == "0o600"
    res = orch("exec", "all", "-i", str(inv), "-m", "ping", "-o")
    assert res.returncode == 0
    assert known.read_text() == recorded  # nothing added the second time


def test_strict_refuses_unknown_key(lab, tmp_path):
    known = tmp_path / "known_hosts"
    inv = _inventory(lab, tmp_path, known, policy="true")
    res = orch("exec", "all", "-i", str(inv), "-m", "ping", "-o")
    assert res.returncode == 4
    assert "not known" in res.stdout
    assert not known.exists()


def test_env_variable_sets_policy_for_all(lab, tmp_path):
    known = tmp_path / "known_hosts"
    inv = _inventory(lab, tmp_path, known)
    res = orch("exec", "all", "-i", str(inv), "-m", "ping", "-o", env={"ANSIBLE_HOST_KEY_CHECKING": "yes"})
    assert res.returncode == 4 and "not known" in res.stdout
    res = orch("exec", "all", "-i", str(inv), "-m", "ping", "-o", env={"ANSIBLE_HOST_KEY_CHECKING": "False"})
    assert res.returncode == 0
    assert not known.exists()  # 'off' trusts but records nothing


@pytest.mark.parametrize("policy", [None, "true", "accept-new"])
def test_changed_key_is_refused(lab, tmp_path, policy):
    other = lab.known_hosts.read_text().splitlines()
    address = lab.address(lab.names[0])
    wrong_key = next(line for line in other if not line.startswith(address + " ")).split(" ", 1)[1]
    known = tmp_path / "known_hosts"
    known.write_text(f"{address} {wrong_key}\n")
    inv = _inventory(lab, tmp_path, known, policy=policy)
    res = orch("exec", "all", "-i", str(inv), "-m", "ping", "-o")
    assert res.returncode == 4
    assert "CHANGED" in res.stdout and "refusing" in res.stdout
    assert known.read_text() == f"{address} {wrong_key}\n"
