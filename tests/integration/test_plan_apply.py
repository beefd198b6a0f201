"""orch plan / orch apply on real lab hosts: predictions, saved plans, drift refusal."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import orch

pytestmark = pytest.mark.integration
BOOK = Path(__file__).resolve().parent.parent / "data" / "playbooks" / "plans" / "site.yml"
RESET = "rm -rf /tmp/orch-plan; userdel orchplan 2>/dev/null; groupdel orchplan 2>/dev/null; true"
SNAPSHOT = "ls -la /tmp/orch-plan 2>&1; getent passwd orchplan; getent group orchplan; true"


def _events(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


def _changed(stdout: str, statuses=("changed",)) -> list[tuple[str, str]]:
    return sorted((e["host"], e["task"]) for e in _events(stdout)
                  if e["event"] == "task_result" and e["status"] in statuses)


def _shell(lab, command: str) -> dict[str, str]:
    res = orch("exec", "lab", "-i", str(lab.ssh_inventory), "-m", "shell", "-a", command, "--json")
    return {e["host"]: e["result"]["stdout"] for e in _events(res.stdout) if e["event"] == "task_result"}


def test_plan_changes_nothing_and_apply_does_exactly_the_plan(lab, tmp_path):
    _shell(lab, RESET)
    before = _shell(lab, SNAPSHOT)
    plan_file = tmp_path / "plan.json"
    plan = orch("plan", str(BOOK), "-i", str(lab.ssh_inventory), "-o", str(plan_file), "--json",
                "--detailed-exitcode")
    assert plan.returncode == 2, plan.stdout[-3000:] + plan.stderr
    assert _shell(lab, SNAPSHOT) == before  # a plan touches nothing
    applied = orch("apply", str(plan_file), "--json")
    assert applied.returncode == 0, applied.stdout[-3000:] + applied.stderr
    # 'unknown' is a step that would run with an effect the plan cannot see (the handler's command).
    assert _changed(plan.stdout, ("changed", "unknown")) == _changed(applied.stdout)
    assert sorted(set(_changed(plan.stdout, ("unknown",)))) == [(h, "reload") for h in lab.names]
    assert len(_changed(applied.stdout)) == 8 * len(lab.names)  # 7 steps and the handler per host
    again = orch("plan", str(BOOK), "-i", str(lab.ssh_inventory), "--detailed-exitcode")
    assert again.returncode == 0, again.stdout[-2000:]
    assert f"{lab.names[0]}: 0 to change" in again.stdout


def test_stale_plan_is_refused_naming_the_step(lab, tmp_path):
    _shell(lab, RESET)
    orch("run", str(BOOK), "-i", str(lab.ssh_inventory))
    plan_file = tmp_path / "plan.json"
    plan = orch("plan", str(BOOK), "-i", str(lab.ssh_inventory), "-e", "port=9000", "-o", str(plan_file))
    assert plan.returncode == 0, plan.stdout[-2000:]
    # Someone edits the config on one host after the plan was made.
    orch("exec", lab.names[0], "-i", str(lab.ssh_inventory), "-m", "shell", "-a",
         "echo 'port=7000' > /tmp/orch-plan/app.conf")
    applied = orch("apply", str(plan_file), "--json")
    assert applied.returncode == 3, applied.stdout[-2000:] + applied.stderr
    assert f"{lab.names[0]} at task 'config'" in applied.stderr
    drift = [e for e in _events(applied.stdout) if e["event"] == "task_result" and e["result"].get("drift")]
    assert [(e["host"], e["task"]) for e in drift] == [(lab.names[0], "config")]
    assert "port=7000" in json.dumps(drift[0]["result"]["diff"])  # what differs now
    # The other hosts were applied as planned.
    assert _shell(lab, "cat /tmp/orch-plan/app.conf")[lab.names[1]].startswith("port=9000")
    assert _shell(lab, "cat /tmp/orch-plan/app.conf")[lab.names[0]] == "port=7000"
    forced = orch("apply", str(plan_file), "--allow-drift")
    assert forced.returncode == 0, forced.stdout[-2000:]
    assert _shell(lab, "cat /tmp/orch-plan/app.conf")[lab.names[0]].startswith("port=9000")


def test_plan_for_another_playbook_or_variables_is_refused(lab, tmp_path):
    book = tmp_path / "site.yml"
    shutil.copy(BOOK, book)
    plan_file = tmp_path / "plan.json"
    assert orch("plan", str(book), "-i", str(lab.ssh_inventory), "-o", str(plan_file)).returncode == 0
    book.write_text(book.read_text().replace("mode=0750", "mode=0700"))
    refused = orch("apply", str(plan_file))
    assert refused.returncode == 3 and "another playbook" in refused.stderr
    assert orch("plan", str(book), "-i", str(lab.ssh_inventory), "-o", str(plan_file)).returncode == 0
    document = json.loads(plan_file.read_text())
    document["options"]["extra_vars"] = {"port": 1}
    plan_file.write_text(json.dumps(document))
    refused = orch("apply", str(plan_file))
    assert refused.returncode == 3 and "another variables" in refused.stderr
