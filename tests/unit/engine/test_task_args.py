"""A task's arguments as an action gets them: templated, except those the action reads as written."""

from orch.engine.task_args import templated_args
from orch.playbook.loader import load_playbook
from orch.templating import Templar


def _task(tmp_path, body):
    book = tmp_path / "p.yml"
    book.write_text("- hosts: all\n  tasks:\n" + body)
    return load_playbook(book).plays[0].tasks[0]


def test_assert_that_is_not_templated_before_the_action_evaluates_it(tmp_path):
    task = _task(tmp_path, "    - assert:\n        that: lookup('x', '{{ nope }}') == 1\n"
                           "        fail_msg: '{{ word }}'\n")
    args = templated_args(Templar(), task, {"word": "bad"}, "assert", None)
    assert args == {"that": "lookup('x', '{{ nope }}') == 1", "fail_msg": "bad"}


def test_other_actions_get_every_argument_templated(tmp_path):
    task = _task(tmp_path, "    - debug:\n        msg: '{{ word }}'\n")
    assert templated_args(Templar(), task, {"word": "hi"}, "debug", None) == {"msg": "hi"}
