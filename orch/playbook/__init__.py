"""Playbook model and loader (Ansible's YAML, validated with file:line errors)."""

from orch.playbook.loader import load_playbook
from orch.playbook.model import Block, LoopSpec, Play, Playbook, Role, Task, TaskItem, iter_tasks
from orch.playbook.tags import task_selected

__all__ = ["Block", "LoopSpec", "Play", "Playbook", "Role", "Task", "TaskItem", "iter_tasks", "load_playbook",
           "task_selected"]
