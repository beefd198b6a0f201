"""What a ``rescue`` sees of the failure it handles: ``ansible_failed_task`` and ``ansible_failed_result``."""

from __future__ import annotations

from typing import Any

from orch.engine.results import registered, unsafe
from orch.playbook.model import Task


def failure_vars(task: Task, result: dict[str, Any]) -> dict[str, Any]:
    """The two variables Ansible sets for a rescue, from the failed task and its result."""
    described = {
        "name": task.name or "",
        "action": task.action or task.module,
        "args": dict(task.args),
        "register": task.register,
        "tags": list(task.tags),
        "when": list(task.when),
        "loop": task.loop.value if task.loop is not None else None,
        "ignore_errors": task.ignore_errors,
        "path": str(task.location),
    }
    # Data, never templated again (its args are the task's templates as written).
    return {"ansible_failed_task": unsafe(described), "ansible_failed_result": registered(result)}
