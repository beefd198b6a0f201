"""Ansible's ``hash_behaviour``: what a variable defined at two levels becomes.

``replace`` (the default): the higher level's value, whole. ``merge``: two mappings merge
recursively (the higher level wins key by key; lists and other values are still replaced).
Set in ansible.cfg (``[defaults] hash_behaviour``), ``ANSIBLE_HASH_BEHAVIOUR`` or
``ORCH_HASH_BEHAVIOUR``; orch.config puts the file's setting in the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from orch.errors import ParseError

CHOICES = ("replace", "merge")


def merging() -> bool:
    for name in ("ORCH_HASH_BEHAVIOUR", "ANSIBLE_HASH_BEHAVIOUR"):
        value = os.environ.get(name)
        if value:
            if value not in CHOICES:
                raise ParseError(f"{name}: hash_behaviour must be one of {', '.join(CHOICES)}, not {value!r}")
            return value == "merge"
    return False


def merged(old: Any, new: Any) -> Any:
    """``new`` over ``old``, mappings merged key by key."""
    if not (isinstance(old, Mapping) and isinstance(new, Mapping)):
        return new
    out = dict(old)
    for key, value in new.items():
        out[key] = merged(out[key], value) if key in out else value
    return out


def update(target: dict, layer: Mapping, merge: bool) -> None:
    """``target.update(layer)``, or with mappings merged when ``merge``."""
    if not merge:
        target.update(layer)
        return
    for key, value in layer.items():
        target[key] = merged(target[key], value) if key in target else value
