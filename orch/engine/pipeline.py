"""One step's way from a task to its recorded result, the same for a step alone or in a batch.

    begin    the task's name templated, ``task_started`` announced
    prepare  its context (become, check, environment, delegation) and its arguments,
             templated and validated
    send     to the agent (or a controller action, a foreign module, async, raw) alone;
             or several prepared steps in one request (``send_batch``, batching.py decides which)
    judge    ``changed_when`` / ``failed_when`` on what came back; ``attempts`` repeats
             send and judge under ``until``
    record   register, facts, the plan recorder, the recap, notify, ``task_result``

The worker (worker.py) walks blocks, loops and includes and calls these stages;
batching.py calls the same ones for a run of steps in one round trip.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from orch.booleans import truthy
from orch.engine import actions, py_actions
from orch.engine.argforms import expand_variable_params
from orch.engine.async_tasks import async_settings, run_async, with_async_dir
from orch.engine.contracts import FAILED, OK, UNREACHABLE, Worker
from orch.engine.facts import prefixed
from orch.engine.module_defaults import with_defaults
from orch.engine.results import NO_TRACEBACK, censor, public, registered, status_of
from orch.engine.step import StepContext
from orch.engine.task_args import templated_args
from orch.errors import OrchError, TemplateError, UnreachableError
from orch.foreign import runner as foreign
from orch.templating import is_template

if TYPE_CHECKING:
    from orch.engine.hoststate import HostState
    from orch.playbook.model import Task


# -- begin -----------------------------------------------------------------------


def task_name(worker: Worker, task: "Task", variables: dict) -> str:
    raw = task.display_name
    try:
        return str(worker.run.templar.template(raw, variables))
    except TemplateError:
        return raw


def keyword(worker: Worker, value: Any, task: "Task") -> Any:
    """A task keyword's value, templated with the host's variables when it is a template."""
    if isinstance(value, str) and "{{" in value:
        return worker.run.templar.template(value, worker.run.task_vars(worker.state, task))
    return value


def begin(worker: Worker, task: "Task", variables: dict, handler: bool = False) -> str:
    """The task's name; ``task_started`` for the live console (arguments as written only at -vvv, never for no_log)."""
    name = task_name(worker, task, variables)
    data: dict[str, Any] = {"action": task.module, "handler": handler}
    if worker.run.options.verbosity >= 3:
        try:
            secret = truthy(keyword(worker, task.no_log, task))
        except OrchError:
            secret = True
        if not secret:
            data["args"] = task.args
    worker.run.bus.emit("task_started", host=worker.state.name, task=name, **data)
    return name


# -- prepare ---------------------------------------------------------------------


def _probes_after_change(worker: Worker, step: StepContext) -> bool:
    return step.check and worker.state.would_change and step.task.module in ("uri", "wait_for")


def prepare(worker: Worker, task: "Task", variables: dict, name: str) -> StepContext:
    """The step's context and its templated, validated arguments (``step.args``).

    A probe (uri, wait_for) in check mode after earlier changes is left unprepared
    (``step.args`` None): what it would see cannot be known, so it is not sent."""
    step = worker.run.step_context(worker, task, variables, name)
    if _probes_after_change(worker, step):
        return step
    args = templated_args(worker.run.templar, task, variables, name, worker.run.playbook_dir)
    args = with_defaults(task, expand_variable_params(args, task.location, name), variables, worker.run.templar, name,
                         worker.run.playbook_dir)
    step.args = worker.run.validate(task, args, name)
    if task.module == "async_status":
        step.args = with_async_dir(step, step.args)
    return step


def unknown_inputs(worker: Worker, task: "Task") -> list[str]:
    """Registered variables with unknown (check mode) results that this task mentions."""
    unknown = [name for name, value in worker.state.set_facts.items()
               if isinstance(value, dict) and value.get("unknown")]
    if not unknown:
        return []
    text = repr((task.args, task.when, task.changed_when, task.failed_when, task.until,
                 task.loop.value if task.loop else None, task.vars))
    return [name for name in unknown if name in text]


def error_result(worker: Worker, task: "Task", exc: OrchError) -> dict:
    """The result of a step that could not be prepared or sent."""
    if isinstance(exc, UnreachableError):
        return {"unreachable": True, "changed": False, "msg": exc.message}
    if isinstance(exc, TemplateError):
        unknown = unknown_inputs(worker, task)
        if unknown:
            # In check mode a result that could not be known makes what reads it unknown too.
            return {"changed": True, "unknown": True,
                    "msg": f"depends on the unknown result of {', '.join(unknown)}"}
        return {"failed": True, "changed": False, "msg": f"Task failed: {exc}"}  # Ansible's wording
    return {"failed": True, "changed": False, "msg": exc.message}


# -- send ------------------------------------------------------------------------


