"""Run records: every run, plan, apply and exec leaves ``.orch/runs/<id>.jsonl``.

A record is a sink on the run's ``EventBus``, so it only ever sees events the
masker has already cleaned. Format (one JSON object per line, ``format`` 1):

- first line  ``{"event": "record", "format": 1, "id", "command", "argv", "playbook",
  "cwd", "orch", "time"}``
- then every bus event as ``Event.to_dict()`` gives it (``time``, ``host``, ``task``,
  and for ``task_result``: ``status``, ``changed``, ``duration``, ``diff`` (a list,
  lifted out of ``result``), ``result``, ``action``, ``location`` ...); the engine's
  ``summary`` event carries the per-host recap
- last line   ``{"event": "record_end", "status", "exit_code", "duration", "time"}``
  with status ``ok``, ``changed``, ``failed``, ``unreachable``, ``error`` or
  ``interrupted`` (Ctrl-C). A record without this line was killed.

A plan is just a record whose command is ``plan`` (``orch runs drift`` reads those).

Commands use one call::

    with open_run_record(bus, "run", sys.argv[1:], playbook=path, runs_dir=opt) as record:
        code = ...run...
        record.finish(code)
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import time
from pathlib import Path
from typing import IO, Any

from orch.events import Event, EventBus, json_default
from orch.events.history import shows_change

FORMAT = 1
SKIPPED_KINDS = {"task_started"}  # live-view only: the result line has everything
_MARKERS = ("orch.toml", "ansible.cfg")
_OFF = {"0", "false", "no", "off"}


def project_root(start: str | os.PathLike) -> Path:
    """The nearest directory from ``start`` up holding orch.toml or ansible.cfg.

    Not above the user's home directory; without a marker, ``start`` itself. (A stray
    .orch/runs is no marker: one in /tmp would collect every run below it.)
    """
    start_path = Path(start).resolve()
    home = Path.home().resolve()
    for folder in (start_path, *start_path.parents):
        if any((folder / m).is_file() for m in _MARKERS):
            return folder
        if folder == home:
            break
    return start_path


def resolve_runs_dir(runs_dir: str | None = None, playbook: str | None = None) -> Path:
    """``--runs-dir``, else ``$ORCH_RUNS_DIR``, else ``.orch/runs`` in the project of the playbook (or cwd)."""
    chosen = runs_dir or os.environ.get("ORCH_RUNS_DIR")
    if chosen:
        return Path(chosen).expanduser()
    base = os.path.dirname(os.path.abspath(playbook)) if playbook else os.getcwd()
    return project_root(base) / ".orch" / "runs"


def new_run_id(now: float | None = None) -> str:
    """Sortable by time to the millisecond, unique across parallel runs: 20240501-101500.123-3f9a.

    Milliseconds matter: a cleanup command and the run after it often start within one second.
    """
    now = now or time.time()
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    return f"{stamp}.{int(now * 1000) % 1000:03d}-{secrets.token_hex(2)}"


def _lift_diff(data: dict[str, Any]) -> dict[str, Any]:
    """A task_result's diffs (also per loop item) as one top-level list, for history and reports."""
    result = data.get("result")
    if not isinstance(result, dict):
        return data
    diffs: list = []
    for one in [result, *[r for r in result.get("results", []) if isinstance(r, dict)]]:
        diff = one.get("diff")
        if diff:
            diffs.extend(d for d in (diff if isinstance(diff, list) else [diff]) if shows_change(d))
    if not diffs:
        return data
    data = dict(data)
    data["diff"] = diffs
    data["result"] = {k: v for k, v in result.items() if k != "diff"}
    return data


class RunRecord:
    """The sink writing one record; also a context manager closing it with a final status."""

    def __init__(self, bus: EventBus, path: Path | None, header: dict[str, Any]) -> None:
        self.bus = bus
        self.path = path
        self.id = header["id"]
        self.started = header["time"]
        self._header = header
        self._stream: IO[str] | None = None
        self._summary: dict[str, dict] = {}
        self._exit_code: int | None = None
        self._closed = False

    # -- sink ----------------------------------------------------------------

    def handle(self, event: Event) -> None:
        if self._closed or self._stream is None or event.kind in SKIPPED_KINDS:
            return
        out = event.to_dict()
        if event.kind == "task_result":
            out = _lift_diff(out)
        elif event.kind == "summary":
            self._summary = event.data.get("hosts", {})
        self._write(out)

    def _write(self, data: dict[str, Any]) -> None:
        assert self._stream is not None
        self._stream.write(json.dumps(data, default=json_default) + "\n")
        self._stream.flush()

    # -- life cycle ----------------------------------------------------------

    def finish(self, exit_code: int) -> None:
        """The command's exit code; the record's status follows from it and the recap."""
        self._exit_code = exit_code

    def _status(self) -> str:
        counts = self._summary.values()
        if any(c.get("unreachable") for c in counts) or self._exit_code == 4:
            return "unreachable"
        if any(c.get("failed") for c in counts) or self._exit_code == 1:
            return "failed"
        if self._exit_code not in (None, 0):
            return "error"
        return "changed" if any(c.get("changed") for c in counts) else "ok"

    def __enter__(self) -> "RunRecord":
        if self.path is not None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._stream = open(self.path, "x", encoding="utf-8")
            except OSError as exc:  # a read-only project must not stop the run
                print(f"[WARNING]: cannot write the run record {self.path}: {exc.strerror}", file=sys.stderr)
                self._stream = None
        if self._stream is not None:
            self._write(self.bus.masker.mask(self._header))
            self.bus.sinks.append(self)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            status = self._status()
        elif issubclass(exc_type, KeyboardInterrupt):
            status = "interrupted"
        else:
            status = "error"
        end: dict[str, Any] = {"event": "record_end", "time": round(time.time(), 6), "status": status,
                               "exit_code": self._exit_code if exc_type is None else
                               (130 if status == "interrupted" else getattr(exc, "exit_code", 1)),
                               "duration": round(time.time() - self.started, 3)}
        if exc is not None and status == "error":
            end["message"] = str(exc)
        # The bus lock: worker threads may still deliver events after a Ctrl-C.
        with self.bus._lock:
            self._closed = True
            if self in self.bus.sinks:
                self.bus.sinks.remove(self)
            if self._stream is not None:
                self._write(self.bus.masker.mask(end))
                self._stream.close()


def open_run_record(bus: EventBus, command: str, argv: list[str], playbook: str | None = None,
                    runs_dir: str | None = None) -> RunRecord:
    """A record of this command's events, to use as ``with open_run_record(...) as record:``.

    ``command``: "run", "plan", "apply", "exec"; ``argv``: the command line as typed (masked
    on writing); ``playbook``: its path, which also places the record (next to the playbook's
    project) unless ``runs_dir`` or ``$ORCH_RUNS_DIR`` says where. ``$ORCH_RECORD=0`` turns
    records off. Call ``record.finish(exit_code)`` before leaving the block.
    """
    from orch import __version__

    now = time.time()
    run_id = new_run_id(now)
    header = {"event": "record", "format": FORMAT, "id": run_id, "command": command, "argv": list(argv),
              "playbook": os.path.abspath(playbook) if playbook else None, "cwd": os.getcwd(),
              "orch": __version__, "time": round(now, 6)}
    enabled = os.environ.get("ORCH_RECORD", "1").strip().lower() not in _OFF
    path = resolve_runs_dir(runs_dir, playbook) / f"{run_id}.jsonl" if enabled else None
    return RunRecord(bus, path, header)
