"""A Jinja context that stays lazy when a template includes another.

Jinja's ``{% include %}`` gives the included template ``context.get_all()``, which copies every
variable into a dict once the template has set one of its own; with orch's lazy variables that
templated every variable (and failed on an unused one that cannot be templated). Ansible only
templates what a template reads.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from jinja2.environment import Template
from jinja2.runtime import Context
from jinja2.utils import missing

from orch.templating.undefined import fail_on_undefined


class Overlay(Mapping):
    """``top`` over ``below``, read through: nothing in ``below`` is computed until asked for."""

    def __init__(self, top: Mapping[str, Any], below: Mapping[str, Any]) -> None:
        self._top = top
        self._below = below

    def __getitem__(self, key: str) -> Any:
        if key in self._top:
            return self._top[key]
        return self._below[key]

    def __contains__(self, key: object) -> bool:
        return key in self._top or key in self._below

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self._below, *self._top]))

    def __len__(self) -> int:
        return len(set(self._below) | set(self._top))

    def copy(self) -> "Overlay":  # Jinja's traceback rewriting copies the context
        return Overlay(dict(self._top), self._below)


class LazyContext(Context):
    def get_all(self) -> Any:
        if not self.vars:
            return self.parent
        return Overlay(self.vars, self.parent)


class LazyTemplate(Template):
    def new_context(self, vars: Any = None, shared: bool = False, locals: Any = None) -> Context:
        # Jinja copies a shared parent into a dict to add the include's locals; overlay them instead.
        if not (shared and locals and vars is not None):
            return super().new_context(vars, shared, locals)
        added = {key: value for key, value in locals.items() if value is not missing}
        parent = Overlay(added, vars) if added else vars
        return self.environment.context_class(self.environment, parent, self.name, self.blocks,
                                              globals=self.globals)

    def make_module(self, vars: Any = None, shared: bool = False, locals: Any = None) -> Any:
        # An imported template printed as text (`{{ t }}`): native rendering left its parts as values,
        # and an undefined one must fail naming its variable, not break Jinja's join.
        module = super().make_module(vars, shared, locals)
        module._body_stream = [v if isinstance(v, str) else str(fail_on_undefined(v)) for v in module._body_stream]
        return module
