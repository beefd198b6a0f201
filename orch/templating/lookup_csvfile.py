"""The ``csvfile`` lookup: a column of the first CSV row whose key column holds the search key.

Options come as keywords or, the older form, inline after the key (``'Smith file=people.csv col=1'``).
"""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, Any

from orch.errors import OrchError, TemplateError
from orch.templating.lookup_paths import find_optional

if TYPE_CHECKING:  # pragma: no cover
    from orch.templating.templar import Templar

_DEFAULTS: dict[str, Any] = {"col": 1, "keycol": 0, "default": None, "delimiter": "TAB", "file": "ansible.csv",
                             "encoding": "utf-8"}


def _fail(message: str) -> TemplateError:
    return TemplateError(f"lookup('csvfile'): {message}")


def _options(base: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    options = dict(base)
    for name, value in given.items():
        if name not in _DEFAULTS:
            raise _fail(f"{name!r} is not a valid option")
        options[name] = value
    for name in ("col", "keycol"):
        try:
            options[name] = int(options[name])
        except (TypeError, ValueError):
            raise _fail(f"option {name!r} has an invalid value {options[name]!r}: an integer is needed") from None
    return options


def _split_term(term: Any) -> tuple[str, dict[str, str]]:
    from orch.playbook.kv import parse_kv  # orch.playbook imports the templating package

    try:
        parsed = parse_kv(str(term), free_form=True)
    except OrchError as exc:
        raise _fail(exc.message) from None
    key = parsed.pop("_raw_params", None)
    if key is None:
        raise _fail("Search key is required but was not found")
    return key, parsed


def _read_column(path: str, key: str, options: dict[str, Any]) -> Any:
    delimiter = "\t" if options["delimiter"] == "TAB" else str(options["delimiter"])
    if len(delimiter) > 1:  # an escape written in a template's string constant ('\t'), kept literal by orch
        from orch.playbook.kv import decode_escapes  # orch.playbook imports the templating package

        delimiter = decode_escapes(delimiter)
    col, keycol = options["col"], options["keycol"]
    try:
        with open(path, encoding=options["encoding"], newline="") as fh:
            for row in csv.reader(fh, dialect=csv.excel, delimiter=delimiter):
                if len(row) > keycol and row[keycol] == key:
                    if col >= len(row):
                        raise _fail(f"row {key!r} of {path!r} has no column {col}")
                    return row[col]
    except (OSError, UnicodeDecodeError, LookupError, csv.Error, TypeError) as exc:
        raise _fail(f"cannot read {path!r}: {exc}") from None
    return options["default"]


def lookup_csvfile(ctx: Any, templar: "Templar", terms: list, **kwargs: Any) -> list:
    base = _options(_DEFAULTS, kwargs)
    if not terms:
        raise _fail("Search key is required but was not found")
    out: list = []
    for term in terms:
        key, inline = _split_term(term)
        options = _options(base, inline) if inline else base
        path = find_optional(ctx, templar, str(options["file"]), "files")
        if path is None:
            raise _fail(f"could not find file {options['file']!r}: No such file or directory")
        value = _read_column(path, key, options)
        if isinstance(value, list):
            out += value
        elif value is not None:
            out.append(value)
    return out
