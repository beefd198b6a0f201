"""Ansible action plugins written in Python (``action_plugins/NAME.py``), run on the controller.

orch runs the subset that needs no connection to the host: an ``ActionModule`` whose ``run()``
works with ``self._task.args``, ``validate_argument_spec``, ``self._templar``, ``self._loader`` and
``task_vars``. What would reach the host (``_execute_module``, ``_low_level_execute_command``,
file transfers) has no connection to use and fails the task saying so. An exception from the
plugin fails the task as in Ansible (``Task failed: ...``); an ``AnsibleAction`` exception gives
its result.
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
        self.no_log = bool(step.task.no_log) if hasattr(step.task, "no_log") else False
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


def run(step: "StepContext", args: dict) -> dict:
    task = step.task
    cls = task.action_plugin.load()
    if isinstance(cls, py_plugins.Failed):
        return {"failed": True, "msg": cls.error().message}
    try:
        basedir, templar = step.vars.get("playbook_dir"), step.worker.run.templar
        instance = cls(_Task(step, args), _NoConnection(), _PlayContext(step),
                       data_loader(basedir if isinstance(basedir, str) else None),
                       PluginTemplar(lambda value: templar.template(value, step.vars), step.vars), None)
        result = instance.run(task_vars=step.vars)
    except Exception as exc:
        found = getattr(exc, "result", None)  # AnsibleActionFail/Skip carry the result Ansible gives
        if isinstance(found, dict) and found:
            return dict(found)
        return {"failed": True, "msg": f"Task failed: {exc}", "exception": traceback.format_exc()}
    if not isinstance(result, dict):
        return {"failed": True, "msg": f"action plugin {task.module!r} returned {type(result).__name__}, not a dict"}
    return dict(result)
