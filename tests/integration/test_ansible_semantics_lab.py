"""Ansible's semantics on a lab host: each playbook under tests/data/semantics_lab asserts what
ansible-playbook does on a Debian host; ansible-playbook must pass it and so must orch."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import orch

pytestmark = pytest.mark.integration
CASES = Path(__file__).resolve().parents[1] / "data" / "semantics_lab"
ANSIBLE_PLAYBOOK = (shutil.which("ansible-playbook", path=os.path.dirname(sys.executable))
                    or shutil.which("ansible-playbook"))


def _ansible(lab, host: str, playbook: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    if ANSIBLE_PLAYBOOK is None:
        if os.environ.get("CI"):
            pytest.fail("ansible-playbook is a test dependency and must be installed in CI")
        pytest.skip("ansible-playbook not installed")
    env = dict(os.environ, ANSIBLE_SSH_ARGS=f"-o UserKnownHostsFile={lab.known_hosts} -o ControlMaster=no",
               ANSIBLE_NOCOLOR="1", ANSIBLE_LOCAL_TEMP=str(tmp_path / "a-tmp"), ANSIBLE_HOME=str(tmp_path / "a-home"),
               ANSIBLE_RETRY_FILES_ENABLED="0")
    return subprocess.run([ANSIBLE_PLAYBOOK, "-i", str(lab.ssh_inventory), "-l", host, str(playbook)],
                          capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.parametrize("case", sorted(p.stem for p in CASES.glob("*.yml")))
def test_case_passes_under_both(lab, case: str, tmp_path: Path) -> None:
    playbook = CASES / f"{case}.yml"
    host = lab.names[2]
    res = _ansible(lab, host, playbook, tmp_path)
    assert res.returncode == 0, "ansible-playbook: " + res.stdout[-4000:] + res.stderr[-2000:]
    res = orch("run", str(playbook), "-i", str(lab.ssh_inventory), "-l", host)
    assert res.returncode == 0, "orch: " + res.stdout[-4000:] + res.stderr[-2000:]
    assert "failed=0" in res.stdout.split("PLAY RECAP")[-1]
