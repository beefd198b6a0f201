"""Controller-side actions and keywords (assemble, async/poll, async_status, wait_for_connection,
set_stats, role argument specs, strategy: free) on lab hosts: orch leaves the same state and
reports the same counts as ansible-playbook, run after run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ansible_support import run_ansible, shell
from tests.conftest import orch

pytestmark = pytest.mark.integration
DATA = Path(__file__).resolve().parents[1] / "data" / "playbooks" / "control"
SNAPSHOT = r"""
cd /tmp/orch-ctl && find . -printf '%p %y %m %u %g\n' | sort && sha1sum $(find . -type f | sort) && cat registered.json
"""
COUNTS = ("ok", "changed", "failed", "skipped")


def _orch(inventory, host, playbook, *args, command="run"):
    res = orch(command, str(playbook), "-i", str(inventory), "-l", host, "--json", *args)
    events = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    return res, events


def test_same_state_and_counts_as_ansible_run_after_run(lab, tmp_path):
    """Ansible on the first host; orch over SSH on the second and over Docker on the third."""
    by_ansible, over_ssh, over_docker = lab.names
    for host in lab.names:
        shell(lab.ssh_inventory, host, "rm -rf /tmp/orch-ctl")
    for attempt in (1, 2):
        ansible_counts = run_ansible(lab, by_ansible, DATA / "site.yml", tmp_path)
        expected = shell(lab.ssh_inventory, by_ansible, SNAPSHOT)
        for inventory, host in ((lab.ssh_inventory, over_ssh), (lab.docker_inventory, over_docker)):
            res, events = _orch(inventory, host, DATA / "site.yml")
            assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
            summary = events[-1]
            assert {k: summary["hosts"][host][k] for k in COUNTS} == {k: ansible_counts[k] for k in COUNTS}, attempt
            assert summary["custom_stats"] == {"_run": {"deployed": 1}}
            assert shell(lab.ssh_inventory, host, SNAPSHOT) == expected
    registered = json.loads(shell(lab.ssh_inventory, over_ssh, "cat /tmp/orch-ctl/registered.json"))
    assert registered["polled_finished"] is True and registered["job_started"] is True
    assert registered["found_matched"] == 3 and registered["found_finished"] is True
    assert shell(lab.ssh_inventory, over_docker, "cat /tmp/orch-ctl/local.conf") == (
        "# base\nlisten 80\n# --\nworkers 4\n# --\nlog /var/log/x")


def test_plan_runs_async_steps_in_the_foreground_and_changes_nothing(lab):
    host = lab.names[2]
    shell(lab.ssh_inventory, host, "rm -rf /tmp/orch-ctl")
    jobs = "ls ~/.ansible_async 2>/dev/null || true"
    jobs_before = shell(lab.ssh_inventory, host, jobs)
    # orch plan: later steps see what earlier ones would do (the folder the fragments go to)
    res, events = _orch(lab.ssh_inventory, host, DATA / "site.yml", command="plan")
    assert res.returncode == 0, res.stdout[-3000:]
    results = {e["task"]: e for e in events if e["event"] == "task_result"}
    assert results["a background job, waited for"]["status"] == "changed"
    assert results["its state, until it finished"]["status"] == "unknown"  # the job never started
    assert results["assembled on the host"]["status"] == "unknown"  # its fragments come from step 1
    assert results["the connection answers"]["status"] == "skipped"
    assert shell(lab.ssh_inventory, host, "ls /tmp/orch-ctl 2>&1 || true").startswith("ls: cannot access")
    assert shell(lab.ssh_inventory, host, jobs) == jobs_before  # no job started


def test_role_argument_spec_fails_the_host_at_role_entry(lab, tmp_path):
    res, events = _orch(lab.ssh_inventory, lab.names[2], DATA / "bad_role_args.yml")
    assert res.returncode == 1
    failed = [e for e in events if e["event"] == "task_result" and e["status"] == "failed"]
    assert len(failed) == 1 and "Validating arguments against arg spec 'main' - a conf.d entry" in failed[0]["task"]
    assert "confd_mode" in failed[0]["result"]["msg"] and "medium" in failed[0]["result"]["msg"]
    assert failed[0]["result"]["argument_errors"]
    assert not [e for e in events if e["event"] == "task_result" and "conf.d entry" == e["task"].split(" : ")[-1]]
