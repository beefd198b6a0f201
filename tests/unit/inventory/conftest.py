"""Helpers that ask the real Ansible (ansible-core) what it makes of an inventory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "data" / "inventories"
HAVE_ANSIBLE = shutil.which("ansible-inventory") is not None and shutil.which("ansible") is not None
needs_ansible = pytest.mark.skipif(not HAVE_ANSIBLE, reason="ansible-inventory executable not installed")


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(ANSIBLE_HOST_PATTERN_MISMATCH="ignore", ANSIBLE_LOCALHOST_WARNING="False",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="False", ANSIBLE_NOCOLOR="1",
               ANSIBLE_CONFIG=str(tmp / "none.cfg"), PYTHONHASHSEED="0")
    return env


@pytest.fixture(scope="session")
def ansible_cwd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # an empty cwd: ansible-inventory also reads group_vars next to its cwd ("playbook dir")
    return tmp_path_factory.mktemp("ansible-cwd")


def ansible_list(sources: list[str | Path], cwd: Path) -> dict:
    args = ["ansible-inventory", "--list"]
    for s in sources:
        args += ["-i", str(s)]
    out = subprocess.run(args, cwd=cwd, env=_env(cwd), capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def ansible_list_hosts(pattern: str, sources: list[str | Path], cwd: Path, limit: str | None = None) -> list[str]:
    """Hosts as printed by `ansible PATTERN --list-hosts` (the real CLI)."""
    args = ["ansible", pattern, "--list-hosts"]
    for s in sources:
        args += ["-i", str(s)]
    if limit:
        args += ["--limit", limit]
    out = subprocess.run(args, cwd=cwd, env=_env(cwd), capture_output=True, text=True, check=True)
    lines = out.stdout.splitlines()
    return [line.strip() for line in lines[1:] if line.strip()] if lines else []


_BATCH = r"""
import json, sys
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader
out = []
managers = {}
for sources, pattern, limit in json.load(sys.stdin):
    key = tuple(sources)
    if key not in managers:
        managers[key] = InventoryManager(DataLoader(), sources=sources)
    im = managers[key]
    im.subset(limit)
    im.clear_pattern_cache()
    try:
        out.append([getattr(h, "name", h) for h in im.list_hosts(pattern)])
    except Exception as exc:
        out.append({"error": str(exc)})
print(json.dumps(out))
"""


def ansible_batch_hosts(queries: list[tuple[list[str], str, str | None]], cwd: Path) -> list:
    """Many patterns in one process, through the same InventoryManager calls `ansible --list-hosts` makes."""
    out = subprocess.run([sys.executable, "-c", _BATCH], input=json.dumps(queries), cwd=cwd, env=_env(cwd),
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])
