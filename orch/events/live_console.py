"""The live console (rich): per-host progress while the run goes, then a recap table.

Task results still print as the plain console groups them (one header per task,
its hosts below), above a live table: each host's current task, done/total and
elapsed time. The table is transient: when the run ends it gives way to the recap.
"""

from __future__ import annotations

import time
from typing import IO, Any

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from orch.events import Event
from orch.events.run_console import RunConsoleSink

_STYLE = {"running": "bold blue", "done": "green", "failed": "bold red", "unreachable": "bold red"}


class _ConsoleStream:
    """A text stream for RunConsoleSink that prints whole lines through the live console."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._buffer = ""

    def write(self, text: str) -> int:
        self._buffer += text
        return len(text)

    def flush(self) -> None:
        if not self._buffer:
            return
        text, self._buffer = self._buffer.rstrip("\n"), ""
        self.console.print(Text.from_ansi(text), soft_wrap=True, highlight=False)


class _HostProgress:
    def __init__(self) -> None:
        self.task = "starting"
        self.done = 0
        self.state = "running"
        self.started = time.time()
        self.ended: float | None = None
        self.changed = 0
        self.failed = 0

    def elapsed(self) -> float:
        return (self.ended or time.time()) - self.started


class LiveConsoleSink:
    def __init__(self, stream: IO[str], verbosity: int = 0, show_diff: bool = False,
                 totals: list[int] | None = None) -> None:
        self.console = Console(file=stream, highlight=False)
        self.plain = RunConsoleSink(_ConsoleStream(self.console), color=True, verbosity=verbosity,
                                    show_diff=show_diff)
        self.totals = list(totals or [])
        self.hosts: dict[str, _HostProgress] = {}
        self.play = ""
        self._play_index = -1
        self._started = time.time()
        self.live = Live(console=self.console, get_renderable=self._render, refresh_per_second=6,
                         transient=True, redirect_stdout=False, redirect_stderr=False)
        self._live_on = False

    # -- context manager: the live region never outlives the run ---------------

    def __enter__(self) -> "LiveConsoleSink":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self._stop()
        if exc_type is not None:
            self.plain._flush(everything=True)

    def _start(self) -> None:
        if not self._live_on:
            self.live.start()
            self._live_on = True

    def _stop(self) -> None:
        if self._live_on:
            self.live.stop()
            self._live_on = False

    # -- events ----------------------------------------------------------------

    def handle(self, event: Event) -> None:
        kind = event.kind
        if kind == "run_started":
            self._started = event.time
            self._start()
        elif kind == "play_started":
            self._play_index += 1
            self.play = str(event.data.get("play", ""))
            now = time.time()
            for name in event.data.get("hosts", []):
                progress = self.hosts.setdefault(name, _HostProgress())
                progress.done, progress.task, progress.started, progress.ended = 0, "waiting", now, None
                if progress.state == "done":
                    progress.state = "running"
        elif kind == "task_started" and event.host in self.hosts:
            self.hosts[event.host].task = event.task or ""
        elif kind == "task_result" and event.host:
            self._on_result(event)
        elif kind == "host_done" and event.host in self.hosts:
            progress = self.hosts[event.host]
            progress.ended = time.time()
            if progress.state == "running":
                progress.state, progress.task = "done", "done"
        if kind == "summary":
            self.plain._flush(everything=True)
            self._stop()
            self._recap(event.data.get("hosts", {}))
        else:
            self.plain.handle(event)  # the live region redraws itself (refresh_per_second)

    def _on_result(self, event: Event) -> None:
        progress = self.hosts.setdefault(event.host or "", _HostProgress())
        status = event.data.get("status")
        progress.done += 1
        progress.task = f"{event.task} ({status})"
        if status in ("changed", "unknown"):
            progress.changed += 1
        if status == "unreachable" and not event.data.get("ignored"):
            progress.state, progress.ended = "unreachable", time.time()
        elif status == "failed" and not event.data.get("ignored"):
            progress.state, progress.ended = "failed", time.time()
            progress.failed += 1

    # -- rendering -------------------------------------------------------------

    def _total(self, progress: _HostProgress) -> str:
        if 0 <= self._play_index < len(self.totals):
            return str(max(self.totals[self._play_index], progress.done))
        return "?"

    def _render(self) -> Any:
        table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
        table.add_column("host")
        table.add_column("task", overflow="ellipsis", no_wrap=True, max_width=60)
        table.add_column("done", justify="right")
        table.add_column("changed", justify="right")
        table.add_column("elapsed", justify="right")
        for name, progress in sorted(list(self.hosts.items())):  # list(): the bus thread adds hosts
            table.add_row(Text(name, style=_STYLE.get(progress.state, "")), progress.task,
                          f"{progress.done}/{self._total(progress)}", str(progress.changed),
                          f"{progress.elapsed():.1f}s")
        running = sum(1 for p in self.hosts.values() if p.state == "running")
        title = Text(f"PLAY [{self.play}]  {running} running  {time.time() - self._started:.1f}s", style="bold")
        return Group(title, table)

    def _recap(self, hosts: dict[str, dict]) -> None:
        table = Table(title="PLAY RECAP", title_justify="left", title_style="bold")
        table.add_column("host")
        keys = list(next(iter(hosts.values()), {}).keys())
        for key in keys:
            table.add_column(key, justify="right")
        table.add_column("elapsed", justify="right")
        for name, counts in hosts.items():
            style = "red" if counts.get("failed") or counts.get("unreachable") else \
                "yellow" if counts.get("changed") else "green"
            progress = self.hosts.get(name)
            table.add_row(Text(name, style=style), *[str(counts.get(k, 0)) for k in keys],
                          f"{progress.elapsed():.1f}s" if progress else "")
        self.console.print()
        self.console.print(table)
        self.console.print(f"run time {time.time() - self._started:.1f}s", style="dim")
