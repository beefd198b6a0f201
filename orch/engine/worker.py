"""One host's way through a play: blocks, tasks, loops, conditions, results.

A worker runs in its own thread and walks its host's task list without
waiting for other hosts, except at a gate (see gate.py) and for ``run_once``.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from orch.booleans import truthy
from orch.engine import pipeline
from orch.engine.batching import batch_run, run_batch
from orch.engine.contracts import ABORTED, FAILED, OK, UNREACHABLE, PlayServices
from orch.engine.failures import failure_vars
from orch.engine.looping import SkipLoop, breaks, item_vars, loop_control, task_items, with_item_outcome
from orch.engine.results import aggregate, skip_on
from orch.engine.step import StepContext
from orch.errors import HostFailure, IncludedFileError, OrchError, TemplateError, UnreachableError
from orch.playbook.model import Block, Task
from orch.playbook.tags import task_selected
from orch.templating import is_template

if TYPE_CHECKING:
    from orch.engine.hoststate import HostState


class HostWorker:
    """Walks one host through a play; each task goes through the stages of pipeline.py."""

    def __init__(self, run: PlayServices, state: "HostState") -> None:
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
                outcome, done = run_batch(self, batch)  # a run cut short leaves the rest to this loop
                index += done
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
        name = pipeline.begin(self, task, variables, handler)
        started = time.time()
        try:
            run_once = run.templar.template(task.run_once, variables) if is_template(task.run_once) else task.run_once
            if task.module in ("include_tasks", "include_role", "import_tasks", "import_role"):
                if truthy(run_once) and task.module.startswith("include") and not handler:
                    return run.once_include(task, self.state, lambda: self._include(task, variables, name))
                return self._include(task, variables, name)
            if task.module == "meta":
                return self._meta(task, variables, name)
            if (truthy(run_once) or task.module == "add_host") and not handler:  # add_host: once a play, as Ansible
                result = run.once(task, lambda: pipeline.shared(self, task, self._execute(task, variables, name)),
                                  self.state.name)
                if result.get("_ran_on") != self.state.name:
                    pipeline.register(self, task, result)
                    if not result.get("failed") or truthy(pipeline.keyword(self, task.ignore_errors, task)):
                        return OK
                    return pipeline.failure(self, task, result)
            else:
                result = self._execute(task, variables, name)
        except IncludedFileError:
            raise  # the run ends, as in Ansible
        except (UnreachableError, TemplateError, OrchError) as exc:
            result = pipeline.error_result(self, task, exc)
        return pipeline.record(self, task, name, result, started, handler)

    # -- executing a task (loops, conditions, retries) ------------------------

    def _execute(self, task: Task, variables: dict, name: str) -> dict:
        templar = self.run.templar
        if task.loop is None:
            skipped = skip_on(templar, task.when, variables, task.location, name)
            if skipped is not None:
                return {**skipped, "_ran_on": self.state.name}
            result = pipeline.attempts(self, task, variables, name)
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
                    one = pipeline.attempts(self, task, item_vars_, name)
                except UnreachableError:
                    raise
                except OrchError as exc:  # as in Ansible: this item failed (bad arguments), the loop goes on
                    one = pipeline.error_result(self, task, exc)
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

    # -- includes and meta ------------------------------------------------

    def _include(self, task: Task, variables: dict, name: str) -> str:
        if task.loop is None:
            return self._include_once(task, variables, name, {})
        try:
            items = self._loop_items(task, variables, name)
        except SkipLoop:
            return self._include_skipped(task, name, variables)
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
            return self._include_skipped(task, name, variables)
        items = self.run.included_items(task, variables, name)
        if task.module in ("include_tasks", "include_role"):
            self.state.stats["ok"] += 1  # as Ansible's recap: each file included (per loop item) counts
        outer = self.state.include_params
        self.state.include_params = {**outer, **loop_vars}
        try:
            return self.run_items(items)
        finally:
            self.state.include_params = outer

    def _include_skipped(self, task: Task, name: str, variables: dict) -> str:
        """An include its ``when`` rules out: registered as a skipped task is (Ansible's skip_reason)."""
        result = skip_on(self.run.templar, task.when, variables, task.location, name) or {
            "changed": False, "skipped": True, "skip_reason": "Conditional result was False"}
        pipeline.register(self, task, result)
        self.run.bus.emit("task_result", host=self.state.name, task=name, status="skipped", changed=False,
                          duration=0, ignored=False, handler=False, action=task.module,
                          result=result, location=str(task.location))
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
            self.run.clear_facts(self.state)
            return OK
        raise HostFailure(f"meta: {action!r} is not supported by orch", location=task.location, task=name)

    # -- connections ------------------------------------------------------

    def session_for(self, step: StepContext):
        connection = self.state.connection if step.delegate_to is None else self.run.delegate_connection(step.delegate_to)
        if connection is None:
            connection = self.run.connect(self.state)
        return connection.session(become=step.become, become_user=step.become_user,
                                  become_method=step.become_method,
                                  become_password=step.become_password or self.run.options.become_password,
                                  remote_user=step.remote_user, become_flags=step.become_flags,
                                  become_exe=step.become_exe, sudo_chdir=step.sudo_chdir,
                                  su_prompts=step.su_prompts)
