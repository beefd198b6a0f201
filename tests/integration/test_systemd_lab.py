"""Hosts with systemd as PID 1 (`orch lab up --init systemd`): real services under orch and Ansible.

The service/systemd modules against real systemd (units installed by the test,
start/stop/restart/enable/mask, daemon_reload), a playbook whose handler restarts
a unit (converge, second run unchanged, check mode predicts), and the same
playbook through ansible-playbook on a twin host leaves the same state.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ansible_support import run_ansible, run_orch, shell
from test_system_support import TRANSPORTS, make_target, ok, plan_apply

pytestmark = pytest.mark.integration
PLAYBOOK = Path(__file__).resolve().parents[1] / "data" / "playbooks" / "systemd" / "service.yml"
UNIT = """[Unit]
Description=orch unit test service

[Service]
ExecStart=/bin/sleep infinity

[Install]
WantedBy=multi-user.target
"""
# Vendor units live here (a unit file in /etc/systemd/system cannot be masked, as under Ansible).
UNIT_DIR = "/usr/local/lib/systemd/system"
STATE = "systemctl is-active {0}; systemctl is-enabled {0}; true"
# What the playbook leaves on a host, in a form that does not depend on the host.
SNAPSHOT = r"""
find /etc/systemd/system/orchprobe.service /etc/default/orchprobe /etc/systemd/system/multi-user.target.wants \
  -printf '%p %y %m %u %g %l\n' | sort
