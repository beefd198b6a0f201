"""The ``async``/``poll`` keywords: a module as a background job on the host (orch/agent/async_jobs.py).

``poll: 0`` answers at once with the job id (``async_status`` reads the job later);
``poll: N`` waits for the job, checking sooner at first and at most every N seconds
(Ansible checks every N seconds from the start), and fails when it outlives ``async``.
In check mode the module checks in the foreground: a plan cannot see a background job.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from orch.errors import HostFailure

if TYPE_CHECKING:
    from orch.engine.step import StepContext

DEFAULT_POLL = 15  # Ansible's default poll interval, seconds
FIRST_CHECK = 0.05


def async_settings(step: "StepContext") -> tuple[int, int] | None:
    """(async seconds, poll seconds) of the step's task, or None when it runs in the foreground."""
    task = step.task
    if task.async_val is None:
        return None
    seconds = _whole(step, task.async_val, "async")
    if seconds <= 0:
        return None
    poll = DEFAULT_POLL if task.poll is None else _whole(step, task.poll, "poll")
    return seconds, max(poll, 0)


def _whole(step: "StepContext", value, keyword: str) -> int:
    value = step.templar.template(value, step.vars) if isinstance(value, str) else value
    try:
        return int(value)
    except (TypeError, ValueError):
        raise HostFailure(f"'{keyword}' must be a whole number of seconds, got {value!r}",
                          location=step.task.location, task=step.task_name) from None


def async_dir(step: "StepContext") -> str | None:
    """The task's ``ansible_async_dir`` (where the host keeps job files), or None for the default."""
    value = step.vars.get("ansible_async_dir")
    if isinstance(value, str):
        value = step.templar.template(value, step.vars)
    return str(value) if value else None


def with_async_dir(step: "StepContext", args: dict) -> dict:
    """An async_status task's arguments, told where the jobs of its host are (as Ansible's action does)."""
    directory = async_dir(step)
    return dict(args, _async_dir=directory) if directory else args


# Ansible's action plugins of these modules refuse async (their work is more than one module run).
NO_ASYNC = frozenset({"assemble", "copy", "fetch", "raw", "reboot", "script", "template", "unarchive",
                      "wait_for_connection"})


def run_async(step: "StepContext", module: str, args: dict, seconds: int, poll: int) -> dict:
    """Start the job, then wait for it unless ``poll`` is 0. (Check mode runs the step in the foreground.)"""
    if module in NO_ASYNC and step.task.foreign is None:
        return {"failed": True, "changed": False, "msg": f"This action ({module}) does not support async."}
    if step.task.foreign is not None:
        from orch.foreign import runner

        # The job cannot ask for missing sources later: it gets the module's whole package now.
        wire = runner.agent_step(step, args)
        module, args = runner.AGENT_MODULE, runner.complete(step, wire, list(runner.package(step.task).sources))
    where = with_async_dir(step, {})
    job = step.agent_run("async_wrapper", {"module": module, "args": args, "timeout": seconds,
                                           "async_dir": where.get("_async_dir")})
    if job.get("failed") or poll == 0:
        return job
    jid = job["ansible_job_id"]
    deadline = time.time() + seconds
    wait = FIRST_CHECK
    polls = 0  # checks that found the job running: the console shows them as Ansible's does
    while True:
        time.sleep(min(wait, max(deadline - time.time(), 0)))
        state = step.agent_run("async_status", dict(where, jid=jid))
        if state.get("finished"):
            step.agent_run("async_status", dict(where, jid=jid, mode="cleanup"))
            return dict(state, _async={"jid": jid, "polls": polls})
        if time.time() >= deadline:
            return {"failed": True, "changed": False, "async_result": state, "_async": {"jid": jid, "polls": polls},
                    "msg": f"the background job did not finish within async={seconds}s"}
        polls += 1
        wait = min(wait * 2, poll)
