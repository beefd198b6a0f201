"""One play on one batch of hosts: workers in threads, handlers, failure policy."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Callable

from orch.booleans import parse_bool, truthy
from orch.connection.options import USER_VARS
from orch.engine.contracts import FAILED, OK, RunServices
from orch.engine.environment import step_environment
from orch.engine.gate import Gate
from orch.engine.handlers import PlayHandlers
from orch.engine.hostconn import HostConnection
from orch.engine.step import StepContext, task_timeout
from orch.engine.worker import HostWorker
from orch.errors import HostFailure, OrchError
from orch.modules import registry
from orch.playbook.model import Play, Task, iter_tasks
from orch.templating import is_template
from orch.templating.templar import OMIT

if TYPE_CHECKING:
    from orch.engine.hoststate import HostState


def _ordinals(play: Play) -> dict[int, int]:
    """A static position for every task of the play, in walking order."""
    order: dict[int, int] = {}
    for items in (play.pre_tasks, play.tasks, play.post_tasks, play.handlers):
        for task in iter_tasks(items):
            order.setdefault(id(task), len(order) + 1)
    return order


def _flag(value: Any, keyword: str) -> bool:
    """A boolean keyword's value; anything else fails the task when it runs, as in Ansible."""
    flag = parse_bool(value)
    if flag is None:
        raise OrchError(f"{keyword}: The value {str(value)!r} could not be converted to 'bool'")
    return flag