sha1sum /etc/systemd/system/orchprobe.service /etc/default/orchprobe
cat /run/orchprobe.greeting
systemctl is-active orchprobe; systemctl is-enabled orchprobe
systemctl show orchprobe -p LoadState -p SubState -p UnitFileState -p NeedDaemonReload
"""
UNDEPLOY = ("systemctl disable --now orchprobe >/dev/null 2>&1; rm -f /etc/systemd/system/orchprobe.service "
            "/etc/default/orchprobe /run/orchprobe.greeting; systemctl daemon-reload")


@pytest.fixture(params=TRANSPORTS)
def t(request, systemd_lab):
    return make_target(request, systemd_lab)


def test_hosts_boot_systemd_with_sshd_on_their_own_address(systemd_lab, t):
    assert t.sh("systemctl is-system-running").strip() == "running"
    assert t.sh("readlink /proc/1/exe").strip() == "/usr/lib/systemd/systemd"
    assert t.sh("systemctl is-active ssh").strip() == "active"
    # The network is the machine's: only this host's own processes show their names.
    listening = t.sh("ss -ltnpH | grep '\"sshd\"' | awk '{print $4}'").split()
    assert listening == [f"{t.address}:22"], listening
    facts = ok(t.run("setup", {}))["ansible_facts"]
    assert facts["service_mgr"] == "systemd"
    first, features = t.sh("systemctl --version").splitlines()[:2]
    assert facts["systemd"] == {"version": int(first.split()[1]), "features": features.strip()}


def test_a_lab_keeps_its_init_kind(systemd_lab):
    from orch.errors import UsageError
    from orch.lab import lab as lab_mod

    with pytest.raises(UsageError, match="runs its hosts with --init systemd"):
        lab_mod.up(4, name=systemd_lab.directory.name, net=int(systemd_lab.hosts[0].address.split(".")[2]))
    assert [h.init for h in lab_mod.status(systemd_lab.directory.name)] == ["systemd"] * 4


def test_service_lifecycle_on_real_systemd(t):
    name = f"orchunit{t.transport}"
    state = STATE.format(name)
    t.sh(f"mkdir -p {UNIT_DIR} && printf '%s' '{UNIT}' > {UNIT_DIR}/{name}.service && systemctl daemon-reload")
    try:
        plan_apply(t, "service", {"name": name, "state": "started", "enabled": True}, snapshot=state)
        assert t.sh(state).split() == ["active", "enabled"]
        pid = t.sh(f"systemctl show -p MainPID --value {name}").strip()
        restarted = ok(t.run("service", {"name": name, "state": "restarted"}))
        assert restarted["changed"] is True
        assert t.sh(f"systemctl show -p MainPID --value {name}").strip() not in ("0", pid)
        plan_apply(t, "systemd", {"name": name, "state": "stopped", "enabled": False}, snapshot=state)
        assert t.sh(state).split() == ["inactive", "disabled"]
        plan_apply(t, "systemd", {"name": name, "masked": True}, snapshot=state)
        assert t.sh(state).split() == ["inactive", "masked"]
        plan_apply(t, "systemd_service", {"name": name, "masked": False, "state": "started"}, snapshot=state)
        assert t.sh(state).split() == ["active", "disabled"]
    finally:
        t.sh(f"systemctl unmask {name}; systemctl disable --now {name}; rm -f {UNIT_DIR}/{name}.service; "
             "systemctl daemon-reload", ok=False)


def test_systemd_status_runtime_enabled_and_mask_refused(t):
    name = f"orchruntime{t.transport}"
    t.sh(f"printf '%s' '{UNIT}' > /etc/systemd/system/{name}.service && systemctl daemon-reload && "
         f"systemctl enable --runtime {name} && systemctl start {name}")
    try:
        # Ansible's reading: enabled only at runtime is not enabled; the unit's properties come back as status
        first = ok(t.run("systemd", {"name": name, "enabled": True}))
        assert first["changed"] is True and first["status"]["Id"] == f"{name}.service", first
        assert first["status"]["UnitFileState"] == "enabled-runtime"
        assert ok(t.run("systemd", {"name": name, "enabled": True}))["changed"] is False
        # offline (as in a chroot) the unit files say what exists; a state is left alone with a warning
        offline = t.main.run("systemd", {"name": name, "state": "stopped"}, environment={"SYSTEMD_OFFLINE": "1"})
        assert offline["changed"] is False and "systemd is offline" in offline["warnings"][0], offline
        assert t.sh(f"systemctl is-active {name}", ok=False).strip() == "active"
        gone = t.main.run("systemd", {"name": "orch-no-such", "state": "started"}, environment={"SYSTEMD_OFFLINE": "1"})
        assert gone["failed"] and gone["msg"] == "Could not find the requested service orch-no-such: host"
        # a unit file in /etc/systemd/system cannot be masked: Ansible's message
        refused = t.run("systemd", {"name": name, "masked": True})
        assert refused["failed"] and refused["msg"].startswith(f"Failed to mask the service ({name})"), refused
    finally:
        t.sh(f"systemctl disable --now {name}; rm -f /etc/systemd/system/{name}.service; systemctl daemon-reload",
             ok=False)


def test_daemon_reload_picks_up_a_changed_unit(t):
    name = f"orchreload{t.transport}"
    t.sh(f"printf '%s' '{UNIT}' > /etc/systemd/system/{name}.service && systemctl daemon-reload && "
         f"systemctl start {name}")
    try:
        # A loaded unit whose file changed: systemd keeps the old definition until a reload.
        t.sh(f"sed -i 's/orch unit test service/changed description/' /etc/systemd/system/{name}.service")
        assert t.sh(f"systemctl show -p NeedDaemonReload --value {name}").strip() == "yes"
        result = ok(t.run("systemd", {"name": name, "daemon_reload": True, "state": "started"}))
        assert result["changed"] is False  # as under Ansible: a reload alone is no change
        assert t.sh(f"systemctl show -p Description --value {name}").strip() == "changed description"
        assert t.sh(f"systemctl show -p NeedDaemonReload --value {name}").strip() == "no"
    finally:
        t.sh(f"systemctl stop {name}; rm -f /etc/systemd/system/{name}.service; systemctl daemon-reload", ok=False)


def test_an_edit_keeps_the_files_acl(t):
    # The systemd image carries `acl`, as ansible-test's containers do (lineinfile's target checks this)
    path = f"/tmp/orch-acl-{t.transport}"
    t.sh(f"printf 'a\\n' > {path} && setfacl -m user:nobody:rwx {path}")
    try:
        assert ok(t.run("lineinfile", {"path": path, "line": "b"}))["changed"] is True
        assert "user:nobody:rwx" in t.sh(f"getfacl --omit-header {path}").split()
        assert t.sh(f"cat {path}").split() == ["a", "b"]
    finally:
        t.sh(f"rm -f {path}", ok=False)


@pytest.mark.parametrize("over", TRANSPORTS)
def test_playbook_handler_restarts_unit_converges_and_check_predicts(systemd_lab, over):
    inventory = systemd_lab.ssh_inventory if over == "ssh" else systemd_lab.docker_inventory
    host = systemd_lab.names[0] if over == "ssh" else systemd_lab.names[1]
    shell(inventory, host, UNDEPLOY)
    first = run_orch(inventory, host, PLAYBOOK)
    assert first["changed"] == 4 and first["failed"] == 0  # unit, settings, handler, started+enabled
    assert shell(inventory, host, "cat /run/orchprobe.greeting; " + STATE.format("orchprobe")).split() == [
        "hello", "active", "enabled"]
    assert run_orch(inventory, host, PLAYBOOK)["changed"] == 0
    pid = shell(inventory, host, "systemctl show -p MainPID --value orchprobe").strip()
    plan = run_orch(inventory, host, PLAYBOOK, "--check", "-e", "greeting=bye")
    assert shell(inventory, host, "cat /run/orchprobe.greeting").strip() == "hello"  # check changed nothing
    applied = run_orch(inventory, host, PLAYBOOK, "-e", "greeting=bye")
    assert plan["changed"] == applied["changed"] == 2  # settings and the handler's restart
    assert shell(inventory, host, "cat /run/orchprobe.greeting").strip() == "bye"
    assert shell(inventory, host, "systemctl show -p MainPID --value orchprobe").strip() not in ("0", pid)
    assert run_orch(inventory, host, PLAYBOOK, "-e", "greeting=bye")["changed"] == 0


def test_same_state_as_ansible_and_each_converged_for_the_other(systemd_lab, tmp_path):
    lab = systemd_lab
    by_ansible, by_orch = lab.names[2], lab.names[3]
    for host in (by_ansible, by_orch):
        shell(lab.ssh_inventory, host, UNDEPLOY)
    assert run_ansible(lab, by_ansible, PLAYBOOK, tmp_path)["changed"] == 4
    assert run_orch(lab.ssh_inventory, by_orch, PLAYBOOK)["changed"] == 4
    ansible_state = shell(lab.ssh_inventory, by_ansible, SNAPSHOT)
    orch_state = shell(lab.ssh_inventory, by_orch, SNAPSHOT)
    assert "UnitFileState=enabled" in orch_state and "\nactive\n" in orch_state
    assert orch_state == ansible_state
    assert run_orch(lab.ssh_inventory, by_ansible, PLAYBOOK)["changed"] == 0
    assert run_ansible(lab, by_orch, PLAYBOOK, tmp_path)["changed"] == 0


FACTS = PLAYBOOK.parent / "facts.yml"


def test_ansible_core_fact_modules_on_systemd_match_ansible(systemd_lab, tmp_path):
    """service_facts, package_facts, getent, tempfile: no native code, they run from their source."""
    lab = systemd_lab
    by_ansible, by_orch = lab.names[2], lab.names[3]
    run_ansible(lab, by_ansible, FACTS, tmp_path)
    counts = run_orch(lab.ssh_inventory, by_orch, FACTS)
    assert counts["failed"] == 0
    ours = shell(lab.ssh_inventory, by_orch, "cat /tmp/orch-facts.json")
    assert ours == shell(lab.ssh_inventory, by_ansible, "cat /tmp/orch-facts.json")
    facts = json.loads(ours)
    assert facts["ssh"] == {"name": "ssh.service", "source": "systemd", "state": "running", "status": "enabled"}
    assert facts["dbus"] == "running" and facts["units"] is True
    assert facts["python3"] == ["apt"] and facts["tmp_suffix"] is True and facts["tmp_changed"] is True
    assert facts["orch_user"] == ["/home/orch", "/bin/bash"]
