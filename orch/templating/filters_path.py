"""Path, encoding, hashing and shell filters."""

from __future__ import annotations

import base64
import hashlib
import ntpath
import os.path
import shlex
from typing import Any

from orch.errors import TemplateError
from orch.templating.sha_crypt import sha_crypt


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def b64encode(value: Any, encoding: str = "utf-8") -> str:
    return base64.b64encode(_text(value).encode(encoding)).decode("ascii")


def b64decode(value: Any, encoding: str = "utf-8") -> str:
    try:
        return base64.b64decode(_text(value)).decode(encoding)
    except (ValueError, UnicodeDecodeError) as exc:
        raise TemplateError(f"b64decode: {exc}") from None


def basename(value: Any) -> str:
    return os.path.basename(_text(value))


def dirname(value: Any) -> str:
    return os.path.dirname(_text(value))


def win_basename(value: Any) -> str:
    return ntpath.basename(_text(value))


def expanduser(value: Any) -> str:
    return os.path.expanduser(_text(value))


def expandvars(value: Any) -> str:
    return os.path.expandvars(_text(value))


def realpath(value: Any) -> str:
    return os.path.realpath(_text(value))


def relpath(value: Any, start: str = os.curdir) -> str:
    return os.path.relpath(_text(value), start)


def splitext(value: Any) -> list:
    return list(os.path.splitext(_text(value)))


def path_join(parts: Any) -> str:
    if isinstance(parts, str):
        return parts
    return os.path.join(*[_text(p) for p in parts])


def hash_filter(value: Any, algorithm: str = "sha1") -> str:
    try:
        h = hashlib.new(algorithm)
    except ValueError:
        raise TemplateError(f"hash: unknown algorithm {algorithm!r}") from None
    h.update(_text(value).encode("utf-8"))
    return h.hexdigest()


def checksum(value: Any) -> str:
    return hash_filter(value, "sha1")


def md5(value: Any) -> str:
    return hash_filter(value, "md5")


def sha1(value: Any) -> str:
    return hash_filter(value, "sha1")


def password_hash(value: Any, hashtype: str = "sha512", salt: str | None = None, rounds: int | None = None,
                  **_: Any) -> str:
    kinds = {"sha512": 512, "sha512_crypt": 512, "sha256": 256, "sha256_crypt": 256}
    if hashtype not in kinds:
        raise TemplateError(f"password_hash: hash type {hashtype!r} is not supported (use sha512 or sha256)")
    return sha_crypt(_text(value), salt, rounds, bits=kinds[hashtype])


def quote(value: Any) -> str:
    return shlex.quote(_text(value) if value is not None else "")


FILTERS = {
    "b64encode": b64encode,
    "b64decode": b64decode,
    "basename": basename,
    "dirname": dirname,
    "win_basename": win_basename,
    "expanduser": expanduser,
    "expandvars": expandvars,
    "realpath": realpath,
    "relpath": relpath,
    "splitext": splitext,
    "path_join": path_join,
    "hash": hash_filter,
    "checksum": checksum,
    "md5": md5,
    "sha1": sha1,
    "password_hash": password_hash,
    "quote": quote,
}
