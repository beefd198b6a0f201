"""The Vault: opens encrypted files and ``!vault`` values with the secrets of a run.

Every plaintext it produces is handed to the masker (the event bus's), so a decrypted
value is replaced before any sink, run record or diff sees it. Values decrypted before
the bus exists are kept and handed over by :meth:`Vault.attach`.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from orch.errors import Location, TemplateError, VaultError
from orch.vault import envelope
from orch.vault.secrets import VaultSecret

_NO_SECRET_HINT = "give --vault-password-file, --ask-vault-pass or --vault-id"


class Vault:
    def __init__(self, secrets: list[VaultSecret] | None = None) -> None:
        self.secrets = list(secrets or [])
        self._cache: dict[str, str] = {}
        self._plaintexts: list[Any] = []
        self._pending: list[Any] = []  # !vault values seen while loading, checked by check_pending()
        self._remember: Callable[[Any], Any] | None = None
        self._lock = threading.Lock()

    # -- decrypting ---------------------------------------------------------

    def decrypt_bytes(self, text: str, location: Location | None = None) -> bytes:
        """Plaintext bytes of a payload; VaultError naming ``location`` when no secret opens it."""
        return self.open(text, location)[0]

    def open(self, text: str, location: Location | None = None) -> tuple[bytes, VaultSecret]:
        """Plaintext bytes and the secret that opened them (``orch vault edit`` re-encrypts with it)."""
        try:
            header, *_ = envelope.split(text)
            if not self.secrets:
                raise VaultError(f"found vault-encrypted data but no vault password: {_NO_SECRET_HINT}")
            # Ansible tries the secret whose label matches the payload's vault id first, then the rest.
            ordered = sorted(self.secrets, key=lambda s: s.label != header.vault_id)
            for secret in ordered:
                plain = envelope.decrypt_with(text, secret.password)
                if plain is not None:
                    return plain, secret
            tried = ", ".join(dict.fromkeys(s.label for s in self.secrets))
            wanted = f" (vault id {header.vault_id!r})" if header.vault_id else ""
            raise VaultError(f"vault decryption failed{wanted}: no given password opens it (tried vault ids: {tried})")
        except VaultError as exc:
            raise VaultError(exc.message, location=exc.location or location) from None

    def decrypt(self, text: str, location: Location | None = None) -> str:
        """Decrypted text (cached per payload), remembered as a secret."""
        with self._lock:
            found = self._cache.get(text)
        if found is not None:
            return found
        raw = self.decrypt_bytes(text, location)
        try:
            plain = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise VaultError("decrypted vault data is not UTF-8 text", location=location) from None
        with self._lock:
            self._cache[text] = plain
        self.remember(plain)
        return plain

    def decrypt_value(self, value: Any) -> str:
        """An inline ``!vault`` value (a VaultText, which knows its file:line)."""
        return self.decrypt(str(value), getattr(value, "loc", None))

    def templar_hook(self, value: Any) -> str:
        """For ``Templar(vault=...)``: errors become TemplateErrors so a task reports them with its name."""
        try:
            return self.decrypt_value(value)
        except VaultError as exc:
            raise TemplateError(exc.message, location=exc.location) from None

    def open_file(self, text: str, source: str) -> str:
        """A whole encrypted file (vars file, group_vars/host_vars, inventory) -> its plaintext."""
        return self.decrypt(text, Location(source, 1))

    def reveal(self, value: Any, lenient: bool = False) -> Any:
        """A copy of ``value`` with every ``!vault`` string inside decrypted (connection vars need plain text).

        ``lenient``: a value no secret opens stays encrypted, to fail where it is used (as in Ansible)."""
        from orch.yamlsrc import LocStr, VaultText

        if isinstance(value, VaultText):
            try:
                plain = LocStr(self.decrypt_value(value))
            except VaultError:
                if lenient:
                    return value
                raise
            plain.loc = getattr(value, "loc", None)
            return plain
        if isinstance(value, dict):
            return {k: self.reveal(v, lenient) for k, v in value.items()}
        if isinstance(value, list):
            return [self.reveal(v, lenient) for v in value]
        return value

    # -- load-time checks -----------------------------------------------------

    def noticed(self, value: Any) -> None:
        """Called by the YAML loader for each ``!vault`` value it builds."""
        with self._lock:
            self._pending.append(value)

    def check_pending(self, check: bool = True) -> None:
        """Decrypt every ``!vault`` value loaded so far: a wrong password stops the run before it starts
        (``--strict``); without ``check`` they are only forgotten, and each fails where it is used, as in Ansible."""
        with self._lock:
            pending, self._pending = self._pending, []
        for value in pending if check else ():
            self.decrypt_value(value)

    # -- masking --------------------------------------------------------------

    def remember(self, data: Any) -> None:
        """Mark ``data`` (a string or the strings inside a structure) as secret."""
        with self._lock:
            self._plaintexts.append(data)
            hook = self._remember
        if hook is not None:
            hook(data)

    def attach(self, remember: Callable[[Any], Any]) -> None:
        """Route secrets to ``remember`` (``bus.masker.remember``), including the ones already seen."""
        with self._lock:
            self._remember = remember
            seen = list(self._plaintexts)
        for data in seen:
            remember(data)
