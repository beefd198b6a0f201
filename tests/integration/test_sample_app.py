"""The sample app deploy (playbooks/deploy-app.yml) on the lab's web group."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import orch

pytestmark = pytest.mark.integration
PLAYBOOK = Path(__file__).resolve().parents[2] / "playbooks" / "deploy-app.yml"
UNDEPLOY = ("/etc/init.d/orchdemo stop >/dev/null 2>&1; rm -rf /opt/orchdemo /etc/orchdemo.ini /etc/init.d/orchdemo; "
            "userdel orchdemo 2>/dev/null; groupdel orchdemo 2>/dev/null; true")


def _run(inventory, *extra, command="run"):
    res = orch(command, str(PLAYBOOK), "-i", str(inventory), "--json", *extra)
    events = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    return res, [e for e in events if e["event"] == "task_result"], events[-1]["hosts"]


def _changed(results, statuses=("changed",)):
    return sorted((e["host"], e["task"]) for e in results if e["status"] in statuses)


def test_deploy_converges_serves_and_is_idempotent(lab, lab_inventory):
    orch("exec", "web", "-i", str(lab_inventory), "-m", "shell", "-a", UNDEPLOY)
    web = lab.names[:-1]
    plan, planned, _ = _run(lab_inventory, command="plan")  # run --check is Ansible's: it sees no planned group
    assert plan.returncode == 0, plan.stdout[-3000:]
    first, applied, summary = _run(lab_inventory)
    assert first.returncode == 0, first.stdout[-3000:]
    assert set(summary) == set(web)
    assert all(c["changed"] >= 8 and c["failed"] == 0 for c in summary.values())
    # The plan predicted exactly the changes the run made (probes after changes are 'unknown').
    assert _changed(planned) == _changed(applied)
    for name in web:
        body = json.loads(urllib.request.urlopen(f"http://{lab.address(name)}:8080/", timeout=5).read())
        assert body["host"] == name and body["version"] == "1.0.0" and name in body["message"]
    second, _, summary = _run(lab_inventory)
    assert second.returncode == 0 and all(c["changed"] == 0 for c in summary.values())


def test_new_version_changes_only_what_differs(lab):
    inv = lab.ssh_inventory
    first, _, _ = _run(inv)
    assert first.returncode == 0, first.stdout[-3000:]
    plan, planned, _ = _run(inv, "-e", "app_version=1.1.0", command="plan")
    res, applied, _ = _run(inv, "-e", "app_version=1.1.0")
    assert res.returncode == 0, res.stdout[-3000:]
    changed_tasks = {task for _, task in _changed(applied)}
    assert changed_tasks == {"Release directory", "App code", "Current release", "Per-host configuration",
                             "restart orchdemo"}
    assert _changed(planned) == _changed(applied)
    body = json.loads(urllib.request.urlopen(f"http://{lab.address(lab.names[0])}:8080/", timeout=5).read())
    assert body["version"] == "1.1.0"
