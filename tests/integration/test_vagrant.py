"""Vagrant test machines (vagrant/, docker provider): up + provision in one run, idempotent, destroy.

One ``vagrant up`` and one ``destroy`` for the module (about 10-20 s and 5 s).
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import docker_available, orch

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
PROJECT = ROOT / "vagrant"
PLAYBOOK = ROOT / "playbooks" / "deploy-app.yml"
MACHINES = {"node1": ("127.0.87.1", 22881), "node2": ("127.0.87.2", 22882), "node3": ("127.0.87.3", 22883)}


def _events(stdout: str) -> tuple[list[dict], dict]:
    events = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    return [e for e in events if e["event"] == "task_result"], events[-1]["hosts"]


def _containers() -> list[str]:
    import docker

    return sorted(c.name for c in docker.from_env().containers.list(all=True, filters={"name": "orch-vg-"}))


@pytest.fixture(scope="module")
def up(orch_home):
    if not docker_available() or shutil.which("vagrant") is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs a Docker engine and vagrant (scripts/bootstrap.sh installs it)")
        pytest.skip("no Docker engine or no vagrant")
    if _containers():
        orch("vagrant", "destroy", str(PROJECT))
    res = orch("vagrant", "up", str(PROJECT), "--provision", str(PLAYBOOK), "--json", timeout=300)
    yield res
    if _containers():
        orch("vagrant", "destroy", str(PROJECT))


def test_up_provisions_every_machine_in_one_run(up):
    assert up.returncode == 0, up.stderr[-3000:] + up.stdout[-3000:]
    results, summary = _events(up.stdout)
    assert set(summary) == set(MACHINES)  # one run, one recap for all machines
    assert all(s["changed"] >= 8 and s["failed"] == 0 and s["unreachable"] == 0 for s in summary.values())
    for name, (address, port) in MACHINES.items():  # the app's port is forwarded for humans
        body = json.loads(urllib.request.urlopen(f"http://{address}:{port}/", timeout=5).read())
        assert body["host"] == name and body["version"] == "1.0.0"


def test_second_provision_changes_nothing(up):
    res = orch("vagrant", "provision", str(PLAYBOOK), str(PROJECT), "--json", timeout=300)
    assert res.returncode == 0, res.stderr[-3000:] + res.stdout[-3000:]
    _, summary = _events(res.stdout)
    assert set(summary) == set(MACHINES)
    assert all(s["changed"] == 0 and s["failed"] == 0 for s in summary.values()), summary


def test_inventory_source_checks_host_keys_learned_from_docker(up):
    res = orch("exec", "web", "-i", f"vagrant:{PROJECT}", "-m", "command", "-a", "hostname")
    assert res.returncode == 0, res.stderr + res.stdout
    assert all(name in res.stdout for name in MACHINES)
    inventory = PROJECT / ".vagrant" / "orch_inventory.yml"
    known_hosts = PROJECT / ".vagrant" / "orch_known_hosts"
    assert "ansible_host_key_checking: true" in inventory.read_text()
    lines = known_hosts.read_text().splitlines()
    assert {line.split()[0] for line in lines} == {f"[{a}]:{22870 + int(n[-1])}" for n, (a, _) in MACHINES.items()}
    # a wrong key is refused: checking is on, not turned off as `vagrant ssh-config` suggests
    saved = known_hosts.read_text()
    try:
        wrong = []
        for line in lines:  # every host gets another host's key of the same type
            name, key_type, _ = line.split()[:3]
            other = next(o.split() for o in lines if o.split()[1] == key_type and o.split()[0] != name)
            wrong.append(f"{name} {key_type} {other[2]}")
        known_hosts.write_text("\n".join(wrong) + "\n")
        res = orch("exec", "node1", "-i", str(inventory), "-m", "ping")
        assert res.returncode == 4, res.stdout + res.stderr
    finally:
        known_hosts.write_text(saved)


def test_status_lists_machines(up):
    res = orch("vagrant", "status", str(PROJECT))
    assert res.returncode == 0
    assert sorted(line.split("\t")[:2] for line in res.stdout.splitlines()) == [[n, "running"] for n in MACHINES]


def test_destroy_removes_the_machines(up):
    res = orch("vagrant", "destroy", str(PROJECT), timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    assert _containers() == []
    assert not (PROJECT / ".vagrant" / "orch_known_hosts").exists()
    res = orch("vagrant", "provision", str(PLAYBOOK), str(PROJECT))
    assert res.returncode == 4 and "not running" in res.stderr and "Traceback" not in res.stderr
