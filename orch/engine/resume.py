"""Rolling deploys: when a run stops after a batch, and which hosts a resume must still do.

Ansible's rules (playbook_executor + linear strategy), which orch follows:
- a batch in which *every* host failed or was unreachable ends the run (so with
  ``serial: 1`` the first failure stops the rollout, with or without max_fail_percentage);
- ``any_errors_fatal`` or failed hosts making up *more than* ``max_fail_percentage`` of
  the batch abort the play, and the run with it.

A run that ends with failed or unreachable hosts leaves a resume file (written by the CLI,
orch/cli/resume_opts.py) naming the hosts still to do: the failed and unreachable ones,
the hosts of the batch the run stopped in (an abort may have cut them short), and every
host a play targets that no batch reached.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from orch.engine.play import PlayRun
    from orch.engine.playbook_run import PlaybookRun


@dataclass
class Progress:
    reached: dict[int, set[str]] = field(default_factory=dict)  # id(play) -> hosts a batch ran on
    stopped: list[str] = field(default_factory=list)  # the batch the run stopped in


_progress: "weakref.WeakKeyDictionary[PlaybookRun, Progress]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()
_last: dict = {}


def _of(pb: "PlaybookRun") -> Progress:
    with _lock:
        return _progress.setdefault(pb, Progress())


def batch_done(pb: "PlaybookRun", play_run: "PlayRun") -> bool:
    """Record a finished batch; True when the run must stop after it."""
    names = [s.name for s in play_run.batch]
    _of(pb).reached.setdefault(id(play_run.play), set()).update(names)
    all_failed = bool(names) and not any(s.active for s in play_run.batch)
    aborted = play_run.aborted() and play_run.failed_hosts > 0  # end_play without failures goes on
    if all_failed or aborted:
        _of(pb).stopped = names
        pb.bus.emit("run_stopped", hosts=names, play=play_run.play.name or "",
                    reason="every host of the batch failed" if all_failed else "failure limit reached")
        return True
    return False


def remaining_hosts(pb: "PlaybookRun") -> dict[str, list[str]]:
    """Hosts a resume must still run, by why: failed, unreachable, not_reached."""
    progress = _of(pb)
    failed = [n for n, s in pb.states.items() if s.failed and not s.unreachable]
    unreachable = [n for n, s in pb.states.items() if s.unreachable]
    done = set(failed) | set(unreachable)
    not_reached: list[str] = [n for n in progress.stopped if n not in done]
    for play in pb.playbook.plays:
        try:
            pattern = pb.templar.template(play.hosts, pb.extra_vars)
            pattern = ",".join(map(str, pattern)) if isinstance(pattern, list) else str(pattern)
            targeted = [h.name for h in pb.inventory.select(pattern, limit=pb.options.limit)]
        except Exception:  # noqa: BLE001 - a pattern that needs run-time facts: nothing to add
            continue
        reached = progress.reached.get(id(play), set())
        not_reached += [n for n in targeted if n not in reached and n not in done and n not in not_reached]
    return {"failed": failed, "unreachable": unreachable, "not_reached": not_reached}


def finished(pb: "PlaybookRun") -> None:
    """Keep the last run's remaining hosts for the CLI (one playbook run per process)."""
    remaining = remaining_hosts(pb)  # outside the lock: it takes the lock itself
    with _lock:
        _last.clear()
        _last.update(remaining)


def last_run() -> dict[str, list[str]]:
    with _lock:
        return {k: list(v) for k, v in _last.items()}