def send(step: StepContext) -> dict:
    """One prepared step, alone: to the agent, or where its kind of task runs."""
    task, args = step.task, step.args
    if args is None:
        return {"changed": False, "unknown": True,
                "msg": "would probe the host after earlier changes: result unknown in check mode"}
    if task.action_plugin is not None:
        return py_actions.run(step, args)
    # Ansible's check mode runs the job in the background too (checking); a plan cannot see into one.
    background = async_settings(step) if task.async_val is not None and not (step.check and step.overlay) else None
    if background is not None and task.module not in actions.CONTROLLER_ACTIONS:
        return run_async(step, task.module, args, *background)
    if task.foreign is not None:
        return foreign.run(step, args)
    if task.module in actions.CONTROLLER_ACTIONS:
        return actions.CONTROLLER_ACTIONS[task.module](step, args)
    if task.module in actions.PREPARED_ACTIONS:
        return actions.PREPARED_ACTIONS[task.module](step, args)
    if task.module == "raw":
        return step.worker.run.raw(step, args)
    if task.module in ("setup", "gather_facts"):
        result = step.agent_run("setup", args)
        if isinstance(result.get("ansible_facts"), dict):
            result["ansible_facts"] = prefixed(result["ansible_facts"])
        return result
    return step.agent_run(task.module, args)


def send_batch(worker: Worker, steps: list[StepContext], wires: list[tuple[str, dict]]) -> list[dict[str, Any]]:
    """Prepared agent steps in one request (``wires``: each one's module and arguments as sent).

    The agent stops at the first failed step: fewer results than steps come back then."""
    if not steps:
        return []
    messages = [{"module": module, "args": args, "check": step.check, "diff": step.diff,
                 "environment": step.environment, "overlay": step.overlay,
                 "ignore_errors": step.task.failed_when is not None or step.task.ignore_errors is True}
                for step, (module, args) in zip(steps, wires)]
    session = worker.session_for(steps[0])
    results: list[dict[str, Any]] = []
    completed: set[int] = set()  # steps sent again with the parts their host lacked
    try:
        while len(results) < len(messages):
            at = len(results)
            answered = session.batch(messages[at:])
            needy = at + len(answered) - 1
            needs = bool(answered) and "_needs" in answered[-1] and needy not in completed
            if needs:
                # A foreign module the host lacks parts of: send them with it, and the steps after it.
                completed.add(needy)
                messages[needy] = dict(messages[needy], args=foreign.complete(steps[needy], messages[needy]["args"],
                                                                              answered[-1]["_needs"]))
                answered = answered[:-1]
            for step, result in zip(steps[at:], answered):
                if step.task.foreign is not None:
                    foreign.delivered(step)
                    foreign.finish(step, result)  # in a plan, may turn a failure into unknown
            results += answered
            if needs:
                continue
            if not answered or len(results) < len(messages) and results[-1].get("failed"):
                break  # the agent stopped at a failure: the steps after it did not run
    except UnreachableError as exc:
        return [{"unreachable": True, "changed": False, "msg": exc.message}]
    return results


# -- judge -----------------------------------------------------------------------


def judge(worker: Worker, task: "Task", result: dict, variables: dict, name: str) -> dict:
    """``changed_when`` / ``failed_when``, seeing the result under the register name."""
    if result.get("unreachable") or result.get("unknown") or (task.changed_when is None and task.failed_when is None):
        # An unknown (check mode) result has no output to judge: it stays unknown.
        return result
    check_vars = dict(variables, **({task.register: registered(result)} if task.register else {}))
    check_vars.update({k: v for k, v in registered(result).items() if k not in check_vars})
    for word in ("changed_when", "failed_when"):
        condition = getattr(task, word)
        if condition is None:
            continue
        try:
            holds = worker.run.templar.is_true(condition, check_vars, location=task.location, task=name)
        except TemplateError as exc:
            if unknown_inputs(worker, task):
                raise  # check mode: it reads an unknown result, so it is unknown too (see error_result)
            # As in Ansible: the task fails, and keeps the module's output for register and rescue.
            result.update(failed=True, **{f"{word}_result": f"error while evaluating conditional: {exc}"})
            result.setdefault("msg", f"{word}: {exc}")
            return result
        if word == "changed_when":
            result["changed"] = holds
        else:
            if result.get("failed") and not holds:  # the module's own failure, overruled
                result["failed_when_suppressed_exception"] = result.pop("exception", NO_TRACEBACK)
            result.update(failed_when_result=holds, failed=holds)
            if holds:
                result.setdefault("msg", "failed_when condition was true")
    return result


def _once(worker: Worker, task: "Task", variables: dict, name: str) -> dict:
    if task.search is not None and is_template(task.module):
        task = foreign.concrete(task, variables, worker.run.templar)  # action: "{{ pkg_mgr }}"
    return send(prepare(worker, task, variables, name))


