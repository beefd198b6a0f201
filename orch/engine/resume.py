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

Each PlaybookRun keeps its own ``ResumeRecord``; this module imports nothing of the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Protocol


class _Batch(Protocol):
    """What the record reads of a finished batch (a PlayRun)."""
    play: Any
    batch: list
    failed_hosts: int

    def aborted(self) -> bool: ...


class _Host(Protocol):
    failed: bool
    unreachable: bool


@dataclass
class ResumeRecord:
    reached: dict[int, set[str]] = field(default_factory=dict)  # id(play) -> hosts a batch ran on
    stopped: list[str] = field(default_factory=list)  # the batch the run stopped in
    stop_reason: str = ""

    def batch_done(self, play_run: _Batch) -> bool:
        """Record a finished batch; True when the run must stop after it (``stop_reason`` says why)."""
        names = [s.name for s in play_run.batch]
        self.reached.setdefault(id(play_run.play), set()).update(names)
        all_failed = bool(names) and not any(s.active for s in play_run.batch)
        aborted = play_run.aborted() and play_run.failed_hosts > 0  # end_play without failures goes on
        if all_failed or aborted:
            self.stopped = names
            self.stop_reason = "every host of the batch failed" if all_failed else "failure limit reached"
            return True
        return False

    def remaining(self, states: dict[str, _Host], plays: Iterable[Any],
                  targeted: Callable[[Any], list[str] | None]) -> dict[str, list[str]]:
        """Hosts a resume must still run, by why: failed, unreachable, not_reached.

        ``targeted(play)``: the hosts a play selects, or None when that needs run-time facts."""
        failed = [n for n, s in states.items() if s.failed and not s.unreachable]
        unreachable = [n for n, s in states.items() if s.unreachable]
        done = set(failed) | set(unreachable)
        not_reached: list[str] = [n for n in self.stopped if n not in done]
        for play in plays:
            reached = self.reached.get(id(play), set())
            not_reached += [n for n in targeted(play) or () if n not in reached and n not in done
                            and n not in not_reached]
        return {"failed": failed, "unreachable": unreachable, "not_reached": not_reached}
