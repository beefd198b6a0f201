"""A whole playbook run: plays in order, host batches, variables, the recap."""

from __future__ import annotations

import os
import re
import sys
import threading

from orch import hashmerge
from orch.booleans import parse_bool
from orch.engine import fact_cache
from orch.engine.control_actions import CustomStats
from orch.engine.hostconn import HostConnection
from orch.engine.hoststate import HostState
from orch.engine.options import RunOptions
from orch.engine.play import PlayRun
from orch.engine.resume import ResumeRecord
from orch.engine.role_names import role_name_vars
from orch.engine.serial import batches, ordered
from orch.engine.variables import DelegatedVars, HostVars, HostVarsVars, merge_layers
from orch.errors import OrchError, ParseError
from orch.events import EventBus
from orch.inventory import Inventory
from orch.playbook.model import Play, Playbook, Role, Task
from orch.playbook.varsfile import find_vars_file, vars_file_mapping
from orch.templating import Templar
from orch.templating.templar import is_template
from orch.yamlsrc import VaultText, load_file

# Templates reading these see other hosts' progress (``groups`` changes with group_by/add_host).
_CROSS_HOST = re.compile(r"\bhostvars\b|\bansible_play_hosts\b|\bplay_hosts\b|\bgroups\s*(\[|\.|\||}}|\))")


def _role_layers(roles: list[Role]) -> tuple[dict, dict]:
    defaults: dict = {}
    role_vars: dict = {}
    merge = hashmerge.merging()

    def walk(role: Role) -> None:
        for dep in role.dependencies:
            walk(dep)
        hashmerge.update(defaults, role.defaults, merge)
        hashmerge.update(role_vars, role.vars, merge)

    for role in roles:
        walk(role)
    return defaults, role_vars


def _search_path(task: Task, playbook_dir: str) -> list[str]:
    """``ansible_search_path``: the role's folder, the task file's folder, the playbook's (lookups search them)."""
    paths = [task.role.path] if task.role is not None else []
    paths.append(os.path.dirname(task.location.file) if task.location.file else playbook_dir)
    paths.append(playbook_dir)
    return list(dict.fromkeys(paths))



class _HostVarsLookup:
    def __init__(self, pb: "PlaybookRun", play_run: PlayRun) -> None:
        self.pb = pb
        self.play_run = play_run

    def __call__(self, name: str) -> dict | None:
        state = self.pb.states.get(name)
        if state is None:
            host = self.pb.inventory.hosts.get(name)
            if host is None:
                return None
            state = self.pb.state_for(host)
        return HostVarsVars(self.pb.host_level_vars(state, self.play_run), self.pb.templar)

    def names(self) -> list[str]:
        return list(self.pb.inventory.hosts)


