"""Host patterns, evaluated as ``ansible PATTERN --list-hosts`` evaluates them.

A pattern is split on ``,`` (or on ``:`` when it has no comma and is not a single
host/range), terms are reordered: plain terms first (union, in order), then ``&``
terms (intersection), then ``!`` terms (exclusion). A term that is exactly a host name
selects that host. Otherwise it is a glob (or ``~regex``) matched against group names
(all hosts of each matching group, ``all`` included) and, when no group matched or it
is a glob/regex, against host names. ``term[i]``, ``term[i:j]`` (inclusive),
``term[i:]`` and ``term[-1]`` take a slice of the term's hosts. ``--limit`` is one
more pattern whose hosts the result is intersected with (``@file`` reads names from
a file, one per line).
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

from orch.errors import UsageError
from orch.inventory.model import Host, Inventory

_SUBSCRIPT = re.compile(r"^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$")
_COLON_TERMS = re.compile(r"(?:[^\s:\[\]]|\[[^\]]*\])+")
_BAD_SUBSCRIPT = re.compile(r"^(.+)\[([^\]]*:[^\]]*)\]$")
_SINGLE = re.compile(r"[\w.\-]+:[0-9]+|[0-9A-Fa-f]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f.]*")
LOCALHOST_NAMES = ("localhost", "127.0.0.1", "::1")


def split_pattern(pattern: str) -> list[str]:
    if "~" not in pattern and pattern.count("[") != pattern.count("]"):
        # Ansible silently drops a stray bracket (web[ -> web); it is always a typo
        raise UsageError(f"unbalanced brackets in host pattern {pattern!r}")
    if "," in pattern:
        parts = pattern.split(",")
    elif _SINGLE.fullmatch(pattern.strip()):
        parts = [pattern]  # host:port or an IPv6 address: its colons do not separate terms
    else:
        parts = _COLON_TERMS.findall(pattern)
        # findall skips what no term matches ('~[' would become '~', a regex matching every host)
        leftover = _COLON_TERMS.sub("", pattern).replace(":", "").strip()
        if leftover:
            raise UsageError(f"cannot read host pattern {pattern!r} (stray {leftover[:10]!r})")
    return [p.strip() for p in parts if p.strip()]


def order_terms(terms: list[str]) -> list[str]:
    plain = [t for t in terms if t[0] not in "&!"]
    inter = [t for t in terms if t[0] == "&"]
    excl = [t for t in terms if t[0] == "!"]
    return (plain or ["all"]) + inter + excl


class _Matcher:
    def __init__(self, inv: Inventory, warnings: list[str]) -> None:
        self.inv = inv
        self.warnings = warnings
        self.cache: dict[str, list[Host]] = {}

    def evaluate(self, terms: list[str]) -> list[Host]:
        hosts: list[Host] = []
        for term in order_terms(terms):
            if term in self.inv.hosts:
                hosts.append(self.inv.hosts[term])
                continue
            that = self.one(term)
            if term[0] == "!":
                drop = {id(h) for h in that}
                hosts = [h for h in hosts if id(h) not in drop]
            elif term[0] == "&":
                keep = {id(h) for h in that}
                hosts = [h for h in hosts if id(h) in keep]
            else:
                have = {h.name for h in hosts}
                hosts.extend(h for h in that if h.name not in have)
        return _dedupe(hosts)

    def one(self, term: str) -> list[Host]:
        if term[0] in "&!":
            term = term[1:]
        if not term:
            raise UsageError(f"empty term after {term!r} in host pattern")
        if term not in self.cache:
            expr, sub = _split_subscript(term)
            hosts = self.enumerate(expr)
            if hosts and sub is not None:
                start, end = sub
                try:
                    if end is None:
                        hosts = [hosts[start]]
                    else:
                        hosts = hosts[start:(len(hosts) - 1 if end == -1 else end) + 1]
                except IndexError:
                    raise UsageError(f"no hosts matched the subscripted pattern {term!r}") from None
            self.cache[term] = hosts
        return self.cache[term]

    def enumerate(self, expr: str) -> list[Host]:
        rx = _compile(expr)
        results: list[Host] = []
        groups = [g for name, g in self.inv.groups.items() if rx.match(name)]
        for g in groups:
            results.extend(g.all_hosts())
        if not groups or expr[0] == "~" or any(c in expr for c in ".?*["):
            results.extend(h for name, h in self.inv.hosts.items() if rx.match(name))
        if not results and expr in LOCALHOST_NAMES:
            results.append(implicit_localhost(self.inv, expr))
        if not results and not groups and expr != "all":
            self.warnings.append(f"Could not match supplied host pattern, ignoring: {expr}")
        return results


def _compile(expr: str) -> re.Pattern[str]:
    if expr == "~":
        raise UsageError("empty regular expression '~' in host pattern")
    try:
        return re.compile(expr[1:] if expr[0] == "~" else fnmatch.translate(expr))
    except re.error as exc:
        raise UsageError(f"invalid host pattern {expr!r}: {exc}") from None


def _split_subscript(term: str) -> tuple[str, tuple[int, int | None] | None]:
    if term[0] == "~":
        return term, None
    if term.count("[") != term.count("]"):
        raise UsageError(f"unbalanced brackets in host pattern {term!r}")
    m = _SUBSCRIPT.match(term)
    if not m:
        if _BAD_SUBSCRIPT.match(term):
            # Ansible would read web[1:x] as a glob character class; it is always a typo
            raise UsageError(f"invalid subscript in host pattern {term!r} (use [i], [i:j] or [i:])")
        return term, None
    expr, idx, start, _sep, end = m.groups()
    if idx:
        return expr, (int(idx), None)
    return expr, (int(start), int(end) if end else -1)


def _dedupe(hosts: list[Host]) -> list[Host]:
    seen: set[int] = set()
    out = []
    for h in hosts:
        if id(h) not in seen:
            seen.add(id(h))
            out.append(h)
    return out


def implicit_localhost(inv: Inventory, name: str) -> Host:
    """Ansible's implicit localhost: local connection, this Python, only in ``all``."""
    import sys

    from orch.inventory.vars import host_layers, merge

    cache = inv.__dict__.setdefault("_implicit", {})
    if name not in cache:
        host = Host(name, implicit=True, groups=[inv.groups["all"]])
        host.inline_vars.update(ansible_connection="local", ansible_python_interpreter=sys.executable)
        if inv._vars_dirs is not None:
            host.vars = merge(host_layers(inv, host, inv._vars_dirs))
        cache[name] = host
    return cache[name]


def _limit_terms(limit: str) -> list[str]:
    terms: list[str] = []
    for t in split_pattern(limit):
        if t.startswith("@"):
            path = Path(t[1:])
            if not path.is_file():
                raise UsageError(f"limit file {t[1:]!r} not found (or not a file)")
            terms.extend(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
        else:
            terms.append(t)
    return terms


def select_hosts(inv: Inventory, pattern: str, limit: str | None = None,
                 warnings: list[str] | None = None) -> list[Host]:
    """Hosts matching ``pattern`` and ``limit``, in inventory order, no duplicates."""
    warn = warnings if warnings is not None else inv.warnings
    m = _Matcher(inv, warn)
    hosts = m.evaluate(split_pattern(pattern))
    if limit:
        keep = {id(h) for h in m.evaluate(_limit_terms(limit))}
        hosts = [h for h in hosts if id(h) in keep]
    return hosts
