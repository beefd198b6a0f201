"""Loading like Ansible, not stricter: other platforms' files and unknown modules fail only where
reached; collections (roles, the collections keyword), library/ modules and templated module
names work; orch check is the strict lint. Real CLI, local connection (tests/data/foreign/book)."""

from __future__ import annotations

from pathlib import Path

import pytest

from orch.foreign import paths
from tests.conftest import orch

BOOK = Path(__file__).resolve().parents[1] / "data" / "foreign" / "book"
SITE = BOOK / "site.yml"
pytestmark = pytest.mark.skipif(paths.search_paths().ansible_dir is None, reason="ansible-core is not installed")


def _run(tmp_path, *extra):
    (tmp_path / "inv").write_text("localhost ansible_connection=local\n")
    return orch("run", str(SITE), "-i", str(tmp_path / "inv"), "-e", f"out={tmp_path}", "--no-color",
                "--runs-dir", str(tmp_path / "runs"), *extra, cwd=tmp_path, timeout=120)


def test_other_platforms_files_do_not_stop_the_run(tmp_path):
    out = _run(tmp_path)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "Traceback" not in out.stdout + out.stderr
    assert "task(s) cannot run as written" in out.stderr
    assert "windows-cleanup.yml:4:3: module 'no_such_module_anywhere' not found" in out.stderr
    # the library/ module of the role, the collections keyword, the role from the collection,
    # a templated name resolving to a native and to a foreign module
    assert (tmp_path / "results.txt").read_text() == "hello keyword\nhello templated\nHI\n"
    assert "acme.tools.greeter : greeted" in out.stdout
    assert "skipping: [localhost]" in out.stdout and "failed=0" in out.stdout


def test_check_is_strict_with_file_and_line(tmp_path):
    out = orch("check", str(SITE), cwd=tmp_path, timeout=60)
    assert out.returncode == 2, out.stdout + out.stderr
    text = out.stderr
    assert f"{BOOK}/roles/multi/tasks/setup-RedHat.yml:2:3: module ansible.builtin.dnf needs Ansible's" in text
    assert "windows-cleanup.yml:2:3: module ansible.windows.win_file" in text and "not a Python module" in text
    assert "windows-cleanup.yml:4:3: module 'no_such_module_anywhere' not found; looked in:" in text
    strict = _run(tmp_path, "--strict")
    assert strict.returncode == 2 and "PLAY [" not in strict.stdout


def test_a_module_found_nowhere_fails_the_host_that_reaches_it(tmp_path):
    (tmp_path / "pb.yml").write_text("- hosts: all\n  gather_facts: false\n  tasks:\n"
                                     "    - name: reached\n      no_such_module_anywhere: {x: 1}\n"
                                     "    - name: after\n      debug: {msg: never}\n")
    (tmp_path / "inv").write_text("localhost ansible_connection=local\n")
    out = orch("run", str(tmp_path / "pb.yml"), "-i", str(tmp_path / "inv"), "--no-color", "--runs-dir",
               str(tmp_path / "runs"), cwd=tmp_path, timeout=60)
    assert out.returncode == 1
    assert f"{tmp_path}/pb.yml:5:7: module 'no_such_module_anywhere' not found" in out.stdout
    assert "never" not in out.stdout
    clean = orch("check", str(BOOK.parent / "modules.yml"), cwd=tmp_path, timeout=60)
    assert clean.returncode == 0 and ": ok (1 play(s)" in clean.stdout, clean.stderr
