"""The end of ``orch plan``: per host, how many steps would change."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import IO

from orch.events import Event


class PlanSummarySink:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.counts: dict[str, Counter] = defaultdict(Counter)

    def handle(self, event: Event) -> None:
        if event.kind == "task_result" and event.host:
            self.counts[event.host][event.data.get("status", "ok")] += 1
        elif event.kind == "summary":
            self.stream.write("\nPLAN " + "*" * 74 + "\n")
            for host, counts in self.counts.items():
                line = f"{host}: {counts['changed']} to change, {counts['ok']} ok"
                for extra in ("unknown", "failed", "unreachable"):
                    if counts[extra]:
                        line += f", {counts[extra]} {extra}"
                self.stream.write(line + "\n")
            self.stream.flush()

    def has_changes(self) -> bool:
        return any(c["changed"] or c["unknown"] for c in self.counts.values())
