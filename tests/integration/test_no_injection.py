"""No injection: hostile variable values (quotes, $(), backticks, newlines, ';', '&&', '>')
go into argv, paths, file lines, environment values and user/group/service/package/cron
names as data. Every payload would create /tmp/pwned-* if a shell ever ran it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import orch

pytestmark = pytest.mark.integration
PLAY = Path(__file__).resolve().parent.parent / "data" / "playbooks" / "injection" / "site.yml"
PAYLOADS = yaml.safe_load(PLAY.read_text())[0]["vars"]["payloads"]


def _results(stdout: str) -> list[dict]:
    return [e for e in (json.loads(line) for line in stdout.splitlines() if line.startswith("{"))
            if e.get("event") == "task_result"]


def _sh(inventory, command: str) -> dict[str, str]:
    out = orch("exec", "lab", "-i", str(inventory), "-m", "shell", "-a", command, "--json")
    return {e["host"]: e["result"].get("stdout", "") for e in _results(out.stdout)}


def _items(results: list[dict], task: str, host: str) -> list[dict]:
    found = [e for e in results if e["task"] == task and e["host"] == host]
    assert found, f"no result for {task!r} on {host}"
    items = []
    for e in found:
        items += e["result"].get("results") or [e["result"]]
    return items


@pytest.fixture
def clean(lab):
    inventory = lab.ssh_inventory
    _sh(inventory, "rm -rf /tmp/pwned-* /tmp/inj /etc/cron.d/orch-injection; true")
    yield inventory
    _sh(inventory, "rm -rf /tmp/pwned-* /tmp/inj /etc/cron.d/orch-injection; true")


def test_hostile_values_are_data(lab, clean, tmp_path):
    out = orch("run", str(PLAY), "-i", str(clean), "--json", "--runs-dir", str(tmp_path / "runs"), timeout=600)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr
    results = _results(out.stdout)
    for host in lab.names:
        # argv and quoted free-form commands print the payload exactly: it was one argument
        for task in ("command argv", "command free-form", "environment values"):
            assert [i["stdout"] for i in _items(results, task, host)] == PAYLOADS, task
        for task in ("user names are refused", "group names are refused", "service names",
                     "package names (check mode)"):
            assert all(i.get("failed") for i in _items(results, task, host)), task
        cron = _items(results, "cron names and jobs (a job is shell text by design; it must not run now)", host)
        multi_line = [i for p, i in zip(PAYLOADS, cron) if "\n" in p]
        assert multi_line and all("must be one line" in i["msg"] for i in multi_line)
    # nothing ran: no marker anywhere, no live crontab line, every path/line literal
    markers = _sh(clean, "ls /tmp | grep -c pwned; grep -v '^#' /etc/cron.d/orch-injection | grep -c pwned; true")
    assert set(markers) == set(lab.names)
    assert all(v.split() == ["0", "0"] for v in markers.values()), markers
    lines = _sh(clean, "cat /tmp/inj/lines")
    expected = [p.replace("\n", " ") for p in PAYLOADS]
    assert all(v.splitlines() == expected for v in lines.values()), lines
    copies = _sh(clean, "for i in 0 1 2 3 4 5 6 7 8; do cat /tmp/inj/copy-$i; echo; echo ---; done")
    assert all(v.split("\n---\n")[:-1] == PAYLOADS or v.split("\n---")[0] == PAYLOADS[0] for v in copies.values())
    dirs = _sh(clean, "cd /tmp/inj/f && find . -mindepth 1 -maxdepth 1 | wc -l")
    assert all(int(v) >= 5 for v in dirs.values()), dirs


@pytest.mark.parametrize("value", PAYLOADS)
def test_extra_vars_into_a_command(lab, clean, value):
    out = orch("exec", "lab", "-i", str(clean), "-m", "command", "-a", f"printf %s {value!r}", "--json")
    marker = _sh(clean, "ls /tmp | grep -c pwned; true")
    assert all(v.strip() == "0" for v in marker.values()), (value, out.stdout)
