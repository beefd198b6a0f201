"""Undefined values that fail loudly and name what was missing.

Ansible lets ``foo.bar | default(x)`` work when ``foo`` is undefined, so our
undefined is chainable; any real use (printing, comparing, iterating, truth
testing) raises with the name of the missing variable.
"""

from __future__ import annotations

from typing import Any

from jinja2 import StrictUndefined, Undefined
from jinja2.exceptions import UndefinedError
from jinja2.utils import missing


class OrchUndefined(StrictUndefined):
    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint:
            return self._undefined_hint
        if self._undefined_obj is missing:
            return f"{self._undefined_name!r} is undefined"  # Ansible's wording, which playbooks assert on
        owner = type(self._undefined_obj).__name__
        if not isinstance(self._undefined_name, str):  # an index: Jinja's (and Ansible's) wording
            return f"{owner} object has no element {self._undefined_name!r}"
        return f"object of type {owner!r} has no attribute {self._undefined_name!r}"

    def _chain(self, attr: Any) -> "OrchUndefined":
        # Keep the root cause in the message but show the full access path.
        if self._undefined_obj is missing and not self._undefined_hint:
            hint = f"{self._undefined_name!r} is undefined (in '{self._undefined_name}.{attr}')"
        else:
            hint = self._undefined_message
        return OrchUndefined(hint=hint, name=f"{self._undefined_name}.{attr}")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._chain(name)

    def __getitem__(self, key: Any) -> Any:
        return self._chain(key)


def fail_on_undefined(value: Any) -> Any:
    """``value`` itself; raises (naming the variable) if it is, or a list or dict inside it holds, an undefined value."""
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    elif isinstance(value, (list, tuple)):
        for item in value:
            fail_on_undefined(item)
    elif isinstance(value, dict):
        for item in value.values():
            fail_on_undefined(item)
    return value


class MandatoryUndefined(OrchUndefined):
    """``undef()`` without a hint: who gets it may say better why it is missing (the env lookup does)."""

    __slots__ = ()


def undef(hint: Any = None) -> OrchUndefined:
    """The ``undef()`` global: a value that must be overridden before it is used."""
    if hint is None:
        return MandatoryUndefined(hint="Mandatory variable has not been overridden")
    return OrchUndefined(hint=str(hint))


def undefined_message(value: Any) -> str:
    return value._undefined_message if isinstance(value, OrchUndefined) else "undefined value"


class UndecryptableError(UndefinedError):
    """Raised by an Undecryptable when used: a task fails on it (it is not a missing variable)."""


class Undecryptable(OrchUndefined):
    """A ``!vault`` value no given secret opens: it fails only where it is used, as in Ansible, and the
    ``unvault`` filter can still open it with a secret of its own."""

    __slots__ = ("payload",)

    def __init__(self, message: str, payload: str, where: object = None) -> None:
        at = f" (the !vault value at {where})" if where else ""
        super().__init__(hint=f"Attempt to use undecryptable variable{at}: {message}", exc=UndecryptableError)
        self.payload = payload


def without_undefined(value: Any) -> Any:
    """``value`` with the undefined items of its lists and tuples and values of its dicts left out, at any depth."""
    if isinstance(value, (list, tuple)):
        return type(value)(without_undefined(v) for v in value if not isinstance(v, Undefined))
    if isinstance(value, dict):
        return {k: without_undefined(v) for k, v in value.items() if not isinstance(v, Undefined)}
    return value
