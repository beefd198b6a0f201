"""Jinja2 templating with Ansible's semantics (see templar.py)."""

from orch.templating.templar import OMIT, LazyVars, Templar, is_template, to_condition

__all__ = ["OMIT", "LazyVars", "Templar", "is_template", "to_condition"]
