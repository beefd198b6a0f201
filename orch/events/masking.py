"""Secrets never reach a sink: every event is masked before delivery.

Values become secret when the engine or the CLI says so (a ``no_log`` result,
a decrypted vault value, a become password). The masker replaces each such
string wherever it appears in an event (also inside longer strings).
"""

from __future__ import annotations

import threading
from typing import Any

MASK = "********"
_MIN_LENGTH = 3  # masking "a" everywhere would mangle every output


class Masker:
    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def remember(self, value: Any) -> Any:
        """Register a secret (str, or the strings inside a structure); returns the value unchanged."""
        if isinstance(value, str):
            if len(value) >= _MIN_LENGTH:
                with self._lock:
                    self._secrets.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                self.remember(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                self.remember(item)
        return value

    def __bool__(self) -> bool:
        return bool(self._secrets)

    def mask(self, value: Any) -> Any:
        if not self._secrets:
            return value
        if isinstance(value, str):
            for secret in sorted(self._secrets, key=len, reverse=True):
                if secret in value:
                    value = value.replace(secret, MASK)
            return value
        if isinstance(value, dict):
            return {self.mask(k) if isinstance(k, str) else k: self.mask(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.mask(v) for v in value]
        return value
