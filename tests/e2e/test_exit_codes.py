"""ORCH_EXIT_CODES=ansible: orch run exits as ansible-playbook does (the oracle, run on the same
playbooks with the local connection); without it, orch's own codes (README)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import orch

ANSIBLE_PLAYBOOK = shutil.which("ansible-playbook", path=os.path.dirname(sys.executable))
CASES = {
    "ok": "- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: {msg: fine}\n",
    "failed": "- hosts: all\n  gather_facts: false\n  tasks:\n    - fail: {msg: as asked}\n",
    "parse_error": "- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: {msg: [unclosed\n",
    "bad_keyword": "- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: {msg: x}\n      no_such_keyword: 1\n",
    # a notification no handler answers ends the run; so does flush_handlers as a handler
    "missing_handler": "- hosts: all\n  gather_facts: false\n  tasks:\n    - {debug: {}, changed_when: true, notify: nowhere}\n",
    "flush_as_handler": "- hosts: all\n  gather_facts: false\n  tasks:\n    - {debug: {}, changed_when: true, notify: h}\n"
                        "  handlers:\n    - {name: h, meta: flush_handlers}\n",
    "block_in_handler": "- hosts: all\n  gather_facts: false\n  handlers:\n    - block: [{block: [{debug: {}}]}]\n",
    "reserved_arg": "- hosts: all\n  gather_facts: false\n  tasks:\n    - set_fact: {_ansible_foo: bar}\n",
}
ORCH_OWN = {"ok": 0, "failed": 1, "parse_error": 2, "bad_keyword": 2, "missing_handler": 1, "flush_as_handler": 1,
            "block_in_handler": 2, "reserved_arg": 1}


def _write(tmp_path, name):
    (tmp_path / "inv").write_text("localhost ansible_connection=local\n")
    (tmp_path / "pb.yml").write_text(CASES[name])
    return str(tmp_path / "pb.yml"), str(tmp_path / "inv")


@pytest.mark.parametrize("name", sorted(CASES))
def test_ansible_codes_match_ansible_playbook(tmp_path, name):
    if ANSIBLE_PLAYBOOK is None:
        pytest.fail("ansible-playbook is a test dependency and must be installed")
    playbook, inventory = _write(tmp_path, name)
    env = {**os.environ, "ANSIBLE_LOCALHOST_WARNING": "false", "ANSIBLE_NOCOLOR": "1"}
    expected = subprocess.run([ANSIBLE_PLAYBOOK, playbook, "-i", inventory], capture_output=True, text=True,
                              cwd=tmp_path, env=env, timeout=120).returncode
    out = orch("run", playbook, "-i", inventory, "--no-color", "--runs-dir", str(tmp_path / "runs"),
               env={"ORCH_EXIT_CODES": "ansible"}, cwd=tmp_path, timeout=120)
    assert out.returncode == expected, out.stdout[-2000:] + out.stderr[-2000:]
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("name", sorted(CASES))
def test_orch_own_codes_by_default(tmp_path, name):
    playbook, inventory = _write(tmp_path, name)
    out = orch("run", playbook, "-i", inventory, "--no-color", "--runs-dir", str(tmp_path / "runs"),
               env={"ORCH_EXIT_CODES": ""}, cwd=tmp_path, timeout=120)
    assert out.returncode == ORCH_OWN[name], out.stdout[-2000:] + out.stderr[-2000:]
