"""Facts as Ansible users see them.

orch's agent gathers facts without the ``ansible_`` prefix; a setup result, as in
Ansible, carries them with it (``ansible_distribution``). Stored facts follow
Ansible's rule: in ``ansible_facts`` without the prefix, as variables with it.
"""

from __future__ import annotations


_UNPREFIXED = frozenset({"gather_subset", "module_setup"})  # Ansible's setup returns these two as they are


def prefixed(facts: dict) -> dict:
    """A setup result's facts as Ansible's setup returns them: names with ``ansible_``."""
    return {name if name.startswith("ansible_") or name in _UNPREFIXED else f"ansible_{name}": value
            for name, value in facts.items()}


def namespaced(facts: dict) -> dict:
    """Facts for ``ansible_facts``: names without the ``ansible_`` prefix."""
    return {name[len("ansible_"):] if name.startswith("ansible_") else name: value for name, value in facts.items()}


# Names Jinja reads as constants or an operator: a variable so named could never be read back.
_JINJA_NAMES = frozenset({"true", "false", "none", "True", "False", "None", "not"})


def variable_name_problem(name: object) -> str | None:
    """Why ``name`` cannot be a variable (set_fact, set_stats), in Ansible's words; None when it can."""
    if isinstance(name, str) and name.isidentifier() and name.isascii() and name not in _JINJA_NAMES:
        return None
    described = f"name {str(name)!r}" if isinstance(name, (str, int, float, bool, type(None))) else "name"
    if not isinstance(name, str):
        described += f" of type {type(name).__name__!r}"
    return f"Invalid variable {described}: a name starts with a letter or underscore and has only letters, digits and underscores"
