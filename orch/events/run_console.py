"""Console sink for playbook runs, in the shape Ansible users know.

Hosts run freely, so results of different tasks arrive interleaved. The sink
groups them back per task: a task's lines are printed once every host of the
batch has either reported a later task or finished, so the output reads like
Ansible's (one header per task, its hosts below) while no host waits.
"""

from __future__ import annotations

import json
from typing import IO

import click

from orch.events import Event, json_default
from orch.engine.results import is_failed

_COLOURS = {"ok": "green", "changed": "yellow", "failed": "red", "unreachable": "red", "skipped": "cyan",
            "unknown": "magenta", "ignored": "cyan"}
_WORDS = {"ok": "ok", "changed": "changed", "skipped": "skipping", "unknown": "unknown"}


def _rule(title: str) -> str:
    return f"{title} " + "*" * max(3, 78 - len(title))


class RunConsoleSink:
    def __init__(self, stream: IO[str], color: bool, verbosity: int = 0, show_diff: bool = False) -> None:
        self.stream = stream
        self.color = color
        self.verbosity = verbosity
        self.show_diff = show_diff
        self._last_task: str | None = None
        self._hosts: list[str] = []
        self._done: set[str] = set()
        self._groups: list[dict] = []  # {"key", "title", "events"}, unflushed, in first-seen order
        self._host_group: dict[str, int] = {}  # host -> absolute index of the last group it reported to
        self._flushed = 0  # absolute index of self._groups[0]
        self._args: dict[tuple, dict] = {}  # (host, task) -> module arguments as written (-vvv)

    def _out(self, text: str, colour: str | None = None) -> None:
        self.stream.write((click.style(text, fg=colour) if self.color and colour else text) + "\n")
        self.stream.flush()

    def handle(self, event: Event) -> None:
        handler = getattr(self, "on_" + event.kind, None)
        if handler is not None:
            handler(event)

    def on_play_started(self, event: Event) -> None:
        self._flush(everything=True)
        self._out("\n" + _rule(f"PLAY [{event.data.get('play')}]"))
        self._last_task = None

    def on_batch_started(self, event: Event) -> None:
        self._flush(everything=True)
        self._hosts = list(event.data.get("hosts", []))
        self._done = set()
        self._host_group = {}

    def on_host_done(self, event: Event) -> None:
        self._done.add(event.host)
        self._flush()

    def on_task_result(self, event: Event) -> None:
        key = (event.task, event.data.get("location"), bool(event.data.get("handler")))
        last = self._host_group.get(event.host, self._flushed - 1)
        index = next((self._flushed + i for i, g in enumerate(self._groups)
                      if g["key"] == key and self._flushed + i > last), None)
        if index is None:
            self._groups.append({"key": key, "events": []})
            index = self._flushed + len(self._groups) - 1
        self._groups[index - self._flushed]["events"].append(event)
        self._host_group[event.host] = index
        self._flush()

    def _flush(self, everything: bool = False) -> None:
        while self._groups:
            index = self._flushed
            waiting = [h for h in self._hosts if h not in self._done and self._host_group.get(h, -1) <= index]
            if waiting and not everything:
                return
            group = self._groups.pop(0)
            self._flushed += 1
            for event in group["events"]:
                self._print_result(event)

    def on_task_started(self, event: Event) -> None:
        if "args" in event.data:  # only sent at -vvv
            self._args[(event.host, event.task)] = event.data["args"]

    def on_warning(self, event: Event) -> None:
        self._out(f"[WARNING]: {event.data.get('message')}", "magenta")

    def _print_result(self, event: Event) -> None:
        data = event.data
        title = f"{'RUNNING HANDLER' if data.get('handler') else 'TASK'} [{event.task}]"
        if title != self._last_task:
            self._out("\n" + _rule(title))
            if self.verbosity >= 2 and data.get("location"):
                self._out(f"task path: {data['location']}")
            self._last_task = title
        args = self._args.pop((event.host, event.task), None)
        if args is not None:
            self._out(f"[{event.host}] {data.get('action', '')} args: {self._json(args)}", "blue")
        status = data["status"]
        result = data.get("result", {})
        if data.get("async"):  # a polled background job: its checks and its end, in Ansible's words
            job = data["async"]
            for _ in range(job.get("polls", 0)):
                self._out(f"ASYNC POLL on {event.host}: jid={job['jid']} started=True finished=False", "blue")
            self._out(f"ASYNC {'FAILED' if status == 'failed' else 'OK'} on {event.host}: jid={job['jid']}", "blue")
        if status == "failed":
            word = "...ignoring" if data.get("ignored") else ""
            self._out(f"fatal: [{event.host}]: FAILED! => {self._json(result)}", "red")
            if word:
                self._out(word, "cyan")
        elif status == "unreachable":
            self._out(f"fatal: [{event.host}]: UNREACHABLE! => {self._json(result)}", "red")
        else:
            items = result.get("results", []) if "results" in result and data.get("action") != "setup" else None
            if items:  # a loop: one line per item, as Ansible prints it
                for item in items:
                    self._item(event.host, item)
                if not self.verbosity:
                    return self._diff(result) if self.show_diff else None
            line = f"{_WORDS[status]}: [{event.host}]"
            if self.verbosity:
                line += f" => {self._json(result)}"
            elif data.get("action") == "debug" and status == "ok":
                shown = {k: v for k, v in result.items() if k not in ("changed", "failed")}
                line += f" => {self._json(shown, indent=4)}"
            self._out(line, _COLOURS[status])
        if self.show_diff:
            self._diff(result)
        if self.verbosity >= 2:  # command output as it looks on the host, not JSON-escaped
            for key in ("stdout", "stderr"):
                if isinstance(result.get(key), str) and result[key].strip():
                    self._out(f"{key.upper()}:\n{result[key].rstrip()}")
        for warning in result.get("warnings") or []:
            self._out(f"[WARNING]: [{event.host}] {warning}", "magenta")

    def _item(self, host: str | None, item: dict) -> None:
        status = "failed" if is_failed(item) else "skipped" if item.get("skipped") else \
            "changed" if item.get("changed") else "ok"
        label = item.get("_ansible_item_label", item.get(item.get("ansible_loop_var", "item")))
        word = {"failed": "failed", "skipped": "skipping"}.get(status, status)
        self._out(f"{word}: [{host}] => (item={self._json(label) if not isinstance(label, str) else label})",
                  _COLOURS[status])

    def _diff(self, result: dict) -> None:
        diffs = result.get("diff")
        if not diffs:
            for item in result.get("results", []):
                self._diff(item)
            return
        from orch.events.history import diff_lines

        for diff in diffs if isinstance(diffs, list) else [diffs]:
            for line in diff_lines(diff):
                colour = "green" if line.startswith("+") else "red" if line.startswith("-") else None
                self._out(line, colour)

    def on_summary(self, event: Event) -> None:
        self._flush(everything=True)
        self._out("\n" + _rule("PLAY RECAP"))
        hosts = event.data.get("hosts", {})
        width = max((len(h) for h in hosts), default=0)
        for host, counts in hosts.items():
            colour = "red" if counts.get("failed") or counts.get("unreachable") else \
                "yellow" if counts.get("changed") else "green"
            fields = "  ".join(f"{k}={v}" for k, v in counts.items())
            self._out(f"{host.ljust(width)} : {fields}", colour)

    @staticmethod
    def _json(value, indent: int | None = None) -> str:
        return json.dumps(value, indent=indent, sort_keys=True, default=json_default)