class PlayRun(PlayHandlers):
    def __init__(self, pb: RunServices, play: Play, batch: list["HostState"], play_hosts: list[str]) -> None:
        self.pb = pb
        self.play = play
        self.batch = batch
        self.play_hosts = play_hosts
        self.gate = Gate([s.name for s in batch], max(1, min(pb.options.forks, len(batch))))
        self.ordinals = _ordinals(play)
        self._abort = threading.Event()
        self._once: dict[Any, Any] = {}
        self._once_lock = threading.Lock()
        self.failed_hosts = 0
        self._handler_blocks: tuple[int, list, list[list[Task]]] | None = None
        self._handler_names: dict[int, str | None] = {}

    # -- shared run facilities ------------------------------------------------

    @property
    def templar(self):
        return self.pb.templar

    @property
    def options(self):
        return self.pb.options

    @property
    def bus(self):
        return self.pb.bus

    @property
    def playbook_dir(self) -> str:
        return self.play.basedir or self.pb.playbook_dir

    def aborted(self) -> bool:
        return self._abort.is_set()

    def end_play(self) -> None:
        self._abort.set()

    def started(self, task: Task) -> bool:
        return self.pb.started(task)

    def position(self, task: Task) -> tuple:
        return (self.ordinals.get(id(task), 0),)

    def _ordered_once(self, task: Task) -> bool:
        """A run_once task of the play itself (not of a dynamic include): the first host of the
        batch's order runs it, as in Ansible, so every host waits for the others there."""
        return id(task) in self.ordinals and (is_template(task.run_once) or truthy(task.run_once))

    def needs_gate(self, task: Task) -> bool:
        return self.pb.reads_other_hosts(task) or self._ordered_once(task)

    def task_vars(self, state: "HostState", task: Task) -> dict:
        return self.pb.task_vars(state, self, task)

    def host_failed(self, state: "HostState") -> None:
        with self._once_lock:
            self.failed_hosts += 1
            failed = self.failed_hosts
        self.gate.leave(state.name)
        if truthy(self.play.any_errors_fatal):
            self._abort.set()
        limit = self.play.max_fail_percentage
        if limit is not None and failed * 100.0 / len(self.batch) > float(limit):
            self._abort.set()

    def host_recovered(self, state: "HostState") -> None:
        """``meta: clear_host_errors``: a failed host runs on (and counts as failed no more)."""
        with self._once_lock:
            self.failed_hosts = max(0, self.failed_hosts - 1)

    def once(self, task: Task, execute: Callable[[], dict], host: str) -> dict:
        """run_once: the first host of the batch at this task runs it (the first to get here where
        the task's position is not static); the others get its result."""
        position = self.position(task)
        with self._once_lock:
            slot = self._once.get(id(task))
            if slot is None:
                runner = (self.gate.first_at(position) if self._ordered_once(task) else None) or host
                slot = self._once[id(task)] = {"done": threading.Event(), "result": None, "runner": runner,
                                               "started": runner == host}
                first = runner == host
            else:
                first = False
        while not first:
            with self._once_lock:
                if not slot["started"]:
                    if slot["runner"] != host and (not self.gate.stands_at(slot["runner"], position) or self.aborted()):
                        slot["runner"] = host  # the chosen host went on without it (run_once false there, or stopped)
                    if slot["runner"] == host:
                        slot["started"] = True
                        break
            if slot["done"].wait(0.1):
                return dict(slot["result"])
        return self._run_once_here(slot, execute)

    def others(self, state: "HostState") -> list["HostState"]:
        """The batch's other hosts still running the play."""
        return [other for other in self.batch if other is not state and other.active]

    def once_include(self, task: Task, state: "HostState", include: Callable[[], str]) -> str:
        """run_once on include_tasks/include_role: the batch's first active host includes the file;
        the others skip it and wait, standing past its tasks, until that host is through (what
        Ansible's lockstep gives: they see what its run_once tasks set for them)."""
        runner = next((other for other in self.batch if other.active), state)
        with self._once_lock:
            done = self._once.setdefault(("include", id(task)), threading.Event())
        if runner is state:
            try:
                return include()
            finally:
                done.set()
        position = self.position(task)
        last = max([self.position(t) for t in iter_tasks(task.included or [])] + [position])
        self.gate.at(state.name, last)
        while not done.wait(0.1):
            if self.aborted() or not runner.active or self.gate.past(runner.name, last):
                break
        return OK

    @staticmethod
    def _run_once_here(slot: dict, execute: Callable[[], dict]) -> dict:
        try:
            slot["result"] = execute()
        except Exception as exc:  # noqa: BLE001 - handed to the other hosts, then re-raised
            slot["result"] = {"failed": True, "changed": False, "msg": str(exc), "_ran_on": None}
            raise
        finally:
            slot["done"].set()
        return slot["result"]

    # -- connections ----------------------------------------------------------

    def connect(self, state: "HostState") -> HostConnection:
        if state.connection is None:
            hostvars = self.pb.connection_vars(state, self, state.inventory_vars)
            state.connection = HostConnection(state.name, hostvars, self.pb.connection_overrides(self.play))
        return state.connection

    def delegate_connection(self, name: str) -> HostConnection:
        return self.pb.delegate_connection(name, self.play)

    def delegate_state(self, name: str | None) -> "HostState":
        return self.pb.state_of(name) if name else None

    def clear_facts(self, state: "HostState") -> None:
        self.pb.clear_facts(state)

    def store_facts(self, state: "HostState", facts: dict, plain: dict | None = None, as_given: bool = False) -> None:
        self.pb.store_facts(state, facts, plain, as_given)

    def step_context(self, worker: HostWorker, task: Task, variables: dict, name: str) -> StepContext:
        play, opts, templar = self.play, self.options, self.templar

        def pick(task_value: Any, play_value: Any, cli_value: Any = None) -> Any:
            for value in (task_value, play_value, cli_value):
                if value is not None:
                    value = templar.template(value, variables) if isinstance(value, str) else value
                    if value != OMIT:  # an omitted keyword is not set: the outer level's value holds
                        return value
            return None

        def variable(*names: str) -> Any:
            # Ansible's connection variables beat the keywords (a task's vars, and the inventory's too).
            for var in names:
                if var in variables:
                    value = variables[var]
                    return templar.template(value, variables) if isinstance(value, str) else value
            return None

        become = variable("ansible_become")
        become = pick(task.become, play.become, opts.become) if become is None else become
        become = _flag(become, "become") if become is not None else None  # None: the host's ansible_become
        become_user, become_method = variable("ansible_become_user"), variable("ansible_become_method")
        method = str(become_method or pick(task.become_method, play.become_method, opts.become_method) or "")
        become_flags = variable("ansible_become_flags", f"ansible_{method}_flags")
        become_flags = pick(task.become_flags, play.become_flags) if become_flags is None else become_flags
        check = pick(task.check_mode, play.check_mode)
        diff = pick(task.diff, play.diff)
        environment = step_environment(templar, [*play.environment, *task.environment], variables, task, name)
        delegate = templar.template(task.delegate_to, variables) if task.delegate_to else None
        if delegate in (worker.state.name,):
            delegate = None
        remote_user = self._remote_user(worker, task, variables, delegate, variable(*USER_VARS),
                                        pick(task.remote_user, None))
        return StepContext(worker, task, name, variables,
                           check=_flag(check, "check_mode") if check is not None else opts.check,
                           diff=_flag(diff, "diff") if diff is not None else opts.diff,
                           become=become,
                           become_user=become_user or pick(task.become_user, play.become_user, opts.become_user),
                           become_method=become_method or pick(task.become_method, play.become_method,
                                                               opts.become_method),
                           become_password=variable("ansible_become_password", "ansible_become_pass",
                                                    f"ansible_{method}_pass"),
                           become_flags=None if become_flags is None else str(become_flags),
                           become_exe=variable("ansible_become_exe", f"ansible_{method}_exe"),
                           sudo_chdir=variable("ansible_sudo_chdir"), su_prompts=variable("ansible_su_prompt_l10n"),
                           environment=environment, delegate_to=delegate, remote_user=remote_user,
                           expect=self._expect(worker, task), timeout=task_timeout(pick(task.timeout, None)),
                           overlay=opts.plan_overlay)

    def _remote_user(self, worker: HostWorker, task: Task, variables: dict, delegate: str | None,
                     var_user: Any, keyword_user: Any) -> str | None:
        """The login user a step asks for, None for its host's own. As in Ansible, a connection
        variable (``ansible_user``) beats the ``remote_user`` keyword; the host's own user already
        follows its inventory's (and the play's or command line's), so only the others count."""
        if delegate is not None:  # the delegated host's own variables decide, then the keyword
            own = self.delegate_connection(delegate).user_from_vars
            return None if own or keyword_user in (None, "") else str(keyword_user)
        if var_user not in (None, ""):
            inventory = worker.state.inventory_vars
            if any(name in variables and variables[name] == inventory.get(name) for name in USER_VARS):
                return None
            return str(var_user)
        return None if keyword_user in (None, "") else str(keyword_user)

    def _expect(self, worker: HostWorker, task: Task) -> str | None:
        guard = self.options.plan_guard
        if guard is None:
            return None
        from orch.engine.plan import step_key

        return guard.expect(worker.state.name, step_key(task, worker.item_index))

    def validate(self, task: Task, args: dict, name: str) -> dict:
        # Found at load, reported now that a host reached the task (validate_args words unknown options
        # itself, as Ansible's module does: the msg without the task's place, which the task event has).
        if task.problem is not None and not isinstance(task.problem, (registry.InvalidOptions,
                                                                      registry.UnsupportedOptions,
                                                                      registry.MissingArguments)):
            raise HostFailure(f"{task.problem.location}: {task.problem.message}", location=task.problem.location,
                              task=name)
        if task.foreign is not None or task.action_plugin is not None:
            return dict(args)  # the module (the action plugin) checks its own arguments, from its own spec
        try:
            return registry.validate_args(task.module, args, task.location, task.action)
        except OrchError as exc:
            raise HostFailure(exc.message, location=task.location, task=name) from None

    def raw(self, step: StepContext, args: dict) -> dict:
        from orch.connection.become import needs_terminal, rejected
        from orch.engine.adhoc import raw_command, run_raw, run_raw_su

        if step.check:
            return {"changed": True, "unknown": True, "msg": "would run (raw, effect unknown in check mode)"}
        connection = self.connect(step.worker.state) if step.delegate_to is None else self.delegate_connection(step.delegate_to)
        options = connection.options
        become = options.become if step.become is None else step.become
        method = step.become_method or options.become_method
        password = step.become_password or self.options.become_password or options.become_password
        if become and needs_terminal(method, password):
            return run_raw_su(connection.connection_as(step.remote_user), str(args.get("_raw_params", "")),
                              args.get("executable"), step, password)
        command, stdin = raw_command(str(args.get("_raw_params", "")), args.get("executable"), become=bool(become),
                                     method=method, user=step.become_user or options.become_user or "root",
                                     password=password, flags=step.become_flags or options.become_flags,
                                     exe=step.become_exe, chdir=step.sudo_chdir)
        result = run_raw(connection, command, stdin, user=step.remote_user)
        refused = become and password is not None and result.get("failed") and rejected(method, result["stderr"])
        if refused:  # Ansible fails the task with this message rather than the command's output
            result["msg"] = refused
        return result

    def included_items(self, task: Task, variables: dict, name: str) -> list:
        return self.pb.included_items(task, variables, name, self.play)

    # -- running the batch ----------------------------------------------------

    def run(self) -> None:
        self.bus.emit("batch_started", hosts=[s.name for s in self.batch])
        with ThreadPoolExecutor(max_workers=max(1, min(self.options.forks, len(self.batch)))) as pool:
            list(pool.map(self._run_host, self.batch))

    def _run_host(self, state: "HostState") -> None:
        worker = HostWorker(self, state)
        try:
            if self._gather(worker) != OK:
                return
            for section in (self.play.pre_tasks, self.play.tasks, self.play.post_tasks):
                outcome = worker.run_items(section)
                if outcome == OK:
                    outcome = self.flush_handlers(worker)
                if outcome != OK:
                    if outcome == FAILED and (truthy(self.play.force_handlers) or self.options.force_handlers):
                        state.failed = False
                        self.flush_handlers(worker)
                        state.failed = True
                    return
        finally:
            self.gate.finished(state.name)
            self.bus.emit("host_done", host=state.name)

    def _gather(self, worker: HostWorker) -> str:
        gather = self.play.gather_facts
        if isinstance(gather, str):
            gather = truthy(self.templar.template(gather, self.pb.extra_vars))
        if gather is False or not self.pb.should_gather(self.play):
            return OK
        task = self.pb.gather_task(self.play)
        return worker.run_task(task)
