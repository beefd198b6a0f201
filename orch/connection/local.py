"""local: processes on the controller itself, through /bin/sh."""

from __future__ import annotations

import subprocess
import threading

from orch.connection.base import Connection, Process
from orch.errors import UsageError


class LocalProcess(Process):
    def __init__(self, command: str, env: dict | None = None) -> None:
        self._proc = subprocess.Popen(
            ["/bin/sh", "-c", command], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=env,
        )
        self._stderr = bytearray()
        # Drain stderr so a chatty process never blocks on a full pipe.
        self._drain = threading.Thread(target=self._read_stderr, daemon=True)
        self._drain.start()

    def _read_stderr(self) -> None:
        for chunk in iter(lambda: self._proc.stderr.read1(65536), b""):
            self._stderr += chunk

    def write(self, data: bytes) -> None:
        try:
            self._proc.stdin.write(data)
            self._proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass  # the reader sees EOF and reports the process's stderr

    def readline(self) -> bytes:
        return self._proc.stdout.readline()

    def close_stdin(self) -> None:
        try:
            self._proc.stdin.close()
        except BrokenPipeError:
            pass

    def wait(self, timeout: float | None = None) -> int | None:
        try:
            rc = self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        self._drain.join(1)
        return rc

    def stderr_text(self) -> str:
        return bytes(self._stderr).decode("utf-8", "replace")

    def kill(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()


class LocalConnection(Connection):
    transport = "local"

    def open(self) -> None:
        pass

    def start(self, command: str, terminal: bool = False) -> Process:
        if terminal:
            raise UsageError("a password for su needs a terminal, which orch opens over ssh only; use sudo")
        return LocalProcess(command)

    def close(self) -> None:
        pass
