"""The controller's half of a foreign module step: the agent request and what the host lacks.

A step is one request to the agent's ``foreign`` module: the package key, the arguments with
Ansible's internal ``_ansible_*`` ones, and, the first time in a session, the manifest. A host
that lacks sources answers ``_needs`` (hashes it never saw, in any run); they go with a second
request, once per host and content. Check mode: a module without check support answers
``skipped`` as under Ansible; in ``orch plan`` that step is ``unknown`` instead.
"""

from __future__ import annotations

import functools
import threading
import weakref
from typing import TYPE_CHECKING, Any

from orch.booleans import parse_bool
from orch.errors import HostFailure
from orch.foreign import packer, paths
from orch.foreign.resolve import resolve
from orch.templating import is_template

if TYPE_CHECKING:
    from orch.engine.step import StepContext
    from orch.playbook.model import Task

AGENT_MODULE = "foreign"
_SELINUX_SPECIAL_FS = ["fuse", "nfs", "vboxsf", "ramfs", "9p", "vfat"]

_packages: dict[tuple, packer.Package] = {}
_sent: "weakref.WeakKeyDictionary[Any, set[str]]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def concrete(task: "Task", variables: dict, templar: Any) -> "Task":
    """A task whose module name is a template, with the name it has on this host."""
    from dataclasses import replace

    from orch.errors import ParseError

    name = str(templar.template(task.module, variables, location=task.location)).strip()
    if not name or is_template(name):
        raise HostFailure(f"the module name {task.module!r} templated to {name!r}", location=task.location)
    resolved = resolve(name, task.search)
    problem = ParseError(resolved.problem, location=task.location) if resolved.problem else None
    return replace(task, module=resolved.module, action=name, foreign=resolved.found, problem=problem,
                   action_plugin=resolved.action_plugin)


def package(task: "Task") -> packer.Package:
    found, search = task.foreign, task.search
    key = (found, search.playbook_dir, search.role_dirs)
    with _lock:
        cached = _packages.get(key)
    if cached is None:
        cached = packer.pack(found, paths.collection_roots(search.playbook_dir), search.module_utils_dirs())
        with _lock:
            _packages[key] = cached
    if "ansible.module_utils.basic" not in cached.manifest:
        raise HostFailure(f"module {found.name} runs from its Ansible source, which needs ansible-core on the "
                          "controller: pip install 'orch[ansible]'", location=task.location)
    return cached


@functools.lru_cache(maxsize=512)
def _mentions_facts(path: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return "ansible_facts" in handle.read()
    except OSError:
        return True


def may_set_facts(task: "Task") -> bool:
    """Whether a later task may read what this one returns as facts (so it cannot be templated first)."""
    return task.foreign is not None and _mentions_facts(task.foreign.path)


def _no_log(step: "StepContext") -> bool:
    value = step.task.no_log
    if isinstance(value, str) and is_template(value):
        value = step.templar.template(value, step.vars)
    return bool(parse_bool(value)) if isinstance(value, str) else bool(value)


def _internal(step: "StepContext", pkg: packer.Package) -> dict[str, Any]:
    """Ansible's internal arguments (check and diff are the agent's, per step)."""
    version = paths.search_paths().ansible_version or "0.0"
    params: dict[str, Any] = {
        "_ansible_no_log": _no_log(step), "_ansible_debug": False,
        "_ansible_verbosity": step.worker.run.options.verbosity, "_ansible_version": version,
        "_ansible_module_name": pkg.name, "_ansible_syslog_facility": "LOG_USER",
        "_ansible_selinux_special_fs": _SELINUX_SPECIAL_FS, "_ansible_shell_executable": "/bin/sh",
        "_ansible_keep_remote_files": False, "_ansible_tmpdir": None, "_ansible_remote_tmp": "~/.ansible/tmp",
        "_ansible_ignore_unknown_opts": False,
    }
    if tuple(int(p) for p in version.split(".")[:2] if p.isdigit()) >= (2, 19):
        params.update(_ansible_target_log_info=None, _ansible_tracebacks_for=[])
    return params


def agent_step(step: "StepContext", args: dict) -> dict:
    """The arguments of the agent's ``foreign`` module for this step."""
    pkg = package(step.task)
    wire: dict[str, Any] = {"package": pkg.key, "name": pkg.name, "params": {**args, **_internal(step, pkg)}}
    session = step.worker.session_for(step)
    with _lock:
        known = pkg.key in _sent.get(session, ())
    if not known:
        wire.update(manifest={k: list(v) for k, v in pkg.manifest.items()}, entry=pkg.entry)
    return wire


def complete(step: "StepContext", wire: dict, needs: list) -> dict:
    """The same request with what the host said it lacks."""
    pkg = package(step.task)
    wire = dict(wire, manifest={k: list(v) for k, v in pkg.manifest.items()}, entry=pkg.entry)
    wire["sources"] = {d: pkg.source(d) for d in needs if d in pkg.sources}
    return wire


def delivered(step: "StepContext") -> None:
    """The host has this package now: later steps of the session send only its key."""
    session, key = step.worker.session_for(step), package(step.task).key
    with _lock:
        _sent.setdefault(session, set()).add(key)


def finish(step: "StepContext", result: dict) -> dict:
    """Ansible's result, with orch's check-mode reading in plans."""
    result.pop("_needs", None)
    facts = result.get("ansible_facts")
    if isinstance(facts, dict) and facts:
        # Ansible's namespacing: ansible_facts.X without the prefix; unprefixed names are variables too.
        result["ansible_facts"] = {k[8:] if k.startswith("ansible_") else k: v for k, v in facts.items()}
        result["_plain_facts"] = {k: v for k, v in facts.items() if not k.startswith("ansible_")}
    planning = step.check and step.worker.run.options.plan_recorder is not None
    if planning and result.get("skipped") and "does not support check mode" in str(result.get("msg", "")):
        result.clear()  # in place: the batch path keeps its list of results
        result.update(changed=True, unknown=True,
                      msg=f"{step.task.foreign.name} does not support check mode: what it would do is unknown")
    elif planning and result.get("failed") and step.worker.state.would_change:
        # The module checked the host as it is, not as the earlier steps of the plan leave it.
        failure = str(result.get("msg", ""))
        result.clear()
        result.update(changed=True, unknown=True,
                      msg=f"{step.task.foreign.name} cannot see what earlier steps would change; "
                          f"checked on the host as it is now, it said: {failure}")
    return result


def run(step: "StepContext", args: dict) -> dict:
    """One foreign module step, alone (the batch path is orch/engine/batching.py)."""
    wire = agent_step(step, args)
    result = step.agent_run(AGENT_MODULE, wire)
    if "_needs" in result:
        result = step.agent_run(AGENT_MODULE, complete(step, wire, result["_needs"]))
    if "_needs" not in result:
        delivered(step)
    return finish(step, result)
