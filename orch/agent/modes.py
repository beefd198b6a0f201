"""File modes as Ansible reads them: octal strings, ints, symbolic clauses.

- ``"0644"``/``"644"``/``"1777"``: octal digits.
- an int (YAML ``mode: 0644`` is 420): taken as the mode value itself, as Ansible does.
- ``"u=rw,g=r,o=r"``, ``"u+x"``, ``"a-w"``, ``"g=u"``, ``"+X"``: applied to the current mode.
"""

from __future__ import annotations

import re
import stat

_CLAUSE = re.compile(r"^([ugoa]*)((?:[-+=](?:[ugo]|[rwxXst]*))+)$")
_OPS = re.compile(r"([-+=])([ugo]|[rwxXst]*)")
_SHIFT = {"u": 6, "g": 3, "o": 0}


class ModeError(ValueError):
    pass


def is_symbolic(mode) -> bool:
    return isinstance(mode, str) and not mode.strip().isdigit()


def parse_mode(mode, current: int = 0, isdir: bool = False) -> int:
    """The permission bits (incl. setuid/setgid/sticky) that ``mode`` asks for."""
    if isinstance(mode, bool):
        raise ModeError("mode must be a string or an integer, not a boolean")
    if isinstance(mode, int):
        if mode < 0 or mode > 0o7777:
            raise ModeError("mode %r is out of range" % mode)
        return mode
    text = str(mode).strip()
    if text.isdigit():
        try:
            value = int(text, 8)
        except ValueError:
            raise ModeError("mode %r is not a valid octal number" % mode)
        if value > 0o7777:
            raise ModeError("mode %r is out of range" % mode)
        return value
    return _symbolic(text, stat.S_IMODE(current), isdir)


def _symbolic(text: str, current: int, isdir: bool) -> int:
    result = current
    for clause in text.split(","):
        match = _CLAUSE.match(clause.strip())
        if not match:
            raise ModeError("bad symbolic permission for mode: %s" % text)
        who = match.group(1) or "a"
        users = "ugo" if "a" in who else who
        for op, perms in _OPS.findall(match.group(2)):
            for user in users:
                mask = _user_mask(user)
                bits = _bits(user, perms, result, isdir)
                if op == "+":
                    result |= bits
                elif op == "-":
                    result &= ~bits
                else:
                    result = (result & ~mask) | bits
    return result


def _user_mask(user: str) -> int:
    extra = {"u": stat.S_ISUID, "g": stat.S_ISGID, "o": stat.S_ISVTX}[user]
    return (0o7 << _SHIFT[user]) | extra


def _bits(user: str, perms: str, current: int, isdir: bool) -> int:
    shift = _SHIFT[user]
    if perms in ("u", "g", "o"):  # copy another class's rwx bits, e.g. g=u
        return ((current >> _SHIFT[perms]) & 0o7) << shift
    bits = 0
    for p in perms:
        if p == "r":
            bits |= 4 << shift
        elif p == "w":
            bits |= 2 << shift
        elif p == "x":
            bits |= 1 << shift
        elif p == "X":  # execute only for directories or when someone may execute already
            if isdir or current & 0o111:
                bits |= 1 << shift
        elif p == "s":
            bits |= stat.S_ISUID if user == "u" else stat.S_ISGID if user == "g" else 0
        elif p == "t":
            bits |= stat.S_ISVTX if user == "o" else 0
    return bits


def octal(mode: int) -> str:
    """Ansible's display of a mode in results and diffs: ``"0644"``, ``"01777"`` (a leading 0 always)."""
    return "0%03o" % stat.S_IMODE(mode)
