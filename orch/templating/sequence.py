"""``with_sequence`` and ``lookup('sequence')``: numbers from start to end, formatted, as Ansible's sequence."""

from __future__ import annotations

import re
from typing import Any

from orch.errors import TemplateError

_SHORTCUT = re.compile(r"^(?:(?P<start>[+-]?(?:0x)?[0-9a-fA-F]+)-)?(?P<end>[+-]?(?:0x)?[0-9a-fA-F]+)"
                       r"(?:/(?P<stride>[+-]?(?:0x)?[0-9a-fA-F]+))?(?::(?P<format>.+))?$")


def _sequence_options(spec: str) -> dict[str, str]:
    """``start=1 end=5 stride=1 format=web%02d`` / ``count=N``, or the shortcut ``[start-]end[/stride][:format]``."""
    text = str(spec).strip()
    if "=" not in text:
        match = _SHORTCUT.match(text)
        if match is None:
            raise TemplateError(f"with_sequence: cannot read {text!r} (start=N end=N [stride=N] [format=F], "
                                f"count=N, or [start-]end[/stride][:format])")
        return {k: v for k, v in match.groupdict().items() if v is not None}
    opts: dict[str, str] = {}
    for word in text.replace(",", " ").split():
        key, _, value = word.partition("=")
        opts[key] = value
    unknown = sorted(set(opts) - {"start", "end", "count", "stride", "format"})
    if unknown:
        raise TemplateError(f"unrecognized arguments to with_sequence: {', '.join(unknown)}")
    return opts


def sequence_items(spec: str) -> list[str]:
    """Items of ``with_sequence`` (strings, formatted), as Ansible's sequence lookup gives them."""
    opts = _sequence_options(spec)
    numbers: dict[str, int] = {}
    for key in ("start", "end", "count", "stride"):
        if key in opts:
            try:
                numbers[key] = int(opts[key], 0)
            except ValueError:
                raise TemplateError(f"with_sequence: {key} has an invalid value {opts[key]!r} (a number is needed)") from None
    start, stride = numbers.get("start", 1), numbers.get("stride", 1)
    if "count" in numbers and "end" in numbers:
        raise TemplateError("with_sequence: can't specify both count and end in with_sequence")
    if "count" in numbers:
        if numbers["count"] == 0:
            return []  # count=0: no items (the task is skipped)
        end = start + numbers["count"] * stride - 1  # Ansible's count (with a negative stride it gives more)
    elif "end" in numbers:
        end = numbers["end"]
    else:
        raise TemplateError("with_sequence: must specify count or end in with_sequence")
    if end < start and stride > 0:
        raise TemplateError(f"with_sequence: {start} to {end}: to count backwards make stride negative")
    if end > start and stride < 0:
        raise TemplateError(f"with_sequence: {start} to {end}: to count forward don't make stride negative")
    if stride == 0:
        return []
    fmt = opts.get("format", "%d")
    try:
        return [fmt % i for i in range(start, end + (1 if stride > 0 else -1), stride)]
    except (TypeError, ValueError) as exc:
        raise TemplateError(f"with_sequence: bad formatting string: {fmt} ({exc})") from None


def lookup_sequence(ctx: Any, templar: Any, terms: list, **options: Any) -> list[str]:
    """``lookup('sequence', 'start=1 end=3')`` or with keywords (``start=1, end=3``)."""
    defaults = " ".join(f"{k}={v}" for k, v in options.items())
    if not terms:
        return sequence_items(defaults) if defaults else []
    out: list[str] = []
    for term in terms:  # keywords apply to every term; a term's own values win
        out += sequence_items(f"{defaults} {term}".strip() if "=" in str(term) or not defaults else str(term))
    return out
