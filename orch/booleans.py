"""Ansible's boolean words, in one place for every controller-side parser.

(The agent, which may import only the standard library, keeps its own copy in
orch/agent/sys_common.py.)
"""

from __future__ import annotations

from typing import Any

TRUE = frozenset({"y", "yes", "on", "1", "true", "t", "1.0"})
FALSE = frozenset({"n", "no", "off", "0", "false", "f", "0.0"})


def parse_bool(value: Any) -> bool | None:
    """True/False for a boolean or one of Ansible's boolean words (any case); None otherwise."""
    if isinstance(value, bool):
        return value
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    return None


def truthy(value: Any) -> bool:
    """A keyword's value as a boolean (``ignore_errors: yes``); other strings are false."""
    if isinstance(value, str):
        return parse_bool(value) is True
    return bool(value)
