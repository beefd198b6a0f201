"""One exception root for everything orch reports to a user.

Each error carries the context a person needs to act on it: where in which file,
which host, which task. Foreign errors (yaml, jinja2, paramiko, docker) are
translated into these once, at the boundary where they are caught. The CLI maps
``exit_code`` to the process exit status (DESIGN §4).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """A place in a source file; line and column are 1-based, 0 means unknown."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.file
        if not self.column:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"


class OrchError(Exception):
    """Root of orch's errors. ``str()`` gives the full one-line-ish message."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        location: Location | None = None,
        host: str | None = None,
        task: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.host = host
        self.task = task

    def __str__(self) -> str:
        parts = []
        if self.location:
            parts.append(f"{self.location}:")
        if self.host:
            parts.append(f"[{self.host}]")
        if self.task:
            parts.append(f"task {self.task!r}:")
        parts.append(self.message)
        return " ".join(parts)


class UsageError(OrchError):
    """Wrong command-line use: bad option values, unknown host pattern, ..."""

    exit_code = 2


class ParseError(OrchError):
    """A file orch reads (inventory, playbook, vars, template) is malformed."""

    exit_code = 2


class TemplateError(ParseError):
    """A Jinja2 expression failed: undefined variable, bad syntax, bad filter."""


class UndefinedVariableError(TemplateError):
    """A template used a variable (or a key, an attribute) that is not defined."""


class IncludedFileError(ParseError):
    """A task file an include loads when a host reaches it is malformed: as in Ansible, that ends
    the run (a file that is not there only fails the host)."""


class MissingFileError(ParseError):
    """A file a task names (an import's, an include's) is not there."""


class UnresolvedActionError(ParseError):
    """A task's module or action is found nowhere. Ansible refuses that when it parses the file;
    orch fails the task where a host reaches it, but ends the run for a file an include loads."""


class VaultError(ParseError):
    """Vault-encrypted data cannot be opened: no or wrong password, damaged payload."""


class HostFailure(OrchError):
    """A task failed on a host."""

    exit_code = 1


class UnreachableError(OrchError):
    """A host could not be connected to, or its connection dropped."""

    exit_code = 4


class UnsupportedConnection(UsageError, UnreachableError):
    """A host's connection orch has no transport for (winrm, a playbook's own connection plugin):
    bad input, and the host is unreachable for orch, so ``ignore_unreachable`` applies to it."""


class AgentError(UnreachableError):
    """The remote agent could not be started or stopped answering."""


class DriftError(OrchError):
    """A saved plan no longer matches the host it was made for."""

    exit_code = 3
