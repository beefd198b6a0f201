"""The ``environment`` keyword: play, block and task values merged into one mapping for a step.

As in Ansible: a list merges its mappings in order, ``omit`` (a whole entry or a value) leaves
that part out, and a value that needs ``ansible_env`` before facts were gathered is skipped
rather than failing the task (a play's ``PATH: "{{ ansible_env.PATH }}:/x"`` and fact gathering).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from orch.errors import TemplateError
from orch.templating.templar import OMIT

if TYPE_CHECKING:
    from orch.playbook.model import Task
    from orch.templating import Templar


def step_environment(templar: "Templar", values: list, variables: dict, task: "Task", name: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        _merge(out, templar, value, variables, task, name)
    return out


def _merge(out: dict, templar: "Templar", value: Any, variables: dict, task: "Task", name: str) -> None:
    if isinstance(value, list):
        for one in value:
            _merge(out, templar, one, variables, task, name)
    elif isinstance(value, dict):
        for key, raw in value.items():
            try:
                rendered = templar.template(raw, variables, location=task.location, task=name)
            except TemplateError as exc:
                if "ansible_env" in exc.message:
                    continue  # known only once facts are gathered
                raise
            if not (isinstance(rendered, str) and rendered == OMIT):
                out[str(templar.template(key, variables, location=task.location, task=name))] = str(rendered)
    elif isinstance(value, str):
        rendered = templar.template(value, variables, location=task.location, task=name)
        if isinstance(rendered, (dict, list)):
            _merge(out, templar, rendered, variables, task, name)
