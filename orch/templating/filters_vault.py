"""The ``vault`` and ``unvault`` filters: encrypt a string with a given secret, and open one."""

from __future__ import annotations

from typing import Any

from orch.errors import TemplateError, VaultError
from orch.yamlsrc import UnsafeText


def vault(value: Any, secret: Any, salt: Any = None, vault_id: str = "filter_default", wrap_object: bool = False) -> str:
    """An Ansible Vault payload of ``value`` (a 1.2 envelope naming ``vault_id``)."""
    from orch.vault.envelope import encrypt  # cryptography loads only when the filter runs

    if not isinstance(secret, str) or not secret:
        raise TemplateError("vault: the secret must be a non-empty string")
    text = value if isinstance(value, str) else str(value)
    try:
        return encrypt(text.encode("utf-8"), secret.encode("utf-8"), vault_id or None)
    except VaultError as exc:
        raise TemplateError(f"vault: {exc.message}") from None


def unvault(value: Any, secret: Any, vault_id: str = "filter_default") -> str:
    """The plaintext of a vault payload (an inline ``!vault`` value or the ``vault`` filter's output); never
    templated again, as in Ansible."""
    from orch.vault.envelope import decrypt_with, is_encrypted

    if not isinstance(secret, str) or not secret:
        raise TemplateError("unvault: the secret must be a non-empty string")
    payload = getattr(value, "payload", None)  # a !vault value orch already opened, or could not open
    text = str(payload if payload is not None else value)
    if not is_encrypted(text):
        raise TemplateError(f"unvault: expected a vault payload, got {type(value).__name__}")
    try:
        plain = decrypt_with(text.strip(), secret.encode("utf-8"))
    except VaultError as exc:
        raise TemplateError(f"unvault: {exc.message}") from None
    if plain is None:
        raise TemplateError("unvault: the secret does not open this vault payload")
    try:
        return UnsafeText(plain.decode("utf-8"))
    except UnicodeDecodeError:
        raise TemplateError("unvault: the decrypted data is not UTF-8 text") from None


FILTERS = {"vault": vault, "unvault": unvault}
