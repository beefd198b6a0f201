"""Typed events: the engine and transports emit them, sinks render them.

Nothing below the CLI prints. A run hands every event to an ``EventBus``;
sinks (console, JSON lines, run history) decide what to show or record.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Protocol

if TYPE_CHECKING:
    from orch.events.masking import Masker


@dataclass
class Event:
    """``kind`` names the event (``task_result``, ``host_unreachable``, ``summary`` ...)."""

    kind: str
    host: str | None = None
    task: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    time: float = field(default_factory=time.time)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"event": self.kind, "time": round(self.time, 6)}
        if self.host is not None:
            out["host"] = self.host
        if self.task is not None:
            out["task"] = self.task
        out.update(self.data)
        return out


def json_default(value: Any) -> str:
    """How sinks write a value JSON has no type for: its text, or its type's name when even
    ``str()`` raises (a Jinja undefined value that slipped into a result must not crash a sink)."""
    try:
        return str(value)
    except Exception:
        return f"<{type(value).__name__}>"


class Sink(Protocol):
    def handle(self, event: Event) -> None: ...


class EventBus:
    """Delivers events to sinks one at a time (workers run in threads), secrets masked first."""

    def __init__(self, sinks: list[Sink] | None = None, masker: "Masker | None" = None) -> None:
        from orch.events.masking import Masker

        self.sinks: list[Sink] = list(sinks or [])
        self.masker = masker or Masker()
        self._lock = threading.Lock()

    def emit(self, kind: str, host: str | None = None, task: str | None = None, **data: Any) -> None:
        if self.masker:
            data = self.masker.mask(data)
            task = self.masker.mask(task)
        event = Event(kind, host, task, data)
        with self._lock:
            for sink in self.sinks:
                sink.handle(event)


class CallbackSink:
    def __init__(self, callback: Callable[[Event], None]) -> None:
        self.callback = callback

    def handle(self, event: Event) -> None:
        self.callback(event)
