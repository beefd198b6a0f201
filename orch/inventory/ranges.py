"""Host range expansion (``web[01:20].example.com``) and ``host:port`` splitting.

Rules follow Ansible's INI/YAML loaders: ``[beg:end]`` or ``[beg:end:step]``, numeric
(zero-padded when ``beg`` has a leading 0, and then ``end`` must have the same width) or
a single-letter range ``[a:f]``; an empty ``beg`` means 0; several ranges expand left
to right.
"""

from __future__ import annotations

import re
import string

from orch.errors import ParseError

_BRACKET_V6 = re.compile(r"^\[([0-9A-Fa-f:.]+)\](?::([0-9]+))?$")
_LETTERS = string.ascii_letters
MAX_HOSTS = 100_000  # one range line; far past real inventories, short of exhausting memory


class RangeError(ParseError, ValueError):
    """A malformed host range; loaders re-raise it as a ParseError with file:line.
    (A ParseError itself so that no caller can let a plain ValueError escape.)"""


def expand_hosts(pattern: str) -> list[str]:
    """All host names a pattern stands for (itself when it holds no range)."""
    if "[" not in pattern:
        return [pattern]
    out = _expand(pattern)
    if len(out) > MAX_HOSTS:
        raise RangeError(f"host range {pattern!r} expands to more than {MAX_HOSTS} hosts")
    return out


def _expand(pattern: str) -> list[str]:
    if "[" not in pattern:
        return [pattern]
    head, _, rest = pattern.partition("[")
    body, close, tail = rest.partition("]")
    if not close:
        raise RangeError(f"host range in {pattern!r} has no closing ']'")
    bounds = body.split(":")
    if len(bounds) not in (2, 3):
        raise RangeError(f"host range [{body}] in {pattern!r} must be begin:end or begin:end:step")
    beg, end = bounds[0] or "0", bounds[1]
    if not end:
        raise RangeError(f"host range [{body}] in {pattern!r} must specify an end value")
    try:
        step = int(bounds[2]) if len(bounds) == 3 else 1
    except ValueError:
        raise RangeError(f"host range [{body}] in {pattern!r} has a non-numeric step") from None
    if step <= 0:
        raise RangeError(f"host range [{body}] in {pattern!r} needs a positive step")
    width = 0
    if beg[0] == "0" and len(beg) > 1:
        width = len(beg)
        if len(end) != width:
            raise RangeError(f"host range [{body}] in {pattern!r} must have begin and end of equal width")
    if len(beg) == 1 and len(end) == 1 and beg in _LETTERS and end in _LETTERS:
        i, j = _LETTERS.index(beg), _LETTERS.index(end)
        if i > j:
            raise RangeError(f"host range [{body}] in {pattern!r} must have begin <= end")
        items = list(_LETTERS[i:j + 1:step])
    else:
        try:
            numbers = range(int(beg), int(end) + 1, step)
        except ValueError:
            raise RangeError(f"host range [{body}] in {pattern!r} is not numeric nor a letter range") from None
        if not numbers:  # Ansible silently makes no host of it; that is always a typo
            raise RangeError(f"host range [{body}] in {pattern!r} must have begin <= end")
        if len(numbers) > MAX_HOSTS:  # checked before building a list of a billion names
            raise RangeError(f"host range {pattern!r} expands to more than {MAX_HOSTS} hosts")
        items = [str(n).zfill(width) if width else str(n) for n in numbers]
    out: list[str] = []
    for item in items:
        out.extend(_expand(head + item + tail))
        if len(out) > MAX_HOSTS:  # several ranges multiply
            raise RangeError(f"host range {pattern!r} expands to more than {MAX_HOSTS} hosts")
    return out


def split_port(token: str) -> tuple[str, int | None]:
    """``host:22`` -> (host, 22); IPv6 literals and ``[v6]:port`` are understood."""
    m = _BRACKET_V6.match(token)
    if m and m.group(1).count(":") >= 2:
        return m.group(1), int(m.group(2)) if m.group(2) else None
    # colons inside [..] belong to ranges, not to a port
    outside = re.sub(r"\[[^\]]*\]", "", token)
    if outside.count(":") == 1:
        host, _, port = token.rpartition(":")
        if port.isdigit() and host:
            return host, int(port)
    return token, None
