"""Host keys of Vagrant machines: console blocks, and keys kept only while the machine is the same."""

from __future__ import annotations

from orch.vagrant.hostkeys import console_keys, update_known_hosts
from orch.vagrant.machines import Machine
from orch.vagrant.parse import SshEntry
from orch.vagrant.project import Project

ED = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIErR40RBORQNLJ8G"
EC = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAy="


def test_console_keys_take_the_last_block_among_boot_noise():
    log = (f"[  1.0] old boot\r\n-----BEGIN SSH HOST KEY KEYS-----\r\nssh-ed25519 AAAAold root@x\r\n"
           "-----END SSH HOST KEY KEYS-----\r\n[  2.0] reboot\r\n"
           f"debian12 login: -----BEGIN SSH HOST KEY KEYS-----\r\n{EC} root@debian12\r\n{ED} root@debian12\r\n"
           "-----END SSH HOST KEY KEYS-----\r\n")
    assert console_keys(log) == [EC, ED]


def test_console_without_a_complete_block_gives_nothing():
    assert console_keys("[ 1.0] booting\n") == []
    assert console_keys(f"-----BEGIN SSH HOST KEY KEYS-----\n{ED}\n") == []  # still being written


def _setup(tmp_path, machine_id: str) -> tuple[Project, Machine]:
    project = Project(tmp_path)
    state = tmp_path / ".vagrant" / "machines" / "vm1" / "libvirt"
    state.mkdir(parents=True, exist_ok=True)
    (state / "id").write_text(machine_id)
    return project, Machine("vm1", "running", "libvirt", SshEntry("vm1", {"hostname": "127.0.88.1", "port": "2222"}))


def test_accepted_keys_stay_while_the_machine_is_the_same(tmp_path):
    project, vm = _setup(tmp_path, "uuid-1")
    update_known_hosts(project, [vm], {})  # first inventory: nothing known, accept-new records
    assert project.known_hosts.read_text() == ""
    with project.known_hosts.open("a") as handle:  # what the first connection appends
        handle.write(f"[127.0.88.1]:2222 {ED}\n[127.0.0.9]:22 {EC}\n")
    update_known_hosts(project, [vm], {})
    assert project.known_hosts.read_text() == f"[127.0.88.1]:2222 {ED}\n"  # other addresses are not ours


def test_recreated_machine_starts_afresh(tmp_path):
    project, vm = _setup(tmp_path, "uuid-1")
    update_known_hosts(project, [vm], {})
    project.known_hosts.write_text(f"[127.0.88.1]:2222 {ED}\n")
    _setup(tmp_path, "uuid-2")  # `vagrant destroy && vagrant up` behind orch's back
    update_known_hosts(project, [vm], {})
    assert project.known_hosts.read_text() == ""


def test_keys_read_out_of_band_replace_accepted_ones(tmp_path):
    project, vm = _setup(tmp_path, "uuid-1")
    update_known_hosts(project, [vm], {})
    project.known_hosts.write_text(f"[127.0.88.1]:2222 {ED}\n")
    update_known_hosts(project, [vm], {"vm1": [EC]})
    assert project.known_hosts.read_text() == f"[127.0.88.1]:2222 {EC}\n"
    assert oct(project.known_hosts.stat().st_mode & 0o777) == "0o600"
