"""A command's output, read the way Ansible's run_command reads it.

Reading stops at end of output, or once the command has exited and its pipes stayed quiet for
a second: a command that leaves a background process holding its stdout (``script.sh &``)
returns when the command itself is done, as in Ansible, instead of when the background
process ends. Under a task's ``timeout`` the command gets a process group of its own, and the
whole group is killed when the time is up.
"""

import os
import signal
import subprocess

from . import timeouts

_QUIET = 1.0  # seconds of silence after the command exited before its pipes are left alone


def run_process(argv, shell=False, cwd=None, env=None, executable=None, stdin=None):
    """(rc, stdout bytes, stderr bytes) of ``argv``; ``stdin``: bytes to write, or None for /dev/null."""
    proc = subprocess.Popen(
        argv, shell=shell, cwd=cwd, env=env, executable=executable,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=timeouts.active(),
    )
    try:
        out, err = _communicate(proc, stdin)
    except BaseException:
        _stop(proc)
        raise
    return proc.returncode, out, err


def _communicate(proc, stdin):
    data = stdin
    while True:
        try:
            out, err = proc.communicate(data, timeout=_QUIET)
            return out or b"", err or b""
        except subprocess.TimeoutExpired as exc:
            data = None  # communicate keeps what it has read and written; later calls go on from there
            if proc.poll() is not None:
                out, err = exc.stdout or b"", exc.stderr or b""
                for pipe in (proc.stdout, proc.stderr):
                    pipe.close()
                return out, err


def _stop(proc):
    try:
        if timeouts.active():
            os.killpg(proc.pid, signal.SIGKILL)  # its own group: the command and all it started
        elif proc.poll() is None:
            proc.kill()
    except OSError:
        pass
    proc.wait()
