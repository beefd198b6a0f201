"""One task on one host, after templating: what modules and actions work with."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orch.errors import HostFailure
from orch.templating.template_vars import template_vars

if TYPE_CHECKING:
    from orch.engine.contracts import Worker
    from orch.playbook.model import Task


@dataclass
class StepContext:
    worker: "Worker"
    task: "Task"
    task_name: str
    vars: dict[str, Any]
    check: bool
    diff: bool
    become: bool | None
    become_user: str | None
    become_method: str | None
    become_password: str | None = None  # from the task's variables (ansible_become_password), if set
    become_flags: str | None = None  # replace the method's default flags (None: the host's, else the defaults)
    become_exe: str | None = None  # the program to run instead of sudo/su/doas
    sudo_chdir: str | None = None  # sudo starts in this folder (ansible_sudo_chdir)
    su_prompts: Any = None  # what su's password prompt may say (ansible_su_prompt_l10n)
    environment: dict[str, Any] = field(default_factory=dict)
    delegate_to: str | None = None
    remote_user: str | None = None  # the login user this step asks for (None: the host's own)
    expect: str | None = None  # applying a saved plan: the fingerprint this step must still have
    timeout: int | None = None  # the task's ``timeout`` keyword: seconds this attempt may take (0: none)
    started: float = field(default_factory=time.monotonic)
    overlay: bool = True  # check mode: read through (and add to) the plan overlay
    args: dict[str, Any] | None = None  # templated and validated (pipeline.prepare)

    @property
    def templar(self):
        return self.worker.run.templar

    @property
    def host_name(self) -> str:
        return self.worker.state.name

    @property
    def playbook_dir(self) -> str:
        return self.worker.run.playbook_dir

    def search_dirs(self, subdir: str) -> list[str]:
        """Where relative ``src`` files are looked for, as Ansible does."""
        dirs = []
        role = self.task.role
        if role is not None:
            dirs += [os.path.join(role.path, subdir), role.path]
        task_dir = os.path.dirname(self.task.location.file)
        dirs += [os.path.join(task_dir, subdir), task_dir,
                 os.path.join(self.playbook_dir, subdir), self.playbook_dir]
        return list(dict.fromkeys(dirs))

    def find_file(self, name: str, subdir: str, allow_dir: bool = False) -> str:
        name = os.path.expanduser(name)
        if os.path.isabs(name):
            candidates = [name]
        else:
            candidates = [os.path.join(d, name) for d in self.search_dirs(subdir)]
        for candidate in candidates:
            if os.path.isfile(candidate) or (allow_dir and os.path.isdir(candidate)):
                return candidate
        looked = ", ".join(candidates[:4])
        raise HostFailure(f"could not find {name!r} (looked in {looked})", location=self.task.location,
                          task=self.task_name)

    def render_template_file(self, text: str, path: str, options: dict | None = None) -> str:
        """A template file rendered for this step; ``options``: the template module's Jinja settings."""
        variables = dict(self.vars)
        given, dest = (options or {}).get("src") or path, (options or {}).get("dest")  # as the task named them
        variables.update(template_vars(str(given), path, str(dest) if dest is not None else None),
                         ansible_managed=self.vars.get("ansible_managed", "Ansible managed"))
        searchpath = [os.path.dirname(os.path.abspath(path)), *self.search_dirs("templates")]
        return self.templar.render_text(text, variables, source=path, options=options,
                                        searchpath=list(dict.fromkeys(searchpath)))

    def agent_run(self, module: str, args: dict) -> dict:
        from orch.engine.plan import NOT_PLANNED

        if self.expect == NOT_PLANNED:
            return {"failed": True, "drift": True, "changed": False,
                    "msg": "this step is not in the plan (the host is not where the plan left it)"}
        limit = None
        if self.timeout:  # what is left of the task's time; the agent stops the module when it runs out
            left = self.started + self.timeout - time.monotonic()
            if left <= 0:
                return timed_out(self.timeout)
            limit = {"seconds": left, "period": self.timeout}
        session = self.worker.session_for(self)
        return session.run(module, args, check=self.check, diff=self.diff, environment=self.environment,
                           expect=self.expect, timeout=limit, overlay=self.overlay)


# Ansible's bounds for a task's timeout (its alarm's limit).
MAX_TIMEOUT = 100_000_000


def task_timeout(value: Any) -> int | None:
    """The ``timeout`` keyword's templated value, checked as Ansible checks it when the task runs."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().lstrip("-").isdigit():
        raise HostFailure(f"Task failed: 'timeout' must be a whole number of seconds, got {value!r}")
    seconds = int(value)
    if not 0 <= seconds <= MAX_TIMEOUT:
        raise HostFailure(f"Task failed: Timeout {seconds} is invalid, it must be between 0 and {MAX_TIMEOUT}.")
    return seconds


def timed_out(period: int) -> dict:
    """The result of a task stopped by its ``timeout``, in Ansible's shape (the ``timedout`` test reads it)."""
    return {"failed": True, "changed": False, "msg": f"Task failed: Timed out after {period} second(s).",
            "timedout": {"period": period}}
