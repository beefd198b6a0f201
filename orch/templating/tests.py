"""Jinja tests Ansible adds (``x is version(...)``, ``result is failed``, ...)."""

from __future__ import annotations

import math
import operator
import os.path
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlparse

from orch.booleans import parse_bool
from orch.errors import TemplateError
from orch.yamlsrc import DecryptedText, LocStr, VaultText

_OPS = {
    "<": operator.lt, "lt": operator.lt,
    "<=": operator.le, "le": operator.le,
    ">": operator.gt, "gt": operator.gt,
    ">=": operator.ge, "ge": operator.ge,
    "==": operator.eq, "=": operator.eq, "eq": operator.eq,
    "!=": operator.ne, "<>": operator.ne, "ne": operator.ne,
}

_SEMVER = re.compile(
    r"^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$"
)


def _loose_key(version: str) -> list:
    # LooseVersion-like: numbers compare numerically, words alphabetically;
    # a number sorts after a word so '1.0' > '1.rc1' instead of failing.
    parts = [p for p in re.split(r"(\d+|[a-zA-Z]+|\.)", version) if p and p != "."]
    return [(1, int(p), "") if p.isdigit() else (0, 0, p) for p in parts]


def _semver_key(version: str) -> tuple:
    m = _SEMVER.match(version)
    if not m:
        raise TemplateError(f"version: {version!r} is not a valid semantic version")
    major, minor, patch, pre = m.groups()
    # A release sorts after all its pre-releases.
    if pre is None:
        pre_key: tuple = ((1,),)
    else:
        pre_key = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
        pre_key = ((0,),) + pre_key
    return (int(major), int(minor), int(patch), pre_key)


_PEP440 = re.compile(
    r"^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d*))?"
    r"(?:-(\d+)|[-_.]?(?:post|rev|r)[-_.]?(\d*))?(?:[-_.]?(dev)[-_.]?(\d*))?(?:\+[a-z0-9.]+)?$", re.I)
_PHASES = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2}


def _pep440_key(version: str) -> tuple:
    """PEP 440's order: 1.0.dev1 < 1.0a1 < 1.0rc1 < 1.0 < 1.0.post1 (trailing zeros do not count)."""
    m = _PEP440.match(version.strip())
    if not m:
        raise TemplateError(f"version: {version!r} is not a valid PEP 440 version")
    epoch, release, phase, pre_n, post_dash, post_n, dev, dev_n = m.groups()
    numbers = [int(n) for n in release.split(".")]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    post = post_dash if post_dash is not None else post_n
    if phase:
        pre: tuple = (0, _PHASES[phase.lower()], int(pre_n or 0))
    else:  # a dev release of a final version sorts before its pre-releases
        pre = (-1,) if dev and post is None else (1,)
    return (int(epoch or 0), tuple(numbers), pre, -1 if post is None else int(post or 0),
            float("inf") if not dev else int(dev_n or 0))


def version(value: Any, other: Any, op: str = "eq", strict: bool | None = None, version_type: str | None = None) -> bool:
    if strict is not None and version_type is not None:
        raise TemplateError("version: cannot specify both 'strict' and 'version_type'")
    if not value:
        raise TemplateError("version: the input version value cannot be empty")
    if not other:
        raise TemplateError("version: the version to compare against cannot be empty")
    if op not in _OPS:
        raise TemplateError(f"version: invalid operator {op!r}")
    kind = version_type or ("strict" if strict else "loose")
    a, b = str(value), str(other)
    if kind == "semver":
        return _OPS[op](_semver_key(a), _semver_key(b))
    if kind == "pep440":
        return _OPS[op](_pep440_key(a), _pep440_key(b))
    if kind == "strict" and not all(re.match(r"^\d+(\.\d+){1,2}([ab]\d+)?$", v) for v in (a, b)):
        raise TemplateError(f"version: {a!r} or {b!r} is not a strict version")
    if kind not in ("loose", "strict"):
        raise TemplateError(f"version: unknown version_type {kind!r}")
    return _OPS[op](_loose_key(a), _loose_key(b))