def attempts(worker: Worker, task: "Task", variables: dict, name: str) -> dict:
    """Prepare, send and judge a step; again, as ``until``/``retries``/``delay`` say."""
    templar = worker.run.templar
    # As in Ansible: `retries` alone retries until the task succeeds; `until` alone retries 3 times.
    retries = templar.template(task.retries, variables) if task.retries is not None else (3 if task.until else 0)
    tries = max(int(retries), 0) + 1
    if tries == 1:
        return judge(worker, task, _once(worker, task, variables, name), variables, name)
    delay = templar.template(task.delay, variables) if task.delay is not None else 5
    result: dict = {}
    for attempt in range(1, tries + 1):
        result = _once(worker, task, variables, name)
        result["attempts"] = attempt  # changed_when/failed_when may read it, as in Ansible
        result = judge(worker, task, result, variables, name)
        if result.get("unknown"):
            return result
        check_vars = dict(variables, **({task.register: registered(result)} if task.register else {}))
        if not result.get("unreachable") and (
                templar.is_true(task.until, check_vars, location=task.location, task=name)
                if task.until is not None else not result.get("failed")):
            result.pop("failed", None) if not result.get("failed") else None
            return result
        if attempt < tries:
            result["retries"] = tries
            time.sleep(float(delay))
    result["failed"] = True
    result["attempts"] = tries - 1  # what Ansible reports once the retries ran out
    result.setdefault("msg", "Retries exhausted")
    return result


# -- record ----------------------------------------------------------------------


def register(worker: Worker, task: "Task", result: dict, state: "HostState | None" = None) -> None:
    if task.register:
        state = state or worker.state
        with state.lock:
            state.set_facts[task.register] = registered(result)


def shared(worker: Worker, task: "Task", result: dict) -> dict:
    """A run_once task's result, its facts and its register given to every other active host of
    the batch before they go on (as Ansible does, also for hosts that never reach the task: the
    tasks of an include only the first host ran)."""
    for state in worker.run.others(worker.state):
        register(worker, task, result, state)
        if not task.delegate_facts:
            _apply_facts(worker, task, result, state)
    return result


def _apply_facts(worker: Worker, task: "Task", result: dict, state: "HostState | None" = None) -> None:
    for one in result.get("results", [result]):
        facts = one.get("ansible_facts")
        if not facts or one.get("failed"):
            continue
        target = (state or worker.state) if not task.delegate_facts else worker.run.delegate_state(one.get("_delegate"))
        if one.get("_include_vars"):
            target.include_vars.update(facts)
        elif one.get("_set_fact"):
            target.set_facts.update(facts)
            if one.get("_cacheable"):
                worker.run.store_facts(target, facts, as_given=True)
        else:
            worker.run.store_facts(target, facts, one.get("_plain_facts"))


def failure(worker: Worker, task: "Task", result: dict) -> str:
    worker.last_failure = (task, result)  # for a rescue: ansible_failed_task / ansible_failed_result
    worker.errors_cleared = False  # a failure after clear_host_errors stops the host again
    worker.state.failed = True
    worker.run.host_failed(worker.state)
    return FAILED


def record(worker: Worker, task: "Task", name: str, result: dict, started: float, handler: bool = False) -> str:
    """Register, facts, the plan recorder, the recap and notify; ``task_result``; the outcome."""
    state = worker.state
    result = dict(result)
    result.pop("_ran_on", None)
    register(worker, task, result)
    _apply_facts(worker, task, result)
    recorder = worker.run.options.plan_recorder
    if recorder is not None:
        recorder.record(state.name, task, name, result)
    if result.get("drift") or any(r.get("drift") for r in result.get("results", [])):
        state.drifted = name
    status = status_of(result)
    missing = None
    if status in ("changed", "unknown"):
        state.would_change = True
        if task.notify:
            try:
                missing = worker.run.notify(worker, task)
            except TemplateError as exc:
                result, status = {**result, "failed": True, "msg": f"Task failed: {exc}"}, "failed"
    ignored = status == "failed" and truthy(keyword(worker, task.ignore_errors, task))
    if status == "unreachable" and truthy(keyword(worker, task.ignore_unreachable, task)):
        status, ignored = "failed", True
    if status in ("ok", "changed", "unknown"):
        state.stats["ok"] += 1
        if status != "ok":  # the recap counts a step that would run as a change
            state.stats["changed"] += 1
    elif status == "skipped":
        state.stats["skipped"] += 1
    elif ignored:  # Ansible's recap counts an ignored failure as ok too
        state.stats["ok"] += 1
        state.stats["ignored"] += 1
    elif status == "unreachable":
        state.stats["unreachable"] += 1
    else:
        state.stats["failed"] += 1
    shown = censor(result) if truthy(keyword(worker, task.no_log, task)) else public(result)
    worker.run.bus.emit("task_result", host=state.name, task=name, status=status,
                        changed=bool(result.get("changed")), duration=round(time.time() - started, 4),
                        ignored=ignored, handler=handler, action=task.module, result=shown,
                        location=str(task.location), **({"async": result["_async"]} if "_async" in result else {}))
    if missing:  # as Ansible: a notification no handler answers ends the run (error_on_missing_handler)
        raise OrchError(missing, location=task.location, task=name)
    if status == "unreachable" and not ignored:
        state.unreachable = True
        worker.run.host_failed(state)
        return UNREACHABLE
    if status == "failed" and not ignored:
        return failure(worker, task, result)
    return OK
