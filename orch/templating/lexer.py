"""Backslashes in string constants of ``{{ }}`` stay as written (templates from YAML values).

YAML has already read the escapes of a double-quoted value; Jinja would read them
a second time, so ``regex_replace('(b)', '\\1')`` (a YAML ``"\\1"``) would get
chr(1) instead of a backreference. As in Ansible, string constants inside
``{{ }}`` of value templates keep their backslashes; ``{% %}`` statements,
bare expressions (``when:``) and template files are read by Jinja's rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jinja2.lexer import TOKEN_STRING, TOKEN_VARIABLE_BEGIN, TOKEN_VARIABLE_END, Lexer


class LiteralBackslashLexer(Lexer):
    def tokeniter(self, *args: Any, **kwargs: Any) -> Iterator[tuple[int, str, str]]:
        inside = False
        for lineno, kind, value in super().tokeniter(*args, **kwargs):
            if kind == TOKEN_VARIABLE_BEGIN:
                inside = True
            elif kind == TOKEN_VARIABLE_END:
                inside = False
            elif inside and kind == TOKEN_STRING:
                value = value.replace("\\", "\\\\")
            yield lineno, kind, value