def _result(value: Any, name: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise TemplateError(f"the {name!r} test expects a task result (dictionary), got {type(value).__name__}")
    return value


def failed(value: Any) -> bool:
    return bool(_result(value, "failed").get("failed", False))


def succeeded(value: Any) -> bool:
    return not failed(value)


def changed(value: Any) -> bool:
    result = _result(value, "changed")
    if result.get("changed"):
        return True
    return any(isinstance(r, Mapping) and r.get("changed") for r in result.get("results", []) or [])


def skipped(value: Any) -> bool:
    return bool(_result(value, "skipped").get("skipped", False))


def unreachable(value: Any) -> bool:
    return bool(_result(value, "unreachable").get("unreachable", False))


def timedout(value: Any) -> bool:
    """A task stopped by its ``timeout`` keyword: its result names the period."""
    stopped = _result(value, "timedout").get("timedout")
    return bool(stopped and isinstance(stopped, Mapping) and stopped.get("period"))


def vault_encrypted(value: Any) -> bool:
    """A ``!vault`` value (decrypted or not): it came encrypted from the playbook or a vars file."""
    return isinstance(value, (VaultText, DecryptedText))


def vaulted_file(value: Any) -> bool:
    """A file (relative to the current folder) that holds Ansible Vault data."""
    try:
        with open(str(value), "rb") as handle:
            return handle.read(len(b"$ANSIBLE_VAULT;")) == b"$ANSIBLE_VAULT;"
    except OSError as exc:
        raise TemplateError(f"vaulted_file: cannot read {value!r}: {exc.strerror}") from None


def finished(value: Any) -> bool:
    return bool(_result(value, "finished").get("finished", True))


def started(value: Any) -> bool:
    return bool(_result(value, "started").get("started", True))


def nan(value: Any) -> bool:
    try:
        return math.isnan(value)
    except TypeError:
        return False


def uri(value: Any, schemes: Iterable | None = None) -> bool:
    try:
        return not schemes or urlparse(value).scheme in schemes
    except (TypeError, ValueError, AttributeError):
        return False


def url(value: Any, schemes: Iterable | None = None) -> bool:
    if not uri(value, schemes):
        return False
    parsed = urlparse(value)
    return bool(parsed.netloc or parsed.scheme == "file")


def _regex(value: Any, pattern: str, ignorecase: bool = False, multiline: bool = False, how: str = "search") -> bool:
    flags = (re.I if ignorecase else 0) | (re.M if multiline else 0)
    rx = re.compile(pattern, flags)
    method = {"search": rx.search, "match": rx.match, "fullmatch": rx.fullmatch}[how]
    return method(str(value)) is not None


def match(value: Any, pattern: str, ignorecase: bool = False, multiline: bool = False) -> bool:
    return _regex(value, pattern, ignorecase, multiline, "match")


def search(value: Any, pattern: str, ignorecase: bool = False, multiline: bool = False) -> bool:
    return _regex(value, pattern, ignorecase, multiline, "search")


def regex(value: Any, pattern: str, ignorecase: bool = False, multiline: bool = False, match_type: str = "search") -> bool:
    return _regex(value, pattern, ignorecase, multiline, match_type)


def contains(seq: Any, item: Any) -> bool:
    return item in seq


def subset(a: Iterable, b: Iterable) -> bool:
    b = list(b)
    return all(x in b for x in a)


def superset(a: Iterable, b: Iterable) -> bool:
    return subset(b, a)


def truthy(value: Any, convert_bool: bool = False) -> bool:
    """``bool(value)``; with ``convert_bool``, boolean words (``on``, ``no``, ...) first, other values as they are."""
    word = parse_bool(value) if convert_bool and isinstance(value, (str, int, float, bool)) else None
    return word if word is not None else bool(value)


def falsy(value: Any, convert_bool: bool = False) -> bool:
    return not truthy(value, convert_bool)


def tagged_with(value: Any, tag: str) -> bool:
    """ansible-core's internal test (its own integration tests use it): only ``TrustedAsTemplate`` is
    known to orch, held by strings read from playbooks and vars files."""
    return tag == "TrustedAsTemplate" and isinstance(value, LocStr)


TESTS = {
    "version": version,
    "version_compare": version,
    "failed": failed, "failure": failed,
    "succeeded": succeeded, "success": succeeded, "successful": succeeded,
    "changed": changed, "change": changed,
    "skipped": skipped, "skip": skipped,
    "unreachable": unreachable,
    "reachable": lambda value: not unreachable(value),
    "finished": finished,
    "started": started,
    "timedout": timedout,
    "vault_encrypted": vault_encrypted,
    "vaulted_file": vaulted_file,
    "any": lambda value: any(value),
    "all": lambda value: all(value),
    "nan": nan, "isnan": nan,
    "uri": uri,
    "url": url,
    "urn": lambda value: uri(value, ["urn"]),
    "match": match,
    "search": search,
    "regex": regex,
    "contains": contains,
    "subset": subset, "issubset": subset,
    "superset": superset, "issuperset": superset,
    "truthy": truthy,
    "falsy": falsy,
    "file": lambda p: os.path.isfile(str(p)),
    "directory": lambda p: os.path.isdir(str(p)),
    "is_file": lambda p: os.path.isfile(str(p)),
    "is_dir": lambda p: os.path.isdir(str(p)),
    "link": lambda p: os.path.islink(str(p)),
    "is_link": lambda p: os.path.islink(str(p)),
    "link_exists": lambda p: os.path.lexists(str(p)),
    "exists": lambda p: os.path.exists(os.path.expanduser(str(p))),
    "abs": lambda p: os.path.isabs(str(p)),
    "is_abs": lambda p: os.path.isabs(str(p)),
    "mount": lambda p: os.path.ismount(str(p)),
    "is_mount": lambda p: os.path.ismount(str(p)),
    "same_file": lambda a, b: os.path.samefile(str(a), str(b)),
    "is_same_file": lambda a, b: os.path.samefile(str(a), str(b)),
}
