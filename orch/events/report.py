"""A run record as one self-contained HTML page (inline CSS, no scripts, no external assets).

Sections: recap, a timeline per host (one bar per task, placed by its start and
duration), the slowest tasks, failures with their messages, diffs. Every value
comes from the record, which the bus already masked, and is HTML-escaped here.
"""

from __future__ import annotations

import html
import time

from orch.events.history import Record, diff_lines

_COLOURS = {"ok": "#4caf50", "changed": "#f0a30a", "unknown": "#b05fc7", "failed": "#e53935",
            "unreachable": "#8e0000", "skipped": "#90a4ae"}

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#222;background:#fafafa}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:28px 0 8px;border-bottom:1px solid #ddd}
.meta{color:#555;font-size:13px} code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
table{border-collapse:collapse;font-size:13px} td,th{padding:3px 10px;border-bottom:1px solid #e5e5e5;text-align:left}
th{background:#f0f0f0} td.n{text-align:right}
.status{display:inline-block;padding:1px 8px;border-radius:9px;color:#fff;font-size:12px}
.timeline{position:relative;border-left:1px solid #ccc}
.row{display:flex;align-items:center;height:22px}
.host{width:140px;flex:none;font-size:13px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.lane{position:relative;flex:1;height:16px;background:#eee;border-radius:3px}
.bar{position:absolute;top:0;height:16px;border-radius:2px;min-width:2px;opacity:.9}
.legend span{margin-right:12px;font-size:12px} .legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
.fail{border-left:4px solid #e53935;background:#fff;padding:6px 10px;margin:8px 0}
.diff{background:#fff;border:1px solid #ddd;padding:6px 10px;margin:6px 0;overflow-x:auto}
.add{color:#1b5e20;background:#e8f5e9} .del{color:#b71c1c;background:#ffebee} .hunk{color:#555}
.tasks td{font-size:12px}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _when(stamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp))


def _badge(status: str) -> str:
    return f'<span class="status" style="background:{_COLOURS.get(status, "#607d8b")}">{_e(status)}</span>'


def _recap(record: Record) -> str:
    summary = record.summary()
    keys = list(next(iter(summary.values()), {}).keys())
    head = "".join(f"<th>{_e(k)}</th>" for k in keys)
    rows = "".join(f"<tr><td>{_e(h)}</td>" + "".join(f'<td class="n">{_e(c.get(k, 0))}</td>' for k in keys) + "</tr>"
                   for h, c in summary.items())
    return f'<table id="recap"><tr><th>host</th>{head}</tr>{rows}</table>'


def _timeline(record: Record) -> str:
    results = record.results()
    if not results:
        return "<p>No task ran.</p>"
    start = record.started
    end = max([float(e.get("time", start)) for e in results] + [start + record.duration])
    span = max(end - start, 1e-3)
    lanes = []
    for host in record.hosts():
        bars = []
        for event in (e for e in results if e.get("host") == host):
            duration = float(event.get("duration") or 0)
            begin = float(event.get("time", start)) - duration - start
            left = max(0.0, min(100.0, begin / span * 100))
            width = max(0.2, min(100.0 - left, duration / span * 100))
            status = str(event.get("status"))
            tip = f"{event.get('task')} — {status}, {duration:.2f}s"
            bars.append(f'<div class="bar" title="{_e(tip)}" style="left:{left:.2f}%;width:{width:.2f}%;'
                        f'background:{_COLOURS.get(status, "#607d8b")}"></div>')
        lanes.append(f'<div class="row"><div class="host" title="{_e(host)}">{_e(host)}</div>'
                     f'<div class="lane">{"".join(bars)}</div></div>')
    legend = "".join(f'<span><i style="background:{c}"></i>{s}</span>' for s, c in _COLOURS.items())
    return (f'<div class="timeline" id="timeline">{"".join(lanes)}</div>'
            f'<div class="legend">{legend} <span>0 … {span:.1f}s</span></div>')


def _host_tasks(record: Record) -> str:
    parts = []
    for host in record.hosts():
        rows = "".join(
            f"<tr><td>{_e(e.get('task'))}</td><td>{_badge(str(e.get('status')))}</td>"
            f'<td class="n">{float(e.get("duration") or 0):.2f}s</td></tr>'
            for e in record.results() if e.get("host") == host)
        parts.append(f"<details><summary>{_e(host)}</summary><table class=\"tasks\">{rows}</table></details>")
    return "".join(parts)


def _slowest(record: Record, count: int = 10) -> str:
    rows = "".join(f'<tr><td class="n">{float(e.get("duration") or 0):.2f}s</td><td>{_e(e.get("host"))}</td>'
                   f"<td>{_e(e.get('task'))}</td><td>{_badge(str(e.get('status')))}</td></tr>"
                   for e in record.slowest(count))
    return f'<table id="slowest"><tr><th>time</th><th>host</th><th>task</th><th>status</th></tr>{rows}</table>'


def _failures(record: Record) -> str:
    failures = record.failures()
    if not failures:
        return "<p>None.</p>"
    parts = []
    for event in failures:
        result = event.get("result") or {}
        message = result.get("msg") or ""
        detail = result.get("stderr") or ""
        where = f" <code>{_e(event['location'])}</code>" if event.get("location") else ""
        parts.append(f'<div class="fail"><b>[{_e(event.get("host"))}] {_e(event.get("task"))}</b> '
                     f"{_badge(str(event.get('status')))}{where}<pre>{_e(message)}"
                     f"{chr(10) + _e(detail) if detail else ''}</pre></div>")
    return "".join(parts)


def _diff_html(lines: list[str]) -> str:
    out = []
    for line in lines:
        cls = "hunk" if line.startswith("@@") else "add" if line.startswith("+") else \
            "del" if line.startswith("-") else ""
        out.append(f'<span class="{cls}">{_e(line)}</span>' if cls else _e(line))
    return "\n".join(out)


def _diffs(record: Record) -> str:
    events = record.with_diffs()
    if not events:
        return "<p>None.</p>"
    parts = []
    for event in events:
        body = "\n".join(_diff_html(diff_lines(d)) for d in event["diff"])
        parts.append(f"<div><b>[{_e(event.get('host'))}] {_e(event.get('task'))}</b>"
                     f'<pre class="diff">{body}</pre></div>')
    return "".join(parts)


def render_report(record: Record) -> str:
    totals = record.totals()
    book = record.header.get("playbook") or ""
    argv = " ".join(record.header.get("argv", []))
    title = f"orch {record.command} {book.rsplit('/', 1)[-1]}".strip()
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{_e(title)} — {_e(record.id)}</title>
<style>{_CSS}</style></head><body>
<h1>{_e(title)} {_badge(record.status)}</h1>
<div class="meta">run <code>{_e(record.id)}</code> · started {_e(_when(record.started))} ·
took {record.duration:.1f}s · {len(record.hosts())} hosts · ok {totals['ok']} · changed {totals['changed']} ·
failed {totals['failed']} · unreachable {totals['unreachable']}<br><code>orch {_e(argv)}</code></div>
<h2>Recap</h2>{_recap(record)}
<h2>Timeline</h2>{_timeline(record)}
<h2>Tasks per host</h2>{_host_tasks(record)}
<h2>Slowest tasks</h2>{_slowest(record)}
<h2 id="failures">Failures ({len(record.failures())})</h2>{_failures(record)}
<h2 id="diffs">Diffs ({len(record.with_diffs())})</h2>{_diffs(record)}
</body></html>
"""
