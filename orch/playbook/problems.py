"""Tasks that will fail when a host reaches them: modules found nowhere, bad module arguments.

Ansible loads what a task includes only when it runs, so a role's files for other platforms
(``yum``, ``win_file``) never stop a run on Debian. orch parses static includes early, so it
keeps such findings on the task (``Task.problem``) instead of refusing the playbook: the run
starts with one short warning, the task fails on a host that reaches it, and strict mode
(``orch check``, ``--strict``) refuses them before connecting, as a linter would.
"""

from __future__ import annotations

from orch.errors import ParseError
from orch.playbook.model import Playbook, Task, iter_tasks


def problems(book: Playbook) -> list[tuple[Task, ParseError]]:
    """Each task with a problem once, in playbook order."""
    found: list[tuple[Task, ParseError]] = []
    seen: set[int] = set()
    for play in book.plays:
        for task in iter_tasks(play.pre_tasks + play.tasks + play.post_tasks + play.handlers):
            if task.problem is not None and id(task) not in seen:
                seen.add(id(task))
                found.append((task, task.problem))
    return found


def warning(found: list[tuple[Task, ParseError]], limit: int = 5) -> str:
    """One short warning naming where the tasks are (the first few)."""
    lines = [f"warning: {len(found)} task(s) cannot run as written and fail if a host reaches them "
             "(orch check PLAYBOOK lists them):"]
    for _, error in found[:limit]:
        lines.append(f"  {error.location}: {error.message.split('; looked in:')[0]}")
    if len(found) > limit:
        lines.append(f"  ... and {len(found) - limit} more")
    return "\n".join(lines)


def strict_error(found: list[tuple[Task, ParseError]]) -> ParseError:
    """All problems as one error at the first one's location (exit 2)."""
    first = found[0][1]
    if len(found) == 1:
        return first
    rest = "\n".join(f"  {e.location}: {e.message}" for _, e in found[1:])
    return ParseError(f"{first.message}\n{len(found) - 1} more:\n{rest}", location=first.location)
