"""Expressions and conditions: a Jinja expression compiled to run against lazy variables, and its
result read as a condition."""

from __future__ import annotations

from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.parser import Parser
from jinja2.runtime import Undefined

from orch.booleans import FALSE as BOOL_FALSE
from orch.booleans import TRUE as BOOL_TRUE
from orch.errors import Location, TemplateError
from orch.templating import trust


def compile_expression(env: jinja2.Environment, source: str, constants: bool = False) -> jinja2.Template:
    # Like Environment.compile_expression, but we keep the template so that it
    # can run against our lazy variable mapping instead of a copied dict.
    parser = Parser(env, source, state="variable")
    expr = parser.parse_expression()
    if not parser.stream.eos:
        raise jinja2.TemplateSyntaxError("unexpected text after the expression", parser.stream.current.lineno, None, None)
    if constants:
        expr = trust.render_constants(expr)
    expr.set_environment(env)
    body = [nodes.Assign(nodes.Name("result", "store"), expr, lineno=1)]
    return env.from_string(nodes.Template(body, lineno=1))


def consume_expr(compiled: jinja2.Template, ctx: Any, lenient: bool = False) -> Any:
    for _ in compiled.root_render_func(ctx):
        pass
    result = ctx.vars["result"]
    if isinstance(result, Undefined) and not lenient:
        str(result)  # raises with the variable's name
    return result


_TRUE = BOOL_TRUE
_FALSE = BOOL_FALSE | {""}  # an empty string is a false condition


def to_condition(value: Any, source: Any, location: Location | None, task: str | None) -> bool:
    """Turn a conditional's result into a bool.

    Ansible 2.19 rejects non-boolean results; we accept the boolean-looking
    strings older playbooks rely on and plain truthiness for numbers/containers.
    """
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, str):
        low = value.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        if trust.broken_conditionals_allowed():
            return bool(value)
        raise TemplateError(
            f"conditional {str(source)!r} gave the string {value!r}, which is not a boolean",
            location=location,
            task=task,
        )
    return bool(value)
