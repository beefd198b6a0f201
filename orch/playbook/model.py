"""The parsed playbook: plain dataclasses the engine walks.

Values are kept as written (still templated strings); the engine templates
them per host. Every node carries the ``Location`` it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

from orch.errors import Location


@dataclass
class LoopSpec:
    """``loop:`` or one of ``with_<lookup>:`` normalized.

    ``kind`` is ``"loop"`` for ``loop:``/``with_list``, else the lookup name
    (``items`` flattens one level, ``dict``, ``sequence``, ``fileglob``, ...).
    ``value`` is the raw (untemplated) list or expression.
    """

    kind: str
    value: Any


@dataclass
class Task:
    module: str                       # canonical short name ("copy"), see orch.modules.registry
    args: dict[str, Any]              # free-form text is under "_raw_params"
    location: Location
    name: str | None = None
    action: str = ""                  # the module name as written (e.g. "ansible.builtin.copy")
    when: list[Any] = field(default_factory=list)   # AND of conditions (inherited ones first)
    loop: LoopSpec | None = None
    loop_control: dict[str, Any] = field(default_factory=dict)
    register: str | None = None
    notify: list[str] = field(default_factory=list)
    listen: list[str] = field(default_factory=list)  # handlers only
    changed_when: list[Any] | None = None
    failed_when: list[Any] | None = None
    ignore_errors: Any = False
    ignore_unreachable: Any = False
    retries: Any = None
    until: list[Any] | None = None
    delay: Any = None
    async_val: Any = None             # ``async``: seconds a background job may run (None: run in the foreground)
    poll: Any = None                  # ``poll``: seconds between checks of the job; 0: do not wait for it
    timeout: Any = None               # ``timeout``: seconds each attempt may take (0 or None: no limit)
    tags: list[str] = field(default_factory=list)   # effective tags (inherited included)
    become: Any = None
    become_user: Any = None
    become_method: Any = None
    become_flags: Any = None
    remote_user: Any = None           # the login user for this task (a variable ansible_user beats it)
    delegate_to: Any = None
    delegate_facts: Any = None
    run_once: Any = False
    no_log: Any = False
    check_mode: Any = None
    diff: Any = None
    any_errors_fatal: Any = None
    vars: dict[str, Any] = field(default_factory=dict)  # block vars merged under task vars
    environment: list[Any] = field(default_factory=list)  # inherited first; merge in order
    module_defaults: Any = None       # orch.playbook.module_defaults.ModuleDefaults in force, or None
    role: "Role | None" = None
    # include_tasks / include_role: the statically parsed content when the file name
    # had no template (for validation and for the engine to reuse), else None.
    included: list["TaskItem"] | None = None
    included_role: "Role | None" = None  # include_role with a static name
    is_handler: bool = False
    # Modules run from their Ansible source (orch/foreign/): where the name was looked up, what
    # was found, and why the task cannot run when a host reaches it (found nowhere, bad arguments).
    search: Any = None
    foreign: Any = None
    problem: Any = None
    action_plugin: Any = None  # an Ansible action plugin (Python, action_plugins/) run on the controller

    @property
    def display_name(self) -> str:
        if self.name:
            return f"{self.role.name} : {self.name}" if self.role else str(self.name)
        return self.action or self.module


@dataclass
class Block:
    location: Location
    block: list["TaskItem"] = field(default_factory=list)
    rescue: list["TaskItem"] = field(default_factory=list)
    always: list["TaskItem"] = field(default_factory=list)
    name: str | None = None
    # Keywords stay here for the engine (e.g. ignore_errors on the block as a whole);
    # they are also already pushed down into every task inside.
    when: list[Any] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    keywords: dict[str, Any] = field(default_factory=dict)
    role: "Role | None" = None


TaskItem = Union[Task, Block]


@dataclass
class Role:
    name: str
    path: str
    location: Location  # where it was referenced
    params: dict[str, Any] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    vars: dict[str, Any] = field(default_factory=dict)
    tasks: list[TaskItem] = field(default_factory=list)
    handlers: list[TaskItem] = field(default_factory=list)
    dependencies: list["Role"] = field(default_factory=list)
    allow_duplicates: bool = False
    when: list[Any] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    parent: "Role | None" = field(default=None, repr=False, compare=False)  # the role this one is a dependency of

    def chain(self) -> list["Role"]:
        """The roles this one is a dependency of, outermost first, then itself (Ansible's dep chain)."""
        chain = [self]
        while chain[0].parent is not None and chain[0].parent not in chain:
            chain.insert(0, chain[0].parent)
        return chain

    @property
    def files_dir(self) -> str:
        return f"{self.path}/files"

    @property
    def templates_dir(self) -> str:
        return f"{self.path}/templates"


@dataclass
class Play:
    location: Location
    hosts: Any
    name: str | None = None
    vars: dict[str, Any] = field(default_factory=dict)
    vars_files: list[Any] = field(default_factory=list)  # resolved paths, or templated names left as-is
    gather_facts: Any = True
    gather_subset: Any = None  # the facts setup gathers ('all', 'min', '!hardware', ...)
    become: Any = None
    become_user: Any = None
    become_method: Any = None
    become_flags: Any = None
    serial: Any = None  # int, "30%", or a list of those
    order: Any = None  # the hosts' order: inventory (None), reverse_inventory, sorted, reverse_sorted, shuffle
    max_fail_percentage: Any = None
    any_errors_fatal: Any = False
    force_handlers: Any = False
    ignore_errors: Any = None
    ignore_unreachable: Any = None
    check_mode: Any = None
    diff: Any = None
    no_log: Any = None
    run_once: Any = None
    remote_user: Any = None
    port: Any = None
    tags: list[str] = field(default_factory=list)
    environment: list[Any] = field(default_factory=list)
    module_defaults: Any = None  # the play's own (ModuleDefaults), also on every task of the play
    roles: list[Role] = field(default_factory=list)
    public_roles: list[Role] = field(default_factory=list)  # import_role's: their defaults/vars are the play's too
    pre_tasks: list[TaskItem] = field(default_factory=list)
    tasks: list[TaskItem] = field(default_factory=list)  # role tasks first, then the play's tasks
    post_tasks: list[TaskItem] = field(default_factory=list)
    handlers: list[TaskItem] = field(default_factory=list)  # role handlers, then the play's own
    basedir: str = "."
    warnings: list[str] = field(default_factory=list)  # found at load, shown before the run (Ansible's words)


@dataclass
class Playbook:
    path: str
    plays: list[Play] = field(default_factory=list)


def iter_tasks(items: list[TaskItem]) -> Any:
    """All tasks under a list of items, depth first (block, rescue, always, included)."""
    for item in items:
        if isinstance(item, Block):
            yield from iter_tasks(item.block)
            yield from iter_tasks(item.rescue)
            yield from iter_tasks(item.always)
        else:
            yield item
            if item.included:
                yield from iter_tasks(item.included)
