"""Which console a command gets: JSON lines, the rich live view, or plain lines.

The live view (rich) only on a terminal; ``--no-color``, ``NO_COLOR`` or a pipe
give the plain, stable lines of run_console.py, which scripts and tests read.
Each choice comes back as a context manager so a live view is always stopped,
also on Ctrl-C.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

from orch.events import EventBus


def wants_color(no_color: bool = False, stream: Any = None) -> bool:
    stream = stream or sys.stdout
    if no_color or os.environ.get("NO_COLOR") or os.environ.get("ORCH_NO_COLOR", "").lower() in ("1", "true", "yes"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def add_run_console(bus: EventBus, book: Any = None, *, as_json: bool = False, no_color: bool = False,
                    verbosity: int = 0, show_diff: bool = False) -> contextlib.AbstractContextManager:
    """Add the console sink of a playbook command (run, plan, apply) to ``bus``."""
    if as_json:
        from orch.events.jsonlines import JsonLinesSink

        bus.sinks.append(JsonLinesSink(sys.stdout, kinds={"task_result", "summary"}))
        return contextlib.nullcontext()
    if wants_color(no_color) and os.environ.get("TERM") != "dumb":
        from orch.events.live_console import LiveConsoleSink

        live = LiveConsoleSink(sys.stdout, verbosity=verbosity, show_diff=show_diff,
                               totals=play_totals(book) if book is not None else [])
        bus.sinks.append(live)
        return live
    from orch.events.run_console import RunConsoleSink

    bus.sinks.append(RunConsoleSink(sys.stdout, color=False if no_color else wants_color(), verbosity=verbosity,
                                    show_diff=show_diff))
    return contextlib.nullcontext()


def _count(items: list) -> int:
    """Tasks a host normally runs: block and always sections, not rescue; includes count as one."""
    from orch.playbook.model import Block

    total = 0
    for item in items:
        if isinstance(item, Block):
            total += _count(item.block) + _count(item.always)
        else:
            total += 1
    return total


def play_totals(book: Any) -> list[int]:
    """Per play, the number of tasks a host is expected to go through (for done/total)."""
    totals = []
    for play in getattr(book, "plays", []):
        gather = play.gather_facts not in (False, "false", "no", "False", "off")
        totals.append(_count(play.pre_tasks) + _count(play.tasks) + _count(play.post_tasks) + int(gather))
    return totals