class PlaybookRun:
    def __init__(self, playbook: Playbook, inventory: Inventory, options: RunOptions, bus: EventBus,
                 templar: Templar | None = None) -> None:
        self.playbook = playbook
        self.inventory = inventory
        self.options = options
        self.bus = bus
        self.templar = templar or Templar()
        self.templar.inventory = inventory
        self.playbook_dir = os.path.dirname(os.path.abspath(playbook.path))
        self.extra_vars = dict(options.extra_vars)
        self.custom_stats = CustomStats()  # set_stats data, in the summary event
        self.states: dict[str, HostState] = {}
        self._states_lock = threading.Lock()
        self._delegates: dict[str, HostConnection] = {}
        self._delegates_lock = threading.Lock()
        self._started = options.start_at_task is None
        self._vars_files_cache: dict[str, dict] = {}
        self._play_layers: dict[int, tuple] = {}
        self._included_roles: dict[int, list[Role]] = {}  # per play: roles include_role brought in so far
        self._cross_host: dict[int, bool] = {}
        self._includes: dict[tuple, list] = {}
        self._includes_lock = threading.Lock()
        self.resume = ResumeRecord()  # where a rolling deploy stopped
        self.remaining: dict[str, list[str]] = {}  # after run(): the hosts a resume must still do
        self.fact_cache = fact_cache.configured(lambda message: bus.emit("warning", message=message))
        if options.flush_cache:  # as Ansible's --flush-cache: the inventory's hosts and localhost
            for name in {"localhost", *inventory.hosts}:
                fact_cache.forget(self.fact_cache, name)

    # -- hosts -----------------------------------------------------------------

    def state_for(self, host) -> HostState:
        with self._states_lock:
            state = self.states.get(host.name)
            if state is None:
                state = self.states[host.name] = HostState(host.name, dict(host.vars), list(host.group_names))
                fact_cache.load_into(self.fact_cache, state)
            return state

    def state_of(self, name: str) -> HostState:
        host = self.inventory.hosts.get(name)
        if host is None:
            raise OrchError(f"no host {name!r} in the inventory")
        return self.state_for(host)

    def connection_overrides(self, play: Play) -> dict:
        overrides = self.options.connection_overrides()
        if play.remote_user and not overrides.get("ansible_user"):
            overrides["ansible_user"] = self.templar.template(play.remote_user, self.extra_vars)
        if getattr(play, "connection", None) and not overrides.get("ansible_connection"):
            overrides["ansible_connection"] = play.connection
        if play.port and not overrides.get("ansible_port"):
            overrides["ansible_port"] = play.port
        return overrides

    def delegate_connection(self, name: str, play: Play) -> HostConnection:
        with self._delegates_lock:
            conn = self._delegates.get(name)
            if conn is None:
                host = self.inventory.hosts.get(name)
                if host is not None:
                    hostvars = dict(host.vars)
                elif name in ("localhost", "127.0.0.1", "::1"):
                    hostvars = {"ansible_connection": "local"}
                else:
                    hostvars = {}
                overrides = {} if hostvars.get("ansible_connection") == "local" else self.connection_overrides(play)
                conn = self._delegates[name] = HostConnection(name, hostvars, overrides)
            return conn

    # -- variables -------------------------------------------------------------

    def _layers(self, play_run: PlayRun) -> tuple:
        key = id(play_run.play)
        layers = self._play_layers.get(key)
        if layers is None:
            defaults, role_vars = _role_layers(play_run.play.roles + play_run.play.public_roles)
            layers = self._play_layers[key] = (defaults, role_vars)
        return layers

    def _vars_files(self, state: HostState, play: Play, base: dict) -> dict:
        merged: dict = {}
        for entry in play.vars_files:
            candidates = entry if isinstance(entry, list) else [entry]
            for candidate in candidates:
                name = self.templar.template(candidate, base)
                path = find_vars_file(name, play.basedir or self.playbook_dir)
                if path is None:
                    if len(candidates) > 1:
                        continue
                    raise ParseError(f"vars file {name!r} not found", location=getattr(candidate, "loc", None))
                data = self._vars_files_cache.get(path)
                if data is None:
                    data = self._vars_files_cache[path] = vars_file_mapping(load_file(path), path)
                hashmerge.update(merged, data, hashmerge.merging())
                break
        return merged

    def magic_vars(self, state: HostState, play_run: PlayRun) -> dict:
        # A copy per task: templates may not change the inventory's own lists.
        groups = {name: list(members) for name, members in self.inventory.group_members().items()}
        return {
            "inventory_hostname": state.name,
            "inventory_hostname_short": state.name.split(".")[0],
            "group_names": state.group_names,
            "groups": groups,
            "hostvars": HostVars(_HostVarsLookup(self, play_run)),
            "ansible_play_hosts": [s.name for s in play_run.batch if s.active],
            "ansible_play_batch": [s.name for s in play_run.batch if s.active],
            "ansible_play_hosts_all": list(play_run.play_hosts),
            "play_hosts": [s.name for s in play_run.batch if s.active],
            "ansible_play_name": play_run.play.name or "",
            "playbook_dir": self.playbook_dir,
            "ansible_check_mode": self.options.check,
            "ansible_diff_mode": self.options.diff,
            "ansible_run_tags": self.options.tags or ["all"],
            "ansible_skip_tags": self.options.skip_tags,
            "ansible_forks": self.options.forks,
            "ansible_verbosity": self.options.verbosity,
            "ansible_version": {"full": "2.19.0", "major": 2, "minor": 19, "revision": 0, "string": "2.19.0 (orch)"},
            "ansible_playbook_python": sys.executable,  # the controller's Python, as Ansible names it
            "ansible_facts": state.facts,
            **role_name_vars(play_run.play, self._included_roles.get(id(play_run.play), [])),
        }

    def connection_vars(self, state: HostState, play_run: PlayRun, hostvars: dict) -> dict:
        """A host's connection variables templated with its variables, as Ansible uses them
        (``ansible_python_interpreter: "{{ ansible_playbook_python }}"``)."""
        pending = [name for name, value in hostvars.items()
                   if name.startswith("ansible_") and (is_template(value) or isinstance(value, VaultText))]
        if not pending:
            return hostvars
        variables = self.host_level_vars(state, play_run)
        return {**hostvars, **{name: self.templar.template(hostvars[name], variables) for name in pending}}

    def host_level_vars(self, state: HostState, play_run: PlayRun) -> dict:
        defaults, role_vars = self._layers(play_run)
        play = play_run.play
        base = merge_layers(defaults, state.inventory_vars, state.fact_vars, play.vars, self.extra_vars)
        files = self._vars_files(state, play, base) if play.vars_files else {}
        variables = merge_layers(defaults, state.inventory_vars, state.fact_vars, play.vars, files, role_vars,
                                 state.include_vars, state.set_facts, self.extra_vars, self.magic_vars(state, play_run))
        variables.pop("hostvars")  # as in Ansible: hostvars[h] has no hostvars of its own (to_json ends)
        return variables

    def task_vars(self, state: HostState, play_run: PlayRun, task: Task) -> dict:
        defaults, role_vars = self._layers(play_run)
        play = play_run.play
        role = task.role
        chain = role.chain() if role is not None else []  # parents' first, as Ansible's dep chain
        role_defaults = merge_layers(*(r.defaults for r in chain))
        own_role_vars = merge_layers(*(r.vars for r in chain))
        role_params = merge_layers(*(r.params for r in chain))
        base = merge_layers(defaults, state.inventory_vars, state.fact_vars, play.vars, self.extra_vars)
        files = self._vars_files(state, play, base) if play.vars_files else {}
        variables = merge_layers(defaults, role_defaults, state.inventory_vars, state.fact_vars, play.vars, files,
                                 role_vars, own_role_vars, task.vars, state.include_vars, state.set_facts,
                                 role_params, state.include_params, self.extra_vars, self.magic_vars(state, play_run))
        if role is not None:
            variables["role_path"] = role.path
            variables["role_name"] = role.name
        if "ansible_connection" not in variables:  # Ansible always defines it (ssh unless told otherwise)
            variables["ansible_connection"] = self.connection_overrides(play).get("ansible_connection") or "ssh"
        variables.setdefault("ansible_host", state.name)  # as does ansible_host (the inventory name)
        variables["ansible_search_path"] = _search_path(task, self.playbook_dir)
        if task.delegate_to:
            lookup = _HostVarsLookup(self, play_run)
            variables["ansible_delegated_vars"] = DelegatedVars(
                lambda: self.templar.template(task.delegate_to, variables),
                lambda name: lookup(name) or {"inventory_hostname": name, "ansible_host": name})
        return variables

    def clear_facts(self, state: HostState) -> None:
        """``meta: clear_facts``: the host's facts, and what the fact cache keeps of them, gone."""
        with state.lock:
            state.facts.clear()
            state.fact_vars.clear()
            state.cached_facts.clear()
        fact_cache.forget(self.fact_cache, state.name)

    def store_facts(self, state: HostState, facts: dict, plain: dict | None = None, as_given: bool = False) -> None:
        """``plain``: facts also set as variables of their own name (``getent_passwd``), as
        Ansible does for modules whose fact names carry no ``ansible_`` prefix; ``as_given``: every
        name as it is (``set_fact`` with ``cacheable``). The fact cache, if any, keeps them."""
        with state.lock:
            fact_cache.store(self.fact_cache, state, facts, plain, as_given)

    # -- tasks -------------------------------------------------------------------

    def started(self, task: Task) -> bool:
        if not self._started and task.name and str(task.name) == self.options.start_at_task:
            self._started = True
        return self._started

    def reads_other_hosts(self, task: Task) -> bool:
        key = id(task)
        found = self._cross_host.get(key)
        if found is None:
            text = repr((task.args, task.when, task.loop.value if task.loop else None, task.vars))
            found = self._cross_host[key] = bool(_CROSS_HOST.search(text))
        return found

    def should_gather(self, play: Play) -> bool:
        return True

    def gather_task(self, play: Play) -> Task:
        # Like Ansible's implicit fact gathering: tagged 'always', so -t never drops it.
        args = {"gather_subset": play.gather_subset} if play.gather_subset is not None else {}
        return Task(module="setup", args=args, location=play.location, name="Gathering Facts", action="gather_facts",
                    tags=["always", *play.tags], module_defaults=play.module_defaults,
                    ignore_errors=play.ignore_errors or False, ignore_unreachable=play.ignore_unreachable or False)

    def included_items(self, task: Task, variables: dict, name: str, play: Play | None = None) -> list:
        from orch.playbook import includes
        from orch.playbook.scope import Scope

        if task.included is not None:
            includes.refuse_unresolved(task.included)
            self._publish(task, task.included_role, variables, play)
            return task.included

        args = self.templar.template(task.args, variables, location=task.location, task=name)
        key = (id(task), repr(sorted(args.items(), key=str)))
        with self._includes_lock:
            cached = self._includes.get(key)
            if cached is not None:
                return cached
        copy = Task(**{**task.__dict__, "args": args, "included": None, "problem": None})
        # reached: a file may include itself
        scope = Scope(file=task.location.file, playbook_dir=self.playbook_dir, play_vars=dict(variables),
                      role=task.role, tags=list(task.tags), stack=(), is_handler=task.is_handler)
        if task.module in ("include_tasks", "import_tasks"):
            includes.include_tasks(copy, {}, scope)
        else:
            includes.include_role(copy, {}, scope)
        if copy.problem is not None:
            raise copy.problem  # the file or role cannot be loaded now that a host reached it
        items = copy.included or []
        includes.refuse_unresolved(items)
        self._publish(copy, copy.included_role, variables, play)
        with self._includes_lock:
            self._includes[key] = items
        return items

    def included_roles(self, play: Play) -> list[Role]:
        """The roles include_role brought into ``play`` so far, in the order they came."""
        with self._includes_lock:
            return list(self._included_roles.get(id(play), []))

    def _publish(self, task: Task, role: Role | None, variables: dict, play: Play | None) -> None:
        """include_role with ``public``: from now on the play sees the role's defaults and vars, as in Ansible."""
        if role is not None and play is not None:
            with self._includes_lock:
                included = self._included_roles.setdefault(id(play), [])
                if not any(r is role for r in included):
                    included.append(role)
        public = task.args.get("public") if role is not None and play is not None else None
        public = self.templar.template(public, variables) if public is not None else None
        if not (parse_bool(public) is True if isinstance(public, str) else bool(public)):
            return
        with self._includes_lock:
            if not any(r is role for r in play.public_roles):
                play.public_roles.append(role)
                self._play_layers.pop(id(play), None)

    # -- the run -----------------------------------------------------------------

    def run(self) -> dict[str, HostState]:
        self.bus.emit("run_started", command="run", playbook=self.playbook.path, check=self.options.check)
        try:
            for play in self.playbook.plays:
                if not self._run_play(play):
                    break
        finally:
            self.close()
        self.remaining = self.resume.remaining(self.states, self.playbook.plays, self._targeted)
        extra = {"custom_stats": self.custom_stats.data} if self.custom_stats.data else {}
        self.bus.emit("summary", hosts={name: state.recap() for name, state in self.states.items()}, **extra)
        return self.states

    def _pattern(self, play: Play) -> str:
        pattern = self.templar.template(play.hosts, self.extra_vars)
        return ",".join(str(p) for p in pattern) if isinstance(pattern, list) else str(pattern)

    def _targeted(self, play: Play) -> list[str] | None:
        try:
            return [h.name for h in self.inventory.select(self._pattern(play), limit=self.options.limit)]
        except Exception:  # noqa: BLE001 - a pattern that needs run-time facts: nothing to add
            return None

    def _run_play(self, play: Play) -> bool:
        pattern = self._pattern(play)
        hosts = self.inventory.select(pattern, limit=self.options.limit)
        if play.order is not None:  # templated as Ansible does: play vars and extra vars
            hosts = ordered(hosts, self.templar.template(play.order, {**play.vars, **self.extra_vars}))
        self.bus.emit("play_started", play=play.name or str(pattern), hosts=[h.name for h in hosts])
        if not hosts:
            self.bus.emit("warning", message=f"no hosts matched pattern {pattern!r}; skipping play")
            return True
        states = [self.state_for(h) for h in hosts]
        live = [s for s in states if not s.unreachable]
        names = [s.name for s in live]
        for batch in batches(live, play.serial, self.templar, self.extra_vars):
            play_run = PlayRun(self, play, [s for s in batch if not s.failed], names)
            play_run.run()
            if self.resume.batch_done(play_run):  # Ansible's stop rules (all failed, limits)
                self.bus.emit("run_stopped", hosts=self.resume.stopped, play=play.name or "",
                              reason=self.resume.stop_reason)
                return False
        return True

    def _ended_normally(self, play_run: PlayRun) -> bool:
        return play_run.failed_hosts == 0

    def close(self) -> None:
        connections = [s.connection for s in self.states.values() if s.connection is not None]
        connections += self._delegates.values()
        for conn in connections:  # every agent is asked first, then each is waited for
            conn.begin_close()
        for conn in connections:
            conn.close()
