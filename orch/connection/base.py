"""The one small interface every transport implements.

A connection knows how to reach a host, start a process there with
stdin/stdout/stderr, and close. Everything else (the agent, become, modules)
lives above it and works the same over ssh, docker and local.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


@dataclass(frozen=True)
class CommandResult:
    rc: int
    stdout: bytes
    stderr: bytes


class Process(ABC):
    """A running remote process; the agent talks to it in lines."""

    @abstractmethod
    def write(self, data: bytes) -> None: ...

    @abstractmethod
    def readline(self) -> bytes:
        """One line including its newline; b"" once the process closed its stdout."""

    @abstractmethod
    def close_stdin(self) -> None: ...

    @abstractmethod
    def wait(self, timeout: float | None = None) -> int | None:
        """The exit status, or None when still running after ``timeout``."""

    @abstractmethod
    def stderr_text(self) -> str:
        """What the process wrote to stderr so far (best effort, for error messages)."""

    @abstractmethod
    def kill(self) -> None: ...

    def read_some(self, timeout: float) -> bytes | None:
        """What the process wrote so far, unbuffered (b"" at its end, None when nothing came within
        ``timeout``): for a prompt that ends without a newline. Only terminal processes have it."""
        raise NotImplementedError


class Connection(ABC):
    """Reach one host. ``open`` raises UnreachableError with a one-line reason."""

    transport = "base"

    def __init__(self, host_name: str, options) -> None:
        self.host_name = host_name
        self.options = options

    @abstractmethod
    def open(self) -> None: ...

    @abstractmethod
    def start(self, command: str, terminal: bool = False) -> Process:
        """Start ``command`` (a POSIX shell command line) on the host; with ``terminal``, on a
        pseudo-terminal (output and errors come together), for programs that insist on one."""

    def run(self, command: str, stdin: bytes = b"", timeout: float | None = None) -> CommandResult:
        """Run a command to completion (used by ``raw`` and for diagnostics)."""
        proc = self.start(command)
        if stdin:
            proc.write(stdin)
        proc.close_stdin()
        chunks = []
        while True:
            line = proc.readline()
            if not line:
                break
            chunks.append(line)
        rc = proc.wait(timeout)
        return CommandResult(rc if rc is not None else -1, b"".join(chunks), proc.stderr_text().encode())

    @abstractmethod
    def close(self) -> None: ...
