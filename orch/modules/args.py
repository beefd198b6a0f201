"""Module arguments given as one string on the command line (``orch exec -a``).

The same rules as a task's inline arguments (orch.playbook.kv): ``k=v``
pairs, or for free-form modules a command line with a few known keys taken
out. A JSON object is accepted too.
"""

from __future__ import annotations

import json

from orch.errors import UsageError
from orch.modules import registry
from orch.playbook.kv import FREE_FORM_KEYS, parse_kv


def parse_module_args(module: str, text: str) -> dict:
    if not text:
        return {}
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            value = json.loads(stripped)
        except ValueError as exc:
            raise UsageError(f"module arguments look like JSON but are not: {exc}") from None
        if not isinstance(value, dict):
            raise UsageError("JSON module arguments must be an object")
        return value
    name = registry.resolve_module(module) or module
    info = registry.MODULES.get(name)
    if info is not None and info.free_form:
        if name in ("command", "shell", "script", "raw"):
            keys = FREE_FORM_KEYS if name != "raw" else frozenset({"executable"})
            return parse_kv(text, free_form=True, free_form_keys=keys)
        return {"_raw_params": stripped}
    return parse_kv(text)
