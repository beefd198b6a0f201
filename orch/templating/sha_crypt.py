"""SHA-256-crypt and SHA-512-crypt ($5$ / $6$), pure Python.

Python's ``crypt`` module is deprecated and gone in 3.13, and passlib is not
a dependency; this follows Ulrich Drepper's published specification
("Unix crypt using SHA-256 and SHA-512") so output matches
``openssl passwd -6 -salt SALT PW`` and glibc's crypt(3).
"""

from __future__ import annotations

import hashlib
import secrets

_ALPHABET = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ROUNDS_DEFAULT = 5000

# Byte order used when encoding the final digest into 4-6 characters per group.
_ORDER_512 = [
    (0, 21, 42), (22, 43, 1), (44, 2, 23), (3, 24, 45), (25, 46, 4), (47, 5, 26), (6, 27, 48),
    (28, 49, 7), (50, 8, 29), (9, 30, 51), (31, 52, 10), (53, 11, 32), (12, 33, 54), (34, 55, 13),
    (56, 14, 35), (15, 36, 57), (37, 58, 16), (59, 17, 38), (18, 39, 60), (40, 61, 19), (62, 20, 41),
]
_ORDER_256 = [
    (0, 10, 20), (21, 1, 11), (12, 22, 2), (3, 13, 23), (24, 4, 14), (15, 25, 5), (6, 16, 26),
    (27, 7, 17), (18, 28, 8), (9, 19, 29),
]


def _b64(b2: int, b1: int, b0: int, n: int) -> str:
    w = (b2 << 16) | (b1 << 8) | b0
    out = []
    for _ in range(n):
        out.append(_ALPHABET[w & 0x3F])
        w >>= 6
    return "".join(out)


def _repeat(digest: bytes, length: int) -> bytes:
    size = len(digest)
    return digest * (length // size) + digest[: length % size]


def new_salt(size: int = 16) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(size))


def sha_crypt(password: str | bytes, salt: str | None = None, rounds: int | None = None, bits: int = 512) -> str:
    """Return the ``$6$salt$hash`` (bits=512) or ``$5$salt$hash`` (bits=256) string."""
    new = hashlib.sha512 if bits == 512 else hashlib.sha256
    pw = password.encode() if isinstance(password, str) else password
    if salt is None:
        salt = new_salt()
    s = salt.encode()[:16]
    explicit_rounds = rounds is not None
    n_rounds = max(1000, min(999_999_999, rounds)) if rounds is not None else _ROUNDS_DEFAULT

    b = new(pw + s + pw).digest()
    a = new(pw + s + _repeat(b, len(pw)))
    i = len(pw)
    while i > 0:
        a.update(b if i & 1 else pw)
        i >>= 1
    a_digest = a.digest()

    dp = new(pw * len(pw)).digest()
    p = _repeat(dp, len(pw))
    ds = new(s * (16 + a_digest[0])).digest()
    sb = _repeat(ds, len(s))

    c = a_digest
    for r in range(n_rounds):
        h = new()
        h.update(p if r & 1 else c)
        if r % 3:
            h.update(sb)
        if r % 7:
            h.update(p)
        h.update(c if r & 1 else p)
        c = h.digest()

    if bits == 512:
        encoded = "".join(_b64(c[x], c[y], c[z], 4) for x, y, z in _ORDER_512) + _b64(0, 0, c[63], 2)
        prefix = "$6$"
    else:
        encoded = "".join(_b64(c[x], c[y], c[z], 4) for x, y, z in _ORDER_256) + _b64(0, c[31], c[30], 3)
        prefix = "$5$"
    rounds_part = f"rounds={n_rounds}$" if explicit_rounds else ""
    return f"{prefix}{rounds_part}{s.decode()}${encoded}"
