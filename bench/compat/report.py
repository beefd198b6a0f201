"""RESULTS.md: one row per target, the totals, and the command that made them."""

from __future__ import annotations

import platform
import re
import time
from pathlib import Path

from execute import RunResult
from sdist import CACHE, VERSION, Target


def _load(engine: str, name: str) -> RunResult | None:
    path = CACHE / ("baseline" if engine == "ansible" else "orch") / VERSION / f"{name}.json"
    return RunResult.from_json(path.read_text()) if path.exists() else None


_WORK = re.compile(r"\S*/\.cache/work/\w+/[^/\s]+/test/integration/")  # a run's temporary copy


def _cell(text: str) -> str:
    return _WORK.sub("", text).replace("|", "\\|").replace("\n", " ")


def _steps(result: RunResult) -> str:
    if not result.steps:
        return ""
    if len(result.steps) == 1 and result.steps[0].line == 0:
        return "role"
    return f"runme: {len(result.steps)} run, {len(result.not_run)} not run"


def cause(failure: str) -> str:
    """A failure without its place and particulars, so that alike failures group together."""
    text = re.sub(r"^runme\.sh:\d+: ", "", failure)
    text = re.sub(r"^exit -?\d+, ansible-core -?\d+: ", "", text)
    text = re.sub(r"^\S+:\d+(:\d+)?: ", "", text)  # file:line:column of orch's load errors
    text = re.sub(r"^[^:]{0,120}? : [^:]{0,160}?: ", "", text)  # "role : task name: "
    text = re.sub(r"^[^:'\"]{0,160}?: (?=\S+\.ya?ml:\d+)", "", text)
    text = re.sub(r"^\S+\.(ya?ml|j2):\d+(:\d+)?: ", "", text)
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", text)
    text = re.sub(r"\d+", "N", text)
    return text[:140]


def causes(targets: list[Target]) -> list[tuple[str, list[str]]]:
    """Failure causes of orch, most frequent first, each with the targets it stops."""
    groups: dict[str, list[str]] = {}
    for target in targets:
        base, orch = _load("ansible", target.name), _load("orch", target.name)
        if target.run and base and base.status == "pass" and orch and orch.status != "pass":
            groups.setdefault(cause(_WORK.sub("", orch.failure)), []).append(target.name)
    return sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))


def write_results(targets: list[Target], path: Path, command: str, elapsed: float | None, jobs: int) -> str:
    rows, excluded, counted, passed = [], [], 0, 0
    for target in targets:
        if not target.run:
            excluded.append(f"| {target.name} | {_cell(target.note)} |")
            continue
        base, orch = _load("ansible", target.name), _load("orch", target.name)
        if base is None:
            rows.append(f"| {target.name} | | not measured | | |")
            continue
        if base.status == "pass" and orch is not None:
            counted += 1
            passed += orch.status == "pass"
        base_cell = base.status if base.status == "pass" else f"{base.status}: {_cell(base.failure)}"
        orch_cell = orch.status if orch else "—"
        failure = _cell(orch.failure) if orch and orch.status != "pass" else ""
        rows.append(f"| {target.name} | {_steps(base)} | {base_cell} | {orch_cell} | {failure} |")
    share = f"{100 * passed / counted:.0f}%" if counted else "n/a"
    summary = f"orch passes {passed} of {counted} targets that ansible-core passes ({share})"
    minutes = f"{elapsed / 60:.1f} min" if elapsed is not None else "no time (from the results cached by earlier runs)"
    text = [
        "# ansible-core's integration targets: ansible-core and orch",
        "",
        f"**{summary}.** {len([t for t in targets if t.run])} targets run, {len(excluded)} listed as not run.",
        "",
        f"Made by `{command}` in {minutes} ({jobs} targets at once; ansible-core {VERSION} from the sdist's "
        f"`test/integration/targets`; {platform.node() and 'this machine'}: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}).",
        "A target counts only where ansible-core passes it on the lab; orch is run only there. `runme: N run, M not run`:",
        "the ansible-playbook lines of runme.sh that were run, and the lines that were not (output checks, other",
        "commands; the reasons are in each target's JSON under `bench/compat/.cache/`).",
        "",
        "| target | kind | ansible-core | orch | orch's first failure |",
        "|---|---|---|---|---|",
        *rows,
        "",
        "## orch's first failures, grouped",
        "",
        "| targets | cause (particulars elided) | which |",
        "|---|---|---|",
        *[f"| {len(names)} | {_cell(text)} | {', '.join(names)} |" for text, names in causes(targets)],
        "",
        "## Not run",
        "",
        "| target | why |",
        "|---|---|",
        *excluded,
        "",
    ]
    path.write_text("\n".join(text))
    return summary
