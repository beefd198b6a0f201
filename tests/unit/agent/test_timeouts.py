"""A step's timeout in a local agent: the command is stopped with all it started, and the agent goes on.

And commands return when they exit, even when a background process keeps their output open
(as Ansible's run_command does).
"""

from __future__ import annotations

import os
import time


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    with open(f"/proc/{pid}/stat") as handle:  # a zombie waiting for its new parent counts as gone
        return handle.read().split(")")[-1].split()[0] == "Z"


def test_timed_out_command_and_its_children_are_stopped(agent, tmp_path):
    pid_file = tmp_path / "child.pid"
    started = time.monotonic()
    result = agent.session.run("shell", {"_raw_params": f"sleep 30 & echo $! > {pid_file}; wait"},
                               timeout={"seconds": 0.5, "period": 1})
    assert time.monotonic() - started < 5
    assert result["failed"] and result["timedout"] == {"period": 1}
    assert result["msg"] == "Task failed: Timed out after 1 second(s)."
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while not _gone(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(child)
    # The agent carries on, without the alarm.
    after = agent.session.run("command", {"_raw_params": "echo fine"})
    assert after["stdout"] == "fine" and not after["failed"]


def test_step_within_its_timeout_is_untouched(agent):
    result = agent.session.run("command", {"_raw_params": "echo quick"}, timeout={"seconds": 5, "period": 5})
    assert result["stdout"] == "quick" and "timedout" not in result


def test_command_returns_when_it_exits_though_a_background_process_holds_its_output(agent):
    started = time.monotonic()
    result = agent.session.run("shell", {"_raw_params": "sleep 20 & echo started"})
    assert time.monotonic() - started < 10
    assert result["rc"] == 0 and result["stdout"] == "started"


def test_stdin_and_both_streams(agent):
    result = agent.session.run("shell", {"_raw_params": "cat; echo err >&2", "stdin": "in"})
    assert (result["stdout"], result["stderr"]) == ("in", "err")
