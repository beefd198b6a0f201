"""Ansible's serial / max_fail_percentage / all-failed-batch rules, as orch applies them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from orch.engine import resume
from orch.engine.serial import batch_sizes


@pytest.mark.parametrize("serial,total,sizes", [
    (None, 5, [5]), (1, 3, [1, 1, 1]), ("30%", 10, [3, 3, 3, 1]), ("10%", 5, [1, 1, 1, 1, 1]),
    ([1, 5, 10], 20, [1, 5, 10, 4]), (["10%", "20%", "100%"], 20, [2, 4, 14]), ([1, "50%"], 5, [1, 2, 2]),
])
def test_batch_sizes_follow_ansible(serial, total, sizes):
    assert batch_sizes(serial, total) == sizes


class _Bus:
    def __init__(self):
        self.events = []

    def emit(self, kind, **data):
        self.events.append((kind, data))


class _Run:  # a PlaybookRun stand-in (weak-referenceable, with a bus)
    def __init__(self):
        self.bus = _Bus()


def _batch(states, failed, aborted):
    play = SimpleNamespace(name="p")
    return SimpleNamespace(batch=states, failed_hosts=failed, aborted=lambda: aborted, play=play)


def _host(name, active=True):
    return SimpleNamespace(name=name, active=active)


def test_a_batch_where_every_host_failed_stops_the_run():
    pb = _Run()
    assert resume.batch_done(pb, _batch([_host("a", False)], 1, False))
    assert pb.bus.events[0][0] == "run_stopped"


def test_some_failures_without_limits_go_on_and_limits_stop():
    pb = _Run()
    assert not resume.batch_done(pb, _batch([_host("a", False), _host("b")], 1, False))
    # PlayRun sets the abort flag past max_fail_percentage / any_errors_fatal
    assert resume.batch_done(pb, _batch([_host("a", False), _host("b")], 1, True))
    assert not resume.batch_done(pb, _batch([_host("a"), _host("b")], 0, True))  # meta: end_play
