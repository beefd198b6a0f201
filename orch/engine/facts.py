"""Facts as Ansible users see them."""

from __future__ import annotations


def prefixed(facts: dict) -> dict:
    """``ansible_facts`` keys also as top-level ``ansible_NAME`` variables."""
    return {f"ansible_{name}": value for name, value in facts.items() if name != "env"} | {"ansible_env": facts.get("env", {})}
