"""The module a ``service``, ``package`` or ``gather_facts`` task hands its work to on a host.

As Ansible's action plugins choose it: the task's ``use``, then (package) ``ansible_package_use``,
then the host's facts (``service_mgr``, ``pkg_mgr``); ``gather_facts`` runs ``setup``. The choice
decides which ``module_defaults`` also apply, and a package manager no module answers to fails
the task with Ansible's message.
"""

from __future__ import annotations

from orch.errors import HostFailure
from orch.foreign.resolve import ModuleSearch, fqcn
from orch.playbook.model import Task

_FACT = {"service": "service_mgr", "package": "pkg_mgr"}


def backend(task: Task, args: dict, variables: dict) -> str | None:
    """The backend's name, or None when it is not known on the controller (the host decides)."""
    if task.module == "gather_facts" or task.action == "gather_facts":
        return "setup"
    if task.module not in _FACT:
        return None
    chosen = str(args.get("use") or "auto")
    if chosen == "auto" and task.module == "package":
        chosen = str(variables.get("ansible_package_use") or "auto")
    if chosen == "auto":
        facts = variables.get("ansible_facts")
        chosen = str(facts.get(_FACT[task.module]) or "auto") if isinstance(facts, dict) else "auto"
    return None if chosen == "auto" else chosen


def with_package_use(task: Task, args: dict, variables: dict, search: ModuleSearch) -> dict:
    """A ``package`` task's arguments with the manager its ``use`` or ``ansible_package_use`` names;
    a name no module answers to fails the task, as in Ansible."""
    if task.module != "package":
        return args
    chosen = str(args.get("use") or "auto")
    if chosen == "auto":
        chosen = str(variables.get("ansible_package_use") or "auto")
    if chosen == "auto":
        return args
    if fqcn(chosen, search) is None:
        raise HostFailure(f'Could not find a matching action for the "{chosen}" package manager.',
                          location=task.location)
    return {**args, "use": chosen}
