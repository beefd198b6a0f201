"""The jsonfile fact cache across runs: what set_fact caches comes back in the next run, for orch
and ansible-playbook alike (they share the files); --flush-cache forgets it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import orch

ANSIBLE_PLAYBOOK = shutil.which("ansible-playbook", path=os.path.dirname(sys.executable))
WRITE = """
- hosts: localhost
  gather_facts: false
  tasks:
    - set_fact: {ansible_kept: kept, plain_kept: 1, cacheable: true}
    - set_fact: {not_kept: lost}
"""
READ = """
- hosts: localhost
  gather_facts: false
  tasks:
    - assert:
        that:
          - ansible_kept == 'kept' and plain_kept == 1 and ansible_facts.kept == 'kept'
          - not_kept is undefined
"""
FLUSHED = """
- hosts: localhost
  gather_facts: false
  tasks:
    - assert: {that: [ansible_kept is undefined]}
"""


def _env(tmp_path) -> dict[str, str]:
    return {"ANSIBLE_CACHE_PLUGIN": "jsonfile", "ANSIBLE_CACHE_PLUGIN_CONNECTION": str(tmp_path / "facts"),
            "ANSIBLE_CACHE_PLUGIN_PREFIX": "p_", "ANSIBLE_LOCALHOST_WARNING": "false"}


def _book(tmp_path, name: str, text: str) -> str:
    (tmp_path / name).write_text(text)
    return str(tmp_path / name)


def _orch(tmp_path, book: str, *args: str):
    out = orch("run", book, "-i", "/dev/null", "--runs-dir", str(tmp_path / "runs"), *args,
               env=_env(tmp_path), cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    return out


def _ansible(tmp_path, book: str):
    out = subprocess.run([ANSIBLE_PLAYBOOK, book, "-i", "localhost,", "-c", "local"], capture_output=True,
                         text=True, cwd=tmp_path, env={**os.environ, **_env(tmp_path)}, timeout=120)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]


def test_cacheable_facts_come_back_in_the_next_run_until_flushed(tmp_path):
    _orch(tmp_path, _book(tmp_path, "write.yml", WRITE))
    assert os.listdir(tmp_path / "facts") == ["p_s1_localhost"]
    _orch(tmp_path, _book(tmp_path, "read.yml", READ))
    _orch(tmp_path, _book(tmp_path, "flushed.yml", FLUSHED), "--flush-cache")


@pytest.mark.parametrize("writer, reader", [("ansible", "orch"), ("orch", "ansible")])
def test_orch_and_ansible_playbook_share_the_cache(tmp_path, writer, reader):
    if ANSIBLE_PLAYBOOK is None:
        pytest.fail("ansible-playbook is a test dependency and must be installed")
    run = {"orch": _orch, "ansible": _ansible}
    run[writer](tmp_path, _book(tmp_path, "write.yml", WRITE))
    run[reader](tmp_path, _book(tmp_path, "read.yml", READ))
