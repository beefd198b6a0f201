"""pip requirement strings and version checks (pure logic, unit-tested).

Enough of PEP 440/508 for the specs people write in playbooks: ``name``,
``name==1.2``, ``name>=1,<2``, ``name[extra]~=1.4``, ``name==1.*``.
"""

from __future__ import annotations

import re

_REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*?)\s*$")
_CLAUSE = re.compile(r"^\s*(===|==|!=|~=|>=|<=|>|<)\s*(\S+)\s*$")


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def split_req(req):
    """'Foo[x]>=1,<2' -> ('foo', '>=1,<2'); raises ValueError for what is not a requirement."""
    m = _REQ.match(str(req))
    if not m:
        raise ValueError("not a requirement: %r" % req)
    spec = m.group(3).split(";")[0].strip()
    return normalize(m.group(1)), spec


def _key(version):
    """A sortable key: release numbers, then pre-releases before the final release."""
    text = version.lower().lstrip("v")
    release = re.match(r"^(\d+(?:\.\d+)*)", text)
    nums = [int(x) for x in release.group(1).split(".")] if release else [0]
    while len(nums) > 1 and nums[-1] == 0:
        nums.pop()
    rest = text[release.end():] if release else text
    pre = re.match(r"^[.-]?(a|b|rc|alpha|beta|c|dev)[.-]?(\d*)", rest)
    tail = (-1 if pre else 0, int(pre.group(2) or 0) if pre else 0)
    return tuple(nums), tail


def _release(version):
    m = re.match(r"^v?(\d+(?:\.\d+)*)", version.lower())
    return [int(x) for x in m.group(1).split(".")] if m else [0]


def _matches_clause(installed, op, wanted):
    if op in ("==", "!=") and wanted.endswith(".*"):
        prefix = _release(wanted[:-2])
        have = _release(installed) + [0] * len(prefix)
        same = have[:len(prefix)] == prefix
        return same if op == "==" else not same
    a, b = _key(installed), _key(wanted)
    if op == "===":
        return installed == wanted
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    if op == ">=":
        return a >= b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    if op == "<":
        return a < b
    if op == "~=":
        head = _release(wanted)[:-1] or _release(wanted)
        return a >= b and (_release(installed) + [0] * len(head))[:len(head)] == head
    return False


def satisfied(installed, spec):
    """Does the installed version (None: not installed) meet the spec ('' : any)?"""
    if installed is None:
        return False
    for clause in [c for c in spec.split(",") if c.strip()]:
        m = _CLAUSE.match(clause)
        if not m:
            raise ValueError("unsupported version clause %r" % clause)
        if not _matches_clause(installed, m.group(1), m.group(2)):
            return False
    return True
