"""Console sink for ad-hoc runs, in the shape Ansible users read every day.

``host | SUCCESS => {json}``, ``host | CHANGED | rc=0 >>`` then the output for
commands, ``host | UNREACHABLE! => {msg}``. Colour only on a terminal.
"""

from __future__ import annotations

import json
from typing import IO

import click

from orch.events import Event

_COLOURS = {"ok": "green", "changed": "yellow", "unknown": "magenta", "failed": "red", "unreachable": "red", "skipped": "cyan"}
_LABELS = {"ok": "SUCCESS", "changed": "CHANGED", "unknown": "UNKNOWN", "failed": "FAILED!", "unreachable": "UNREACHABLE!",
           "skipped": "SKIPPED"}
_COMMAND_MODULES = {"command", "shell", "raw"}


class AdhocConsoleSink:
    def __init__(self, stream: IO[str], color: bool, one_line: bool = False) -> None:
        self.stream = stream
        self.color = color
        self.one_line = one_line
        self.module = ""

    def handle(self, event: Event) -> None:
        if event.kind == "run_started":
            self.module = event.data.get("module", "")
        elif event.kind == "task_result":
            self.stream.write(self.render(event.host or "", event.data["status"], event.data["result"]) + "\n")
            self.stream.flush()

    def render(self, host: str, status: str, result: dict) -> str:
        label = _LABELS[status]
        if status == "unreachable":
            body = f"{host} | {label} => {result.get('msg', '')}"
        elif self.module in _COMMAND_MODULES and "rc" in result and status != "unreachable":
            text = result.get("stdout", "")
            if result.get("stderr"):
                text = (text + "\n" if text else "") + result["stderr"]
            if status == "failed" and result.get("msg") and "rc" not in result:
                text = result["msg"]
            body = f"{host} | {label} | rc={result.get('rc')} >>\n{text}".rstrip("\n")
        else:
            shown = {k: v for k, v in result.items() if k not in ("failed",) or v}
            dumped = json.dumps(shown, indent=None if self.one_line else 4, sort_keys=True, default=str)
            body = f"{host} | {label} => {dumped}"
        return click.style(body, fg=_COLOURS[status]) if self.color else body
