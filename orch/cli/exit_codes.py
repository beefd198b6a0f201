"""Exit codes: orch's own (README), or ansible-playbook's for scripts that were written against
it and test its codes (ORCH_EXIT_CODES=ansible)."""

from __future__ import annotations

import os

from orch.errors import DriftError, OrchError, ParseError, UnreachableError, UsageError

INTERRUPTED = 130


def ansible_codes() -> bool:
    return os.environ.get("ORCH_EXIT_CODES", "").strip().lower() == "ansible"


def for_hosts(states) -> int:
    """A run's code from its hosts: unreachable wins over failed, as in both schemes."""
    if any(s.unreachable for s in states.values()):
        return 4
    if any(s.failed for s in states.values()):  # failures rescued or cleared (clear_host_errors) do not count
        return 2 if ansible_codes() else 1
    return 0


def for_error(exc: OrchError) -> int:
    """Ansible's: 4 a parse error or an unreachable host, 5 bad options, 1 any other error."""
    if not ansible_codes() or isinstance(exc, DriftError):
        return exc.exit_code
    if isinstance(exc, UnreachableError) and not isinstance(exc, UsageError):
        return 4
    if isinstance(exc, UsageError):
        return 5
    if isinstance(exc, ParseError):
        return 4
    return 1


def for_interrupt() -> int:
    return 99 if ansible_codes() else INTERRUPTED
