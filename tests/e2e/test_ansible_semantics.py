"""Ansible's language, exactly: each playbook under tests/data/semantics asserts Ansible's behaviour.

Every case runs on the controller (connection local) through ansible-playbook, which must
pass it (the playbook states what Ansible does), and through orch, which must pass it too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import orch

CASES = Path(__file__).resolve().parents[1] / "data" / "semantics"
BIN = os.path.dirname(sys.executable)
ANSIBLE_PLAYBOOK = shutil.which("ansible-playbook", path=BIN) or shutil.which("ansible-playbook")


def _workdir(case: str, tmp_path: Path) -> Path:
    work = tmp_path / case
    shutil.copytree(CASES / case, work)
    local = f"ansible_connection=local ansible_python_interpreter={sys.executable}"
    own = CASES / case / "hosts.ini"  # a case may name hosts of its own; every host runs on the controller
    (work / "inventory.ini").write_text(
        f"{own.read_text()}\n[all:vars]\n{local.replace(' ', chr(10))}\n" if own.exists()
        else f"[testgroup]\ntesthost {local}\n")
    return work


def run_case(case: str, tool: str, tmp_path: Path, *args: str, playbook: str = "site.yml") -> subprocess.CompletedProcess:
    work = _workdir(case, tmp_path / tool)
    argv = ["-i", str(work / "inventory.ini"), str(work / playbook), *args]
    if tool.startswith("orch"):
        return orch("run", *argv, cwd=work)
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_LOCAL_TEMP=str(tmp_path / "a-tmp"),
               ANSIBLE_HOME=str(tmp_path / "a-home"), ANSIBLE_RETRY_FILES_ENABLED="0")
    return subprocess.run([ANSIBLE_PLAYBOOK, *argv], capture_output=True, text=True, env=env, cwd=work, timeout=300)


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if (p / "site.yml").exists()))
@pytest.mark.parametrize("tool", ["ansible", "orch"])
def test_case_passes(case: str, tool: str, tmp_path: Path) -> None:
    if tool == "ansible" and ANSIBLE_PLAYBOOK is None:
        if os.environ.get("CI"):
            pytest.fail("ansible-playbook is a test dependency and must be installed in CI")
        pytest.skip("ansible-playbook not installed")
    res = run_case(case, tool, tmp_path)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
    assert "failed=0" in res.stdout.split("PLAY RECAP")[-1], res.stdout[-4000:]


@pytest.mark.parametrize("tool", ["ansible", "orch"])
def test_cleared_host_errors_let_the_host_go_on(tool: str, tmp_path: Path) -> None:
    if tool == "ansible" and ANSIBLE_PLAYBOOK is None:
        pytest.skip("ansible-playbook not installed")
    res = run_case("clear_host_errors", tool, tmp_path, playbook="play.yml")
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
    assert "went on after clearing" in res.stdout


def _recap(stdout: str) -> dict[str, dict[str, int]]:
    lines = stdout.split("PLAY RECAP")[-1].strip().splitlines()
    counts = {}
    for line in lines:
        host, _, rest = line.partition(":")
        if rest:
            counts[host.strip()] = {k: int(v) for k, v in (pair.split("=") for pair in rest.split())}
    return counts


def test_recap_counts_as_ansible_does(tmp_path: Path) -> None:
    if ANSIBLE_PLAYBOOK is None:
        pytest.skip("ansible-playbook not installed")
    ansible = run_case("recap", "ansible", tmp_path, playbook="recap.yml")
    ours = run_case("recap", "orch", tmp_path, playbook="recap.yml")
    assert ansible.returncode == 0 and ours.returncode == 0, ours.stdout[-4000:] + ours.stderr[-2000:]
    expected = _recap(ansible.stdout)
    assert expected["h1"]["ok"] > 10  # the oracle's recap was read
    assert _recap(ours.stdout) == expected
    one_fork = run_case("recap", "orch-f1", tmp_path, "-f", "1", playbook="recap.yml")
    assert one_fork.returncode == 0, one_fork.stdout[-4000:] + one_fork.stderr[-2000:]
    assert _recap(one_fork.stdout) == expected
