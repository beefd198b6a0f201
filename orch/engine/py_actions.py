"""Ansible action plugins written in Python (``action_plugins/NAME.py``), run on the controller.

orch runs the subset that needs no connection of Ansible's: an ``ActionModule`` whose ``run()``
works with ``self._task.args``, ``validate_argument_spec``, ``self._templar``, ``self._loader`` and
``task_vars``, and runs modules through orch: ``self._execute_module(name, args)`` and
``self._shared_loader_obj.action_loader.get(name, task=...).run()`` run orch's own module or
controller action of that name on the host. The rest of what would reach the host
(``_low_level_execute_command``, file transfers, the connection) fails the task saying so. A plugin
that is Ansible's own action re-exported (``from ansible.plugins.action.debug import ActionModule``)
runs as orch's action of that name. An exception from the plugin fails the task as in Ansible
(``Task failed: ...``); an ``AnsibleAction`` exception gives its result.
"""

from __future__ import annotations

import traceback
from typing import TYPE_CHECKING, Any

from orch.templating import py_plugins
from orch.templating.py_lookup import PluginTemplar, data_loader

if TYPE_CHECKING:  # pragma: no cover
    from orch.engine.step import StepContext


class _NoConnection:
    """``self._connection``: orch runs action plugins without one; its shell has no remote tmp to make."""

    class _Shell:
        tmpdir = "orch-action-plugin-has-no-remote-tmp"

        def __getattr__(self, name: str) -> Any:
            raise _unsupported(f"the connection's shell ({name})")

    _shell = _Shell()

    def __getattr__(self, name: str) -> Any:
        raise _unsupported(f"the connection ({name})")


class _Task:
    """``self._task``: the task's arguments and the few attributes action plugins read."""

    def __init__(self, step: "StepContext", args: dict) -> None:
        self.args = dict(args)
        self.action = self.resolved_action = str(step.task.action or step.task.module)
        self.async_val = 0
        self.check_mode = step.check
        self.diff = step.diff
        self.no_log = bool(step.task.no_log)
        self.name = step.task_name
        self.delegate_to = step.delegate_to
        self.environment = step.environment

    def __getattr__(self, name: str) -> Any:
        raise _unsupported(f"the task's {name!r}")


class _PlayContext:
    def __init__(self, step: "StepContext") -> None:
        self.check_mode = step.check
        self.diff = step.diff
        self.become = bool(step.become)
        self.become_user = step.become_user

    def __getattr__(self, name: str) -> Any:
        raise _unsupported(f"the play context's {name!r}")


def _unsupported(what: str) -> AttributeError:
    return AttributeError(f"orch runs action plugins on the controller without a connection to the host: "
                          f"{what} is not available")


def _orch_module(step: "StepContext", name: str, args: dict) -> dict:
    """A module or controller action an action plugin runs, as orch runs it (native ones only)."""
    from orch.engine import actions
    from orch.modules import registry

    short = name.split(".", 2)[2] if name.startswith(("ansible.builtin.", "ansible.legacy.")) else name
    if short in actions.CONTROLLER_ACTIONS:
        return actions.CONTROLLER_ACTIONS[short](step, dict(args))
    module = registry.resolve_module(short)
    if module is None or module in actions.PREPARED_ACTIONS or module in ("raw", "setup", "gather_facts"):
        raise _unsupported(f"running {name!r} (orch runs only its own modules and controller actions for a plugin)")
    return step.agent_run(module, registry.validate_args(module, args, step.task.location))


class _OrchAction:
    """What ``action_loader.get(name, task=...)`` gives a plugin: orch's module or action of that name."""

    def __init__(self, step: "StepContext", name: str, task: Any) -> None:
        self._step, self._name, self._task = step, name, task

    def run(self, tmp: Any = None, task_vars: Any = None) -> dict:
        return _orch_module(self._step, self._name, dict(self._task.args))


class _Loaders:
    """``self._shared_loader_obj``: its ``action_loader`` hands out orch's actions."""

    def __init__(self, step: "StepContext") -> None:
        self.action_loader = self
        self._step = step

    def get(self, name: str, *args: Any, task: Any = None, **kwargs: Any) -> _OrchAction:
        return _OrchAction(self._step, name, task if task is not None else _Task(self._step, {}))

    def __getattr__(self, name: str) -> Any:
        raise _unsupported(f"Ansible's plugin loader ({name})")


def run(step: "StepContext", args: dict) -> dict:
    from orch.engine import actions

    task = step.task
    cls = task.action_plugin.load()
    if isinstance(cls, py_plugins.Failed):
        return {"failed": True, "msg": cls.error().message}
    builtin = cls.__module__.rsplit(".", 1)[-1] if cls.__module__.startswith("ansible.plugins.action.") else None
    if builtin in actions.CONTROLLER_ACTIONS:  # Ansible's own action under another name: orch's action
        return actions.CONTROLLER_ACTIONS[builtin](step, args)
    try:
        basedir, templar = step.vars.get("playbook_dir"), step.worker.run.templar
        shim = _Task(step, args)
        instance = cls(shim, _NoConnection(), _PlayContext(step),
                       data_loader(basedir if isinstance(basedir, str) else None),
                       PluginTemplar(lambda value: templar.template(value, step.vars), step.vars), None)
        instance._shared_loader_obj = _Loaders(step)

        def execute_module(module_name: str | None = None, module_args: dict | None = None, *_: Any, **__: Any) -> dict:
            return _orch_module(step, module_name or shim.action, shim.args if module_args is None else module_args)

        instance._execute_module = execute_module
        result = instance.run(task_vars=step.vars)
    except Exception as exc:
        found = getattr(exc, "result", None)  # AnsibleActionFail/Skip carry the result Ansible gives
        if isinstance(found, dict) and found:
            return dict(found)
        return {"failed": True, "msg": f"Task failed: {exc}", "exception": traceback.format_exc()}
    if not isinstance(result, dict):
        return {"failed": True, "msg": f"action plugin {task.module!r} returned {type(result).__name__}, not a dict"}
    return dict(result)
