"""A task's arguments as its action gets them (the pipeline's prepare stage): templated key by
key, except those the action reads as written; a template error names the argument and its place."""

from __future__ import annotations

from typing import Any

from orch.errors import TemplateError
from orch.foreign.resolve import ModuleSearch, fqcn
from orch.playbook.model import Task
from orch.yamlsrc import location_of


def _value_location(value: Any, message: str):
    """The location of the templated string a template error message quotes."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = _value_location(item, message)
            if found is not None:
                return found
        return None
    if isinstance(value, str) and "{" in value and repr(str(value)) in message:
        return location_of(value)
    return None


# Arguments an action reads as written (Ansible's finalize_task_arg): assert's ``that`` holds conditions,
# evaluated by the action, never templated first (a lookup's term may hold an undefined template).
_AS_WRITTEN = {"assert": "that"}


def templated_args(templar: Any, task: Task, variables: dict, name: str, playbook_dir: str | None) -> Any:
    """The task's arguments templated one key at a time, as Ansible finalizes them: an error
    names the argument it came from and points at its value, not at the task's first line."""
    if not isinstance(task.args, dict):
        return templar.template(task.args, variables, task=name)
    out: dict[str, Any] = {}
    for key, value in task.args.items():
        if _AS_WRITTEN.get(task.module) == key:
            out[key] = value
            continue
        try:
            out.update(templar.template({key: value}, variables, task=name))
        except TemplateError as exc:
            where = _value_location(value, exc.message) or task.location
            search = task.search if isinstance(task.search, ModuleSearch) else ModuleSearch(playbook_dir)
            action = fqcn(str(task.action or task.module), search) or task.module
            raise TemplateError(f"Finalization of task args for '{action}' failed: "
                                f"Error while resolving value for '{key}': {exc.message}",
                                location=where, task=name) from None
    return out
