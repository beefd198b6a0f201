"""Conditions: a non-boolean result fails unless Ansible's ALLOW_BROKEN_CONDITIONALS is set."""

import pytest

from orch.errors import TemplateError
from orch.templating import Templar


def test_a_non_boolean_string_fails_unless_broken_conditionals_are_allowed(monkeypatch):
    templar = Templar()
    monkeypatch.delenv("ANSIBLE_ALLOW_BROKEN_CONDITIONALS", raising=False)
    with pytest.raises(TemplateError, match="not a boolean"):
        templar.is_true("'broken static'", {})
    monkeypatch.setenv("ANSIBLE_ALLOW_BROKEN_CONDITIONALS", "1")
    assert templar.is_true("'broken static'", {}) is True
    assert templar.is_true("''", {}) is False
