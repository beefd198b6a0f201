"""One host's way through a play: blocks, tasks, loops, conditions, results.

A worker runs in its own thread and walks its host's task list without
waiting for other hosts, except at a gate (see gate.py) and for ``run_once``.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from orch.booleans import parse_bool
from orch.engine import actions
from orch.engine.argforms import expand_variable_params
from orch.engine.async_tasks import async_settings, run_async
from orch.engine.batching import batch_run, run_batch
from orch.engine.facts import prefixed
from orch.engine.failures import failure_vars
from orch.engine.looping import SkipLoop, breaks, item_vars, loop_control, task_items, with_item_outcome
from orch.engine.module_defaults import with_defaults
from orch.engine.results import NO_TRACEBACK, aggregate, censor, public, registered, skip_on, status_of
from orch.engine.step import StepContext
from orch.errors import HostFailure, OrchError, TemplateError, UnreachableError
from orch.foreign import runner as foreign
from orch.playbook.model import Block, Task
from orch.playbook.tags import task_selected
from orch.templating import is_template
from orch.yamlsrc import location_of

if TYPE_CHECKING:
    from orch.engine.hoststate import HostState
    from orch.engine.play import PlayRun

OK, FAILED, UNREACHABLE, ABORTED = "ok", "failed", "unreachable", "aborted"


def _value_location(value: Any, message: str):
    """The location of the templated string a template error message quotes."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = _value_location(item, message)
            if found is not None:
                return found
        return None
    if isinstance(value, str) and "{" in value and repr(str(value)) in message:
        return location_of(value)
    return None


def truthy(value: Any) -> bool:
    """A keyword's value as a boolean (``ignore_errors: yes``); other strings are false."""
    if isinstance(value, str):
        return parse_bool(value) is True
    return bool(value)


