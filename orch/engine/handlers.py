"""Which handlers a notification reaches, as Ansible's strategy finds them.

A notification names at most one handler: searching the handler blocks from the last to the
first (a later role's or the play's own handler with a name wins over an earlier one), and a
block's handlers from its first, a handler matches by its (templated) name, ``ROLE : name`` or
``COLLECTION.ROLE : name``. Every handler that ``listen``s to it is reached too (once per
handler name), a role's handler also by ``ROLE : topic``. Play handlers come after role handlers
(Ansible puts the roles' first), those of include_role after them; plain handlers written one after another form one block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from orch.playbook.model import Block, Play, Role, Task, TaskItem, iter_tasks
from orch.playbook.roles import role_handlers


def play_handlers(play: Play, included: list[Role]) -> list[TaskItem]:
    """The play's handlers (its roles', then its own), then those of the roles include_role
    brought in so far, each role's once."""
    seen = {task.role.path for task in iter_tasks(play.handlers) if task.role is not None}
    seen.update(role.path for role in play.roles)
    return play.handlers + [item for role in included for item in role_handlers(role, seen)]


def handler_blocks(items: list[TaskItem]) -> list[list[Task]]:
    """The handlers grouped as Ansible's blocks: an explicit block alone, plain handlers of the
    same role (or of the play) one after another together."""
    blocks: list[list[Task]] = []
    owner: object = None
    for item in items:
        if isinstance(item, Block):
            blocks.append(list(iter_tasks(item.block)))
            owner = None
            continue
        role = item.role
        if not blocks or owner is None or owner is not (role or items):
            blocks.append([])
        blocks[-1].append(item)
        owner = role or items
    return blocks


def role_names(role: Role) -> list[str]:
    """A role's names as a handler prefix: as written (a collection's role by its FQCN) and short."""
    short = role.name.rsplit(".", 1)[-1] if role.name.count(".") >= 2 else role.name
    return list(dict.fromkeys([role.name, short]))


def listens_to(handler: Task) -> list[str]:
    topics = list(handler.listen or [])
    if handler.role is not None:
        topics += [f"{prefix} : {topic}" for topic in handler.listen or [] for prefix in role_names(handler.role)]
    return topics


def search(blocks: list[list[Task]], notification: str, name_of: Callable[[Task], str | None]) -> Iterator[Task]:
    """The handlers ``notification`` reaches; ``name_of`` gives a handler's templated name (None:
    unnamed, or a name that cannot be templated)."""
    ordered = [handler for block in reversed(blocks) for handler in block]
    for handler in ordered:
        name = name_of(handler)
        if name is None:
            continue
        names = {name}
        if handler.role is not None:
            names.update(f"{prefix} : {name}" for prefix in role_names(handler.role))
        if notification in names:
            yield handler
            break
    seen: set[str] = set()
    for handler in ordered:
        if notification in listens_to(handler):
            if handler.name and str(handler.name) in seen:
                continue
            seen.add(str(handler.name))
            yield handler
