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
from typing import TYPE_CHECKING, Any

from orch.booleans import parse_bool
from orch.config import ansible_setting
from orch.engine.contracts import OK
from orch.errors import OrchError
from orch.playbook.model import Block, Play, Role, Task, TaskItem, iter_tasks
from orch.playbook.roles import role_handlers

if TYPE_CHECKING:
    from orch.engine.worker import HostWorker


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


class PlayHandlers:
    """A play's handlers on its hosts: notifications saved, turned into handlers, flushed (PlayRun's part)."""

    pb: Any
    play: Play
    templar: Any
    bus: Any
    _handler_blocks: tuple[int, list, list[list[Task]]] | None
    _handler_names: dict[int, str | None]
    task_vars: Callable[[Any, Task], dict]

    def _handler_name(self, worker: HostWorker, handler: Task) -> str | None:
        """A handler's name as notifications match it: templated once, for the first host that
        asks (as Ansible caches it); None when unnamed or when it cannot be templated."""
        if not handler.name:
            return None
        key = id(handler)
        if key not in self._handler_names:
            try:
                name: str | None = str(self.templar.template(handler.name, self.task_vars(worker.state, handler)))
            except OrchError:
                name = None  # Ansible skips it (a name only some hosts can template)
            self._handler_names[key] = name
        return self._handler_names[key]

    def _handlers(self) -> tuple[list, list[list[Task]]]:
        """The handlers as they stand now (include_role adds its role's) and their blocks."""
        included = self.pb.included_roles(self.play)
        if self._handler_blocks is None or self._handler_blocks[0] != len(included):
            items = play_handlers(self.play, included)
            self._handler_blocks = (len(included), items, handler_blocks(items))
        return self._handler_blocks[1], self._handler_blocks[2]

    def handlers_for(self, worker: HostWorker, notification: str) -> list[Task]:
        return list(search(self._handlers()[1], notification, lambda h: self._handler_name(worker, h)))

    def _handlers_due(self, worker: HostWorker) -> set[int]:
        """The host's saved notifications turned into the handlers they reach (Ansible does it
        when handlers are flushed, and at once for what a running handler notifies)."""
        state = worker.state
        with state.lock:
            notified, state.notified = list(state.notified), []
        for notification in notified:
            state.handlers_due.update(id(h) for h in self.handlers_for(worker, notification))
        return state.handlers_due

    def notify(self, worker: HostWorker, task: Task) -> str | None:
        """Save a changed task's notifications (templated) for its host; a message when one reaches
        no handler and ``error_on_missing_handler`` (default true) makes that an error."""
        names: list[str] = []
        for entry in task.notify:
            value = self.templar.template(entry, self.task_vars(worker.state, task))
            names += [str(v) for v in value] if isinstance(value, list) else [str(value)]
        worker.state.notify(names)
        for name in names:
            if self.handlers_for(worker, name):
                continue
            message = (f"The requested handler '{name}' was not found in either the main handlers list nor in "
                       "the listening handlers list")
            if parse_bool(ansible_setting("ANSIBLE_ERROR_ON_MISSING_HANDLER", "error_on_missing_handler")) is False:
                self.bus.emit("warning", message=message)
                continue
            return message
        return None

    def flush_handlers(self, worker: HostWorker) -> str:
        """One pass over the handlers in order: each one due runs once; one notified by a handler
        runs in this pass when it comes later, else at the next flush (as Ansible)."""
        due = self._handlers_due(worker)
        if not due:
            return OK
        for handler in iter_tasks(self._handlers()[0]):
            if id(handler) not in due:
                continue
            due.discard(id(handler))
            if handler.module == "meta" and str(handler.args.get("_raw_params", "")).strip() == "flush_handlers":
                # Ansible ends the run here (an error, not this host's failure)
                raise OrchError("flush_handlers cannot be used as a handler", location=handler.location)
            outcome = worker.run_task(handler, handler=True)
            self._handlers_due(worker)
            if outcome != OK:
                return outcome
        return OK
