"""Path, encoding, hashing and shell filters."""

from __future__ import annotations

import base64
import glob
import hashlib
import ntpath
import os.path
import shlex
from typing import Any

from orch.errors import TemplateError
from orch.templating.sha_crypt import new_salt, sha_crypt


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def b64encode(value: Any, encoding: str = "utf-8", urlsafe: bool = False) -> str:
    encode = base64.urlsafe_b64encode if urlsafe else base64.b64encode
    return encode(_text(value).encode(encoding)).decode("ascii")


def b64decode(value: Any, encoding: str = "utf-8", urlsafe: bool = False) -> str:
    decode = base64.urlsafe_b64decode if urlsafe else base64.b64decode
    try:
        return decode(_text(value)).decode(encoding)
    except (ValueError, UnicodeDecodeError) as exc:
        raise TemplateError(f"b64decode: {exc}") from None


def basename(value: Any) -> str:
    return os.path.basename(_text(value))


def dirname(value: Any) -> str:
    return os.path.dirname(_text(value))


def win_basename(value: Any) -> str:
    return ntpath.basename(_text(value))


def win_dirname(value: Any) -> str:
    return ntpath.dirname(_text(value))


def win_splitdrive(value: Any) -> list:
    return list(ntpath.splitdrive(_text(value)))


def normpath(value: Any) -> str:
    return os.path.normpath(_text(value))


def _is_sequence(value: Any) -> bool:
    return isinstance(value, (list, tuple))


def commonpath(paths: Any) -> str:
    if not _is_sequence(paths):
        raise TemplateError(f"|commonpath expects sequence, got {type(paths).__name__} instead")
    return os.path.commonpath([_text(p) for p in paths])


def fileglob(pattern: Any) -> list:
    """The regular files matching a glob pattern on the controller."""
    return [found for found in glob.glob(_text(pattern)) if os.path.isfile(found)]


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
    if not _is_sequence(parts):
        raise TemplateError(f"|path_join expects string or sequence, got {type(parts).__name__} instead")
    return os.path.join(*[_text(p) for p in parts])


def hash_filter(value: Any, algorithm: str = "sha1") -> str:
    try:
        h = hashlib.new(algorithm)
    except ValueError:
        raise TemplateError(f"hash: unsupported hash type {algorithm}") from None
    h.update(_text(value).encode("utf-8"))
    return h.hexdigest()


def checksum(value: Any) -> str:
    return hash_filter(value, "sha1")


def md5(value: Any) -> str:
    return hash_filter(value, "md5")


def sha1(value: Any) -> str:
    return hash_filter(value, "sha1")


_CRYPT_NAMES = {"md5": "md5_crypt", "blowfish": "bcrypt", "sha256": "sha256_crypt", "sha512": "sha512_crypt"}
_SHA_BITS = {"sha256_crypt": 256, "sha512_crypt": 512}


def password_hash(value: Any, hashtype: str = "sha512", salt: str | None = None, salt_size: Any = None,
                  rounds: int | None = None, **_: Any) -> str:
    name = _CRYPT_NAMES.get(hashtype, hashtype)
    if name not in _CRYPT_NAMES.values():
        raise TemplateError(f"{hashtype} is not in the list of supported passlib algorithms: {', '.join(_CRYPT_NAMES)}")
    if name not in _SHA_BITS:
        raise TemplateError(f"password_hash: hash type {hashtype!r} is not supported by orch (use sha512 or sha256)")
    if salt_size is not None and (not isinstance(salt_size, int) or isinstance(salt_size, bool)):
        raise TemplateError("password_hash: salt_size must be an integer")
    if rounds is not None and not 1000 <= int(rounds) <= 999_999_999:
        raise TemplateError(f"Could not hash the secret: rounds must be between 1000 and 999999999, not {rounds}")
    if salt is None and salt_size is not None:
        salt = new_salt(salt_size)
    return sha_crypt(_text(value), salt, rounds, bits=_SHA_BITS[name])


def quote(value: Any) -> str:
    return shlex.quote(_text(value) if value is not None else "")


FILTERS = {
    "b64encode": b64encode,
    "b64decode": b64decode,
    "basename": basename,
    "dirname": dirname,
    "win_basename": win_basename,
    "win_dirname": win_dirname,
    "win_splitdrive": win_splitdrive,
    "normpath": normpath,
    "commonpath": commonpath,
    "fileglob": fileglob,
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
