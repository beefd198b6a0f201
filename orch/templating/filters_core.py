"""Scalar and string filters Ansible adds on top of Jinja2's built-ins.

Jinja2 already provides default/d, int, float, string, lower, upper,
capitalize, title, replace, join, map, select, reject, selectattr,
rejectattr, first, last, min, max, sum, length/count, sort, reverse, unique,
list, trim, wordcount, urlencode; Ansible uses those unchanged, so do we.
"""

from __future__ import annotations

import random as _random
import re
from collections.abc import Mapping
from typing import Any

from jinja2.runtime import Undefined

from orch.errors import TemplateError

_TRUE_STRINGS = frozenset({"yes", "on", "1", "true", "y", "t"})


def to_bool(value: Any) -> bool:
    """Ansible's ``bool`` filter: known true strings/values, everything else False."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, (int, float)):
        return value == 1
    return str(value).strip().lower() in _TRUE_STRINGS


def ternary(value: Any, true_val: Any, false_val: Any, none_val: Any = None) -> Any:
    if value is None and none_val is not None:
        return none_val
    return true_val if value else false_val


def _flags(ignorecase: bool, multiline: bool) -> int:
    return (re.I if ignorecase else 0) | (re.M if multiline else 0)


def regex_replace(value: Any, pattern: str, replacement: str = "", ignorecase: bool = False,
                  multiline: bool = False, count: int = 0, mandatory_count: int = 0) -> str:
    text = str(value)
    out, done = re.compile(pattern, _flags(ignorecase, multiline)).subn(replacement, text, count=count)
    if mandatory_count and mandatory_count != done:
        raise TemplateError(f"regex_replace: {pattern!r} should match {mandatory_count} times, but matches {done} times "
                            f"in {text!r}")
    return out


def regex_search(value: Any, pattern: str, *groups: str, ignorecase: bool = False, multiline: bool = False) -> Any:
    match = re.compile(pattern, _flags(ignorecase, multiline)).search(str(value))
    if not match:
        return None
    if not groups:
        return match.group()
    # Group references are '\\1' or '\\g<name>', as in Ansible.
    out = []
    for ref in groups:
        if ref.startswith("\\g<"):
            out.append(match.group(ref[3:-1]))
        elif ref.startswith("\\"):
            out.append(match.group(int(ref[1:])))
        else:
            raise TemplateError(f"regex_search: unknown group reference {ref!r}")
    return out


def regex_findall(value: Any, pattern: str, ignorecase: bool = False, multiline: bool = False) -> list:
    return re.compile(pattern, _flags(ignorecase, multiline)).findall(str(value))


def regex_escape(value: Any, re_type: str = "python") -> str:
    if re_type == "python":
        return re.escape(str(value))
    if re_type == "posix_basic":
        return re.sub(r"([].[^$*\\])", r"\\\1", str(value))  # the characters special in a POSIX basic regex
    if re_type == "posix_extended":
        raise TemplateError(f"regex_escape: Regex type ({re_type}) not yet implemented")
    raise TemplateError(f"regex_escape: Invalid regex type ({re_type})")


def split(value: Any, sep: str | None = None, maxsplit: int = -1) -> list:
    return str(value).split(sep, maxsplit)


def mandatory(value: Any, msg: str | None = None) -> Any:
    if isinstance(value, Undefined):
        if msg is not None:
            raise TemplateError(str(msg))
        name = getattr(value, "_undefined_name", None)
        raise TemplateError(f"Mandatory variable {name!r} not defined." if name else "Mandatory variable not defined.")
    return value


# style: (beginning, decoration, end); the first and last comment lines default to the decoration, stripped.
_COMMENT_STYLES = {
    "plain": ("", "# ", ""),
    "erlang": ("", "% ", ""),
    "c": ("", "// ", ""),
    "cblock": ("/*", " * ", " */"),
    "xml": ("<!--", " - ", "-->"),
}


def comment(text: Any, style: str = "plain", **options: Any) -> str:
    """Ansible's ``comment`` filter: text as a comment block of a style, every part overridable."""
    if style not in _COMMENT_STYLES:
        raise TemplateError(f"comment: Invalid style {style!r} (styles: {', '.join(_COMMENT_STYLES)})")
    beginning, decoration, end = _COMMENT_STYLES[style]
    edge = str(options.get("decoration", decoration)).rstrip()
    newline = str(options.get("newline", "\n"))
    beginning = str(options.get("beginning", beginning))
    decoration = str(options.get("decoration", decoration))
    prefix, postfix = str(options.get("prefix", edge)), str(options.get("postfix", edge))
    end = str(options.get("end", end))
    parts = [beginning + newline] if beginning else []
    if prefix:
        parts.append((newline if prefix == newline else prefix + newline) * int(options.get("prefix_count", 1)))
    body = decoration + str(text).replace(newline, newline + decoration)
    parts.append(body.replace(decoration + newline, decoration.rstrip() + newline))
    parts.append(newline.join([""] + [postfix] * int(options.get("postfix_count", 1))))
    if end:
        parts.append(newline + end)
    return "".join(parts)


def type_debug(value: Any) -> str:
    return type(value).__name__ if type(value).__module__ == "builtins" else _plain_type(value)


def _plain_type(value: Any) -> str:
    # Our YAML values are str/dict/list subclasses; report the builtin name like Ansible.
    for base in (bool, int, float, str, dict, list):
        if isinstance(value, base):
            return base.__name__
    return type(value).__name__


def random_filter(value: Any, start: int | None = None, step: int | None = None, seed: Any = None) -> Any:
    rng = _random.Random(seed) if seed is not None else _random.SystemRandom()
    if isinstance(value, int):
        return rng.randrange(start or 0, value, step or 1)
    if not hasattr(value, "__iter__"):
        raise TemplateError("random can only be used on sequences and integers")
    if start or step:
        raise TemplateError("random: start and step can only be used with integer values")
    items = list(value.values() if isinstance(value, Mapping) else value)
    if not items:
        raise TemplateError("random: empty sequence")
    return rng.choice(items)


def shuffle(value: Any, seed: Any = None) -> Any:
    """The items in a random order; a value that is not a sequence comes back as it is (as in Ansible)."""
    try:
        items = list(value)
    except TypeError:
        return value
    (_random.Random(seed) if seed else _random).shuffle(items)
    return items


FILTERS = {
    "bool": to_bool,
    "ternary": ternary,
    "regex_replace": regex_replace,
    "regex_search": regex_search,
    "regex_findall": regex_findall,
    "regex_escape": regex_escape,
    "split": split,
    "mandatory": mandatory,
    "comment": comment,
    "type_debug": type_debug,
    "random": random_filter,
    "shuffle": shuffle,
}
