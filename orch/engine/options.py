"""What a playbook run was asked to do (from the command line)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RunOptions:
    limit: str | None = None
    tags: list[str] = field(default_factory=list)
    skip_tags: list[str] = field(default_factory=list)
    extra_vars: dict[str, Any] = field(default_factory=dict)
    forks: int = 25
    check: bool = False
    plan_overlay: bool = False  # orch plan: later checks see what earlier steps would do (run --check: as Ansible)
    diff: bool = False
    become: bool | None = None
    become_user: str | None = None
    become_method: str | None = None
    become_password: str | None = None
    remote_user: str | None = None
    connection: str | None = None
    timeout: float | None = None
    start_at_task: str | None = None
    verbosity: int = 0
    force_handlers: bool = False
    flush_cache: bool = False  # forget the fact cache's facts of the inventory's hosts first
    plan_recorder: Any = None  # orch plan -o: collects predictions (orch.engine.plan.PlanRecorder)
    plan_guard: Any = None  # orch apply: holds steps to a saved plan (orch.engine.plan.PlanGuard)
    batch: bool = True  # consecutive independent steps share one round trip (orch/engine/batching.py)

    def connection_overrides(self) -> dict[str, Any]:
        """CLI flags as connection variables; ``None`` means "not given"."""
        return {"ansible_user": self.remote_user, "ansible_connection": self.connection,
                "ansible_timeout": self.timeout}
