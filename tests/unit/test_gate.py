"""The gate: hosts wait for each other at tasks that read other hosts, but never for a host
that has no worker thread yet (fewer forks than hosts)."""

import threading

from orch.engine.gate import Gate


def _waits(gate: Gate, host: str, position: tuple) -> bool:
    """Whether wait_for_others blocks (checked for half a second)."""
    done = threading.Event()
    threading.Thread(target=lambda: (gate.wait_for_others(host, position), done.set()), daemon=True).start()
    return not done.wait(0.5)


def test_hosts_not_started_hold_no_one_up():
    gate = Gate(["a", "b", "c"], slots=1)
    assert not _waits(gate, "a", (5,))


def test_a_finished_host_lets_the_next_one_in_and_it_is_waited_for():
    gate = Gate(["a", "b", "c"], slots=2)
    gate.at("b", (7,))
    assert _waits(gate, "b", (7,))  # a has a thread and stands before 7
    gate.finished("a")  # c gets a's thread: b waits for c now
    assert _waits(gate, "b", (7,))
    gate.at("c", (7,))
    assert not _waits(gate, "b", (7,))


def test_first_at_follows_the_batch_order_not_arrival():
    gate = Gate(["a", "b", "c"])
    gate.at("c", (3,))
    gate.at("b", (3,))
    gate.leave("a")
    assert gate.first_at((3,)) == "b"
    assert gate.gone("a") and not gate.gone("b")
