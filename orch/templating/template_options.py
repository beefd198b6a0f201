"""Options of a whole-file template: Jinja's syntax and whitespace settings, and where ``{% include %}`` looks.

The ``template`` module and the ``template`` lookup take them as arguments; a
template file may also set them on a first line ``#jinja2: trim_blocks: False,
lstrip_blocks: True`` (values are Python literals), which wins, as in Ansible.
"""

from __future__ import annotations

import ast
import threading
from collections.abc import Mapping
from typing import Any

import jinja2

from orch.errors import TemplateError

HEADER = "#jinja2:"
OPTION_NAMES = frozenset({
    "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
    "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
    "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline",
})
_NEWLINES = {"\\n": "\n", "\\r": "\r", "\\r\\n": "\r\n"}  # written escaped in YAML's single quotes
_LIMIT = 64


def header_options(text: str) -> tuple[str, dict[str, Any]]:
    """Split a ``#jinja2:`` first line off the template: (the rest, its options)."""
    if not text.startswith(HEADER):
        return text, {}
    end = text.find("\n")
    if end == -1:
        raise TemplateError(f"a {HEADER!r} line needs a newline after it")
    options: dict[str, Any] = {}
    for pair in text[len(HEADER):end].split(","):
        key, colon, value = pair.partition(":")
        key = key.strip()
        if not pair.strip():
            raise TemplateError(f"empty {HEADER!r} option (two commas, or one at the end)")
        if not colon:
            raise TemplateError(f"bad {HEADER!r} option {pair.strip()!r}: Missing key-value separator ':'")
        if key not in OPTION_NAMES:
            raise TemplateError(f"bad {HEADER!r} option {pair.strip()!r} (known: {', '.join(sorted(OPTION_NAMES))})")
        try:
            options[key] = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            raise TemplateError(f"bad value in {HEADER!r} option {pair.strip()!r}: a Python literal is needed") from None
    return text[end + 1:], options


def clean_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """The Jinja settings among a module's arguments (unset ones dropped, escaped newlines read)."""
    out = {k: v for k, v in options.items() if k in OPTION_NAMES and v is not None}
    if "newline_sequence" in out:
        out["newline_sequence"] = _NEWLINES.get(out["newline_sequence"], out["newline_sequence"])
    starts = [out.get("block_start_string", "{%"), out.get("variable_start_string", "{{"),
              out.get("comment_start_string", "{#")]
    if len(set(starts)) != 3:
        raise TemplateError("block, variable and comment start strings must differ")
    return out


class Environments:
    """Jinja environments derived from a base one, per option set and search path (cached, thread-safe)."""

    def __init__(self, base: jinja2.Environment) -> None:
        self.base = base
        self._cache: dict[tuple, jinja2.Environment] = {}
        self._lock = threading.Lock()

    def get(self, options: Mapping[str, Any], searchpath: list[str]) -> tuple[jinja2.Environment, tuple]:
        """(environment for a template file, its cache key)."""
        key = ("file", tuple(sorted((k, repr(v)) for k, v in options.items())), tuple(searchpath))
        with self._lock:
            env = self._cache.get(key)
            if env is None:
                if len(self._cache) >= _LIMIT:
                    self._cache.clear()
                loader = jinja2.FileSystemLoader(searchpath) if searchpath else None
                env = self.base.overlay(loader=loader, **options)
                env.literal_backslashes = False  # a file's backslashes were never read by YAML
                env.__dict__.pop("_literal_lexer", None)
                self._cache[key] = env
        return env, key
