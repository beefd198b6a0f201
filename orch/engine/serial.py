"""A play's hosts: put in the play's ``order``, split into ``serial`` batches (numbers, percentages, lists)."""

from __future__ import annotations

import math
import random
from typing import Any

from orch.errors import UsageError
from orch.templating.templar import OMIT


def ordered(hosts: list, order: Any) -> list:
    """``hosts`` (inventory order, each with a ``name``) as the play's ``order`` asks."""
    if order in (None, "", "inventory"):
        return list(hosts)
    if order in ("sorted", "reverse_sorted"):
        return sorted(hosts, key=lambda h: h.name, reverse=order == "reverse_sorted")
    if order == "reverse_inventory":
        return list(reversed(hosts))
    if order == "shuffle":
        return random.sample(hosts, len(hosts))
    raise UsageError(f"play 'order' must be one of inventory, reverse_inventory, sorted, reverse_sorted, "
                     f"shuffle; got {order!r}")


def _size(value: Any, total: int) -> int:
    text = str(value).strip()
    try:
        if text.endswith("%"):
            return max(1, int(math.floor(total * float(text[:-1]) / 100.0)))
        return max(1, int(text))
    except ValueError:
        raise UsageError(f"serial: {value!r} is not a number or a percentage") from None


def batch_sizes(serial: Any, total: int) -> list[int]:
    """Ansible's rule: the list is used in order, its last size repeats."""
    if serial in (None, "", 0, "0") or total == 0:
        return [total] if total else []
    steps = serial if isinstance(serial, list) else [serial]
    sizes = [_size(s, total) for s in steps] or [total]
    out, left, index = [], total, 0
    while left > 0:
        size = min(sizes[min(index, len(sizes) - 1)], left)
        out.append(size)
        left -= size
        index += 1
    return out


def batches(items: list, serial: Any, templar=None, variables: dict | None = None) -> list[list]:
    if templar is not None and isinstance(serial, (str, list)):
        serial = templar.template(serial, variables or {})
    if serial == OMIT:  # serial: "{{ omit }}" is no serial
        serial = None
    out, start = [], 0
    for size in batch_sizes(serial, len(items)):
        out.append(items[start:start + size])
        start += size
    return out
