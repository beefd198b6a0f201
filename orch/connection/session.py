"""The controller's side of the agent: start it over a connection, then talk.

One session per (host, become user) for a whole run. Requests and answers are
JSON lines; ``request`` is synchronous (a host's steps run in order).
"""

from __future__ import annotations

import itertools
import json
import threading

from orch.connection import become as become_mod
from orch.connection import terminal
from orch.connection.base import Connection, Process
from orch.connection.bootstrap import payload, python_command
from orch.errors import AgentError, HostFailure


def _python(value: str) -> str:
    # Ansible's interpreter discovery values all mean "the usual python3" here.
    return "python3" if value.startswith("auto") else value


class AgentSession:
    def __init__(self, connection: Connection, *, become: bool = False, become_user: str = "root",
                 become_method: str = "sudo", become_password: str | None = None, become_flags: str | None = None,
                 become_exe: str | None = None, sudo_chdir: str | None = None, su_prompts=None) -> None:
        self.connection = connection
        self.become = become
        self.become_user = become_user
        self.become_method = become_method
        self.become_password = become_password
        self.become_flags = connection.options.become_flags if become_flags is None else become_flags
        self.become_exe = become_exe
        self.sudo_chdir = sudo_chdir
        self.su_prompts = su_prompts  # what su's password prompt may say (None: the usual languages)
        self._proc: Process | None = None
        self._ready = False
        self._ids = itertools.count(1)
        self._lock = threading.Lock()  # delegated hosts share a session between workers
        self._quitting = False
        self.round_trips = 0  # requests answered, for measurements (bench/)
        self.info: dict = {}

    @property
    def host(self) -> str:
        return self.connection.host_name

    def start(self, wait: bool = True) -> None:
        """Start the agent. Without ``wait`` the ready line is read with the first answer, so
        the payload and the first request travel together (one round trip less per host)."""
        if self._proc is None:
            command = python_command(_python(self.connection.options.python))
            preamble = b""
            if self.become and become_mod.needs_terminal(self.become_method, self.become_password):
                command = terminal.su_command(command, self.become_user, self.become_flags or "", self.become_exe)
                self._proc, _ = terminal.start(self.connection, command, self.become_password, self.su_prompts,
                                               host=self.host)  # the agent says nothing before its payload
                self._ready = False
                self._proc.write(payload(self.connection.options.agent_cache))
            elif self.become:
                command, preamble = become_mod.wrap(command, self.become_method, self.become_user,
                                                    self.become_password, self.become_flags, self.become_exe,
                                                    self.sudo_chdir)
            if self._proc is None:
                self._proc = self.connection.start(command)
                self._ready = False
                self._proc.write(preamble + payload(self.connection.options.agent_cache))
        if wait and not self._ready:
            self._await_ready()

    def _await_ready(self) -> None:
        proc = self._proc
        first = proc.readline()
        if not first.startswith(b'{"ready"'):
            self._proc = None
            self._fail_start(proc, first)
        self.info = json.loads(first)
        self._ready = True

    def _fail_start(self, proc: Process, first: bytes) -> None:
        proc.close_stdin()
        rc = proc.wait(5)
        err = proc.stderr_text().strip()
        proc.kill()
        python = self.connection.options.python
        lowered = err.lower()
        if rc == 127 or "not found" in lowered and python.split("/")[-1] in lowered:
            raise HostFailure(f"{python} was not found on the host; orch needs Python 3.8+ there "
                             "(install it, e.g. with the raw module: raw: apt-get install -y python3)",
                             host=self.host)
        refused = self.become_password is not None and become_mod.rejected(self.become_method, err)
        if refused:
            raise HostFailure(f"{refused}: {self._last_line(err)}", host=self.host)
        if "password is required" in lowered or "incorrect password" in lowered or "sorry, try again" in lowered:
            raise HostFailure(f"become needs a password (use --ask-become-pass): {self._last_line(err)}", host=self.host)
        detail = self._last_line(err) or (first.decode("utf-8", "replace").strip()) or f"exit status {rc}"
        raise AgentError(f"the agent did not start: {detail}", host=self.host)

    @staticmethod
    def _last_line(text: str) -> str:
        lines = [line for line in text.splitlines() if line.strip() and become_mod.SUDO_PROMPT not in line]
        return lines[-1].strip() if lines else ""

    def request(self, op: str, **fields) -> dict:
        with self._lock:
            return self._request(op, fields)

    def _request(self, op: str, fields: dict) -> dict:
        if self._proc is None:
            self.start(wait=False)
        request_id = next(self._ids)
        message = dict(fields, op=op, id=request_id)
        self._proc.write(json.dumps(message, separators=(",", ":")).encode() + b"\n")
        if not self._ready:
            self._await_ready()
        line = self._proc.readline()
        if not line:
            err = self._last_line(self._proc.stderr_text())
            self._proc = None
            raise AgentError("connection to the agent was lost" + (f": {err}" if err else ""), host=self.host)
        answer = json.loads(line)
        self.round_trips += 1
        if "error" in answer:
            raise HostFailure(f"agent: {answer['error']}", host=self.host)
        return answer

    def run(self, module: str, args: dict, *, check: bool = False, diff: bool = False,
            environment: dict | None = None, expect: str | None = None, timeout: dict | None = None,
            overlay: bool = True) -> dict:
        fields = {"module": module, "args": args, "check": check, "diff": diff, "environment": environment or {}}
        if not overlay:
            fields["overlay"] = False  # check mode as Ansible's: each check sees only the host
        if expect is not None:
            fields["expect"] = expect  # a saved plan's fingerprint: check, and refuse on drift
        if timeout is not None:
            fields["timeout"] = timeout  # {"seconds": left, "period": the task's timeout}
        return self.request("run", **fields)["result"]

    def batch(self, steps: list[dict]) -> list[dict]:
        return self.request("batch", steps=steps)["results"]

    def begin_close(self) -> None:
        """Ask the agent to quit without waiting; :meth:`close` waits. A run asks every host
        first and then waits, so hosts wind down together instead of one after another."""
        proc = self._proc
        if proc is None or self._quitting:
            return
        self._quitting = True
        try:
            proc.write(b'{"op":"quit","id":0}\n')
            proc.close_stdin()
        except Exception:  # closing must never hide the run's real outcome
            proc.kill()
            self._proc = None

    def close(self) -> None:
        self.begin_close()
        proc, self._proc = self._proc, None
        self._quitting = False
        if proc is None:
            return
        try:
            if proc.wait(5) is None:
                proc.kill()
        except Exception:
            proc.kill()
