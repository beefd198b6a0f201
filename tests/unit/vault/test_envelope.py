"""The vault envelope: format details that ansible-vault relies on."""

import binascii

import pytest

from orch.errors import VaultError
from orch.vault import envelope
from orch.vault.envelope import decrypt_with, encrypt, is_encrypted, split


def test_round_trip_and_header_1_1():
    text = encrypt(b"secret: 1\n", b"pw")
    assert text.splitlines()[0] == "$ANSIBLE_VAULT;1.1;AES256"
    assert decrypt_with(text, b"pw") == b"secret: 1\n"
    assert decrypt_with(text, b"other") is None


def test_labelled_ids_write_1_2():
    text = encrypt(b"x", b"pw", "prod")
    assert text.splitlines()[0] == "$ANSIBLE_VAULT;1.2;AES256;prod"
    assert split(text)[0].vault_id == "prod"
    assert encrypt(b"x", b"pw", "default").startswith("$ANSIBLE_VAULT;1.1;AES256\n")
    with pytest.raises(VaultError, match="must not contain"):
        encrypt(b"x", b"pw", "a;b")


def test_lines_are_80_columns_of_hex_and_salt_is_fresh():
    a, b = encrypt(b"y" * 500, b"pw"), encrypt(b"y" * 500, b"pw")
    assert a != b  # a new salt each time
    body = a.splitlines()[1:]
    assert all(len(line) == 80 for line in body[:-1]) and 0 < len(body[-1]) <= 80
    inner = binascii.unhexlify("".join(body)).split(b"\n")
    assert len(inner) == 3 and len(binascii.unhexlify(inner[0])) == envelope.SALT_BYTES
    assert len(binascii.unhexlify(inner[1])) == 32  # HMAC-SHA256
    assert len(binascii.unhexlify(inner[2])) % 16 == 0  # PKCS#7 padded to the AES block


@pytest.mark.parametrize("payload", [b"", b"a", b"x" * 16, "é✓".encode(), bytes(range(256))])
def test_any_bytes(payload):
    assert decrypt_with(encrypt(payload, b"k"), b"k") == payload


def test_indented_inline_payload_is_accepted():
    text = encrypt(b"v", b"pw")
    indented = "\n".join("          " + line for line in text.splitlines())
    assert is_encrypted(indented)
    assert decrypt_with(indented, b"pw") == b"v"


@pytest.mark.parametrize("text,message", [
    ("$ANSIBLE_VAULT;1.0;AES\nabcd", "format 1.0 is not supported"),
    ("$ANSIBLE_VAULT;1.1;AES128\nabcd", "cipher 'AES128'"),
    ("$ANSIBLE_VAULT\nabcd", "not a vault payload"),
    ("$ANSIBLE_VAULT;1.1;AES256\nzz", "damaged"),
    ("$ANSIBLE_VAULT;1.1;AES256\n" + binascii.hexlify(b"ab\ncd").decode(), "damaged"),
    ("", "empty"),
])
def test_malformed(text, message):
    with pytest.raises(VaultError, match=message):
        split(text)


def test_tampered_ciphertext_fails_hmac():
    text = encrypt(b"hello world", b"pw")
    _, salt, mac, data = split(text)
    bad = bytes([data[0] ^ 1]) + data[1:]
    inner = b"\n".join(binascii.hexlify(x) for x in (salt, mac, bad))
    forged = "$ANSIBLE_VAULT;1.1;AES256\n" + binascii.hexlify(inner).decode()
    assert decrypt_with(forged, b"pw") is None
