"""The compatibility harness's translation of runme.sh and of ansible-playbook's options."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from pathlib import Path

import pytest

COMPAT = Path(__file__).resolve().parents[2] / "bench" / "compat"
sys.path.insert(0, str(COMPAT))

import execute  # noqa: E402
import runme  # noqa: E402


def _shim():
    loader = importlib.machinery.SourceFileLoader("compat_shim", str(COMPAT / "shim" / "ansible-playbook"))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


SCRIPT = r"""#!/usr/bin/env bash
set -eux
# a comment
export ANSIBLE_ROLES_PATH=../
ANSIBLE_GATHERING=explicit
ln -s ../../setup_remote_tmp_dir roles/setup_remote_tmp_dir
ansible-playbook test.yml -i ../../inventory -v "$@"
ANSIBLE_FORCE_HANDLERS=0 ansible-playbook -vv main.yml \
    -e x=1 | tee out.txt
[ "$(grep -c 'TEST COMPLETE' out.txt)" = "1" ]
[ "$(ansible-playbook listed.yml --list-tasks | grep -c Task)" = "3" ]
ansible-playbook fails.yml > rc.out || exit_code=$?
ansible localhost -m ping
(cd / && ansible-playbook -i "${TEST_DIR}/../../inventory" "${TEST_DIR}/p.yml")
for seed in a b; do
    ansible-playbook loop.yml -e "seed=${seed}" "$@"
done
for strategy in linear free; do
  [ "$(ansible-playbook x.yml | grep -c y)" = "1" ]
done
MATCH='foo
bar'
"""


def test_runme_lines_become_steps_setup_and_lines_not_run_with_reasons():
    items = runme.translate(SCRIPT)
    kinds = [(item.kind, item.line) for item in items]
    assert kinds == [("env", 4), ("env", 5), ("setup", 6), ("step", 7), ("step", 8), ("skip", 10), ("skip", 11),
                     ("skip", 12), ("skip", 13), ("step", 14), ("step", 15), ("skip", 18), ("env", 21)]
    steps = [item for item in items if item.kind == "step"]
    assert steps[1].text.endswith("-e x=1")  # `| tee` dropped, continuation joined
    assert steps[0].strict and not steps[1].strict  # no pipefail: tee hides the exit status
    assert steps[3].text.startswith("for seed in a b; do") and steps[3].text.endswith("done")
    reasons = {item.line: item.reason for item in items if item.kind == "skip"}
    assert "output" in reasons[11] and "failure" in reasons[12] and "another Ansible command" in reasons[13]
    assert "for block" in reasons[18]


def test_runme_tee_under_pipefail_is_strict():
    items = runme.translate("set -eux -o pipefail\nansible-playbook a.yml | tee out.txt\n")
    assert [(i.kind, i.text, i.strict) for i in items] == [("step", "ansible-playbook a.yml", True)]


@pytest.mark.parametrize("argv, options, playbooks", [
    (["-i", "inv", "site.yml", "-vvv", "--tags", "a", "-t", "b", "-e@vars.yml", "--extra-vars=x=1"],
     ["-i", "inv", "-v", "-e", "vars.yml".join(["@", ""]), "-e", "x=1", "-t", "a,b"], ["site.yml"]),
    (["a.yml", "b.yml", "-C", "--diff", "--flush-cache", "--skip-tags", "never"],
     ["-C", "-D", "--flush-cache", "--skip-tags", "never"], ["a.yml", "b.yml"]),
])
def test_shim_turns_ansible_playbook_options_into_orch_run_options(argv, options, playbooks):
    assert _shim().translate(argv) == (options, playbooks)


def test_shim_names_an_option_orch_lacks():
    with pytest.raises(SystemExit, match="--list-tasks"):
        _shim().translate(["site.yml", "--list-tasks"])


def test_first_failure_skips_ignored_errors_and_names_the_task():
    output = """
TASK [ping : crash] ****
fatal: [testhost]: FAILED! => {"changed": false, "msg": "boom"}
...ignoring

TASK [ping : check] ****
fatal: [testhost]: FAILED! => {"assertion": "x == 1", "changed": false,
    "msg": "Assertion failed"}

PLAY RECAP
"""
    assert execute.first_failure(output) == "ping : check: Assertion failed: x == 1"
    assert execute.first_failure("ERROR: site.yml:3:5: unknown module 'x'\n") == "site.yml:3:5: unknown module 'x'"


def test_wrapper_play_is_ansible_tests():
    play = execute.wrapper_playbook("copy", Path("/out"), ["gather_facts/no", "destructive"])
    assert '"gather_facts": false' in play and '"hosts": "testhost"' in play and '"roles": [\n            "copy"' in play


def test_runme_function_definition_is_one_item_and_the_lines_after_it_run():
    script = 'function cleanup {\n    ansible-playbook cleanup.yml\n}\ntrap cleanup EXIT\nansible-playbook a.yml\n'
    assert [(i.kind, i.line) for i in runme.translate(script)] == [("env", 1), ("skip", 4), ("step", 5)]


def test_runme_for_loop_with_do_on_its_own_line_and_a_cleanup_call_is_one_step():
    script = ('cleanup () {\n    rm -f x\n}\nfor seed in a b\ndo\n    cleanup\n    ansible-playbook p.yml -e "s=${seed}"\n'
              'done\n')
    items = runme.translate(script)
    assert [(i.kind, i.line) for i in items] == [("env", 1), ("step", 4)]
    assert items[1].text.splitlines()[-1] == "done"


def test_runme_steps_under_set_plus_e_need_only_agree_and_function_calls_run():
    script = "set -eux\ngen() {\n  touch f\n}\ngen\nset +e\nansible-playbook may_fail.yml\nset -e\nansible-playbook a.yml\n"
    items = runme.translate(script)
    assert [(i.kind, i.line, i.strict) for i in items] == [
        ("env", 2, True), ("setup", 5, True), ("step", 7, False), ("step", 9, True)]
