"""Which strings a condition may evaluate: ansible-core 2.19 evaluates only trusted expressions.

Text written in playbooks, roles and variable files is trusted. Text a template produced by joining
its parts, and a module's output (registered results, ``!unsafe``), is data: a condition made of
it fails instead of running what a result or a template put together (a registered command output
holding ``lookup('pipe', ...)`` must never run).
"""

from __future__ import annotations

import os
from typing import Any

from orch.booleans import FALSE, TRUE, parse_bool
from orch.errors import Location, TemplateError
from orch.yamlsrc import LocStr, UnsafeText


class RenderedText(str):
    """Text a template joined from its parts: data, not an expression a condition may evaluate."""

    __slots__ = ()


def untrusted(value: Any) -> bool:
    return isinstance(value, (RenderedText, UnsafeText))


def trusted_expression(value: Any) -> bool:
    """A template's string result that a condition may still evaluate: text from a playbook or vars file."""
    return isinstance(value, LocStr) and not untrusted(value)


def trusted_template(value: Any) -> bool:
    """Text from the playbook that holds a template (a lookup's term, a condition's constant)."""
    return isinstance(value, str) and not untrusted(value) and ("{{" in value or "{%" in value)


def broken_conditionals_allowed() -> bool:
    """Ansible's ALLOW_BROKEN_CONDITIONALS (environment): a non-boolean result counts by its truth."""
    return parse_bool(os.environ.get("ANSIBLE_ALLOW_BROKEN_CONDITIONALS", "")) is True


def boolean_word(value: str) -> bool:
    return value.strip().lower() in TRUE | FALSE | {""}


def all_template(text: str) -> bool:
    """``"{{ ... }}"`` as a whole: a condition that names its expression indirectly."""
    stripped = text.strip()
    return stripped.startswith("{{") and stripped.endswith("}}")


def untrusted_error(condition: Any, value: Any, location: Location | None, task: str | None) -> TemplateError:
    return TemplateError(
        f"conditional {str(condition)!r}: untrusted template or expression {str(value)!r} (a condition must be "
        "written in a playbook, role or vars file, not made by a template or taken from a result)",
        location=location, task=task)


# A condition's string constants that hold a template are rendered when the condition runs
# (`"dude" == "du{{ 'de' }}"`), as ansible-core 2.19 does for expressions, never for templates.
RENDER_CONSTANT = "__orch_render_constant"
_LOOKUP_CALLS = ("lookup", "query", "q")


def render_constants(tree: Any) -> Any:
    """``tree`` (a parsed expression) with each templated string constant rendered at run time."""
    from jinja2 import nodes
    from jinja2.visitor import NodeTransformer

    class _Constants(NodeTransformer):
        def visit_Call(self, node: Any) -> Any:
            # a lookup's terms are rendered by the lookup itself, when it runs (Ansible does not resolve
            # them early: a plugin may take an undefined one)
            if isinstance(node.node, nodes.Name) and node.node.name in _LOOKUP_CALLS:
                node.kwargs = [self.visit(kw) for kw in node.kwargs]
                node.args = [arg if isinstance(arg, nodes.Const) else self.visit(arg) for arg in node.args]
                return node
            return self.generic_visit(node)

        def visit_Const(self, node: Any) -> Any:
            if trusted_template(node.value):
                return nodes.Filter(node, RENDER_CONSTANT, [], [], None, None, lineno=node.lineno)
            return node

    return _Constants().visit(tree)


def render_constant(context: Any, value: str) -> Any:
    variables = context.parent  # the LazyVars the condition runs with
    return variables._templar._template(value, variables._frame)
