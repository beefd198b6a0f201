"""Several consecutive steps of a host in one round trip to its agent (DESIGN §2).

A run of tasks can go together when the controller can prepare each of them
before the earlier ones ran: every one is a plain agent step (no controller
action, loop, retry, run_once, delegation, timeout or gate), they share one agent
session (same become and check settings), and no task reads what an earlier
one of the run registers. The agent stops at the first failed step, so a task
with ``failed_when`` (decided here, afterwards) may only end a run.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from orch.engine import actions
from orch.engine.results import skip_on
from orch.errors import OrchError, TemplateError, UnreachableError
from orch.foreign import runner as foreign
from orch.playbook.model import Task
from orch.playbook.tags import task_selected
from orch.templating import is_template

if TYPE_CHECKING:
    from orch.engine.worker import HostWorker

MAX_BATCH = 64
_NOT_BATCHED = frozenset({"include_tasks", "include_role", "import_tasks", "import_role", "meta", "setup",
                          "gather_facts", "raw", "fetch", "script", "uri", "wait_for"})
_SAME = ("become", "become_user", "become_method", "check_mode", "diff", "environment", "no_log")


def _text(task: Task) -> str:
    return repr((task.args, task.when, task.changed_when, task.failed_when, task.vars, task.environment,
                 task.name, task.notify))


def _become_vars(task: Task) -> dict:
    """A task's own ansible_become* variables: they choose its agent session as the keywords do."""
    return {k: v for k, v in (task.vars or {}).items() if str(k).startswith("ansible_become")}


def _eligible(worker: "HostWorker", task: Task) -> bool:
    return (isinstance(task, Task) and task.module not in _NOT_BATCHED and not is_template(task.module)
            and task.module not in actions.CONTROLLER_ACTIONS and task.loop is None and task.retries is None
            and not task.run_once and not task.delegate_to and not task.timeout and not worker.run.needs_gate(task))


def batch_run(worker: "HostWorker", items: list, start: int) -> list[Task]:
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
        if any(getattr(item, key) != getattr(first, key) for key in _SAME) or _become_vars(item) != _become_vars(first):
            break
        text = _text(item)
        if any(name in text for name in registered):
            break
        run.append(item)
        if item.register:
            registered.add(item.register)
    return run if len(run) > 1 else []


class _Prepared:
    __slots__ = ("task", "name", "variables", "started", "step", "wire", "result")

    def __init__(self, task: Task, name: str, variables: dict) -> None:
        self.task, self.name, self.variables = task, name, variables
        self.started = time.time()
        self.step = None
        self.wire: tuple[str, dict] | None = None
        self.result: dict | None = None


def run_batch(worker: "HostWorker", tasks: list[Task]) -> str:
    """Prepare every task, send the agent steps in one message, then finish them in order."""
    from orch.engine.worker import ABORTED, OK

    run, state = worker.run, worker.state
    prepared: list[_Prepared] = []
    consumed = 0
    for task in tasks:
        if run.aborted():
            break
        consumed += 1
        if not task_selected(task.tags, run.options.tags, run.options.skip_tags) or not run.started(task):
            continue
        run.gate.at(state.name, run.position(task))
        variables = run.task_vars(state, task)
        item = _Prepared(task, worker._name(task, variables), variables)
        worker._announce(task, item.name, False)
        prepared.append(item)
        try:
            item.result = skip_on(run.templar, task.when, variables, task.location, item.name)
            if item.result is not None:
                continue
            item.step = run.step_context(worker, task, variables, item.name)
            if item.step.expect is not None:  # applying a saved plan: each step is checked on its own
                item.result = worker._attempts(task, variables, item.name)
                break
            args = worker._templated_args(task, variables, item.name)
            item.wire = actions.batch_step(item.step, task.module, args)
            if item.wire is None:  # e.g. a large file: this one goes on its own, the run ends here
                item.result = worker._attempts(task, variables, item.name)
                break
        except (TemplateError, OrchError) as exc:
            item.result = worker._error_result(task, exc)
            break
    if not prepared and run.aborted():
        return ABORTED
    results = _send(worker, [p for p in prepared if p.result is None and p.wire is not None])
    for item in prepared:
        if item.result is None:
            if not results:
                break  # the agent stopped at an earlier failure: this step never ran
            item.result = worker._judge(item.task, results.pop(0), item.variables, item.name)
        outcome = worker._finish(item.task, item.name, item.result, item.started, False)
        if outcome != OK:
            return outcome
    for task in tasks[consumed:]:  # the run was cut short: the rest go one by one
        outcome = worker.run_task(task)
        if outcome != OK:
            return outcome
    return ABORTED if run.aborted() else OK


def _send(worker: "HostWorker", items: list[_Prepared]) -> list[dict[str, Any]]:
    if not items:
        return []
    first = items[0].step
    steps = [{"module": module, "args": args, "check": p.step.check, "diff": p.step.diff,
              "environment": p.step.environment, "overlay": p.step.overlay,
              "ignore_errors": p.task.failed_when is not None or p.task.ignore_errors is True}
             for p in items for module, args in [p.wire]]
    session = worker.session_for(first)
    results: list[dict[str, Any]] = []
    completed: set[int] = set()  # steps sent again with the parts their host lacked
    try:
        while len(results) < len(steps):
            at = len(results)
            answered = session.batch(steps[at:])
            needy = at + len(answered) - 1
            needs = bool(answered) and "_needs" in answered[-1] and needy not in completed
            if needs:
                # A foreign module the host lacks parts of: send them with it, and the steps after it.
                completed.add(needy)
                steps[needy] = dict(steps[needy], args=foreign.complete(items[needy].step, steps[needy]["args"],
                                                                        answered[-1]["_needs"]))
                answered = answered[:-1]
            for item, result in zip(items[at:], answered):
                if item.task.foreign is not None:
                    foreign.delivered(item.step)
                    foreign.finish(item.step, result)  # in a plan, may turn a failure into unknown
            results += answered
            if needs:
                continue
            if not answered or len(results) < len(steps) and results[-1].get("failed"):
                break  # the agent stopped at a failure: the steps after it did not run
    except UnreachableError as exc:
        return [{"unreachable": True, "changed": False, "msg": exc.message}]
    return results
