"""``module_defaults`` merged under a task's arguments when a host runs it.

As Ansible does: the levels are merged key by key (a level's entry for a module replaces an
outer level's whole entry for it), then the task gets the arguments of every group holding its
module (in the order the groups were written), then those of its module, all templated with
the host's variables, and its own arguments over them. ``service``, ``package`` and
``gather_facts`` also take the defaults of the module they hand the work to (``systemd``,
``apt``, ``setup``) for arguments still missing.
"""

from __future__ import annotations

from typing import Any

from orch.errors import HostFailure
from orch.foreign.resolve import ModuleSearch, fqcn
from orch.playbook.model import Task

# The module each of these hands its work to: the fact naming it (None: always the same one).
_BACKENDS = {"service": "service_mgr", "package": "pkg_mgr", "gather_facts": None}


def with_defaults(task: Task, args: dict, variables: dict, templar: Any, name: str, playbook_dir: str) -> dict:
    """``args`` (already templated) over the task's templated module defaults."""
    defaults = task.module_defaults
    if defaults is None or not defaults.layers:
        return args
    merged: dict[str, Any] = {}
    for layer in defaults.layers:
        merged.update(layer)
    search = task.search if isinstance(task.search, ModuleSearch) else ModuleSearch(playbook_dir)
    action = fqcn(str(task.action or task.module), search)
    out = {**_for(action, merged, defaults.groups, task, variables, templar, name), **args}
    backend = _backend(task, out, variables)
    if backend is not None:
        extra = _for(fqcn(backend, search), merged, defaults.groups, task, variables, templar, name)
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


def _backend(task: Task, args: dict, variables: dict) -> str | None:
    """The module a ``service``/``package``/``gather_facts`` task hands its work to on this host."""
    kind = task.module if task.module in _BACKENDS else "gather_facts" if task.action == "gather_facts" else None
    if kind is None:
        return None
    if kind == "gather_facts":
        return "setup"
    chosen = str(args.get("use") or "auto")
    if chosen == "auto":
        facts = variables.get("ansible_facts") or {}
        chosen = str(facts.get(_BACKENDS[kind]) or "auto") if isinstance(facts, dict) else "auto"
    return None if chosen == "auto" else chosen
