"""Background jobs (``async``) in a local agent: start, status, timeout, cleanup."""

from __future__ import annotations

import json
import os
import time

import pytest

from orch.connection import connection_for, options_for
from orch.connection.session import AgentSession


@pytest.fixture
def session(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))  # job files go to $HOME/.ansible_async
    agent = AgentSession(connection_for("localhost", options_for("localhost", {"ansible_connection": "local"})))
    agent.start()
    yield agent
    agent.close()


def _wait(session, jid, seconds=10.0):
    deadline = time.time() + seconds
    while time.time() < deadline:
        state = session.run("async_status", {"jid": jid})
        if state["finished"]:
            return state
        time.sleep(0.05)
    raise AssertionError(f"job {jid} did not finish")


def test_job_runs_in_the_background_and_reports_its_result(session, tmp_path):
    started = time.time()
    job = session.run("async_wrapper", {"module": "command", "args": {"argv": ["sh", "-c", "sleep 0.5; echo hi"]},
                                        "timeout": 30})
    assert time.time() - started < 0.4  # did not wait for the command
    assert job["started"] is True and job["finished"] is False and job["changed"] is True
    path = tmp_path / ".ansible_async" / job["ansible_job_id"]
    assert job["results_file"] == str(path)
    assert session.run("async_status", {"jid": job["ansible_job_id"]})["finished"] is False
    done = _wait(session, job["ansible_job_id"])
    assert done["stdout"] == "hi" and done["rc"] == 0 and done["changed"] is True
    assert json.loads(path.read_text())["finished"] is True  # the same file Ansible's async_status reads
    cleaned = session.run("async_status", {"jid": job["ansible_job_id"], "mode": "cleanup"})
    assert cleaned["erased"] == str(path) and not path.exists()


def test_job_outliving_its_time_is_killed(session):
    job = session.run("async_wrapper", {"module": "command", "args": {"argv": ["sleep", "30"]}, "timeout": 1})
    done = _wait(session, job["ansible_job_id"])
    assert done["failed"] is True and done["msg"] == "Timeout exceeded"
    pid = done["child_pid"]
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_failed_module_and_unknown_job(session):
    job = session.run("async_wrapper", {"module": "command", "args": {"argv": ["false"]}, "timeout": 10})
    assert _wait(session, job["ansible_job_id"])["failed"] is True
    missing = session.run("async_status", {"jid": "j123.4"})
    assert missing["failed"] is True and missing["msg"] == "could not find job"
    # as Ansible's async_status: the output keys are there, empty, whatever the job
    assert (missing["stdout"], missing["stderr"], missing["stdout_lines"], missing["stderr_lines"]) == ("", "", [], [])
    assert session.run("async_status", {"jid": "../etc/passwd"})["failed"] is True
    unknown = session.run("async_wrapper", {"module": "nosuchmodule", "args": {}, "timeout": 10})
    assert unknown["failed"] is True and "nosuchmodule" in unknown["msg"]


def test_check_mode_status_of_a_job_never_started_is_unknown(session):
    result = session.run("async_status", {"jid": "j1.1"}, check=True)
    assert result["unknown"] is True and not result["failed"]
