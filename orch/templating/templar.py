"""The Templar: Jinja2 over data, the way Ansible does it.

* A string that is exactly one ``{{ expr }}`` gives the expression's native
  value (list, dict, int, bool); other strings render to ``str``.
* Variables are templated lazily, when an expression reads them, and the
  result is cached for the rest of that call; a variable that (directly or
  not) needs itself is a clear error instead of a RecursionError.
* No global state: every call gets its variables explicitly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import Any

import jinja2
from jinja2.runtime import Undefined

from orch.errors import Location, TemplateError, UndefinedVariableError
from orch.yamlsrc import DecryptedText, UnsafeText, VaultText, location_of
from orch.templating import trust
from orch.templating.expressions import compile_expression, consume_expr, to_condition
from orch.templating.jinja_env import OMIT, make_environment, to_text
from orch.templating.template_options import Environments, clean_options, header_options
from orch.templating.undefined import OrchUndefined, Undecryptable, UndecryptableError, fail_on_undefined, without_undefined

_CACHE_LIMIT = 20000


def _no_vault(value: VaultText) -> str:
    raise TemplateError("vault-encrypted value needs --vault-password-file", location=location_of(value))


def is_template(value: Any) -> bool:
    """Cheap check used as the fast path: can this string need Jinja at all?"""
    return isinstance(value, str) and ("{{" in value or "{%" in value or "{#" in value)


class _Frame:
    """Per top-level call state: the lazy variable cache and the resolving stack."""

    __slots__ = ("variables", "cache", "stack", "drop_undefined")

    def __init__(self, variables: Mapping[str, Any], drop_undefined: bool = False) -> None:
        self.variables = variables
        self.cache: dict[str, Any] = {}
        self.stack: list[str] = []
        self.drop_undefined = drop_undefined  # undefined list items and dict values are left out


class LazyVars(Mapping):
    """The mapping Jinja reads names from; templates each variable on first use."""

    def __init__(self, templar: "Templar", frame: _Frame) -> None:
        self._templar = templar
        self._frame = frame
        self._globals = templar.environment.globals

    def __contains__(self, key: object) -> bool:
        return key in self._frame.variables or key in self._globals

    def __getitem__(self, key: str) -> Any:
        frame = self._frame
        if key in frame.cache:
            return frame.cache[key]
        if key not in frame.variables:
            return self._globals[key]
        raw = frame.variables[key]
        if not _needs_work(raw):
            return raw
        if key in frame.stack:
            chain = " -> ".join(frame.stack[frame.stack.index(key):] + [key])
            raise TemplateError(f"recursive loop detected in template: {chain}")
        frame.stack.append(key)
        try:
            value = self._templar._template(raw, frame)
        except TemplateError as exc:
            nested = exc.message.endswith(")") and "while templating variable" in exc.message
            message = exc.message if nested else f"{exc.message} (while templating variable {key!r})"
            if not isinstance(exc, UndefinedVariableError):
                # keep a location the inner error knows (a !vault value's file:line)
                raise type(exc)(message, location=exc.location) from None
            # As Ansible (2.14+): a variable made of an undefined one is undefined itself; `is undefined`
            # and `default` see it, and a real use fails with the first cause.
            value = OrchUndefined(hint=message, name=key)
        finally:
            frame.stack.pop()
        frame.cache[key] = value
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(frame_keys(self._frame.variables, self._globals))

    def __len__(self) -> int:
        return len(set(self._frame.variables) | set(self._globals))


def frame_keys(variables: Mapping[str, Any], globals_: Mapping[str, Any]) -> list[str]:
    return list(dict.fromkeys([*variables, *globals_]))


def _needs_work(value: Any) -> bool:
    if isinstance(value, str):
        # Text a template produced is data from then on (Ansible 2.19 never templates it again).
        return isinstance(value, VaultText) or (not trust.untrusted(value) and is_template(value))
    return isinstance(value, (dict, list))


class Templar:
    """Renders values with Jinja2; thread-safe, caches compiled templates."""

    def __init__(
        self,
        vault: Callable[[VaultText], str] | None = None,
        searchpath: list[str] | None = None,
        random_seed: Any = None,
    ) -> None:
        self.vault = vault or _no_vault
        self.searchpath = list(searchpath or [])
        self.random_seed = random_seed
        self.inventory: Any = None  # the run's Inventory, for lookups that read it (set by the engine)
        self.environment = make_environment(self)
        self.environment.filters[trust.RENDER_CONSTANT] = jinja2.pass_context(trust.render_constant)
        self.environments = Environments(self.environment)
        self._templates: dict[tuple[str, str], jinja2.Template] = {}
        self._lock = threading.Lock()

    # -- public API -------------------------------------------------------

    def template(
        self,
        value: Any,
        variables: Mapping[str, Any],
        *,
        location: Location | None = None,
        task: str | None = None,
        drop_undefined: bool = False,
    ) -> Any:
        """Template ``value`` (recursively through dicts and lists); ``drop_undefined``: list items
        and dict values that are undefined, here or in the variables read, are left out (what
        ``with_first_found`` does with its terms)."""
        if not _needs_work(value):
            return value
        try:
            # a !vault value no secret opens, given as it is (a module argument): this is its use
            return fail_on_undefined(self._template(value, _Frame(variables, drop_undefined)))
        except jinja2.UndefinedError as exc:
            raise self._located(TemplateError(exc.message or "undefined value"), value, location, task) from None
        except TemplateError as exc:
            raise self._located(exc, value, location, task) from None

    def evaluate(
        self,
        expr: Any,
        variables: Mapping[str, Any],
        *,
        location: Location | None = None,
        task: str | None = None,
        constants: bool = False,
    ) -> Any:
        """Evaluate a bare expression (``when``, ``until``, ``loop: "{{ }}"``-less strings);
        ``constants``: a condition, whose string constants may hold templates."""
        if not isinstance(expr, str) or isinstance(expr, UnsafeText):
            return expr
        frame = _Frame(variables)
        try:
            if constants and is_template(expr) and not trust.all_template(expr):
                try:
                    compiled = self._compile(expr, "cond")
                except TemplateError:
                    compiled = None  # not an expression: rendered as a template below
                if compiled is not None:
                    ctx = compiled.new_context(LazyVars(self, frame), shared=True)
                    return self._run(expr, lambda: consume_expr(compiled, ctx))
            if is_template(expr):
                # Ansible warns about delimiters in conditionals but accepts them.
                return self._template(expr, frame)
            compiled = self._compile(expr, "expr")
            ctx = compiled.new_context(LazyVars(self, frame), shared=True)
            return self._run(expr, lambda: consume_expr(compiled, ctx))
        except TemplateError as exc:
            raise self._located(exc, expr, location, task) from None

    def evaluate_lenient(self, expr: str, variables: Mapping[str, Any]) -> Any:
        """A bare expression's value, an undefined one returned as it is (an Undefined) instead of raised."""
        frame = _Frame(variables)
        compiled = self._compile(expr, "expr")
        ctx = compiled.new_context(LazyVars(self, frame), shared=True)
        return self._run(expr, lambda: consume_expr(compiled, ctx, lenient=True))

    def is_true(
        self,
        condition: Any,
        variables: Mapping[str, Any],
        *,
        location: Location | None = None,
        task: str | None = None,
    ) -> bool:
        """A conditional: a list means AND, booleans pass, strings are expressions."""
        if isinstance(condition, list):
            return all(self.is_true(c, variables, location=location, task=task) for c in condition)
        if condition is None:
            return True
        where = location or location_of(condition)
        if isinstance(condition, str) and not trust.boolean_word(condition):
            if trust.untrusted(condition):
                raise trust.untrusted_error(condition, condition, where, task)
            if trust.all_template(condition):  # "{{ name }}": the expression the variable holds, if trusted
                value = self.template(condition, variables, location=where, task=task)
                if isinstance(value, str) and not trust.boolean_word(value):
                    if not trust.trusted_expression(value):
                        raise trust.untrusted_error(condition, value, where, task)
                    value = self.evaluate(value, variables, location=where, task=task)
                return to_condition(value, condition, where, task)
        value = self.evaluate(condition, variables, location=where, task=task, constants=True)
        return to_condition(value, condition, where, task)

    def render_text(self, text: str, variables: Mapping[str, Any], *, source: str | None = None,
                    options: Mapping[str, Any] | None = None, searchpath: list[str] | None = None) -> str:
        """Render a whole template file; the result is always text (the template module).

        ``options`` are Jinja settings (trim_blocks, variable_start_string, ...); ``searchpath``
        is where ``{% include %}``/``{% import %}`` find other templates.
        """
        return to_text(self._render_file(text, variables, source, options, searchpath, native=False))

    def render_value(self, text: str, variables: Mapping[str, Any], *, source: str | None = None,
                     options: Mapping[str, Any] | None = None, searchpath: list[str] | None = None) -> Any:
        """Like render_text, but a file that is one expression gives its value (the template lookup)."""
        return self._render_file(text, variables, source, options, searchpath, native=True)

    def _render_file(self, text: str, variables: Mapping[str, Any], source: str | None,
                     options: Mapping[str, Any] | None, searchpath: list[str] | None, native: bool) -> Any:
        frame = _Frame(variables)
        line = 0
        try:
            try:
                text, header = header_options(text)
                env, env_key = self.environments.get({**clean_options(options or {}), **header}, searchpath or [])
                compiled = self._compile(text, "tpl", env, env_key)
            except TemplateError as exc:
                line = getattr(exc, "template_line", 0)
                raise
            ctx = compiled.new_context(LazyVars(self, frame), shared=True)

            def render() -> Any:
                nonlocal line
                gen = compiled.root_render_func(ctx)
                parts = []
                try:
                    for value in gen:
                        if isinstance(value, Undefined) and gen.gi_frame is not None:
                            # native rendering yields it raw; the generator is paused at its line
                            line = compiled.get_corresponding_lineno(gen.gi_frame.f_lineno)
                        parts.append(value)
                    if native and not parts:
                        return None  # as Ansible: a template that renders nothing at all is None
                    if native and len(parts) == 1:
                        if isinstance(parts[0], Undefined):
                            str(parts[0])
                        value = _concrete(source or "template", parts[0], self._run)
                        return _trailing_newlines(text, value, env.newline_sequence)
                    return _trailing_newlines(text, "".join(to_text(v) for v in parts), env.newline_sequence)
                except Exception as exc:
                    line = _template_line(exc.__traceback__, compiled) or line  # the template's line, for file:line
                    raise

            return self._run(source or "template", render)
        except TemplateError as exc:
            raise type(exc)(f"{exc.message} (in template {source})" if source else exc.message,
                            location=Location(source, line) if source else None) from None

    # -- internals --------------------------------------------------------

    def _located(self, exc: TemplateError, value: Any, location: Location | None, task: str | None) -> TemplateError:
        loc = exc.location or location or location_of(value)
        err = type(exc)(exc.message, location=loc, task=exc.task or task, host=exc.host)
        return err

    def _template(self, value: Any, frame: _Frame) -> Any:
        if isinstance(value, str):
            if trust.untrusted(value):
                return value
            if isinstance(value, VaultText):
                return self._open(value)
            if not is_template(value):
                return value
            return self._render(value, frame)
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                key = self._template(k, frame) if isinstance(k, str) else k
                try:
                    item = self._template(v, frame)
                except UndefinedVariableError:
                    if frame.drop_undefined:
                        continue
                    raise
                if isinstance(item, str) and item == OMIT:
                    continue
                out[key] = item
            return out
        if isinstance(value, list):
            return [r for r in self._items(value, frame) if not (isinstance(r, str) and r == OMIT)]
        return value

    def _items(self, values: list, frame: _Frame) -> Iterator[Any]:
        for v in values:
            try:
                yield self._template(v, frame)
            except UndefinedVariableError:
                if not frame.drop_undefined:
                    raise

    def _open(self, value: VaultText) -> Any:
        """A ``!vault`` value's plaintext, never templated (Ansible 2.19 does not trust it); one that no secret
        opens becomes a value that fails where it is used."""
        try:
            plain = DecryptedText(self.vault(value))
        except TemplateError as exc:
            return Undecryptable(exc.message, value, exc.location)
        plain.payload = value
        return plain

    def _render(self, source: str, frame: _Frame) -> Any:
        compiled = self._compile(source, "tpl")
        ctx = compiled.new_context(LazyVars(self, frame), shared=True)
        out = self._run(source, lambda: list(compiled.root_render_func(ctx)))
        if len(out) == 1:
            value = out[0]
            if isinstance(value, Undefined):
                self._run(source, lambda: str(value))
            if frame.drop_undefined:
                value = without_undefined(value)
            return _trailing_newlines(source, _concrete(source, value, self._run), "\n")
        joined = self._run(source, lambda: "".join(to_text(v) for v in out))
        return trust.RenderedText(_trailing_newlines(source, joined, "\n"))

    def _compile(self, source: str, kind: str, env: jinja2.Environment | None = None,
                 env_key: tuple = ()) -> jinja2.Template:
        key = (kind, source, env_key)
        found = self._templates.get(key)
        if found is not None:
            return found
        try:
            if kind == "tpl":
                compiled = (env or self.environment).from_string(source)
            else:
                compiled = compile_expression(self.environment, source, constants=kind == "cond")
        except jinja2.TemplateSyntaxError as exc:
            err = TemplateError(f"template syntax error: {exc.message} in {source!r}")
            err.template_line = exc.lineno  # type: ignore[attr-defined]
            raise err from None
        except SyntaxError as exc:  # Jinja's Python is invalid ("keyword argument repeated"): Jinja does not check
            raise TemplateError(f"template syntax error: {exc.msg} in {source!r}") from None
        with self._lock:
            if len(self._templates) >= _CACHE_LIMIT:
                self._templates.clear()
            self._templates[key] = compiled
        return compiled

    def _run(self, source: str, fn: Callable[[], Any]) -> Any:
        """Run a render step, translating Jinja and Python errors once, here."""
        try:
            return fn()
        except TemplateError:
            raise
        except jinja2.UndefinedError as exc:
            missing = not isinstance(exc, UndecryptableError)  # an undecryptable value is there, but fails
            raise (UndefinedVariableError if missing else TemplateError)(f"{exc.message} in {source!r}") from None
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"template syntax error: {exc.message} in {source!r}") from None
        except jinja2.TemplateError as exc:
            raise TemplateError(f"{exc} in {source!r}") from None
        except RecursionError:
            raise TemplateError(f"template recursion too deep in {source!r}") from None
        except Exception as exc:  # filters raise TypeError, ValueError, ...; worded as Ansible words it
            raise TemplateError(f"Error rendering template: {exc} in {source!r}") from None


