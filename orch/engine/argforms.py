"""Task arguments whose shape is only known once templated (``add_host: "{{ host_data }}"``)."""

from __future__ import annotations

from typing import Any

from orch.errors import HostFailure, Location
from orch.playbook.kv import VARIABLE_PARAMS, parse_kv


def expand_variable_params(args: dict[str, Any], location: Location | None, task_name: str) -> dict[str, Any]:
    """Arguments written as one template become the mapping (or ``k=v`` string) it gave."""
    if VARIABLE_PARAMS not in args:
        return args
    rest = dict(args)
    value = rest.pop(VARIABLE_PARAMS)
    if isinstance(value, str):
        value = parse_kv(value, location=location)
    if not isinstance(value, dict):
        raise HostFailure(f"the task's arguments must template to a mapping, got {type(value).__name__}",
                          location=location, task=task_name)
    return {**value, **rest}
