"""The ``ini`` lookup: a value of an INI file's section, or of a Java properties file (``type=properties``).

Options come as keywords or inline after the key (``'user section=mysqld file=my.ini'``); with
``re=true`` the key is a regular expression and every matching option's value is returned.
"""

from __future__ import annotations

import configparser
import io
import re
from typing import TYPE_CHECKING, Any

from orch.booleans import parse_bool
from orch.errors import TemplateError
from orch.templating.lookup_paths import find_file, read_text

if TYPE_CHECKING:  # pragma: no cover
    from orch.templating.templar import Templar

_DEFAULTS: dict[str, Any] = {"type": "ini", "file": "ansible.ini", "section": "global", "re": False,
                             "encoding": "utf-8", "default": "", "case_sensitive": False, "allow_no_value": False,
                             "interpolation": True}
_ALIASES = {"allow_none": "allow_no_value"}
_BOOLEANS = ("re", "case_sensitive", "allow_no_value", "interpolation")
_PROPERTIES_SECTION = "java_properties"


def _fail(message: str) -> TemplateError:
    return TemplateError(f"lookup('ini'): {message}")


def _set(options: dict[str, Any], name: str, value: Any) -> None:
    name = _ALIASES.get(name, name)
    if name not in _DEFAULTS:
        raise _fail(f"{name!r} is not a valid option")
    if name in _BOOLEANS:
        flag = parse_bool(value)
        if flag is None:
            raise _fail(f"option {name!r} has an invalid value {value!r}: a boolean is needed")
        value = flag
    options[name] = value


def _inline(term: str, options: dict[str, Any]) -> str:
    """The key of an inline term (``'key opt=value ...'``); the options go into ``options``.

    An option's value runs up to the next known ``name=`` (so values may hold spaces); the key must come first.
    """
    known = [*_DEFAULTS, *_ALIASES]
    parts: list[list[str]] = []
    for word in term.split():
        if not parts or any(word.startswith(f"{name}=") for name in known):
            parts.append([word])
        else:
            parts[-1].append(word)
    key = None
    for index, words in enumerate(parts):
        text = " ".join(words)
        if "=" in text:
            name, value = text.split("=", 1)
            _set(options, name, value)
        elif index == 0:
            key = text
    if key is None:
        raise _fail(f"No key to look up was provided as first term within string inline options: {term}")
    return key


def _parser(options: dict[str, Any]) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(
        allow_no_value=options["allow_no_value"],
        interpolation=configparser.BasicInterpolation() if options["interpolation"] else None)
    if options["case_sensitive"]:
        parser.optionxform = str  # type: ignore[assignment,method-assign]
    return parser


def _values(ctx: Any, templar: "Templar", key: str, options: dict[str, Any]) -> list:
    name = str(options["file"])
    text = read_text(find_file(ctx, templar, name, "files"), templar, encoding=str(options["encoding"]))
    section = str(options["section"])
    if options["type"] == "properties":
        text, section = f"[{_PROPERTIES_SECTION}]\n{text}", _PROPERTIES_SECTION
    parser = _parser(options)
    try:
        parser.read_file(io.StringIO(text), source=name)
    except configparser.DuplicateOptionError as exc:
        raise _fail(f"Duplicate option in {name!r}: {exc.message}") from None
    except configparser.Error as exc:
        raise _fail(f"cannot parse {name!r}: {exc.message}") from None
    if not parser.has_section(section):
        raise _fail(f"No section {section!r} in {name!r}")
    try:
        if options["re"]:
            pattern = re.compile(key)
            return [value for option, value in parser.items(section) if pattern.match(option)]
        if not parser.has_option(section, key):
            default = options["default"]
            return default if isinstance(default, list) else [default]
        value = parser.get(section, key)
    except (re.error, configparser.Error) as exc:
        raise _fail(f"{key!r} in {name!r}: {exc}") from None
    return [] if value is None else [value]


def lookup_ini(ctx: Any, templar: "Templar", terms: list, **kwargs: Any) -> list:
    base = dict(_DEFAULTS)
    for name, value in kwargs.items():
        _set(base, name, value)
    out: list = []
    for term in terms:
        options = dict(base)
        key = str(term)
        if "=" in key or " " in key.strip():
            key = _inline(key, options)
        out += _values(ctx, templar, key, options)
    return out
