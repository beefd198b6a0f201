"""su with a password: the one way of becoming that needs a terminal.

su reads the password from a terminal, never from a pipe, so this start alone gets a
pseudo-terminal (over ssh): orch waits for su's prompt, answers it, and once the shell su
started has put the terminal in raw mode without echo (so the agent's bytes pass untouched)
and said so, the process is the plain channel every other start gives.
"""

from __future__ import annotations

import re
import shlex
import time

from orch.connection.base import Connection, Process
from orch.errors import HostFailure, UnreachableError

READY = "ORCH-BECOME-READY"
AUTH_DELAY = 10  # seconds su may take to answer, on top of the connection's timeout
# What su asks with in the languages Ansible knows by default (ansible_su_prompt_l10n replaces them).
PROMPTS = ("Password", "Passwort", "Mot de passe", "Contraseña", "Senha", "Wachtwoord", "Hasło", "Heslo",
           "Пароль", "Лозинка", "密码", "密碼", "パスワード", "암호", "Jelszó", "Parola", "Lösenord", "Salasana")


def su_command(command: str, user: str, flags: str = "", exe: str | None = None) -> str:
    inner = f"stty raw -echo 2>/dev/null; echo {READY}; exec {command}"
    words = [exe or "su", *([flags] if flags else []), shlex.quote(user or "root"), "-s", "/bin/sh", "-c",
             shlex.quote(inner)]
    return " ".join(words)


def prompt_pattern(prompts) -> re.Pattern:
    words = [prompts] if isinstance(prompts, str) else list(prompts or PROMPTS)
    return re.compile(r"(\w+'s )?(%s) ?(:|：) ?$" % "|".join(re.escape(str(w)) for w in words), re.IGNORECASE)


def start(connection: Connection, command: str, password: str, prompts=None,
          host: str | None = None) -> tuple[Process, bytes]:
    """Start su's ``command`` on a terminal and answer its password prompt; the process once the
    command runs, and what it already wrote. A prompt that never comes makes the host
    unreachable, as in Ansible."""
    timeout = connection.options.timeout
    proc = connection.start(command, terminal=True)
    pattern, seen, answered = prompt_pattern(prompts), b"", False
    deadline = time.monotonic() + timeout
    while True:
        text = seen.decode("utf-8", "replace")
        ready = re.search(READY.encode() + rb"\r?\n", seen)
        if ready:
            return proc, seen[ready.end():]
        if not answered and pattern.search(text.rstrip("\r\n")):
            proc.write(password.encode() + b"\n")
            # PAM pauses a few seconds before it says a password was wrong: wait for that too.
            answered, seen, deadline = True, b"", time.monotonic() + timeout + AUTH_DELAY
            continue
        chunk = proc.read_some(max(0.0, deadline - time.monotonic()))
        if chunk:
            seen += chunk
            continue
        proc.kill()
        said = " ".join(text.split())[-200:]
        if chunk is None and not answered:
            raise UnreachableError(f"Timeout ({timeout:g}s) waiting for privilege escalation prompt: {said}",
                                   host=host)
        if answered and any(word in text.lower() for word in ("authentication failure", "incorrect", "sorry")):
            raise HostFailure(f"Incorrect su password: {said}", host=host)
        raise HostFailure(f"su did not start the command: {said or 'no output'}", host=host)
