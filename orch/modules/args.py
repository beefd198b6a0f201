"""Module arguments written as one string: ``k=v k2='v 2'`` or a free-form command.

Ansible splits on whitespace outside quotes and outside Jinja2 blocks; for the
free-form modules the words that are not ``k=v`` form ``_raw_params`` and only
a few known keys (``creates``, ``chdir`` ...) are taken out.
"""

from __future__ import annotations

from orch.errors import UsageError

FREE_FORM = {"command", "shell", "raw", "script", "win_command", "win_shell", "include_vars",
             "include_tasks", "import_tasks", "meta", "set_fact", "add_host", "group_by"}
FREE_FORM_KEYS = {"creates", "removes", "chdir", "executable", "stdin", "stdin_add_newline", "strip_empty_ends",
                  "warn", "cmd", "argv", "expand_argument_vars"}
_PAIRS = {"{{": "}}", "{%": "%}", "{#": "#}"}


def split_args(text: str) -> list[str]:
    """Split on unquoted, un-templated whitespace; quotes stay in the words."""
    words: list[str] = []
    current: list[str] = []
    quote = ""
    closers: list[str] = []
    i = 0
    while i < len(text):
        two = text[i:i + 2]
        char = text[i]
        if not quote and two in _PAIRS:
            closers.append(_PAIRS[two])
            current.append(two)
            i += 2
            continue
        if closers and two == closers[-1]:
            closers.pop()
            current.append(two)
            i += 2
            continue
        if char == "\\" and i + 1 < len(text) and quote != "'":
            current.append(text[i:i + 2])
            i += 2
            continue
        if char in "'\"" and not closers:
            quote = "" if quote == char else (quote or char)
        if char.isspace() and not quote and not closers:
            if current:
                words.append("".join(current))
                current = []
        else:
            current.append(char)
        i += 1
    if quote or closers:
        raise UsageError(f"unbalanced quotes or braces in arguments: {text!r}")
    if current:
        words.append("".join(current))
    return words


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        inner = value[1:-1]
        return inner.replace("\\" + value[0], value[0]) if value[0] == '"' else inner
    return value


def parse_kv(text: str, free_form: bool = False) -> dict:
    """``k=v`` pairs into a dict; for free-form modules the rest is ``_raw_params``."""
    result: dict = {}
    raw: list[str] = []
    for word in split_args(text or ""):
        key, sep, value = word.partition("=")
        is_pair = bool(sep) and key.isidentifier() and not key.startswith("{")
        if is_pair and (not free_form or key in FREE_FORM_KEYS):
            result[key] = _unquote(value)
        elif free_form:
            raw.append(word)
        else:
            raise UsageError(f"argument {word!r} is not of the form key=value")
    if raw:
        result["_raw_params"] = " ".join(raw)
    return result


def parse_module_args(module: str, text: str) -> dict:
    """Arguments for ``-a`` of ``orch exec``: k=v, or free form for command-like modules."""
    if not text:
        return {}
    stripped = text.strip()
    if stripped.startswith("{"):
        import json

        try:
            value = json.loads(stripped)
        except ValueError as exc:
            raise UsageError(f"module arguments look like JSON but are not: {exc}") from None
        if not isinstance(value, dict):
            raise UsageError("JSON module arguments must be an object")
        return value
    return parse_kv(text, free_form=module.split(".")[-1] in FREE_FORM)
