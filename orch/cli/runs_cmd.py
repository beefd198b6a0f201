"""``orch runs``: the run history, one run in detail, an HTML report, drift over time."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from orch.cli.errors import exit_with


def _when(stamp: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp)) if stamp else "-"


def _runs_dir(ctx: click.Context, given: str | None) -> Path:
    from orch.events.recording import resolve_runs_dir

    return resolve_runs_dir(given or (ctx.obj or {}).get("runs_dir"))


def runs_dir_option(func):
    return click.option("--runs-dir", metavar="DIR",
                        help="The records' folder (default: $ORCH_RUNS_DIR, else .orch/runs of this project).")(func)


@click.group("runs", invoke_without_command=True)
@runs_dir_option
@click.option("-n", "--last", "count", type=int, default=20, show_default=True, help="How many runs to list.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per run.")
@click.pass_context
def runs_group(ctx: click.Context, runs_dir: str | None, count: int, as_json: bool) -> None:
    """List recorded runs (run, plan, apply, exec), newest last."""
    ctx.ensure_object(dict)
    ctx.obj["runs_dir"] = runs_dir
    if ctx.invoked_subcommand is not None:
        return
    from orch.events.history import list_records

    folder = _runs_dir(ctx, None)
    records = list_records(folder)[-count:] if count > 0 else list_records(folder)
    if as_json:
        for r in records:
            click.echo(json.dumps({"id": r.id, "time": r.started, "command": r.command,
                                   "playbook": r.header.get("playbook"), "hosts": r.hosts(), "status": r.status,
                                   **r.totals(), "duration": round(r.duration, 3)}))
        return
    if not records:
        click.echo(f"no runs recorded in {folder}")
        return
    rows = [("ID", "WHEN", "COMMAND", "PLAYBOOK", "HOSTS", "OK", "CHANGED", "FAILED", "UNREACH", "TIME", "STATUS")]
    for r in records:
        totals = r.totals()
        book = r.header.get("playbook")
        rows.append((r.id, _when(r.started), r.command + (" (check)" if r.is_plan and r.command == "run" else ""),
                     Path(book).name if book else "-", str(len(r.hosts())), str(totals["ok"]),
                     str(totals["changed"]), str(totals["failed"]), str(totals["unreachable"]),
                     f"{r.duration:.1f}s", r.status))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())


@runs_group.command("show")
@click.argument("run_id", default="last")
@runs_dir_option
@click.option("--slowest", type=int, default=5, show_default=True, help="How many of the slowest tasks to show.")
@click.pass_context
def show_command(ctx: click.Context, run_id: str, runs_dir: str | None, slowest: int) -> None:
    """Recap, failures, diffs and slowest tasks of RUN_ID (an id, a prefix, 'last' or ~N: the N-th latest)."""
    from orch.events.history import diff_lines, find_record

    record = find_record(_runs_dir(ctx, runs_dir), run_id)
    book = record.header.get("playbook")
    click.echo(f"run {record.id}: orch {' '.join(record.header.get('argv', [])) or record.command}")
    click.echo(f"  started {_when(record.started)}, took {record.duration:.1f}s, status {record.status}"
               + (f" (exit {record.end.get('exit_code')})" if record.end else ""))
    if book:
        click.echo(f"  playbook {book}")
    if record.end and record.end.get("message"):
        click.echo(f"  error: {record.end['message']}")
    click.echo("\nRECAP")
    summary = record.summary()
    width = max((len(h) for h in summary), default=0)
    for host, counts in summary.items():
        click.echo(f"  {host.ljust(width)} : " + "  ".join(f"{k}={v}" for k, v in counts.items()))
    failures = record.failures()
    if failures:
        click.echo(f"\nFAILURES ({len(failures)})")
        for event in failures:
            result = event.get("result") or {}
            message = result.get("msg") or result.get("stderr") or ""
            click.echo(f"  [{event.get('host')}] {event.get('task')} ({event.get('status')})"
                       + (f" at {event['location']}" if event.get("location") else ""))
            for line in str(message).splitlines() or [""]:
                click.echo(f"      {line}")
    diffs = record.with_diffs()
    if diffs:
        click.echo(f"\nDIFFS ({len(diffs)})")
        for event in diffs:
            click.echo(f"  [{event.get('host')}] {event.get('task')}")
            for diff in event["diff"]:
                for line in diff_lines(diff):
                    click.echo(f"    {line}")
    if slowest > 0 and record.results():
        click.echo("\nSLOWEST TASKS")
        for event in record.slowest(slowest):
            click.echo(f"  {float(event.get('duration') or 0):8.2f}s  [{event.get('host')}] {event.get('task')}")


@runs_group.command("report")
@click.argument("run_id", default="last")
@runs_dir_option
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="HTML file (default: report-<id>.html).")
@click.pass_context
def report_command(ctx: click.Context, run_id: str, runs_dir: str | None, output: str | None) -> None:
    """Write a self-contained HTML report of RUN_ID: timeline per host, slowest tasks, failures, diffs."""
    from orch.events.history import find_record
    from orch.events.report import render_report

    record = find_record(_runs_dir(ctx, runs_dir), run_id)
    target = Path(output or f"report-{record.id}.html")
    target.write_text(render_report(record), encoding="utf-8")
    click.echo(f"wrote {target}")


@runs_group.command("drift")
@runs_dir_option
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def drift_command(ctx: click.Context, runs_dir: str | None, as_json: bool) -> None:
    """Hosts whose latest recorded plan was not empty: what drifted, since when. Exit 3 if any."""
    from orch.events.history import drift, list_records

    folder = _runs_dir(ctx, runs_dir)
    hosts = drift(list_records(folder))
    drifted = [d for d in hosts if d.drifted]
    if as_json:
        for d in hosts:
            click.echo(json.dumps({"host": d.host, "drifted": d.drifted, "since": d.since, "plans": d.plans,
                                   "last_checked": d.last_checked, "record": d.record,
                                   "changes": [{"task": e.get("task"), "status": e.get("status"),
                                                "location": e.get("location")} for e in d.changes]}))
    elif not hosts:
        click.echo(f"no plans recorded in {folder} (record some with `orch plan --record` or `orch run --check`)")
    else:
        for d in drifted:
            click.echo(f"{d.host}: drifted since {_when(d.since)} ({d.plans} plan{'s' if d.plans != 1 else ''}, "
                       f"last {_when(d.last_checked)}, run {d.record})")
            for event in d.changes:
                click.echo(f"    {event.get('status'):<11} {event.get('task')}"
                           + (f"  ({event['location']})" if event.get("location") else ""))
        in_sync = [d for d in hosts if not d.drifted]
        if in_sync:
            click.echo("in sync: " + ", ".join(f"{d.host} ({_when(d.last_checked)})" for d in in_sync))
    exit_with(3 if drifted else 0)
