"""What the engine knows about one host during a run."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from orch.engine.hostconn import HostConnection

RECAP_KEYS = ("ok", "changed", "unreachable", "failed", "skipped", "rescued", "ignored")


@dataclass
class HostState:
    name: str
    inventory_vars: dict[str, Any]
    group_names: list[str]
    connection: HostConnection | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    fact_vars: dict[str, Any] = field(default_factory=dict)  # ansible_* copies of facts
    cached_facts: dict[str, Any] = field(default_factory=dict)  # the facts under their Ansible names (fact_cache.py)
    include_vars: dict[str, Any] = field(default_factory=dict)
    set_facts: dict[str, Any] = field(default_factory=dict)  # set_fact and register
    # The loop variables of the include_tasks/include_role being run (its tasks see them).
    include_params: dict[str, Any] = field(default_factory=dict)
    stats: Counter = field(default_factory=Counter)
    failed: bool = False
    unreachable: bool = False
    notified: list[str] = field(default_factory=list)  # notifications not yet turned into handlers
    handlers_due: set[int] = field(default_factory=set)  # the handlers (ids) notified, not yet run
    # Some step changed (or, in check mode, would change) this host in this run: read-only
    # probes (uri, wait_for) in check mode cannot know what they would see any more.
    would_change: bool = False
    drifted: str | None = None  # applying a saved plan: the step where the host was not as planned
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def active(self) -> bool:
        return not (self.failed or self.unreachable)

    def recap(self) -> dict[str, int]:
        return {key: self.stats.get(key, 0) for key in RECAP_KEYS}

    def notify(self, names: list[str]) -> None:
        with self.lock:
            for name in names:
                if name not in self.notified:
                    self.notified.append(name)
