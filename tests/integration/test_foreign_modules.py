"""Modules orch has no native code for, run from their Ansible source, against ansible-playbook.

Three twin lab hosts: ansible-playbook converges the first over SSH, orch the second over SSH
and the third over the Docker API. Each task's outcome (changed/skipped/failed) must be the
same, the hosts must end in the same state, a second orch run must change nothing, and check
mode (asked for other values on the converged hosts) must predict the same and change nothing.
The playbook (tests/data/foreign/modules.yml) uses 22 modules of ansible-core and of the
`ansible` package's collections; ansible-core 2.19 and ansible 12 are test dependencies.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import orch

pytestmark = pytest.mark.integration
DATA = Path(__file__).resolve().parents[1] / "data" / "foreign"
PLAYBOOK = DATA / "modules.yml"
ADDRESS = re.compile(r"127\.0\.\d+\.\d+")


def _tool(name: str) -> str:
    found = shutil.which(name, path=os.path.dirname(sys.executable)) or shutil.which(name)
    if not found:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is a test dependency and must be installed in CI")
        pytest.skip(f"{name} not installed")
    return found


def _collections_installed() -> None:
    from orch.foreign import finder

    if finder.find("community.general.ini_file", finder.Lookup()) is None:
        pytest.skip("the ansible package (community.general, ansible.posix) is not installed")


def _shell(lab, host: str, script: Path) -> str:
    res = subprocess.run(["docker", "exec", "-i", lab.container(host), "sh"], input=script.read_text(),
                         capture_output=True, text=True, timeout=120)
    return ADDRESS.sub("ADDR", res.stdout.replace(host, "HOST"))


def _outcome(result: dict) -> str:
    if result.get("failed"):
        return "failed: " + str(result.get("msg", ""))[:200]
    if result.get("skipped"):
        return "skipped"
    return "changed" if result.get("changed") else "ok"


def _ansible(lab, host: str, tmp_path: Path, *extra: str) -> dict[str, str]:
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_STDOUT_CALLBACK="ansible.posix.json",
               ANSIBLE_PIPELINING="1", ANSIBLE_HOME=str(tmp_path / "ansible-home"),
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"),
               ANSIBLE_SSH_ARGS=f"-o UserKnownHostsFile={lab.known_hosts} -o ControlMaster=auto "
                                f"-o ControlPersist=60s -o ControlPath={tmp_path}/cp-%h")
    res = subprocess.run([_tool("ansible-playbook"), "-i", str(lab.ssh_inventory), "-l", host, str(PLAYBOOK),
                          *extra], capture_output=True, text=True, env=env, timeout=900)
    report = json.loads(res.stdout[res.stdout.index("{"):])
    tasks = [t for play in report["plays"] for t in play["tasks"]]
    return {t["task"]["name"]: _outcome(t["hosts"][host]) for t in tasks if host in t["hosts"]}


def _orch(inventory: Path, host: str, *extra: str) -> dict[str, str]:
    res = orch("run", str(PLAYBOOK), "-i", str(inventory), "-l", host, "--json", *extra, timeout=600)
    events = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    results = [e for e in events if e.get("event") == "task_result" and e.get("host") == host]
    assert results, res.stdout[-3000:] + res.stderr[-3000:]
    return {e["task"]: _outcome({"failed": e["status"] == "failed", "skipped": e["status"] == "skipped",
                                 "changed": e["changed"], "msg": (e.get("result") or {}).get("msg")})
            for e in results}


def test_same_outcomes_and_state_as_ansible_over_ssh_and_docker(lab, tmp_path):
    _collections_installed()
    by_ansible, by_ssh, by_docker = lab.names
    for host in lab.names:
        _shell(lab, host, DATA / "undo.sh")

    expected = _ansible(lab, by_ansible, tmp_path)
    assert list(expected.values()).count("changed") >= 25 and not any(v.startswith("failed") for v in expected.values())
    assert _orch(lab.ssh_inventory, by_ssh) == expected
    assert _orch(lab.docker_inventory, by_docker) == expected
    state = _shell(lab, by_ansible, DATA / "state.sh")
    assert "== app.ini" in state and "fmuser" in state and "Europe/Paris" in state
    assert _shell(lab, by_ssh, DATA / "state.sh") == state
    assert _shell(lab, by_docker, DATA / "state.sh") == state

    # Converged: orch changes nothing, over either transport.
    for inventory, host in ((lab.ssh_inventory, by_ssh), (lab.docker_inventory, by_docker)):
        again = _orch(inventory, host)
        assert set(again.values()) <= {"ok", "skipped"}, [task for task, v in again.items() if v != "ok"]

    # Check mode, asked for other values: the same predictions, and nothing changes.
    predicted = _ansible(lab, by_ansible, tmp_path, "--check", "-e", "round=2")
    assert sum(v == "changed" for v in predicted.values()) >= 12
    assert _orch(lab.ssh_inventory, by_ssh, "--check", "-e", "round=2") == predicted
    assert _orch(lab.docker_inventory, by_docker, "--check", "-e", "round=2") == predicted
    assert _shell(lab, by_ssh, DATA / "state.sh") == state == _shell(lab, by_docker, DATA / "state.sh")

    # And applied: the same state again, then nothing to do.
    applied = _ansible(lab, by_ansible, tmp_path, "-e", "round=2")
    assert _orch(lab.ssh_inventory, by_ssh, "-e", "round=2") == applied
    assert _orch(lab.docker_inventory, by_docker, "-e", "round=2") == applied
    state2 = _shell(lab, by_ansible, DATA / "state.sh")
    assert state2 != state and "Europe/Berlin" in state2
    assert _shell(lab, by_ssh, DATA / "state.sh") == state2 == _shell(lab, by_docker, DATA / "state.sh")
    assert set(_orch(lab.ssh_inventory, by_ssh, "-e", "round=2").values()) <= {"ok", "skipped"}


def test_plan_on_a_fresh_host_never_fails_where_the_run_would_not(lab):
    _collections_installed()
    host = lab.names[1]
    _shell(lab, host, DATA / "undo.sh")
    res = orch("plan", str(PLAYBOOK), "-i", str(lab.ssh_inventory), "-l", host, "--json", timeout=600)
    events = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    status = {e["task"]: e["status"] for e in events if e.get("event") == "task_result"}
    assert res.returncode == 0 and "failed" not in status.values(), res.stdout[-3000:]
    # yum_repository checks the host as it is: the folder an earlier step would make is not there yet
    assert status["yum_repository"] == "unknown" and status["ini_file"] == "changed"
    assert len(status) == len([t for t in PLAYBOOK.read_text().splitlines() if t.startswith("    - name:")])
    assert "== acl.txt" not in _shell(lab, host, DATA / "state.sh")  # the plan changed nothing
