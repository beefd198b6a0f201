"""Ansible Vault's file format (1.1 and 1.2, cipher AES256), written from its documentation.

An encrypted payload is text::

    $ANSIBLE_VAULT;1.1;AES256            (1.2 adds ";LABEL", the vault id)
    <hex lines, 80 columns>

The hex lines, joined and unhexlified, are three lines of hex themselves:
``hex(salt) \\n hex(hmac) \\n hex(ciphertext)``. The keys come from
PBKDF2-HMAC-SHA256 (10000 iterations, 32-byte random salt) over the password:
80 bytes = AES key (32) + HMAC key (32) + CTR counter block (16). The
plaintext is PKCS#7-padded to the AES block, encrypted with AES-256-CTR, and the
ciphertext is authenticated with HMAC-SHA256 (encrypt-then-MAC).
"""

from __future__ import annotations

import binascii
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives import hmac as chmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from orch.errors import VaultError

MAGIC = "$ANSIBLE_VAULT"
CIPHER = "AES256"
ITERATIONS = 10000
SALT_BYTES = 32
LINE_WIDTH = 80
DEFAULT_ID = "default"


@dataclass(frozen=True)
class Header:
    version: str  # "1.1" or "1.2"
    cipher: str
    vault_id: str | None  # only in 1.2


def is_encrypted(data: str | bytes) -> bool:
    """Does this text start like a vault payload (leading whitespace allowed, as inline values have)?"""
    if isinstance(data, bytes):
        return data.lstrip()[:14] == MAGIC.encode()
    return data.lstrip()[:14] == MAGIC


def parse_header(line: str) -> Header:
    parts = line.strip().split(";")
    if parts[0] != MAGIC or len(parts) < 3:
        raise VaultError("not a vault payload (the first line must be '$ANSIBLE_VAULT;VERSION;CIPHER')")
    version, cipher = parts[1].strip(), parts[2].strip()
    if version not in ("1.1", "1.2"):
        raise VaultError(f"vault format {version} is not supported (orch reads 1.1 and 1.2)")
    if cipher != CIPHER:
        raise VaultError(f"vault cipher {cipher!r} is not supported (only AES256)")
    vault_id = parts[3].strip() if version == "1.2" and len(parts) > 3 and parts[3].strip() else None
    return Header(version, cipher, vault_id)


def split(text: str) -> tuple[Header, bytes, bytes, bytes]:
    """Header, salt, hmac digest and ciphertext of a vault payload; VaultError when malformed."""
    lines = text.strip().splitlines()
    if not lines:
        raise VaultError("empty vault payload")
    header = parse_header(lines[0])
    body = "".join("".join(lines[1:]).split())
    try:
        inner = binascii.unhexlify(body).decode("ascii")
        salt_hex, mac_hex, data_hex = inner.split("\n")
        return header, binascii.unhexlify(salt_hex), binascii.unhexlify(mac_hex), binascii.unhexlify(data_hex)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise VaultError("the vault payload is damaged (its hex envelope does not parse)") from None


@lru_cache(maxsize=256)
def _derive(password: bytes, salt: bytes) -> tuple[bytes, bytes, bytes]:
    # 10000 PBKDF2 rounds cost milliseconds; a playbook may hold many values under one password.
    raw = PBKDF2HMAC(algorithm=hashes.SHA256(), length=80, salt=salt, iterations=ITERATIONS).derive(password)
    return raw[:32], raw[32:64], raw[64:]


def _mac(key: bytes, data: bytes) -> bytes:
    h = chmac.HMAC(key, hashes.SHA256())
    h.update(data)
    return h.finalize()


def decrypt_with(text: str, password: bytes) -> bytes | None:
    """The plaintext, or None when ``password`` does not open the payload (HMAC mismatch)."""
    _, salt, mac, data = split(text)
    aes_key, mac_key, counter = _derive(password, salt)
    # The stored HMAC is hex text; compare in constant time before touching the ciphertext.
    if not hmac.compare_digest(binascii.hexlify(_mac(mac_key, data)), binascii.hexlify(mac).lower()):
        return None
    decryptor = Cipher(algorithms.AES(aes_key), modes.CTR(counter)).decryptor()
    padded = decryptor.update(data) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise VaultError("the vault payload is damaged (bad padding after decryption)") from None


def encrypt(plaintext: bytes, password: bytes, vault_id: str | None = None) -> str:
    """A new payload (fresh salt): 1.1 for the default id, 1.2 with a label otherwise, as Ansible writes."""
    salt = os.urandom(SALT_BYTES)
    aes_key, mac_key, counter = _derive(password, salt)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.AES(aes_key), modes.CTR(counter)).encryptor()
    data = encryptor.update(padded) + encryptor.finalize()
    mac = _mac(mac_key, data)
    inner = b"\n".join([binascii.hexlify(salt), binascii.hexlify(mac), binascii.hexlify(data)])
    body = binascii.hexlify(inner).decode("ascii")
    if vault_id and vault_id != DEFAULT_ID:
        if ";" in vault_id or any(c.isspace() for c in vault_id):
            raise VaultError(f"vault id {vault_id!r} must not contain ';' or spaces")
        header = f"{MAGIC};1.2;{CIPHER};{vault_id}"
    else:
        header = f"{MAGIC};1.1;{CIPHER}"
    lines = [body[i:i + LINE_WIDTH] for i in range(0, len(body), LINE_WIDTH)]
    return "\n".join([header, *lines]) + "\n"
