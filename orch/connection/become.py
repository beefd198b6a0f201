"""become: start the agent as another user (sudo, su, doas).

The connection never knows about privilege escalation: become only rewrites
the command that starts the agent, and may send a password line before the
agent's payload (stage 1 of the bootstrap skips it if sudo did not ask).
The executable (``become_exe``), the flags (``become_flags``, which replace the
method's defaults as in Ansible) and sudo's ``chdir`` are the user's to choose.
"""

from __future__ import annotations

import re
import shlex

from orch.errors import UsageError

SUDO_PROMPT = "[orch-become-password]"
METHODS = ("sudo", "su", "doas")
DEFAULT_FLAGS = {"sudo": "-H -S -n", "su": "", "doas": "-n"}
# What each method says when it refused the password it was given.
_REJECTED = ("sorry, try again", "incorrect password", "authentication failure", "permission denied")


def _without_non_interactive(flags: str) -> str:
    """sudo's flags without -n (alone or inside -Hn): with a password sudo must ask for it."""
    kept = []
    for flag in shlex.split(flags):
        if flag in ("-n", "--non-interactive"):
            continue
        if not flag.startswith("--"):
            flag = re.sub(r"^(-\w*)n(\w*.*)", r"\1\2", flag)
        kept.append(flag)
    return shlex.join(kept)


def wrap(command: str, method: str, user: str, password: str | None, flags: str | None = None,
         exe: str | None = None, chdir: str | None = None) -> tuple[str, bytes]:
    """Return the command to run and the bytes to send before the payload. ``flags`` None: the
    method's defaults; ``exe`` None: the method's own program; ``chdir``: sudo starts there."""
    if method not in METHODS:
        raise UsageError(f"become_method {method!r} is not supported ({', '.join(METHODS)})")
    flags = DEFAULT_FLAGS[method] if flags is None else str(flags)
    program = exe or method
    user_q = shlex.quote(user) if user else ""
    if method == "sudo":
        as_user = f"-u {user_q} " if user else ""
        start = f"cd {shlex.quote(chdir)} && {program}" if chdir else program
        if password is None:
            return f"{start} {flags} {as_user}{command}", b""
        return (f"{start} {_without_non_interactive(flags)} -p {shlex.quote(SUDO_PROMPT)} {as_user}{command}",
                password.encode() + b"\n")
    if method == "su":
        if password is not None:  # su reads it from a terminal: terminal.py starts that one
            raise UsageError("become_method su with a password needs a terminal (terminal.py)")
        return f"{program} {flags} {user_q or 'root'} -s /bin/sh -c {shlex.quote(command)}", b""
    if password is not None:
        raise UsageError("become_method doas with a password needs a terminal; configure nopass")
    return f"{program} {flags} -u {user_q or 'root'} {command}", b""


def needs_terminal(method: str, password: str | None) -> bool:
    return method == "su" and password is not None


def rejected(method: str, stderr: str) -> str | None:
    """Ansible's message when ``stderr`` says the become password was refused, else None."""
    lowered = stderr.lower()
    if any(words in lowered for words in _REJECTED) or lowered.count(SUDO_PROMPT.lower()) > 1:
        return f"Incorrect {method} password"
    return None
