"""Ansible's serial / max_fail_percentage / all-failed-batch rules, as orch applies them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from orch.engine.resume import ResumeRecord
from orch.engine.serial import batch_sizes


@pytest.mark.parametrize("serial,total,sizes", [
    (None, 5, [5]), (1, 3, [1, 1, 1]), ("30%", 10, [3, 3, 3, 1]), ("10%", 5, [1, 1, 1, 1, 1]),
    ([1, 5, 10], 20, [1, 5, 10, 4]), (["10%", "20%", "100%"], 20, [2, 4, 14]), ([1, "50%"], 5, [1, 2, 2]),
])
def test_batch_sizes_follow_ansible(serial, total, sizes):
    assert batch_sizes(serial, total) == sizes


def _batch(states, failed, aborted, play=None):
    return SimpleNamespace(batch=states, failed_hosts=failed, aborted=lambda: aborted,
                           play=play or SimpleNamespace(name="p"))


def _host(name, active=True):
    return SimpleNamespace(name=name, active=active)


def test_a_batch_where_every_host_failed_stops_the_run():
    record = ResumeRecord()
    assert record.batch_done(_batch([_host("a", False)], 1, False))
    assert record.stopped == ["a"] and record.stop_reason == "every host of the batch failed"


def test_some_failures_without_limits_go_on_and_limits_stop():
    record = ResumeRecord()
    assert not record.batch_done(_batch([_host("a", False), _host("b")], 1, False))
    # PlayRun sets the abort flag past max_fail_percentage / any_errors_fatal
    assert record.batch_done(_batch([_host("a", False), _host("b")], 1, True))
    assert record.stop_reason == "failure limit reached"
    assert not ResumeRecord().batch_done(_batch([_host("a"), _host("b")], 0, True))  # meta: end_play


def test_each_run_keeps_its_own_record_of_the_hosts_left():
    play, later = SimpleNamespace(name="p"), SimpleNamespace(name="q")
    first, second = ResumeRecord(), ResumeRecord()
    first.batch_done(_batch([_host("a"), _host("b")], 0, False, play))
    assert first.batch_done(_batch([_host("c", False)], 1, False, play))
    states = {"a": SimpleNamespace(failed=False, unreachable=False),
              "c": SimpleNamespace(failed=True, unreachable=False)}
    targets = {id(play): ["a", "b", "c", "d"], id(later): None}  # None: needs run-time facts
    left = first.remaining(states, [play, later], lambda p: targets[id(p)])
    assert left == {"failed": ["c"], "unreachable": [], "not_reached": ["d"]}
    # another run in the same process starts from nothing
    assert second.remaining({}, [play], lambda p: ["a"]) == {"failed": [], "unreachable": [], "not_reached": ["a"]}
