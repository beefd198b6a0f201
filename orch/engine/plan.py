"""Saved plans: what ``orch plan -o`` records and what ``orch apply`` holds a run to.

A plan records, per host and step, the predicted status and the agent's
fingerprint of that prediction (its decision and the diff it was based on).
Applying re-checks each step in the agent just before changing anything and
refuses the host when the fingerprint differs: the host drifted since the plan.
The plan also pins the playbook, the inventory and the variables it was made
for; a plan for anything else is refused as a whole.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from orch.errors import DriftError, ParseError

FORMAT = "orch-plan/1"
NOT_PLANNED = "not-planned"  # the fingerprint given for a step the plan does not have


def step_key(task, index: int | None) -> str:
    """A step's name in a plan: where it is written, and its loop item."""
    return f"{task.location}" + (f"[{index}]" if index is not None else "")


def _sha(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=repr).encode()).hexdigest()


def identity(playbook, inventory, options) -> dict[str, str]:
    """Fingerprints of what a plan was made for."""
    files = sorted({task.location.file for play in playbook.plays for task in _all_tasks(play)}
                   | {playbook.path})
    contents = {}
    for path in files:
        try:
            with open(path, "rb") as handle:
                contents[path] = hashlib.sha256(handle.read()).hexdigest()
        except OSError:
            contents[path] = None
    return {
        "playbook": _sha(contents),
        "inventory": _sha(inventory.to_ansible_list()),
        "variables": _sha({"extra_vars": options.extra_vars, "limit": options.limit, "tags": options.tags,
                           "skip_tags": options.skip_tags}),
    }


def _all_tasks(play):
    from orch.playbook.model import iter_tasks

    for items in (play.pre_tasks, play.tasks, play.post_tasks, play.handlers):
        yield from iter_tasks(items)


@dataclass
class PlanRecorder:
    """Collects the predictions of a check-mode run."""

    hosts: dict[str, dict[str, dict]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, host: str, task, name: str, result: dict) -> None:
        from orch.engine.results import status_of

        items = result.get("results") if isinstance(result.get("results"), list) else None
        entries = [(i, r) for i, r in enumerate(items)] if items is not None else [(None, result)]
        with self._lock:
            steps = self.hosts.setdefault(host, {})
            for index, one in entries:
                steps[step_key(task, index)] = {
                    "task": name, "status": status_of(one), "fingerprint": one.get("_fingerprint"),
                    "diff": _short_diff(one.get("diff")),
                }


def _short_diff(diff: Any) -> Any:
    text = json.dumps(diff, default=str) if diff is not None else None
    return text[:2000] if text else None


class PlanGuard:
    """What an apply run expects of each step, from a saved plan."""

    def __init__(self, hosts: dict[str, dict[str, dict]]) -> None:
        self.hosts = hosts

    def expect(self, host: str, key: str) -> str | None:
        planned = self.hosts.get(host, {}).get(key)
        if planned is None:
            return NOT_PLANNED
        return planned.get("fingerprint")  # None: a controller step, nothing to hold it to

    def planned(self, host: str, key: str) -> dict | None:
        return self.hosts.get(host, {}).get(key)


def save(path: str, playbook_path: str, inventory_sources: list[str], options, ident: dict,
         recorder: PlanRecorder) -> None:
    document = {
        "format": FORMAT, "created": time.time(), "playbook": os.path.abspath(playbook_path),
        "inventory": [os.path.abspath(s) if os.path.exists(s) else s for s in inventory_sources],
        "options": {"limit": options.limit, "tags": options.tags, "skip_tags": options.skip_tags,
                    "extra_vars": options.extra_vars},
        "identity": ident, "hosts": recorder.hosts,
    }
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w") as handle:
        json.dump(document, handle, indent=1, default=str)
    os.replace(tmp, path)


def load(path: str) -> dict:
    try:
        with open(path) as handle:
            document = json.load(handle)
    except (OSError, ValueError) as exc:
        raise ParseError(f"cannot read plan: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ParseError(f"{path} is not an orch plan ({FORMAT})")
    return document


def check_identity(saved: dict, current: dict) -> None:
    for what in ("playbook", "inventory", "variables"):
        if saved.get(what) != current.get(what):
            raise DriftError(f"the plan was made for another {what} than the one given now "
                             f"({what} changed since the plan); make a new plan")
