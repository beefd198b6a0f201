"""SSH settings Ansible users rely on: ssh_config files and jump hosts."""

from __future__ import annotations

import pytest

from tests.conftest import orch

pytestmark = pytest.mark.integration


def _jump_setup(lab, tmp_path):
    jump, target = lab.address(lab.names[0]), lab.address(lab.names[1])
    config = tmp_path / "ssh_config"
    config.write_text(f"Host via-jump\n  HostName {target}\n  User root\n  IdentityFile {lab.key}\n"
                      f"  ProxyJump root@{jump}\n\nHost {jump}\n  IdentityFile {lab.key}\n")
    return jump, target, config


def test_proxyjump_from_ssh_config_file(lab, tmp_path):
    _, _, config = _jump_setup(lab, tmp_path)
    inv = tmp_path / "inv.ini"
    inv.write_text(f"via-jump orch_ssh_config_file={config} orch_known_hosts_file={lab.known_hosts} "
                   "ansible_host_key_checking=true\n")
    res = orch("exec", "all", "-i", str(inv), "-a", "hostname", "-o")
    assert res.returncode == 0, res.stdout + res.stderr
    assert f"rc=0 >>\n{lab.names[1]}" in res.stdout


def test_proxyjump_from_ssh_common_args(lab, tmp_path):
    jump, target, _ = _jump_setup(lab, tmp_path)
    inv = tmp_path / "inv.ini"
    inv.write_text(f"t ansible_host={target} ansible_user=root ansible_ssh_private_key_file={lab.key} "
                   f"orch_known_hosts_file={lab.known_hosts} ansible_host_key_checking=true "
                   f"ansible_ssh_common_args='-o ProxyJump=root@{jump}'\n")
    res = orch("exec", "all", "-i", str(inv), "-a", "hostname", "-o")
    assert res.returncode == 0, res.stdout + res.stderr
    assert f"rc=0 >>\n{lab.names[1]}" in res.stdout


def test_jump_host_key_is_checked_too(lab, tmp_path):
    jump, target, config = _jump_setup(lab, tmp_path)
    known = tmp_path / "known_hosts"
    # Only the target's key is known: the jump host's unknown key must be refused under 'yes'.
    known.write_text("".join(line + "\n" for line in lab.known_hosts.read_text().splitlines()
                             if line.startswith(target + " ")))
    inv = tmp_path / "inv.ini"
    inv.write_text(f"via-jump orch_ssh_config_file={config} orch_known_hosts_file={known} "
                   "ansible_host_key_checking=true\n")
    res = orch("exec", "all", "-i", str(inv), "-a", "hostname", "-o")
    assert res.returncode == 4
    assert "not known" in res.stdout and jump in res.stdout
