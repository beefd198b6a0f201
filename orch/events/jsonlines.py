"""JSON-lines sink: one event per line, for machines (``--json``) and run logs."""

from __future__ import annotations

import json
from typing import IO

from orch.events import Event, json_default


class JsonLinesSink:
    def __init__(self, stream: IO[str], kinds: set[str] | None = None) -> None:
        self.stream = stream
        self.kinds = kinds

    def handle(self, event: Event) -> None:
        if self.kinds is not None and event.kind not in self.kinds:
            return
        self.stream.write(json.dumps(event.to_dict(), default=json_default, sort_keys=False) + "\n")
        self.stream.flush()
