"""``module_defaults`` merged under a task's arguments when a host runs it.

As Ansible does: the levels are merged key by key (a level's entry for a module replaces an
outer level's whole entry for it), then the task gets the arguments of every group holding its
module (in the order the groups were written), then those of its module, all templated with
the host's variables, and its own arguments over them. ``service``, ``package`` and
``gather_facts`` also take the defaults of the module they hand the work to (backends.py) for
arguments still missing.
"""

from __future__ import annotations

from typing import Any

from orch.engine.backends import backend, with_package_use
from orch.errors import HostFailure
from orch.foreign.resolve import ModuleSearch, fqcn
from orch.playbook.model import Task


def with_defaults(task: Task, args: dict, variables: dict, templar: Any, name: str, playbook_dir: str) -> dict:
    """``args`` (already templated) over the task's templated module defaults."""
    search = task.search if isinstance(task.search, ModuleSearch) else ModuleSearch(playbook_dir)
    args = with_package_use(task, args, variables, search)
    defaults = task.module_defaults
    if defaults is None or not defaults.layers:
        return args
    merged: dict[str, Any] = {}
    for layer in defaults.layers:
        merged.update(layer)
    action = fqcn(str(task.action or task.module), search)
    out = {**_for(action, merged, defaults.groups, task, variables, templar, name), **args}
    chosen = backend(task, out, variables)
    if chosen is not None:
        extra = _for(fqcn(chosen, search), merged, defaults.groups, task, variables, templar, name)
        out = {**{k: v for k, v in extra.items() if k not in out}, **out}
    return out


def _for(action: str | None, merged: dict, groups: dict, task: Task, variables: dict, templar: Any,
         name: str) -> dict:
    if action is None:
        return {}
    out: dict[str, Any] = {}
    keys = [k for k in merged if k.startswith("group/") and action in groups.get(k, ())]
    if action in merged:
        keys.append(action)
    for key in keys:
        value = templar.template(merged[key], variables, location=task.location, task=name)
        if value is None:
            continue
        if not isinstance(value, dict):
            raise HostFailure(f"module_defaults for {key!r} must be a mapping of arguments, got {value!r}"[:300],
                              location=task.location, task=name)
        out.update(value)
    return out
