"""Running an Ansible lookup plugin's ``LookupModule`` (a Python file, py_plugins finds it) on the controller.

A lookup gets what ansible-core's own lookups use: ``self._loader`` (ansible-core's DataLoader, based at
the playbook's folder), ``self._templar`` (orch's templar with the task's variables: ``template()``,
``is_template()``, ``available_variables``), ``set_options``/``get_option`` with the options its
DOCUMENTATION declares. The plugin imports ``ansible.plugins.lookup``, so ansible-core is there.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

from jinja2.exceptions import UndefinedError
from jinja2.runtime import Undefined

from orch.errors import TemplateError, UndefinedVariableError
from orch.templating import py_plugins, trust
from orch.templating.undefined import OrchUndefined


class PluginTemplar:
    """What a lookup or action plugin sees as ``self._templar``: orch's templar with the task's variables."""

    def __init__(self, render: Callable[[Any], Any], variables: Any) -> None:
        self._render = render
        self._variables = variables

    @property
    def available_variables(self) -> Any:
        return self._variables

    def template(self, variable: Any, *args: Any, **kwargs: Any) -> Any:
        return self._render(variable)

    def is_template(self, data: Any) -> bool:
        from orch.templating.templar import is_template  # the templar imports the lookups

        return is_template(data)

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"orch gives plugins a templar with template(), is_template() and "
                             f"available_variables; it has no {name!r}")


@functools.lru_cache(maxsize=8)
def data_loader(basedir: str | None) -> Any:
    from ansible.parsing.dataloader import DataLoader

    loader = DataLoader()
    if basedir:
        loader.set_basedir(basedir)
    return loader


def _instance(cls: Any, name: str, path: str, variables: Any) -> Any:
    try:
        from ansible.plugins.loader import lookup_loader

        basedir = variables.get("playbook_dir") if "playbook_dir" in variables else None
        render = functools.partial(variables._templar._template, frame=variables._frame)  # the lookup's own variables
        instance = cls(loader=data_loader(basedir if isinstance(basedir, str) else None),
                       templar=PluginTemplar(render, variables))
        instance._load_name, instance._original_path = name, path
        lookup_loader._load_config_defs(name, sys.modules[cls.__module__], path)
    except Exception as exc:
        raise py_plugins.Failed("lookup", name, py_plugins.cause(exc)).error() from exc
    return instance


def _term(ctx: Any, value: Any) -> Any:
    """A constant term holding a template is rendered, as Ansible's embedded templates are; an undefined
    one stays an undefined value (Ansible's marker) for the plugin to take or refuse."""
    if not trust.trusted_template(value):
        return value
    try:
        return trust.render_constant(ctx, value)
    except UndefinedVariableError as exc:
        return OrchUndefined(hint=exc.message)
    except UndefinedError as exc:
        return OrchUndefined(hint=exc.message or "undefined value")


def run_lookup(found: Any, ctx: Any, name: str, terms: list, kwargs: dict) -> list:
    cls = found.load()
    if isinstance(cls, py_plugins.Failed):
        raise cls.error()
    variables = ctx.parent
    instance = _instance(cls, name, found.path, variables)
    terms = [_term(ctx, t) for t in terms]
    if not getattr(instance, "accept_args_markers", False):  # as Ansible: the undefined value is the result
        for value in (*terms, *kwargs.values()):
            if isinstance(value, Undefined):
                return [value]
    try:
        result = instance.run(terms, variables=variables, **kwargs)
    except TemplateError:
        raise
    except Exception as exc:
        raise TemplateError(f"The lookup plugin {name!r} failed: {exc}") from exc
    if not isinstance(result, (list, tuple)):
        raise TemplateError(f"The lookup plugin {name!r} failed: returned {type(result).__name__} instead of list")
    return list(result)
