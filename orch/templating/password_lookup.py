"""``lookup('password', 'path length=N chars=... encrypt=... seed=...')``: a random password kept in a file.

The file on the controller holds the plain password (and ``salt=`` when it was
encrypted); it is read back when it exists. ``/dev/null`` gives a new password
each time and stores nothing.
"""

from __future__ import annotations

import os
import random
import secrets
import string
from typing import Any

from orch.errors import TemplateError
from orch.templating.sha_crypt import sha_crypt

_DEFAULT_CHARS = ["ascii_letters", "digits", ".,:-_"]
_HASHES = {"sha512_crypt": 512, "sha256_crypt": 256}
_SALT_CHARS = string.ascii_letters + string.digits + "./"


def _charset(chars: Any) -> str:
    if isinstance(chars, str):
        # Comma separated; ',,' anywhere asks for the comma itself.
        parts = ([","] if ",," in chars else []) + [p for p in chars.replace(",,", ",").split(",") if p]
    else:
        parts = [str(c) for c in chars]
    # A name from Python's string module (digits, ascii_letters, ...) or the characters themselves; no quotes.
    named = (getattr(string, part, part) for part in parts)
    out = "".join(value if isinstance(value, str) else part for part, value in zip(parts, named)).replace('"', "").replace("'", "")
    if not out:
        raise TemplateError("lookup('password'): chars gives no characters")
    return "".join(dict.fromkeys(out))


def _parse_term(term: str, kwargs: dict) -> tuple[str, dict]:
    path, _, rest = str(term).strip().partition(" ")
    options = dict(kwargs)
    for word in rest.split():
        key, sep, value = word.partition("=")
        if not sep or key not in ("length", "chars", "encrypt", "ident", "seed"):
            raise TemplateError(f"lookup('password'): unrecognized option {word!r} in {term!r}")
        options[key] = value
    return path, options


def _read_stored(path: str) -> tuple[str, str | None]:
    with open(path, encoding="utf-8") as fh:
        content = fh.read().rstrip("\n")
    password, sep, salt = content.rpartition(" salt=")
    return (password, salt) if sep else (content, None)


def _write_stored(path: str, password: str, salt: str | None) -> None:
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as fh:
        fh.write(password + (f" salt={salt}" if salt else "") + "\n")


def _one(term: str, kwargs: dict, basedir: str) -> str:
    path, options = _parse_term(term, kwargs)
    encrypt = options.get("encrypt")
    if encrypt is not None and encrypt not in _HASHES:
        raise TemplateError(f"lookup('password'): encrypt={encrypt!r} is not supported by orch "
                            f"(use {', '.join(_HASHES)})")
    try:
        length = int(options.get("length", 20))
    except (TypeError, ValueError):
        raise TemplateError(f"lookup('password'): length must be a number, got {options.get('length')!r}") from None
    path = os.path.join(basedir, os.path.expanduser(path))
    stored = path != "/dev/null" and os.path.exists(path)
    if stored:
        try:
            password, salt = _read_stored(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise TemplateError(f"lookup('password'): cannot read {path!r}: {exc}") from None
    else:
        seed = options.get("seed")
        rng: Any = random.Random(seed) if seed is not None else secrets.SystemRandom()
        chars = _charset(options.get("chars", _DEFAULT_CHARS))
        password = "".join(rng.choice(chars) for _ in range(length))
        salt = None
    if encrypt is not None and not salt:
        salt = "".join(secrets.choice(_SALT_CHARS) for _ in range(16))
        stored = False  # the salt is kept with the password, so the hash stays the same next time
    if not stored and path != "/dev/null":
        try:
            _write_stored(path, password, salt)
        except OSError as exc:
            raise TemplateError(f"lookup('password'): cannot write {path!r}: {exc}") from None
    return sha_crypt(password, salt, bits=_HASHES[encrypt]) if encrypt is not None else password


def lookup_password(ctx: Any, templar: Any, terms: list, **kwargs: Any) -> list[str]:
    basedir = ctx.parent.get("playbook_dir") if "playbook_dir" in ctx.parent else None
    return [_one(term, kwargs, basedir if isinstance(basedir, str) else os.getcwd()) for term in terms]
