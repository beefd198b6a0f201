"""The Jinja2 environment orch templates with: native values without literal_eval, Ansible's
filters, tests and lookups, its defaults (trim_blocks), and its fully qualified names."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

from jinja2 import nodes
from jinja2.nativetypes import NativeCodeGenerator, NativeEnvironment
from jinja2.runtime import Context, Undefined

from orch.errors import TemplateError
from orch.templating import (filters_core, filters_data, filters_math, filters_path, filters_text, filters_vault, lookups,
                             py_plugins, tests)
from orch.templating.context import LazyContext, LazyTemplate
from orch.templating.lexer import LiteralBackslashLexer
from orch.templating.undefined import OrchUndefined, fail_on_undefined, undef

# Ansible's placeholder: a value templated to this is dropped from its dict/list.
OMIT = "__omit_place_holder__orch__"


class _CodeGenerator(NativeCodeGenerator):
    # Jinja's native generator folds constant output into strings and relies on
    # literal_eval to get values back; we never literal_eval (Ansible 2.19 does
    # not either), so constant output must stay a runtime value.
    def _output_child_to_const(self, node: Any, frame: Any, finalize: Any) -> Any:
        if isinstance(node, nodes.TemplateData):
            return super()._output_child_to_const(node, frame, finalize)
        raise nodes.Impossible()


def _concat(values: Any) -> Any:
    """What a macro, a call block or a ``{% set %}`` block gives: its one value, else its text joined.

    Jinja's native concat would literal_eval the text (a macro printing ``"foo" "bar"`` would give
    ``foobar``); Ansible 2.19 never does.
    """
    parts = list(values)
    if len(parts) == 1:
        return parts[0]
    return "".join(to_text(v) for v in parts)


class _Environment(NativeEnvironment):
    code_generator_class = _CodeGenerator
    context_class = LazyContext
    template_class = LazyTemplate
    concat = staticmethod(_concat)
    literal_backslashes = True  # value templates (from YAML); template files set it False (see lexer.py)

    @property
    def lexer(self) -> Any:
        if not self.literal_backslashes:
            return super().lexer
        found = self.__dict__.get("_literal_lexer")
        if found is None:
            found = self.__dict__["_literal_lexer"] = LiteralBackslashLexer(self)
        return found

    # Missing attributes of *defined* objects name the attribute (Jinja's default
    # message says "'dict object' has no attribute", which is fine but generic).
    def getattr(self, obj: Any, attribute: str) -> Any:
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)


_LISTED_FILTERS = ("map", "select", "reject", "selectattr", "rejectattr", "batch", "slice")


def _listed(jinja_filter: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(jinja_filter)  # keeps Jinja's pass_context/pass_environment mark
    def listed(*args: Any, **kwargs: Any) -> Any:
        value = args[1] if isinstance(args[0], Context) else args[0]
        if isinstance(value, Undefined):  # `undefined | map(...)` is undefined, as in Ansible
            return value
        result = jinja_filter(*args, **kwargs)
        return list(result) if isinstance(result, Iterator) else result

    return listed


class _PluginTable(dict):
    """``env.filters``/``env.tests``: orch's own, and Ansible's Python plugins where Ansible's precedence
    puts them first (py_plugins): a short or ``ansible.legacy.`` name, or a collection's name orch lacks."""

    def __init__(self, kind: str, native: dict) -> None:
        super().__init__(native)
        self.kind = kind

    def _plugin(self, key: Any) -> Any:
        if not isinstance(key, str) or key.startswith("ansible.builtin."):
            return None
        if "." in key and not key.startswith("ansible.legacy.") and dict.__contains__(self, key):
            return None
        found = py_plugins.find(self.kind, key)
        if isinstance(found, py_plugins.Failed):
            raise found.error()  # Ansible's deferred load failure, where the name is used
        return found

    def get(self, key: Any, default: Any = None) -> Any:
        found = self._plugin(key)
        return found if found is not None else dict.get(self, key, default)

    def __getitem__(self, key: Any) -> Any:
        found = self._plugin(key)
        return found if found is not None else dict.__getitem__(self, key)

    def __contains__(self, key: Any) -> bool:
        try:
            return self._plugin(key) is not None or dict.__contains__(self, key)
        except TemplateError:
            return True  # there, but failed to load (as Ansible answers)


def make_environment(templar: Any) -> _Environment:
    """The environment of one Templar (its lookups need it)."""
    env = _Environment(
        undefined=OrchUndefined,
        # Jinja drops a template's last newline, and Ansible adds back what its text ended with
        # (see _trailing_newlines): an included template's last newline stays dropped.
        keep_trailing_newline=False,
        trim_blocks=True,  # Ansible's default, for every template (a block tag's newline is not output)
        extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"],
        autoescape=False,
    )
    for name in _LISTED_FILTERS:  # as in Ansible 2.19: lists, so that (x | select(...))[0] works
        env.filters[name] = _listed(env.filters[name])
    env.filters.update(filters_core.FILTERS)
    env.filters.update(filters_data.FILTERS)
    env.filters.update(filters_path.FILTERS)
    env.filters.update(filters_math.FILTERS)
    env.filters.update(filters_text.FILTERS)
    env.filters.update(filters_vault.FILTERS)
    env.tests.update(tests.TESTS)
    env.globals.update(lookups.make_globals(templar))
    env.globals["omit"] = OMIT
    env.globals["undef"] = undef
    # Fully qualified names work too: {{ x | ansible.builtin.to_json }}.
    for table in (env.filters, env.tests):
        for name in list(table):
            table[f"ansible.builtin.{name}"] = table[f"ansible.legacy.{name}"] = table[name]
    env.filters["ansible._protomatter.finalize"] = filters_data.finalize  # used by ansible-core's own tests
    env.tests["ansible._protomatter.tagged_with"] = tests.tagged_with
    env.filters["ansible._protomatter.origin"] = filters_data.origin
    env.filters = _PluginTable("filter", env.filters)
    env.tests = _PluginTable("test", env.tests)
    return env


def to_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return str(fail_on_undefined(value))  # a list printed into text may not hide an undefined value either
