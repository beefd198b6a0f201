"""Number and size filters (log, pow, root, human_readable, human_to_bytes) and combinatorics."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from orch.errors import TemplateError

_NUMBER_ERRORS = (TypeError, ValueError)


def log(value: Any, base: float = math.e) -> float:
    try:
        return math.log10(value) if base == 10 else math.log(value, base)
    except _NUMBER_ERRORS:
        raise TemplateError("log() can only be used on numbers") from None


def power(value: Any, exponent: Any) -> float:
    try:
        return math.pow(value, exponent)
    except _NUMBER_ERRORS:
        raise TemplateError("pow() can only be used on numbers") from None


def root(value: Any, base: Any = 2) -> float:
    try:
        return math.sqrt(value) if base == 2 else math.pow(value, 1.0 / float(base))
    except _NUMBER_ERRORS:
        raise TemplateError("root() can only be used on numbers") from None


# Unit letter -> size; a unit is named by its first letter (K, KB, kilobyte, Kb with isbits).
_SIZES = {letter: 1 << (10 * power) for power, letter in enumerate("BKMGTPEZY")}
_UNIT_WORDS = {"B": "byte", "K": "kilo", "M": "mega", "G": "giga", "T": "tera", "P": "peta", "E": "exa",
               "Z": "zeta", "Y": "yotta"}


def human_readable(size: Any, isbits: bool = False, unit: str | None = None) -> str:
    """Bytes (or bits) as '10.00 KB': the largest unit not above the size, or the one asked for."""
    try:
        size + 0
    except TypeError:
        raise TemplateError("human_readable() failed on bad input") from None
    wanted = str(unit)[:1].upper() if unit is not None else None  # an unknown unit gives bytes, as in Ansible
    letter = next((u for u in reversed("BKMGTPEZY") if (wanted == u if wanted else size >= _SIZES[u])), "B")
    limit = _SIZES[letter]
    name = ("bits" if isbits else "Bytes") if limit == 1 else letter + ("b" if isbits else "B")
    return f"{size / limit:.2f} {name}"


_HUMAN = re.compile(r"^([0-9]*\.?[0-9]+)(?:\s*([A-Za-z]+))?\s*$")


def human_to_bytes(size: Any, default_unit: str | None = None, isbits: bool = False) -> int:
    """'10 KB' -> 10240; with isbits the unit is bits ('10 Kb'). A bare number is rounded."""
    found = _HUMAN.match(str(size))
    if found is None:
        raise TemplateError(f"human_to_bytes() can't interpret the input: {size}")
    number, unit = float(found.group(1)), found.group(2) or default_unit
    if unit is None:
        return int(round(number))
    letter = unit[0].upper()
    if letter not in _SIZES:
        raise TemplateError(f"human_to_bytes() can't interpret the input: {size} (the unit must start with "
                            f"one of {', '.join(_SIZES)})")
    if len(unit) > 1:
        kind = "bit" if isbits else "byte"
        word = ("" if letter == "B" else _UNIT_WORDS[letter]) + kind
        short = letter + ("b" if isbits else "B") if letter != "B" else ("b" if isbits else "B")
        if unit.lower() != word and unit != short:
            raise TemplateError(f"human_to_bytes() can't interpret the input: {size} (expected {short} or {word})")
    return int(round(number * _SIZES[letter]))


def permutations(value: Iterable, r: int | None = None) -> list:
    return [list(p) for p in itertools.permutations(value, r)]


def combinations(value: Iterable, r: int) -> list:
    return [list(c) for c in itertools.combinations(value, r)]


def rekey_on_member(data: Any, key: Any, duplicates: str = "error") -> dict:
    """A dict of dicts (or a list of dicts) keyed on each one's ``key`` member."""
    if duplicates not in ("error", "overwrite"):
        raise TemplateError(f"duplicates parameter to rekey_on_member has unknown value {duplicates!r}")
    if isinstance(data, Mapping):
        items: Iterable = data.values()
    elif isinstance(data, Iterable) and not isinstance(data, (str, bytes)):
        items = data
    else:
        raise TemplateError("Type is not a valid list, set, or dict")
    out: dict = {}
    for item in items:
        if not isinstance(item, Mapping):
            raise TemplateError("List item is not a valid dict")
        if key not in item:
            raise TemplateError(f"Key {key!r} was not found in {dict(item)!r}")
        new_key = item[key]
        if new_key in out and duplicates == "error":
            raise TemplateError(f"Key {new_key!r} is not unique, cannot convert to dict.")
        out[new_key] = item
    return out


FILTERS = {
    "log": log,
    "pow": power,
    "root": root,
    "human_readable": human_readable,
    "human_to_bytes": human_to_bytes,
    "permutations": permutations,
    "combinations": combinations,
    "rekey_on_member": rekey_on_member,
}
