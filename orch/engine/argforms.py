"""Task arguments whose shape is only known once templated (``add_host: "{{ host_data }}"``)."""

from __future__ import annotations

from typing import Any

from orch.errors import HostFailure, Location
from orch.playbook.kv import VARIABLE_PARAMS
from orch.playbook.scope import type_name
from orch.templating import OMIT


def expand_variable_params(args: dict[str, Any], location: Location | None, task_name: str) -> dict[str, Any]:
    """Merge the mappings the task's argument templates gave (lowest first) under its own arguments.

    As in Ansible 2.19, each template must give a mapping (a ``k=v`` string is not read again);
    an omitted one (``args: "{{ omit }}"``) gives nothing, and so does an omitted value inside.
    """
    if VARIABLE_PARAMS not in args:
        return args
    rest = dict(args)
    layers = rest.pop(VARIABLE_PARAMS)
    merged: dict[str, Any] = {}
    for value in layers if isinstance(layers, list) else [layers]:
        if not isinstance(value, dict):
            raise HostFailure(f"Finalization of task args failed: the arguments must template to a mapping, "
                              f"got {type_name(value)}", location=location, task=task_name)
        merged.update((k, v) for k, v in value.items() if not (isinstance(v, str) and v == OMIT))
    return {**merged, **rest}
