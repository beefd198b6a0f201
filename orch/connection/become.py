"""become: start the agent as another user (sudo, su, doas).

The connection never knows about privilege escalation: become only rewrites
the command that starts the agent, and may send a password line before the
agent's payload (stage 1 of the bootstrap skips it if sudo did not ask).
"""

from __future__ import annotations

import shlex

from orch.errors import UsageError

SUDO_PROMPT = "[orch-become-password]"
METHODS = ("sudo", "su", "doas")


def wrap(command: str, method: str, user: str, password: str | None, flags: str = "") -> tuple[str, bytes]:
    """Return the command to run and the bytes to send before the payload."""
    user_q = shlex.quote(user)
    if method == "sudo":
        if password is None:
            return f"sudo -H -n {flags} -u {user_q} {command}", b""
        return (f"sudo -H -S -p {shlex.quote(SUDO_PROMPT)} {flags} -u {user_q} {command}",
                password.encode() + b"\n")
    if method == "su":
        if password is not None:
            raise UsageError("become_method su with a password needs a terminal; use sudo, or connect as root")
        return f"su {flags} {user_q} -s /bin/sh -c {shlex.quote(command)}", b""
    if method == "doas":
        if password is not None:
            raise UsageError("become_method doas with a password needs a terminal; configure nopass")
        return f"doas -n {flags} -u {user_q} {command}", b""
    raise UsageError(f"become_method {method!r} is not supported ({', '.join(METHODS)})")
