"""Inventories from a Vagrant project, with a stand-in ``vagrant`` on PATH (no Docker needed)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from orch.errors import ParseError, UsageError
from orch.inventory import load_inventory
from orch.vagrant import runner
from orch.vagrant.machines import Machine, inventory_data, read_machines
from orch.vagrant.parse import SshEntry
from orch.vagrant.project import open_project

FAKE_VAGRANT = """#!/bin/sh
echo "$*" >> "$(dirname "$0")/calls"
case "$1" in
  status) cat "$FAKE_DIR/status" ;;
  ssh-config) cat "$FAKE_DIR/ssh_config"; exit "$(cat "$FAKE_DIR/ssh_rc" 2>/dev/null || echo 0)" ;;
  up) echo "Bringing machine 'node1' up with 'docker' provider..."; echo "$FAKE_ERROR" >&2; exit 1 ;;
esac
"""


@pytest.fixture
def fake(tmp_path, monkeypatch):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    exe = bindir / "vagrant"
    exe.write_text(FAKE_VAGRANT)
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    project = tmp_path / "proj"
    project.mkdir()
    (project / "Vagrantfile").write_text("# test\n")
    (project / "orch.yml").write_text('groups:\n  web: [m1, m2]\n  "web:vars": {lab_address: 127.0.0.1}\n'
                                      '  "all:vars": {site: test}\n  "vagrant:vars": {ansible_become: true}\n')
    (project / "status").write_text("1,m1,provider-name,libvirt\n1,m1,state,running\n"
                                     "1,m2,provider-name,libvirt\n1,m2,state,running\n")
    (project / "ssh_config").write_text("Host m1\n  HostName 10.0.0.1\n  User vagrant\n  Port 22\n"
                                        "  IdentityFile /k/m1\nHost m2\n  HostName 10.0.0.2\n  Port 2222\n")
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_DIR", str(project))
    monkeypatch.setenv("ORCH_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("VAGRANT_HOME", raising=False)
    return project


def test_inventory_source_reads_each_vagrant_command_once(fake):
    inv = load_inventory([f"vagrant:{fake}"])
    assert sorted(inv.hosts) == ["m1", "m2"]
    m1, m2 = inv.hosts["m1"].vars, inv.hosts["m2"].vars
    assert (m1["ansible_host"], m1["ansible_port"], m1["ansible_user"]) == ("10.0.0.1", 22, "vagrant")
    assert m1["ansible_ssh_private_key_file"] == "/k/m1" and m2["ansible_port"] == 2222
    assert m1["orch_known_hosts_file"] == str(fake / ".vagrant" / "orch_known_hosts")
    assert m1["ansible_host_key_checking"] == "accept-new"  # not docker: no key learned out of band
    assert m1["lab_address"] == "127.0.0.1" and m1["site"] == "test" and m1["ansible_become"] is True
    assert sorted(h.name for h in inv.groups["web"].hosts) == ["m1", "m2"]
    calls = (fake.parent / "bin" / "calls").read_text().splitlines()
    assert calls == ["status --machine-readable", "ssh-config"]


def test_vagrant_environment(fake, tmp_path):
    env = runner.vagrant_env()
    assert env["VAGRANT_CHECKPOINT_DISABLE"] == "1"
    assert env["VAGRANT_HOME"] == str(tmp_path / "home" / "vagrant.d")


def test_machine_not_running_is_exit_4(fake):
    (fake / "status").write_text("1,m1,state,running\n1,m2,state,poweroff\n")
    (fake / "ssh_rc").write_text("1")
    with pytest.raises(runner.MachineNotRunning, match=r"m2 \(poweroff\).*orch vagrant up") as info:
        load_inventory([f"vagrant:{fake}"])
    assert info.value.exit_code == 4


def test_provider_failure_shows_vagrants_message(fake, monkeypatch):
    monkeypatch.setenv("FAKE_ERROR", "The container could not be started: port is already allocated")
    with pytest.raises(runner.VagrantFailed, match="port is already allocated") as info:
        runner.run(fake, ["up"], stream=True, what="up")
    assert info.value.exit_code == 4


def test_vagrant_missing_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(runner.VagrantNotInstalled, match="apt-get install --no-install-recommends vagrant") as info:
        runner.vagrant_exe()
    assert info.value.exit_code == 2


def test_project_needs_a_vagrantfile(tmp_path):
    with pytest.raises(UsageError, match="no Vagrantfile"):
        open_project(tmp_path)


def test_unknown_sidecar_key(fake):
    (fake / "orch.yml").write_text("hosts: []\n")
    with pytest.raises(ParseError, match="unknown key"):
        open_project(fake)


def test_docker_keys_make_checking_strict(fake, monkeypatch):
    from orch.vagrant import machines as machines_mod

    project = open_project(fake)
    found = [Machine("m1", "running", "docker", SshEntry("m1", {"hostname": "127.0.87.1", "port": "22871"}))]
    monkeypatch.setattr(machines_mod, "learn_keys", lambda p, ms: {"m1": ["ssh-ed25519 AAAAkey"]})
    data = inventory_data(project, found)
    hv = data["all"]["children"]["vagrant"]["hosts"]["m1"]
    assert hv["ansible_host_key_checking"] is True
    assert project.known_hosts.read_text() == "[127.0.87.1]:22871 ssh-ed25519 AAAAkey\n"
    assert oct(project.known_hosts.stat().st_mode & 0o777) == "0o600"
    assert data["all"]["vars"] == {"site": "test"}


def test_read_machines_without_running_ones_skips_ssh_config(fake):
    (fake / "status").write_text("1,m1,state,not_created\n")
    assert [m.state for m in read_machines(open_project(fake))] == ["not_created"]
    assert (fake.parent / "bin" / "calls").read_text().splitlines() == ["status --machine-readable"]


def test_cli_errors_have_no_traceback(fake, tmp_path):
    from tests.conftest import orch

    res = orch("vagrant", "status", str(fake), env={"PATH": str(tmp_path)})
    assert res.returncode == 2 and "apt-get install --no-install-recommends vagrant" in res.stderr
    assert "Traceback" not in res.stderr
    (fake / "status").write_text("1,m1,state,stopped\n")
    res = orch("vagrant", "inventory", str(fake))
    assert res.returncode == 4 and "m1 (stopped)" in res.stderr and "Traceback" not in res.stderr


FAILURES = {
    "The provider 'libvirt' could not be found, but was requested to\nback the machine 'vm1'.":
        "apt-get install --no-install-recommends vagrant-libvirt",
    "The box 'orch/debian12' could not be found or\ncould not be accessed in the remote catalog.":
        "bash scripts/vagrant-box.sh",
    "The box 'debian/bookworm64' could not be found or could not be accessed":
        "vagrant box add debian/bookworm64",
    "Error while connecting to Libvirt: Error making a connection to libvirt URI qemu:///system:":
        "libvirtd does not answer at qemu:///system",
}


@pytest.mark.parametrize("message", list(FAILURES))
def test_missing_prerequisite_is_a_usage_error(fake, monkeypatch, message):
    from orch.vagrant.prereq import PrerequisiteMissing

    monkeypatch.setenv("FAKE_ERROR", message)
    monkeypatch.delenv("LIBVIRT_DEFAULT_URI", raising=False)
    with pytest.raises(PrerequisiteMissing, match=FAILURES[message].replace(".", r"\.")) as info:
        runner.run(fake, ["up"], stream=True, what="up")
    assert info.value.exit_code == 2


def _fake_virsh(monkeypatch, tmp_path, script: str) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    virsh = bindir / "virsh"
    virsh.write_text("#!/bin/sh\n" + script)
    virsh.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}/usr/bin:/bin")


def test_unanswering_libvirtd_is_exit_2(monkeypatch, tmp_path):
    from orch.vagrant.prereq import PrerequisiteMissing, check_libvirtd

    _fake_virsh(monkeypatch, tmp_path, "echo 'error: failed to connect to the hypervisor' >&2\nexit 1\n")
    with pytest.raises(PrerequisiteMissing, match=r"libvirtd does not answer at qemu:///system \(failed to connect"):
        check_libvirtd()


def test_libvirtd_that_hangs_is_exit_2_not_a_hang(monkeypatch, tmp_path):
    from orch.vagrant import prereq

    _fake_virsh(monkeypatch, tmp_path, "exec sleep 30\n")
    monkeypatch.setattr(prereq, "LIBVIRT_TIMEOUT", 0.5)
    with pytest.raises(prereq.PrerequisiteMissing, match=r"did not answer in 0\.5s") as info:
        prereq.check_libvirtd()
    assert info.value.exit_code == 2
