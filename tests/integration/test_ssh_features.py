"""SSH settings Ansible users rely on: ssh_config files, jump hosts, a task's own login user."""

from __future__ import annotations

import re

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


_USERS_BOOK = """
- hosts: all
  gather_facts: false
  tasks:
    - {command: id -un, register: default}
    - {command: id -un, remote_user: orch, register: keyword}
    - block:  # two steps that may share a round trip, then one as another user: never mixed
        - {command: id -un, register: block1}
        - {command: id -un, register: block2}
        - {command: id -un, remote_user: ops, register: inner}
        - {command: id -un, become: true, register: sudo_from_orch}
      remote_user: orch
    - {command: id -un, vars: {ansible_user: ops}, register: variable}
    - {raw: id -un, remote_user: orch, register: raw}
    - copy: {content: "x", dest: "/tmp/orch-remote-user-{{ inventory_hostname }}"}
      remote_user: orch
    - {stat: {path: "/tmp/orch-remote-user-{{ inventory_hostname }}"}, register: made}
    - {command: id -un, register: after}
    - debug:
        msg: "USERS {{ inventory_hostname }} {{ [default, keyword, block1, block2, inner, sudo_from_orch, variable,
              after] | map(attribute='stdout') | join(',') }},{{ raw.stdout | trim }},{{ made.stat.pw_name }}"
"""


def test_remote_user_per_task(lab, tmp_path):
    """remote_user on a task/block logs in as that user (its own connection and agent); an
    inventory ansible_user beats the keyword, as in Ansible; over docker it is the exec user."""
    name = lab.names[0]
    inv = tmp_path / "inv.ini"
    inv.write_text(f"free ansible_host={lab.address(name)}\n"
                   f"pinned ansible_host={lab.address(name)} ansible_user=root\n"
                   f"dock ansible_connection=docker ansible_host={lab.container(name)}\n"
                   f"[all:vars]\nansible_ssh_private_key_file={lab.key}\norch_known_hosts_file={lab.known_hosts}\n"
                   "ansible_host_key_checking=true\nansible_python_interpreter=/usr/bin/python3\n")
    book = tmp_path / "users.yml"
    book.write_text(_USERS_BOOK)
    res = orch("run", str(book), "-i", str(inv), "-u", "root")
    assert res.returncode == 0, res.stdout + res.stderr
    lines = dict(re.findall(r'"USERS (\S+) (\S+)"', res.stdout))
    assert set(lines) == {"free", "pinned", "dock"}, res.stdout
    assert lines["free"] == "root,orch,orch,orch,ops,root,ops,root,orch,orch"
    assert lines["pinned"] == "root,root,root,root,root,root,ops,root,root,root"
    assert lines["dock"] == "root,orch,orch,orch,ops,root,ops,root,orch,orch"