def _template_line(tb: Any, compiled: jinja2.Template) -> int:
    """The line of ``compiled``'s source where the traceback passed through it (0 if it did not)."""
    while tb is not None:
        if tb.tb_frame.f_globals.get("__jinja_template__") is compiled:
            return compiled.get_corresponding_lineno(tb.tb_lineno)
        tb = tb.tb_next
    return 0


def _trailing_newlines(template: str, result: Any, newline: str) -> Any:
    """A text result ends with at least as many newlines as its template did (Ansible's rule)."""
    if not isinstance(result, str):
        return result
    wanted = len(template) - len(template.rstrip("\n"))
    if not wanted:
        return result
    missing = wanted - (len(result) - len(result.rstrip("\n")))
    if missing <= 0:
        return result
    added = result + newline * missing
    return type(result)(added) if trust.untrusted(result) else added  # still never templated again


def _concrete(source: str, value: Any, run: Callable[[str, Callable[[], Any]], Any]) -> Any:
    """A lazy result (``| map(...)``, ``dict.keys()``) as the list it stands for, as Ansible 2.19 gives it."""
    if isinstance(value, (Iterator, KeysView, ValuesView, ItemsView)):
        value = run(source, lambda: list(value))
    return run(source, lambda: fail_on_undefined(value))  # as Ansible 2.19: no undefined value inside a result


