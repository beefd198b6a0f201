"""A real VM (vagrant-libvirt, QEMU, systemd as init) driven by ``orch vagrant`` (vagrant-libvirt/).

One VM for the module: ``up`` with the sample app (about 1-2 min under QEMU's software
emulation), a second provision, exec through ``-i vagrant:DIR``, destroy (a few seconds).
Needs what scripts/libvirt.sh installs (packages, daemons, the box orch/debian12).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import orch

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
PROJECT = ROOT / "vagrant-libvirt"
PLAYBOOK = ROOT / "playbooks" / "deploy-app.yml"
DOMAIN, ADDRESS = "orch-lv-vm1", "127.0.88.1"
URI = "qemu:///system"
# where scripts/libvirt.sh added the box: read before the session's orch_home fixture points
# ORCH_HOME at a fresh directory (the module is imported at collection, before fixtures run)
VAGRANT_HOME = os.environ.get("VAGRANT_HOME") or str(Path(os.environ.get("ORCH_HOME", "~/.orch")).expanduser()
                                                     / "vagrant.d")
ENV = {"VAGRANT_HOME": VAGRANT_HOME}
BOX_DIR = Path(VAGRANT_HOME) / "boxes" / "orch-VAGRANTSLASH-debian12"


def _virsh(*args: str) -> list[str]:
    out = subprocess.run(["virsh", "-c", URI, *args], capture_output=True, text=True, timeout=60)
    return [line.strip() for line in out.stdout.splitlines() if line.strip()]


def _events(stdout: str) -> dict:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")][-1]["hosts"]


def _missing() -> str | None:
    if shutil.which("vagrant") is None or shutil.which("virsh") is None:
        return "vagrant or virsh is not installed"
    plugins = subprocess.run(["vagrant", "plugin", "list"], capture_output=True, text=True, timeout=60,
                             env={**os.environ, **ENV})
    if "vagrant-libvirt" not in plugins.stdout:
        return "vagrant-libvirt is not installed"
    if subprocess.run(["virsh", "-c", URI, "version"], capture_output=True, timeout=30).returncode != 0:
        return "libvirtd does not answer"
    if not BOX_DIR.is_dir():
        return f"no box orch/debian12 in {VAGRANT_HOME}"
    return None


@pytest.fixture(scope="module")
def libvirt_ready(orch_home):
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs a VM host: {reason} (bash scripts/libvirt.sh sets it up)")
        pytest.skip(f"{reason}; run: bash scripts/libvirt.sh")


@pytest.fixture(scope="module")
def up(libvirt_ready):
    if DOMAIN in _virsh("list", "--all", "--name"):
        orch("vagrant", "destroy", str(PROJECT), env=ENV)
    before = {"networks": _virsh("net-list", "--all", "--name"), "pools": _virsh("pool-list", "--all", "--name")}
    start = time.monotonic()
    res = orch("vagrant", "up", str(PROJECT), "--provision", str(PLAYBOOK), "--json", env=ENV, timeout=900)
    print(f"orch vagrant up --provision: {time.monotonic() - start:.1f}s")
    yield res, before
    if DOMAIN in _virsh("list", "--all", "--name"):
        orch("vagrant", "destroy", str(PROJECT), env=ENV)


def test_up_deploys_the_app_as_a_systemd_service(up):
    res, _ = up
    assert res.returncode == 0, res.stderr[-3000:] + res.stdout[-3000:]
    summary = _events(res.stdout)
    assert set(summary) == {"vm1"} and summary["vm1"]["changed"] >= 8 and summary["vm1"]["failed"] == 0
    body = json.loads(urllib.request.urlopen(f"http://{ADDRESS}:8080/", timeout=10).read())
    assert body["host"] == "vm1" and body["version"] == "1.0.0"
    probe = "cat /proc/1/comm; systemctl is-active orchdemo; systemctl show -p FragmentPath --value orchdemo"
    res = orch("exec", "vm1", "-i", f"vagrant:{PROJECT}", "-m", "shell", "-a", probe, env=ENV)
    assert res.returncode == 0, res.stderr + res.stdout
    assert "systemd\nactive\n/etc/systemd/system/orchdemo.service" in res.stdout


UNDEPLOY = ("systemctl disable --now orchdemo; rm -rf /etc/systemd/system/orchdemo.service /opt/orchdemo "
            "/etc/orchdemo.ini; userdel orchdemo; groupdel orchdemo; systemctl daemon-reload; true")


def _changed_tasks(stdout: str) -> list[str]:
    return sorted(e["task"] for e in map(json.loads, filter(lambda line: line.startswith("{"), stdout.splitlines()))
                  if e["event"] == "task_result" and e["status"] == "changed")


def test_plan_predicts_the_deploy_on_systemd(up):
    res = orch("exec", "vm1", "-i", f"vagrant:{PROJECT}", "-b", "-m", "shell", "-a", UNDEPLOY, env=ENV)
    assert res.returncode == 0, res.stderr + res.stdout
    plan = orch("vagrant", "provision", str(PLAYBOOK), str(PROJECT), "--check", "--json", env=ENV, timeout=600)
    assert plan.returncode == 0, plan.stderr[-3000:] + plan.stdout[-3000:]
    applied = orch("vagrant", "provision", str(PLAYBOOK), str(PROJECT), "--json", env=ENV, timeout=600)
    assert applied.returncode == 0, applied.stderr[-3000:] + applied.stdout[-3000:]
    assert "Systemd unit" in _changed_tasks(applied.stdout) and "Service running" in _changed_tasks(applied.stdout)
    assert _changed_tasks(plan.stdout) == _changed_tasks(applied.stdout)


def test_second_provision_changes_nothing(up):
    start = time.monotonic()
    res = orch("vagrant", "provision", str(PLAYBOOK), str(PROJECT), "--json", env=ENV, timeout=600)
    print(f"orch vagrant provision (second): {time.monotonic() - start:.1f}s")
    assert res.returncode == 0, res.stderr[-3000:] + res.stdout[-3000:]
    summary = _events(res.stdout)
    assert summary["vm1"]["changed"] == 0 and summary["vm1"]["failed"] == 0, summary


def test_host_keys_come_from_the_console_and_are_checked(up):
    start = time.monotonic()
    res = orch("exec", "all", "-i", f"vagrant:{PROJECT}", "-m", "shell", "-a", "cat /etc/ssh/ssh_host_*_key.pub",
               env=ENV)
    print(f"orch exec -i vagrant:DIR: {time.monotonic() - start:.1f}s")
    assert res.returncode == 0, res.stderr + res.stdout
    inventory = PROJECT / ".vagrant" / "orch_inventory.yml"
    known_hosts = PROJECT / ".vagrant" / "orch_known_hosts"
    assert "ansible_host_key_checking: true" in inventory.read_text()  # known before the first connection
    recorded = {" ".join(line.split()[1:3]) for line in known_hosts.read_text().splitlines()}
    served = {" ".join(line.split()[:2]) for line in res.stdout.splitlines() if line.startswith(("ssh-", "ecdsa-"))}
    assert served and recorded == served
    assert {line.split()[0] for line in known_hosts.read_text().splitlines()} == {f"[{ADDRESS}]:2222"}
    saved = known_hosts.read_text()
    try:  # another key for the same address is refused: checking is on
        known_hosts.write_text(f"[{ADDRESS}]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEwrongwrongwrongwrongwrongwrongwrongwrongwr\n")
        res = orch("exec", "vm1", "-i", str(inventory), "-m", "ping", env=ENV)
        assert res.returncode == 4 and "Traceback" not in res.stderr, res.stdout + res.stderr
    finally:
        known_hosts.write_text(saved)


def test_status_and_inventory(up):
    res = orch("vagrant", "status", str(PROJECT), env=ENV)
    assert res.returncode == 0 and res.stdout.split() == ["vm1", "running", "libvirt"]
    res = orch("inventory", "hosts", "web", "-i", f"vagrant:{PROJECT}", env=ENV)
    assert res.returncode == 0 and res.stdout.split() == ["vm1"], res.stderr


def test_destroy_leaves_no_vm_volume_or_network(up):
    _, before = up
    start = time.monotonic()
    res = orch("vagrant", "destroy", str(PROJECT), env=ENV, timeout=300)
    print(f"orch vagrant destroy: {time.monotonic() - start:.1f}s")
    assert res.returncode == 0, res.stderr[-3000:]
    assert DOMAIN not in _virsh("list", "--all", "--name")
    volumes = " ".join(_virsh("vol-list", "default"))
    assert f"{DOMAIN}.img" not in volumes  # the box's own base volume stays: it is the box cache
    assert _virsh("net-list", "--all", "--name") == before["networks"]
    assert _virsh("pool-list", "--all", "--name") in (before["pools"], before["pools"] + ["default"])
    assert not (PROJECT / ".vagrant" / "orch_known_hosts").exists()


@pytest.fixture
def scratch_project(tmp_path, libvirt_ready):
    """A project of its own (its own domain name), for failures that never create a VM."""
    (tmp_path / "Vagrantfile").write_text((PROJECT / "Vagrantfile").read_text()
                                          .replace('"orch-lv-"', '"orch-lv-prereq-"')
                                          .replace("127.0.88.1", "127.0.88.250"))
    return tmp_path


@pytest.mark.parametrize("env, says", [
    ({"ORCH_VAGRANT_BOX": "orch/no-such-box"}, "box orch/no-such-box is not in"),
    ({"LIBVIRT_DEFAULT_URI": "qemu:///system?socket=/nonexistent/libvirt-sock"}, "libvirtd does not answer"),
    ({"VAGRANT_NO_PLUGINS": "1"}, "apt-get install --no-install-recommends vagrant-libvirt"),
], ids=["no-box", "no-libvirtd", "no-vagrant-libvirt"])
def test_missing_prerequisite_is_exit_2_quickly(scratch_project, env, says):
    start = time.monotonic()
    res = orch("vagrant", "up", str(scratch_project), env={**ENV, **env}, timeout=120)
    assert res.returncode == 2, res.stdout[-2000:] + res.stderr[-2000:]
    assert says in res.stderr and "Traceback" not in res.stderr, res.stderr[-2000:]
    assert time.monotonic() - start < 60
    assert "orch-lv-prereq-vm1" not in _virsh("list", "--all", "--name")
