"""Which consecutive tasks may share one round trip (state in, batch out)."""

from __future__ import annotations

from orch.engine.batching import batch_run
from orch.errors import Location
from orch.playbook.model import Block, LoopSpec, Task


class _Run:
    def needs_gate(self, task):
        return "hostvars" in repr(task.args)


class _Worker:
    run = _Run()


def task(module="file", args=None, **kw) -> Task:
    return Task(module=module, args=args or {"path": "/x"}, location=Location("t.yml", 1), **kw)


def names(items, start=0):
    return [next(i for i, item in enumerate(items) if item is t) for t in batch_run(_Worker(), items, start)]


def test_plain_steps_share_a_trip():
    items = [task(), task("copy"), task("lineinfile"), task("service")]
    assert names(items) == [0, 1, 2, 3]


def test_a_single_step_is_no_batch():
    assert names([task()]) == []
    assert names([task(), task("debug")]) == []


def test_controller_actions_loops_and_special_tasks_break_the_run():
    for breaker in (task("debug"), task("set_fact"), task(loop=LoopSpec("loop", [1])), task(until=["x"]),
                    task(run_once=True), task(delegate_to="db1"), task("include_tasks"), task("meta"),
                    task("uri"), task(args={"path": "{{ hostvars['a'].x }}"})):
        assert names([task(), task(), breaker, task()]) == [0, 1]


def test_a_reader_of_a_registered_result_starts_a_new_trip():
    items = [task("command", register="out"), task("file"), task("copy", when=["out.rc == 0"]), task()]
    assert names(items) == [0, 1]
    assert names(items, 2) == [2, 3]


def test_failed_when_may_only_end_a_run():
    items = [task(), task(failed_when=["False"]), task()]
    assert names(items) == [0, 1]


def test_different_become_or_check_mode_breaks_the_run():
    assert names([task(), task(become=True)]) == []
    assert names([task(check_mode=True), task(check_mode=True), task()]) == [0, 1]


def test_a_different_login_user_breaks_the_run():
    assert names([task(), task(remote_user="ops")]) == []
    assert names([task(remote_user="ops"), task(remote_user="ops"), task()]) == [0, 1]
    assert names([task(vars={"ansible_user": "ops"}), task()]) == []
    assert names([task(vars={"ansible_user": "ops", "x": 1}), task(vars={"ansible_user": "ops"})]) == [0, 1]


def test_blocks_are_not_batched_across():
    items = [task(), Block(location=Location("t.yml", 2), block=[task()]), task()]
    assert names(items) == []
