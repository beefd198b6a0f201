"""``k=v`` argument strings, as Ansible's ``parse_kv`` reads them.

Words are split on whitespace outside quotes and outside Jinja2 blocks;
``key=value`` words become options (value unquoted), other words are
free-form text (only allowed for free-form modules).
"""

from __future__ import annotations

import codecs
import re

from orch.errors import Location, ParseError

_OPEN = {"{{": "}}", "{%": "%}", "{#": "#}"}
_KEY = re.compile(r"^[A-Za-z_][\w-]*$")
# Where a task keeps the templates that give (part of) its arguments at run time, lowest first:
# ``args: "{{ splat }}"`` and free-form words that are one template (``file: path=x {{ more }}``).
VARIABLE_PARAMS = "_variable_params"
# Keys that command/shell/script take out of a free-form string.
FREE_FORM_KEYS = frozenset({
    "creates", "removes", "chdir", "executable", "stdin", "stdin_add_newline", "strip_empty_ends",
    "warn", "expand_argument_vars", "decrypt", "cmd",
})


def split_args(text: str, location: Location | None = None) -> list[str]:
    """Split into words; quotes stay inside the words."""
    words: list[str] = []
    cur: list[str] = []
    quote = ""
    closers: list[str] = []
    i, n = 0, len(text)
    while i < n:
        two = text[i:i + 2]
        ch = text[i]
        if not quote and two in _OPEN:
            closers.append(_OPEN[two])
            cur.append(two)
            i += 2
            continue
        if closers and two == closers[-1]:
            closers.pop()
            cur.append(two)
            i += 2
            continue
        if ch == "\\" and i + 1 < n:
            cur.append(text[i:i + 2])
            i += 2
            continue
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"" and not closers:
            quote = ch
        elif ch.isspace() and not closers:
            if cur:
                words.append("".join(cur))
                cur = []
            i += 1
            continue
        cur.append(ch)
        i += 1
    if quote:
        raise ParseError(f"unbalanced quote {quote} in {text!r}", location=location)
    if closers:
        raise ParseError(f"unbalanced Jinja2 block (missing {closers[-1]!r}) in {text!r}", location=location)
    if cur:
        words.append("".join(cur))
    return words


def possibly_all_template(text: str) -> bool:
    """Free-form words that are one template (``{{ host_data }}``): a mapping of arguments at run time.

    Ansible's test, kept as loose as its own: starts with a Jinja opening and ends with a closing.
    """
    return text.startswith(("{{", "{%", "{#", "#jinja2:")) and text.endswith(("}}", "%}", "#}"))


def unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        inner = value[1:-1]
        return inner.replace("\\" + value[0], value[0])
    return value


# Escapes that k=v values have read as Python reads them (\n, \t, \", \u00e9, ...); no octal ones.
_ESCAPES = re.compile(r'\\(?:U[0-9A-Fa-f]{8}|u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2}|N\{[^}]+\}|[\\\'"abfnrtv])')


def decode_escapes(text: str) -> str:
    return _ESCAPES.sub(lambda m: codecs.decode(m.group(0), "unicode-escape"), text)


def _split_pair(word: str) -> tuple[str, str] | None:
    eq = word.find("=")
    if eq <= 0 or word[eq - 1] == "\\":
        return None
    key = word[:eq]
    if not _KEY.match(key) and not ("{{" in key and key.endswith("}}")):  # a templated key: '{{ item }}=moo'
        return None
    return key, unquote(word[eq + 1:])


def parse_kv(text: str, free_form: bool = False, location: Location | None = None,
             free_form_keys: frozenset[str] | None = None) -> dict[str, str]:
    """Parse ``a=1 b='x y'``; with ``free_form``, other words go to ``_raw_params``.

    For free-form modules only ``free_form_keys`` are taken out (so
    ``command: echo a=b`` keeps ``a=b`` in the command, as Ansible does).
    """
    options: dict[str, str] = {}
    raw = text
    has_raw = False
    for word in split_args(text, location):
        pair = _split_pair(decode_escapes(word))
        if pair and (not free_form or free_form_keys is None or pair[0] in free_form_keys):
            options[pair[0]] = pair[1]
            # Take the pair out of the text itself, so a multi-line script keeps its lines.
            raw = re.sub(r"(^|\s)" + re.escape(word) + r"(?=\s|$)", "", raw, count=1)
        elif free_form:
            has_raw = True
        else:
            raise ParseError(f"expected key=value arguments, got {word!r}", location=location)
    if has_raw:
        # As Ansible: free-form text keeps its own spacing and last newline (a `shell: |` script's
        # `cmd` is the script), and a lone backslash ending a line outside quotes joins the lines.
        joined = _join_continued_lines(raw)
        options["_raw_params"] = (joined if raw is text else joined.lstrip().rstrip(" \t")).replace("\\=", "=")
    return options


def _join_continued_lines(text: str) -> str:
    out: list[str] = []
    quote = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "\\" and text[i + 1:i + 2] == "\n" and (i == 0 or text[i - 1] in " \t"):
            i += 2  # the backslash and its newline go; the space before it stays
            continue
        out.append(ch)
        i += 1
    return "".join(out) if len(out) != len(text) else text
