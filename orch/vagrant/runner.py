"""Run ``vagrant`` for a project: one isolated environment, errors orch can show.

Every call costs Vagrant's Ruby start-up (1.3 s or more), so callers ask once per
phase for all machines, never once per host.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections import deque
from pathlib import Path
from typing import Sequence

from orch.errors import OrchError, UnreachableError, UsageError
from orch.vagrant.prereq import explain

LOCK_RETRIES = 3
QUICK_TIMEOUT = 180  # status, ssh-config, destroy: never wait for ever on a stuck provider
INSTALL_HINT = "apt-get install --no-install-recommends vagrant"


class VagrantNotInstalled(UsageError):
    """No ``vagrant`` on PATH."""


class VagrantFailed(UnreachableError):
    """A Vagrant command failed (provider errors, Vagrantfile errors): machines are not usable."""


class MachineNotRunning(UnreachableError):
    """A machine of the project is not running, so it cannot be reached."""


def vagrant_home() -> str:
    """An explicit VAGRANT_HOME wins (boxes of real-VM users live there); else ~/.orch/vagrant.d."""
    given = os.environ.get("VAGRANT_HOME")
    if given:
        return given
    return str(Path(os.environ.get("ORCH_HOME", "~/.orch")).expanduser() / "vagrant.d")


def vagrant_env() -> dict[str, str]:
    env = dict(os.environ, VAGRANT_CHECKPOINT_DISABLE="1", VAGRANT_HOME=vagrant_home())
    env.pop("VAGRANT_CWD", None)  # the project directory is given by cwd
    return env


def vagrant_exe() -> str:
    exe = shutil.which("vagrant")
    if exe is None:
        raise VagrantNotInstalled(f"vagrant is not installed; install it with: {INSTALL_HINT}")
    return exe


def run(project: Path, args: Sequence[str], *, stream: bool = False, check: bool = True,
        what: str | None = None) -> subprocess.CompletedProcess:
    """Run ``vagrant ARGS`` in ``project``; ``stream`` copies its output to stderr as it comes.

    A failure raises VagrantFailed with Vagrant's own message (the end of its output).
    """
    cmd = [vagrant_exe(), *args]  # stdin closed: Vagrant must never wait for an answer
    try:
        if stream:
            proc = subprocess.Popen(cmd, cwd=project, env=vagrant_env(), stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
            tail: deque[str] = deque(maxlen=40)
            assert proc.stdout is not None
            for line in proc.stdout:
                sys.stderr.write(line)
                tail.append(line)
            result = subprocess.CompletedProcess(cmd, proc.wait(), "".join(tail), "")
        else:
            for attempt in range(LOCK_RETRIES + 1):
                result = subprocess.run(cmd, cwd=project, env=vagrant_env(), stdin=subprocess.DEVNULL,
                                        capture_output=True, text=True, timeout=QUICK_TIMEOUT)
                # another vagrant process (a second orch run, say) holds the machine lock
                if result.returncode == 0 or "because it is locked" not in result.stderr:
                    break
                time.sleep(0.5 + attempt)
    except OSError as exc:
        raise OrchError(f"cannot run vagrant: {exc}") from None
    except subprocess.TimeoutExpired:
        raise VagrantFailed(f"`vagrant {what or ' '.join(args)}` did not finish in {QUICK_TIMEOUT}s "
                            f"in {project}") from None
    if check and result.returncode != 0:
        missing = explain(f"{result.stderr}\n{result.stdout}", vagrant_env()["VAGRANT_HOME"])
        if missing is not None:
            raise missing
        raise VagrantFailed(f"`vagrant {what or ' '.join(args)}` failed in {project} "
                            f"(exit {result.returncode}):\n{error_text(result)}")
    return result


def error_text(result: subprocess.CompletedProcess) -> str:
    """Vagrant's message: stderr when it has one, else the end of stdout."""
    text = (result.stderr or "").strip() or (result.stdout or "").strip()
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join(lines[-25:]) or "(no output)"
