"""Several consecutive steps of a host in one round trip to its agent (DESIGN §2).

A run of tasks can go together when the controller can prepare each of them
before the earlier ones ran: every one is a plain agent step (no controller
action, loop, retry, run_once, delegation, timeout or gate), they share one agent
session (same become and check settings), and no task reads what an earlier
one of the run registers. The agent stops at the first failed step, so a task
with ``failed_when`` (decided here, afterwards) may only end a run.

Each step of a run goes through the stages of pipeline.py, as a step alone does: begun and
prepared one after another, sent together, then judged and recorded in order.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from orch.connection.options import USER_VARS
from orch.engine import actions, pipeline
from orch.engine.contracts import ABORTED, OK, Worker
from orch.engine.results import skip_on
from orch.errors import OrchError, TemplateError
from orch.foreign import runner as foreign
from orch.playbook.model import Task
from orch.playbook.tags import task_selected
from orch.templating import is_template

if TYPE_CHECKING:
    from orch.engine.step import StepContext

MAX_BATCH = 64
_NOT_BATCHED = frozenset({"include_tasks", "include_role", "import_tasks", "import_role", "meta", "setup",
                          "gather_facts", "raw", "fetch", "script", "uri", "wait_for"})
_SAME = ("become", "become_user", "become_method", "become_flags", "remote_user", "check_mode", "diff", "environment", "no_log")


_SESSION_PREFIXES = ("ansible_become", "ansible_sudo_", "ansible_su_", "ansible_doas_")


def _text(task: Task) -> str:
    return repr((task.args, task.when, task.changed_when, task.failed_when, task.vars, task.environment,
                 task.name, task.notify))


def _session_vars(task: Task) -> dict:
    """A task's own ansible_become* and login user variables: they choose its agent session as
    the keywords do, so a batch never mixes users."""
    return {k: v for k, v in (task.vars or {}).items() if str(k).startswith(_SESSION_PREFIXES) or k in USER_VARS}


def _eligible(worker: Worker, task: Task) -> bool:
    return (isinstance(task, Task) and task.module not in _NOT_BATCHED and not is_template(task.module)
            and task.module not in actions.CONTROLLER_ACTIONS and task.action_plugin is None
            and task.loop is None and not task.until and task.retries is None
            and not task.run_once and not task.delegate_to and not task.timeout and not worker.run.needs_gate(task))


def batch_run(worker: Worker, items: list, start: int) -> list[Task]:
    """The longest run of tasks from ``items[start]`` that may share one round trip."""
    first = items[start]
    if not _eligible(worker, first):
        return []
    run = [first]
    registered = {first.register} if first.register else set()
    for item in items[start + 1:start + MAX_BATCH]:
        # Whether the last one fails is decided here afterwards (failed_when, a templated
        # ignore_errors): the agent could not know whether to go on, so the run ends.
        if (run[-1].failed_when is not None or isinstance(run[-1].ignore_errors, str) or not _eligible(worker, item)
                or foreign.may_set_facts(run[-1])):  # facts a later task may read: known only afterwards
            break
        if any(getattr(item, key) != getattr(first, key) for key in _SAME) or _session_vars(item) != _session_vars(first):
            break
        text = _text(item)
        if any(name in text for name in registered):
            break
        run.append(item)
        if item.register:
            registered.add(item.register)
    return run if len(run) > 1 else []


class _Pending:
    """A task of the run on its way through the pipeline."""
    __slots__ = ("task", "name", "variables", "started", "step", "wire", "result", "alone")

    def __init__(self, task: Task, name: str, variables: dict) -> None:
        self.task, self.name, self.variables = task, name, variables
        self.started = time.time()
        self.step: StepContext | None = None
        self.wire: tuple[str, dict] | None = None
        self.result: dict | None = None
        self.alone = False  # cannot share the trip: it runs on its own, after the steps before it


def run_batch(worker: Worker, tasks: list[Task]) -> tuple[str, int]:
    """Prepare every task, send the agent steps in one message, then judge and record them in order.

    Returns the outcome and how many of ``tasks`` were dealt with: a run cut short (a step
    that must go alone, an error while preparing) leaves the rest to the caller."""
    run, state = worker.run, worker.state
    pending: list[_Pending] = []
    consumed = 0
    for task in tasks:
        if run.aborted():
            break
        consumed += 1
        if not task_selected(task.tags, run.options.tags, run.options.skip_tags) or not run.started(task):
            continue
        run.gate.at(state.name, run.position(task))
        variables = run.task_vars(state, task)
        item = _Pending(task, pipeline.begin(worker, task, variables), variables)
        pending.append(item)
        try:
            item.result = skip_on(run.templar, task.when, variables, task.location, item.name)
            if item.result is not None:
                continue
            item.step = pipeline.prepare(worker, task, variables, item.name)
            # Applying a saved plan (each step is checked on its own), or e.g. a large file: this one
            # goes alone once the steps before it have run, and the run ends with it.
            item.wire = None if item.step.expect is not None else actions.batch_step(item.step, task.module,
                                                                                     item.step.args)
            if item.wire is None:
                item.alone = True
                break
        except (TemplateError, OrchError) as exc:
            item.result = pipeline.error_result(worker, task, exc)
            break
    if not pending and run.aborted():
        return ABORTED, consumed
    sent = [p for p in pending if p.result is None and p.wire is not None]
    results = pipeline.send_batch(worker, [p.step for p in sent], [p.wire for p in sent])
    for item in pending:
        if item.alone:
            item.result = pipeline.attempts(worker, item.task, item.variables, item.name)
        elif item.result is None:
            if not results:
                break  # the agent stopped at an earlier failure: this step never ran
            item.result = pipeline.judge(worker, item.task, results.pop(0), item.variables, item.name)
        outcome = pipeline.record(worker, item.task, item.name, item.result, item.started)
        if outcome != OK:
            return outcome, consumed
    return (ABORTED if run.aborted() else OK), consumed
