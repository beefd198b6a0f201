"""The containerised sample: rolling update with serial: 1, a health-check failure that stops
the rollout, the resume file and ``orch run --resume``."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import orch
from tests.integration.docker_helpers import changed, cleanup, run

pytestmark = pytest.mark.integration
PLAYBOOK = Path(__file__).resolve().parents[2] / "playbooks" / "deploy-app-containers.yml"
RESUME = PLAYBOOK.parent / ".orch" / "resume-deploy-app-containers.json"
NAMES = ["-e", "app_prefix=orchtest-dk-app"]


@pytest.fixture
def sample(lab):
    cleanup()
    RESUME.unlink(missing_ok=True)
    yield
    RESUME.unlink(missing_ok=True)
    cleanup()


def _live(lab, name: str) -> dict:
    return json.loads(urllib.request.urlopen(f"http://{lab.address(name)}:8081/health", timeout=5).read())


def _container_version(name: str) -> str:
    import docker

    return docker.from_env().containers.get(f"orchtest-dk-app-{name}").labels["orchdemo.version"]


def test_rollout_converges_and_updates_one_batch_at_a_time(sample, lab):
    inv = lab.ssh_inventory
    plan, planned, _ = run(PLAYBOOK, "-i", inv, *NAMES, "--check")
    res, applied, _ = run(PLAYBOOK, "-i", inv, *NAMES)
    assert res.returncode == 0, res.stdout[-3000:]
    assert changed(planned) == changed(applied)
    # one daemon behind all three hosts: the first host builds, every host gets its replica
    assert changed(applied) == sorted([(lab.names[0], "App image")] + [(n, "App container") for n in lab.names])
    assert all(_live(lab, n) == {**_live(lab, n), "host": n, "version": "1.0.0"} for n in lab.names)
    again, results, _ = run(PLAYBOOK, "-i", inv, *NAMES)
    assert again.returncode == 0 and changed(results) == []
    plan, planned, _ = run(PLAYBOOK, "-i", inv, *NAMES, "-e", "app_version=1.1.0", "--check")
    res, applied, _ = run(PLAYBOOK, "-i", inv, *NAMES, "-e", "app_version=1.1.0")
    assert res.returncode == 0, res.stdout[-3000:]
    assert changed(planned) == changed(applied)
    container_results = [e for e in applied if e["task"] == "App container"]
    assert [e["host"] for e in container_results] == lab.names  # batch after batch, in order
    assert all(e["result"]["differences"] == ["image", "env", "labels"] for e in container_results)
    assert all(_live(lab, n)["version"] == "1.1.0" for n in lab.names)


def test_failed_health_check_stops_the_rollout_and_resume_finishes_it(sample, lab, tmp_path):
    inv = lab.ssh_inventory
    assert run(PLAYBOOK, "-i", inv, *NAMES)[0].returncode == 0
    first, second, third = lab.names
    # a bad setting on the second host: the app listens on the wrong port, its health check fails
    override = tmp_path / "override.yml"
    override.write_text(json.dumps({"all": {"hosts": {second: {"app_env": {"APP_PORT": "9999"}}}}}))
    res, results, recap = run(PLAYBOOK, "-i", inv, "-i", override, *NAMES, "-e", "app_version=2.0.0")
    assert res.returncode == 1, res.stdout[-3000:]
    failed = [(e["host"], e["task"]) for e in results if e["status"] == "failed"]
    assert failed == [(second, "Health check")]
    assert not any(recap[third].values()) and not [e for e in results if e["host"] == third]  # batch 3 untouched
    assert [_container_version(n) for n in lab.names] == ["2.0.0", "2.0.0", "1.0.0"]
    assert _live(lab, first)["version"] == "2.0.0" and _live(lab, third)["version"] == "1.0.0"
    data = json.loads(RESUME.read_text())
    assert data["hosts"] == [second, third] and data["failed"] == [second] and data["not_reached"] == [third]
    assert str(RESUME) in res.stderr
    # fixed, then resumed: only the remaining hosts run, and the file is used up
    override.write_text(json.dumps({"all": {"hosts": {second: {"app_env": {}}}}}))
    resumed = orch("run", "--resume", str(RESUME), "--json")
    assert resumed.returncode == 0, resumed.stdout[-3000:]
    hosts = {json.loads(line)["host"] for line in resumed.stdout.splitlines() if '"task_result"' in line}
    assert hosts == {second, third}
    assert all(_live(lab, n)["version"] == "2.0.0" for n in lab.names)
    assert not RESUME.exists()