class HostWorker:
    def __init__(self, run: "PlayRun", state: "HostState") -> None:
        self.run = run
        self.state = state
        self.item_index: int | None = None  # the loop item being run (names the step in plans)
        self.last_failure: tuple[Task, dict] | None = None
        self.errors_cleared = False  # meta: clear_host_errors ran since the host's last failure

    # -- walking items ---------------------------------------------------

    def run_items(self, items: list) -> str:
        index = 0
        while index < len(items):
            item = items[index]
            batch = batch_run(self, items, index) if self.run.options.batch else []
            if batch:
                outcome = run_batch(self, batch)
                index += len(batch)
            else:
                outcome = self.run_block(item) if isinstance(item, Block) else self.run_task(item)
                index += 1
            if outcome != OK:
                return outcome
        return OK

    def run_block(self, block: Block) -> str:
        outcome = self.run_items(block.block)
        if outcome == FAILED and block.rescue:
            # As in Ansible's recap: a rescued failure counts as rescued, not failed.
            self.state.failed = False
            self.state.stats["failed"] -= 1
            self.state.stats["rescued"] += 1
            if self.last_failure is not None:
                with self.state.lock:
                    self.state.set_facts.update(failure_vars(*self.last_failure))
            outcome = self.run_items(block.rescue)
        if block.always and outcome != ABORTED:
            failed_before = self.state.failed
            self.state.failed = False if outcome != UNREACHABLE else self.state.failed
            always = self.run_items(block.always)
            self.state.failed = failed_before or always == FAILED
            if always != OK:
                outcome = always
        if self.errors_cleared and outcome == FAILED:  # meta: clear_host_errors ran: the host goes on
            self.errors_cleared = False
            self.state.failed = False
            self.run.host_recovered(self.state)
            outcome = OK
        return outcome

    # -- one task --------------------------------------------------------

    def run_task(self, task: Task, handler: bool = False) -> str:
        run = self.run
        if run.aborted():
            return ABORTED
        if not handler and not task_selected(task.tags, run.options.tags, run.options.skip_tags):
            return OK
        if not handler and not run.started(task):
            return OK
        position = run.position(task)
        if run.needs_gate(task):
            run.gate.wait_for_others(self.state.name, position)
        else:
            run.gate.at(self.state.name, position)
        variables = run.task_vars(self.state, task)
        name = self._name(task, variables)
        self._announce(task, name, handler)
        started = time.time()
        try:
            if task.module in ("include_tasks", "include_role", "import_tasks", "import_role"):
                return self._include(task, variables, name)
            if task.module == "meta":
                return self._meta(task, variables, name)
            run_once = run.templar.template(task.run_once, variables) if is_template(task.run_once) else task.run_once
            if (truthy(run_once) or task.module == "add_host") and not handler:  # add_host: once a play, as Ansible
                result = run.once(task, lambda: self._execute(task, variables, name))
                if result.get("_ran_on") != self.state.name:
                    self._register(task, result)
                    return OK if not result.get("failed") else self._failure(task, result)
            else:
                result = self._execute(task, variables, name)
        except (UnreachableError, TemplateError, OrchError) as exc:
            result = self._error_result(task, exc)
        return self._finish(task, name, result, started, handler)

    def _error_result(self, task: Task, exc: OrchError) -> dict:
        if isinstance(exc, UnreachableError):
            return {"unreachable": True, "changed": False, "msg": exc.message}
        if isinstance(exc, TemplateError):
            unknown = self._unknown_inputs(task)
            if unknown:
                # In check mode a result that could not be known makes what reads it unknown too.
                return {"changed": True, "unknown": True,
                        "msg": f"depends on the unknown result of {', '.join(unknown)}"}
            return {"failed": True, "changed": False, "msg": f"Task failed: {exc}"}  # Ansible's wording
        return {"failed": True, "changed": False, "msg": exc.message}

    def _announce(self, task: Task, name: str, handler: bool) -> None:
        """``task_started`` for the live console; the arguments as written only at -vvv and never for no_log."""
        data: dict[str, Any] = {"action": task.module, "handler": handler}
        if self.run.options.verbosity >= 3:
            try:
                secret = truthy(self._keyword(task.no_log, task))
            except OrchError:
                secret = True
            if not secret:
                data["args"] = task.args
        self.run.bus.emit("task_started", host=self.state.name, task=name, **data)

    def _unknown_inputs(self, task: Task) -> list[str]:
        """Registered variables with unknown (check mode) results that this task mentions."""
        unknown = [name for name, value in self.state.set_facts.items()
                   if isinstance(value, dict) and value.get("unknown")]
        if not unknown:
            return []
        text = repr((task.args, task.when, task.changed_when, task.failed_when, task.until,
                     task.loop.value if task.loop else None, task.vars))
        return [name for name in unknown if name in text]

    def _name(self, task: Task, variables: dict) -> str:
        raw = task.display_name
        try:
            return str(self.run.templar.template(raw, variables))
        except TemplateError:
            return raw

    def _finish(self, task: Task, name: str, result: dict, started: float, handler: bool) -> str:
        state = self.state
        result = dict(result)
        result.pop("_ran_on", None)
        self._register(task, result)
        self._apply_facts(task, result)
        recorder = self.run.options.plan_recorder
        if recorder is not None:
            recorder.record(state.name, task, name, result)
        if result.get("drift") or any(r.get("drift") for r in result.get("results", [])):
            state.drifted = name
        status = status_of(result)
        if status in ("changed", "unknown"):
            state.would_change = True
        ignored = status == "failed" and truthy(self._keyword(task.ignore_errors, task))
        if status == "unreachable" and truthy(self._keyword(task.ignore_unreachable, task)):
            status, ignored = "failed", True
        if status in ("ok", "changed", "unknown"):
            state.stats["ok"] += 1
            if status != "ok":  # the recap counts a step that would run as a change
                state.stats["changed"] += 1
                if task.notify:
                    state.notify(task.notify)
        elif status == "skipped":
            state.stats["skipped"] += 1
        elif ignored:
            state.stats["ignored"] += 1
        elif status == "unreachable":
            state.stats["unreachable"] += 1
        else:
            state.stats["failed"] += 1
        shown = censor(result) if truthy(self._keyword(task.no_log, task)) else public(result)
        self.run.bus.emit("task_result", host=state.name, task=name, status=status,
                          changed=bool(result.get("changed")), duration=round(time.time() - started, 4),
                          ignored=ignored, handler=handler, action=task.module, result=shown,
                          location=str(task.location))
        if status == "unreachable" and not ignored:
            state.unreachable = True
            self.run.host_failed(state)
            return UNREACHABLE
        if status == "failed" and not ignored:
            return self._failure(task, result)
        return OK

    def _failure(self, task: Task, result: dict) -> str:
        self.last_failure = (task, result)  # for a rescue: ansible_failed_task / ansible_failed_result
        self.errors_cleared = False  # a failure after clear_host_errors stops the host again
        self.state.failed = True
        self.run.host_failed(self.state)
        return FAILED

    def _keyword(self, value: Any, task: Task) -> Any:
        if isinstance(value, str) and "{{" in value:
            return self.run.templar.template(value, self.run.task_vars(self.state, task))
        return value

    def _register(self, task: Task, result: dict) -> None:
        if task.register:
            with self.state.lock:
                self.state.set_facts[task.register] = registered(result)

    def _apply_facts(self, task: Task, result: dict) -> None:
        for one in result.get("results", [result]):
            facts = one.get("ansible_facts")
            if not facts or one.get("failed"):
                continue
            target = self.state if not task.delegate_facts else self.run.delegate_state(one.get("_delegate"))
            if one.get("_include_vars"):
                target.include_vars.update(facts)
            elif one.get("_set_fact"):
                target.set_facts.update(facts)
            else:
                self.run.store_facts(target, facts, one.get("_plain_facts"))

    # -- executing a task (loops, conditions, retries) ------------------------

    def _execute(self, task: Task, variables: dict, name: str) -> dict:
        templar = self.run.templar
        if task.loop is None:
            skipped = skip_on(templar, task.when, variables, task.location, name)
            if skipped is not None:
                return {**skipped, "_ran_on": self.state.name}
            result = self._attempts(task, variables, name)
            result["_ran_on"] = self.state.name
            return result
        try:
            items = self._loop_items(task, variables, name)
        except SkipLoop:
            return {"changed": False, "skipped": True, "skip_reason": "Conditional result was False",
                    "_ran_on": self.state.name}
        control = loop_control(templar, task, variables, name)
        results = []
        for index, item in enumerate(items):
            added = item_vars(control, items, index)
            item_vars_ = {**variables, **added}
            one = skip_on(templar, task.when, item_vars_, task.location, name)
            if one is None:
                self.item_index = index
                try:
                    one = self._attempts(task, item_vars_, name)
                except UnreachableError:
                    raise
                except OrchError as exc:  # as in Ansible: this item failed (bad arguments), the loop goes on
                    one = self._error_result(task, exc)
                finally:
                    self.item_index = None
            one.update({k: v for k, v in added.items() if k != "ansible_loop" or control.get("extended")})
            results.append(one)
            # As in Ansible, later items see what earlier ones set (set_fact building a list up)
            # and the last item's result under the register name.
            variables = with_item_outcome(variables, task.register, one)
            item_vars_ = with_item_outcome(item_vars_, task.register, one)
            if "label" in control:  # it may read this item's result; if it cannot, the item fails
                try:
                    one["_ansible_item_label"] = templar.template(control["label"], item_vars_)
                except TemplateError as exc:
                    one.update(failed=True, msg=exc.message)
            if breaks(templar, task, item_vars_, name):
                break
            if control.get("pause") and index < len(items) - 1:
                time.sleep(float(control["pause"]))
        result = aggregate(results)
        result["_ran_on"] = self.state.name
        return result

    def _loop_items(self, task: Task, variables: dict, name: str) -> list:
        search = StepContext(self, task, name, variables, False, False, False, None, None).search_dirs("files")
        return task_items(self.run.templar, task, variables, name, search)

    def _attempts(self, task: Task, variables: dict, name: str) -> dict:
        templar = self.run.templar
        # As in Ansible: `retries` alone retries until the task succeeds; `until` alone retries 3 times.
        retries = templar.template(task.retries, variables) if task.retries is not None else (3 if task.until else 0)
        attempts = max(int(retries), 0) + 1
        if attempts == 1:
            return self._judge(task, self._module(task, variables, name), variables, name)
        delay = templar.template(task.delay, variables) if task.delay is not None else 5
        result: dict = {}
        for attempt in range(1, attempts + 1):
            result = self._module(task, variables, name)
            result["attempts"] = attempt  # changed_when/failed_when may read it, as in Ansible
            result = self._judge(task, result, variables, name)
            if result.get("unknown"):
                return result
            check_vars = dict(variables, **({task.register: registered(result)} if task.register else {}))
            if not result.get("unreachable") and (
                    templar.is_true(task.until, check_vars, location=task.location, task=name)
                    if task.until is not None else not result.get("failed")):
                result.pop("failed", None) if not result.get("failed") else None
                return result
            if attempt < attempts:
                result["retries"] = attempts
                time.sleep(float(delay))
        result["failed"] = True
        result["attempts"] = attempts - 1  # what Ansible reports once the retries ran out
        result.setdefault("msg", "Retries exhausted")
        return result

    def _judge(self, task: Task, result: dict, variables: dict, name: str) -> dict:
        """``changed_when`` / ``failed_when``, seeing the result under the register name."""
        if result.get("unreachable") or result.get("unknown") or (task.changed_when is None and task.failed_when is None):
            # An unknown (check mode) result has no output to judge: it stays unknown.
            return result
        check_vars = dict(variables, **({task.register: registered(result)} if task.register else {}))
        check_vars.update({k: v for k, v in registered(result).items() if k not in check_vars})
        for keyword in ("changed_when", "failed_when"):
            condition = getattr(task, keyword)
            if condition is None:
                continue
            try:
                holds = self.run.templar.is_true(condition, check_vars, location=task.location, task=name)
            except TemplateError as exc:
                if self._unknown_inputs(task):
                    raise  # check mode: it reads an unknown result, so it is unknown too (see _error_result)
                # As in Ansible: the task fails, and keeps the module's output for register and rescue.
                result.update(failed=True, **{f"{keyword}_result": f"error while evaluating conditional: {exc}"})
                result.setdefault("msg", f"{keyword}: {exc}")
                return result
            if keyword == "changed_when":
                result["changed"] = holds
            else:
                if result.get("failed") and not holds:  # the module's own failure, overruled
                    result["failed_when_suppressed_exception"] = result.pop("exception", NO_TRACEBACK)
                result.update(failed_when_result=holds, failed=holds)
                if holds:
                    result.setdefault("msg", "failed_when condition was true")
        return result

    def _module(self, task: Task, variables: dict, name: str) -> dict:
        if task.search is not None and is_template(task.module):
            task = foreign.concrete(task, variables, self.run.templar)  # action: "{{ pkg_mgr }}"
        step = self.run.step_context(self, task, variables, name)
        if step.check and self.state.would_change and task.module in ("uri", "wait_for"):
            return {"changed": False, "unknown": True,
                    "msg": "would probe the host after earlier changes: result unknown in check mode"}
        args = self._templated_args(task, variables, name)
        background = async_settings(step) if task.async_val is not None and not step.check else None
        if background is not None and task.module not in actions.CONTROLLER_ACTIONS:
            return run_async(step, task.module, args, *background)
        if task.foreign is not None:
            return foreign.run(step, args)
        if task.module in actions.CONTROLLER_ACTIONS:
            return actions.CONTROLLER_ACTIONS[task.module](step, args)
        if task.module in actions.PREPARED_ACTIONS:
            return actions.PREPARED_ACTIONS[task.module](step, args)
        if task.module == "raw":
            return self.run.raw(step, args)
        if task.module in ("setup", "gather_facts"):
            result = step.agent_run("setup", args)
            if isinstance(result.get("ansible_facts"), dict):
                result["ansible_facts"] = prefixed(result["ansible_facts"])
            return result
        return step.agent_run(task.module, args)

    def _templated_args(self, task: Task, variables: dict, name: str) -> dict:
        try:
            args = self.run.templar.template(task.args, variables, task=name)
        except TemplateError as exc:
            # Point at the argument that failed, not at the task's first line.
            where = _value_location(task.args, exc.message) or task.location
            raise TemplateError(exc.message, location=where, task=name) from None
        args = with_defaults(task, expand_variable_params(args, task.location, name), variables, self.run.templar, name,
                             self.run.playbook_dir)
        return self.run.validate(task, args, name)

    # -- includes and meta ------------------------------------------------

    def _include(self, task: Task, variables: dict, name: str) -> str:
        if task.loop is None:
            return self._include_once(task, variables, name, {})
        try:
            items = self._loop_items(task, variables, name)
        except SkipLoop:
            return self._include_skipped(task, name)
        for index in range(len(items)):
            control = loop_control(self.run.templar, task, variables, name)
            outcome = self._include_once(task, variables, name, item_vars(control, items, index))
            if outcome != OK:
                return outcome
        return OK

    def _include_once(self, task: Task, variables: dict, name: str, loop_vars: dict) -> str:
        """One include (of a loop's item): its tasks run with the item's variables."""
        variables = {**variables, **loop_vars}
        if not self.run.templar.is_true(task.when, variables, location=task.location, task=name):
            return self._include_skipped(task, name)
        items = self.run.included_items(task, variables, name)
        outer = self.state.include_params
        self.state.include_params = {**outer, **loop_vars}
        try:
            return self.run_items(items)
        finally:
            self.state.include_params = outer

    def _include_skipped(self, task: Task, name: str) -> str:
        self.run.bus.emit("task_result", host=self.state.name, task=name, status="skipped", changed=False,
                          duration=0, ignored=False, handler=False, action=task.module,
                          result={"skipped": True}, location=str(task.location))
        self.state.stats["skipped"] += 1
        return OK

    def _meta(self, task: Task, variables: dict, name: str) -> str:
        action = str(task.args.get("_raw_params", "")).strip()
        if not self.run.templar.is_true(task.when, variables, location=task.location, task=name):
            return OK
        if action == "flush_handlers":
            return self.run.flush_handlers(self)
        if action in ("end_host",):
            return ABORTED
        if action in ("end_play",):
            self.run.end_play()
            return ABORTED
        if action == "clear_host_errors":  # the failure being handled (a block's always) no longer stops the host
            self.errors_cleared = True
            return OK
        if action in ("noop", "refresh_inventory", "reset_connection"):
            if action == "reset_connection" and self.state.connection is not None:
                self.state.connection.close()
            return OK
        if action == "clear_facts":
            self.state.facts.clear()
            self.state.fact_vars.clear()
            return OK
        raise HostFailure(f"meta: {action!r} is not supported by orch", location=task.location, task=name)

    # -- connections ------------------------------------------------------

    def session_for(self, step: StepContext):
        connection = self.state.connection if step.delegate_to is None else self.run.delegate_connection(step.delegate_to)
        if connection is None:
            connection = self.run.connect(self.state)
        return connection.session(become=step.become, become_user=step.become_user,
                                  become_method=step.become_method,
                                  become_password=step.become_password or self.run.options.become_password)
