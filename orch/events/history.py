"""Reading run records back: the history list, one run's details, drift over time.

Records are written by recording.py (its docstring has the format). A record
cut short (killed, disk full) still reads: a broken last line is ignored and a
missing ``record_end`` shows as status ``killed``.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orch.errors import UsageError

CHANGES = ("changed", "unknown")  # a plan step that would change (or might: unknown) the host


@dataclass
class Record:
    path: Path
    header: dict[str, Any]
    events: list[dict[str, Any]]
    end: dict[str, Any] | None

    @property
    def id(self) -> str:
        return str(self.header.get("id", self.path.stem))

    @property
    def command(self) -> str:
        return str(self.header.get("command", "?"))

    @property
    def started(self) -> float:
        return float(self.header.get("time", 0.0))

    @property
    def status(self) -> str:
        return str(self.end.get("status")) if self.end else "killed"

    @property
    def duration(self) -> float:
        if self.end and "duration" in self.end:
            return float(self.end["duration"])
        times = [e.get("time", self.started) for e in self.events]
        return (max(times) - self.started) if times else 0.0

    @property
    def is_plan(self) -> bool:
        """``orch plan`` records, and ``orch run --check`` ones (a check run is a plan)."""
        if self.command == "plan":
            return True
        started = next((e for e in self.events if e.get("event") == "run_started"), {})
        return self.command == "run" and bool(started.get("check"))

    def results(self) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("event") == "task_result"]

    def hosts(self) -> list[str]:
        summary = self.summary()
        if summary:
            return list(summary)
        seen: dict[str, None] = {}
        for event in self.results():
            seen.setdefault(event.get("host", "?"), None)
        return list(seen)

    def summary(self) -> dict[str, dict[str, int]]:
        """Per-host recap: the engine's summary, or counted from the results of a cut-short run."""
        for event in reversed(self.events):
            if event.get("event") == "summary":
                return event.get("hosts", {})
        counts: dict[str, dict[str, int]] = {}
        for event in self.results():
            host = counts.setdefault(event.get("host", "?"), {"ok": 0, "changed": 0, "failed": 0, "unreachable": 0})
            status = event.get("status")
            if status in ("ok", *CHANGES):
                host["ok"] += 1
                host["changed"] += status != "ok"
            elif status in ("failed", "unreachable") and not event.get("ignored"):
                host[status] += 1
        return counts

    def totals(self) -> dict[str, int]:
        out = {"ok": 0, "changed": 0, "failed": 0, "unreachable": 0}
        for counts in self.summary().values():
            for key in out:
                out[key] += int(counts.get(key, 0) or 0)
            if self.command == "exec":  # exec's recap is one status per host; a change is also ok
                out["ok"] += int(counts.get("changed", 0) or 0) + int(counts.get("unknown", 0) or 0)
        return out

    def failures(self) -> list[dict[str, Any]]:
        return [e for e in self.results() if e.get("status") in ("failed", "unreachable") and not e.get("ignored")]

    def with_diffs(self) -> list[dict[str, Any]]:
        return [e for e in self.results() if e.get("diff")]

    def slowest(self, count: int = 10) -> list[dict[str, Any]]:
        return sorted(self.results(), key=lambda e: -float(e.get("duration") or 0))[:count]


def read_record(path: Path) -> Record:
    header: dict[str, Any] = {}
    events: list[dict[str, Any]] = []
    end = None
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            try:
                data = json.loads(line)
            except ValueError:
                continue  # a line cut short by a killed run
            kind = data.get("event")
            if kind == "record":
                header = data
            elif kind == "record_end":
                end = data
            else:
                events.append(data)
    return Record(path, header, events, end)


def list_records(runs_dir: Path) -> list[Record]:
    if not runs_dir.is_dir():
        return []
    records = []
    for path in sorted(runs_dir.glob("*.jsonl")):
        try:
            records.append(read_record(path))
        except OSError:
            continue
    return sorted(records, key=lambda r: (r.started, r.id))


def find_record(runs_dir: Path, wanted: str) -> Record:
    """By id, unique id prefix, ``last`` or ``~N`` (the N-th most recent, ``~1`` = ``last``)."""
    records = list_records(runs_dir)
    if not records:
        raise UsageError(f"no run records in {runs_dir}")
    if wanted == "last" or (wanted[:1] in ("~", "-") and wanted[1:].isdigit()):
        index = 1 if wanted == "last" else int(wanted[1:])
        if not 1 <= index <= len(records):
            raise UsageError(f"only {len(records)} runs recorded in {runs_dir}")
        return records[-index]
    matches = [r for r in records if r.id == wanted] or [r for r in records if r.id.startswith(wanted)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UsageError(f"no run {wanted!r} in {runs_dir} (see `orch runs`)")
    raise UsageError(f"run id {wanted!r} is ambiguous: {', '.join(r.id for r in matches[:5])}")


def shows_change(diff: Any) -> bool:
    """Whether a diff entry has anything to show: file's, for one, gives its path before and after even
    when nothing changed (as Ansible's, whose console then prints nothing)."""
    return isinstance(diff, dict) and ("prepared" in diff or diff.get("before", "") != diff.get("after", ""))


def diff_lines(diff: dict[str, Any]) -> list[str]:
    """One diff entry (Ansible's before/after or prepared text) as unified-diff lines."""
    if "prepared" in diff:
        return str(diff["prepared"]).splitlines()
    before, after = diff.get("before", ""), diff.get("after", "")
    if before == after:
        return []
    if isinstance(before, str) and isinstance(after, str):
        return [line.rstrip("\n") for line in difflib.unified_diff(
            before.splitlines(True), after.splitlines(True),
            str(diff.get("before_header", "before")), str(diff.get("after_header", "after")))]
    return [f"--- before: {json.dumps(before, sort_keys=True, default=str)}",
            f"+++ after: {json.dumps(after, sort_keys=True, default=str)}"]


@dataclass
class HostDrift:
    host: str
    drifted: bool
    since: float | None          # the first plan of the current streak of non-empty plans
    last_checked: float
    plans: int                   # non-empty plans in that streak
    changes: list[dict[str, Any]] = field(default_factory=list)  # the latest plan's would-be changes
    record: str = ""


def drift(records: list[Record]) -> list[HostDrift]:
    """Per host, from the recorded plans (oldest first): does its latest plan want changes, since when?"""
    per_host: dict[str, HostDrift] = {}
    for record in records:
        if not record.is_plan:
            continue
        changes: dict[str, list[dict[str, Any]]] = {host: [] for host in record.hosts()}
        for event in record.results():
            if event.get("status") in (*CHANGES, "failed", "unreachable"):
                changes.setdefault(event.get("host", "?"), []).append(event)
        for host, found in changes.items():
            previous = per_host.get(host)
            if found:
                since = previous.since if previous and previous.drifted else record.started
                streak = previous.plans + 1 if previous and previous.drifted else 1
                per_host[host] = HostDrift(host, True, since, record.started, streak, found, record.id)
            else:
                per_host[host] = HostDrift(host, False, None, record.started, 0, [], record.id)
    return sorted(per_host.values(), key=lambda d: (not d.drifted, d.host))
