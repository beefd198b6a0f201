"""script, fetch, delegate_to, include_role with a templated name, --start-at-task."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import orch

pytestmark = pytest.mark.integration
BOOK = Path(__file__).resolve().parent.parent / "data" / "playbooks" / "extras" / "site.yml"


def _events(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


def test_script_fetch_delegate_and_dynamic_role(lab, lab_inventory, tmp_path):
    fetched = tmp_path / "fetched"
    res = orch("run", str(BOOK), "-i", str(lab_inventory), "--json", "-e", f"fetch_dir={fetched}",
               "-e", "role_to_use=web_role")
    assert res.returncode == 0, res.stdout[-3000:]
    for name in lab.names:
        assert (fetched / name / "etc" / "hostname").read_text().strip() == name
    again = orch("run", str(BOOK), "-i", str(lab_inventory), "--json", "-e", f"fetch_dir={fetched}",
                 "-e", "role_to_use=web_role")
    changed = {e["task"] for e in _events(again.stdout) if e["event"] == "task_result" and e["changed"]}
    assert changed == {"a script from the controller"}  # a script always runs; the fetch is unchanged


def test_start_at_task_skips_what_comes_before(lab, tmp_path):
    res = orch("run", str(BOOK), "-i", str(lab.ssh_inventory), "--json", "-e", f"fetch_dir={tmp_path}",
               "-e", "role_to_use=web_role", "--start-at-task", "a role picked at run time")
    assert res.returncode == 0, res.stdout[-3000:]
    tasks = [e["task"] for e in _events(res.stdout) if e["event"] == "task_result" and e["host"] == lab.names[0]]
    assert tasks == ["web_role : role task", "role ran"]
