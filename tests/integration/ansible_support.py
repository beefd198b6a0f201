"""Helpers for parity tests (no tests here): run a playbook through ansible-playbook and orch on lab hosts."""

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


def ansible_playbook() -> str:
    found = shutil.which("ansible-playbook", path=os.path.dirname(sys.executable)) or shutil.which("ansible-playbook")
    if not found:
        if os.environ.get("CI"):
            pytest.fail("ansible-playbook is a test dependency and must be installed in CI")
        pytest.skip("ansible-playbook not installed")
    return found


def ansible_env(lab, tmp_path: Path, **extra: str) -> dict:
    return dict(os.environ, ANSIBLE_SSH_ARGS=f"-o UserKnownHostsFile={lab.known_hosts} -o ControlMaster=no",
                ANSIBLE_NOCOLOR="1", ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"),
                ANSIBLE_HOME=str(tmp_path / "ansible-home"), ANSIBLE_RETRY_FILES_ENABLED="0", **extra)


def run_ansible(lab, host: str, playbook: Path, tmp_path: Path, *args: str, env: dict | None = None) -> dict:
    """ansible-playbook on one host of the lab over SSH; returns its recap counts (ok, changed, ...)."""
    res = subprocess.run([ansible_playbook(), "-i", str(lab.ssh_inventory), "-l", host, *args, str(playbook)],
                         capture_output=True, text=True, env=ansible_env(lab, tmp_path, **(env or {})), timeout=600)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
    recap = re.search(rf"^{re.escape(host)}\s*:(.*)$", res.stdout.split("PLAY RECAP")[1], re.M).group(1)
    return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", recap)}


def run_orch(inventory: Path, host: str, playbook: Path, *args: str, env: dict | None = None) -> dict:
    """orch run on one host; returns its summary counts."""
    res = orch("run", str(playbook), "-i", str(inventory), "-l", host, "--json", *args, env=env)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
    return json.loads(res.stdout.splitlines()[-1])["hosts"][host]


def shell(inventory: Path, host: str, script: str) -> str:
    """A shell script's stdout on a host (through orch exec), asserting it succeeded."""
    res = orch("exec", host, "-i", str(inventory), "-m", "shell", "-a", script, "--json")
    event = next(json.loads(line) for line in res.stdout.splitlines() if '"task_result"' in line)
    assert event["result"].get("rc") == 0, event
    return event["result"]["stdout"]
