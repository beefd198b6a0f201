"""Background jobs for ``async``: a module run detached from the agent, its result in a job file.

The job file lives where Ansible keeps its own (``~/.ansible_async/<jid>``) and holds
the same JSON: ``{"started": true, "finished": false, "ansible_job_id": ...}`` while the
job runs, then the module's result with ``finished: true``. The job outlives the agent
and the connection: it is forked twice into its own session with no inherited pipes.
"""

from __future__ import annotations

import json
import os
import signal
import time


def job_dir(directory=None):
    """Where job files go: ``ansible_async_dir`` when the task sets it, else Ansible's default."""
    return os.path.expanduser(str(directory)) if directory else os.path.join(os.path.expanduser("~"), ".ansible_async")


def job_path(jid, directory=None):
    if not jid or "/" in jid or jid.startswith("."):
        return None
    return os.path.join(job_dir(directory), jid)


def write_job(path, data):
    tmp = "%s.tmp-%d" % (path, os.getpid())
    with open(tmp, "w") as handle:
        json.dump(data, handle, default=str)
    os.replace(tmp, path)


def start(agent, module, args, environment, timeout, directory=None, check=False):
    """Start ``module`` in the background; returns the job's first answer (jid, results file)."""
    import random

    directory = job_dir(directory)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    jid = "j%d.%d" % (random.randint(0, 999999999999), os.getpid())
    path = os.path.join(directory, jid)
    started = {"started": True, "finished": False, "ansible_job_id": jid, "results_file": path}
    write_job(path, started)
    pid = os.fork()
    if pid:
        os.waitpid(pid, 0)  # the first child exits at once; the job itself is its child
        return dict(started, changed=True)  # as Ansible reports a started job
    try:
        os.setsid()
        if os.fork():
            os._exit(0)
        _detach()
        _watch(agent, module, args, environment, timeout, path, jid, check)
    finally:
        os._exit(0)


def _detach():
    """No inherited descriptors: the agent's pipes must close when the agent exits."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.closerange(3, 65536)
    os.chdir("/")


def _watch(agent, module, args, environment, timeout, path, jid, check=False):
    """Run the module in a child; kill it when it outlives ``timeout`` seconds."""
    worker = os.fork()
    if worker == 0:
        try:
            os.setpgid(0, 0)
            from . import foreign

            foreign.IN_ASYNC_JOB = True
            # A job started in check mode checks (Ansible's check mode: each step sees only the host).
            step = {"module": module, "args": args, "environment": environment, "check": check, "overlay": False}
            result = agent.run_step(step)
            result.update(finished=True, ansible_job_id=jid, results_file=path)
            result.pop("started", None)
            write_job(path, result)
        finally:
            os._exit(0)
    deadline = time.time() + timeout
    while True:
        done, status = os.waitpid(worker, os.WNOHANG)
        if done:
            return
        if time.time() > deadline:
            try:
                os.killpg(worker, signal.SIGKILL)
            except OSError:
                pass
            os.waitpid(worker, 0)
            write_job(path, {"failed": True, "finished": True, "ansible_job_id": jid, "changed": False,
                             "msg": "Timeout exceeded", "child_pid": worker})
            return
        time.sleep(0.05)


def status(jid, mode="status", directory=None):
    """The job's state, as Ansible's async_status reports it (its output keys empty unless the job set them)."""
    result = _status(jid, mode, directory)
    for key in ("stdout", "stderr"):
        text = result.setdefault(key, "")
        result.setdefault(key + "_lines", text.splitlines() if isinstance(text, str) else [])
    return result


def _status(jid, mode, directory):
    path = job_path(jid, directory)
    if path is None or not os.path.exists(path):
        return {"failed": True, "msg": "could not find job", "ansible_job_id": jid, "started": True, "finished": True}
    if mode == "cleanup":
        os.unlink(path)
        return {"ansible_job_id": jid, "erased": path, "changed": False}
    try:
        with open(path) as handle:
            data = json.load(handle)
    except ValueError:
        # Written atomically, so this is a foreign or broken file, not one half-written.
        return {"failed": True, "msg": "Could not parse job output", "ansible_job_id": jid, "started": True,
                "finished": True}
    if not data.get("finished"):
        return {"ansible_job_id": jid, "started": True, "finished": False, "results_file": path, "changed": False}
    data.setdefault("started", True)
    return data
