"""import_tasks / include_tasks / import_role / include_role.

Imports are static: their content is parsed now and inlined, with the
import's when/tags/vars pushed down. Includes are dynamic: they stay a Task
for the engine, but when the file (or role) name has no template we parse it
now as well, so mistakes inside are reported before any host is contacted.
"""

from __future__ import annotations

from typing import Any

from orch.booleans import parse_bool
from orch.errors import IncludedFileError, Location, MissingFileError, ParseError, TemplateError, UnresolvedActionError
from orch.playbook.model import Block, Task, TaskItem
from orch.playbook.roles import LOOP
from orch.playbook.scope import Scope, loc_of, type_name
from orch.templating import Templar, is_template
from orch.yamlsrc import load_file

_TEMPLAR = Templar()
INCLUDE_LOOP = "include loop"


def _file_arg(args: dict, where: Location) -> Any:
    name = args.get("file", args.get("_raw_params"))
    if not isinstance(name, str) or not name.strip():
        raise ParseError("the task file name must be a non-empty string", location=where)
    return name.strip()


def static_name(name: str, scope: Scope, where: Location, what: str) -> str:
    """Template a static import's name with play/import vars only (no facts yet)."""
    if not is_template(name):
        return name
    variables = {**scope.play_vars, **scope.vars, "playbook_dir": scope.playbook_dir}
    if scope.role is not None:  # Ansible knows the role's folder and name when importing from it
        variables.update(role_path=scope.role.path, role_name=scope.role.name)
    try:
        return str(_TEMPLAR.template(name, variables))
    except TemplateError as exc:
        raise ParseError(f"{what} is static: its name can use only play and extra vars ({exc.message}); "
                         f"use the include_ form for run-time names", location=where) from None


def load_task_file(path: str, scope: Scope, where: Location) -> list[TaskItem]:
    from orch.playbook.tasks import parse_tasks

    if path in scope.stack:
        chain = " -> ".join([*scope.stack[scope.stack.index(path):], path])
        raise ParseError(f"{INCLUDE_LOOP}: {chain}", location=where)
    data = load_file(path)
    inner = scope.child(file=path, stack=scope.stack + (path,), handler_block=scope.is_handler)
    if data is None:
        return []
    if not isinstance(data, list):
        raise ParseError("a task file must be a list of tasks", location=loc_of(data, None, Location(path)))
    return parse_tasks(data, inner, "tasks", Location(path))


def import_tasks(data: dict, args: dict, scope: Scope, where: Location) -> list[TaskItem]:
    from orch.playbook.tasks import inherit, resolve_file

    inner = inherit(data, scope, where)
    name = static_name(_file_arg(args, where), inner, where, "import_tasks")  # the import's own vars too
    path = resolve_file(name, scope, where)
    return load_task_file(path, inner, where)


def include_tasks(task: Task, data: dict, scope: Scope) -> None:
    from orch.playbook.tasks import resolve_file

    name = _file_arg(task.args, task.location)
    task.args = {"file": name, **({"apply": task.args["apply"]} if "apply" in task.args else {})}
    if is_template(name):
        return
    # Included tasks inherit the include's vars/when, but not its tags (Ansible: tags
    # on include_tasks apply to the include itself unless given with 'apply').
    inner = _applied(task, scope.child(when=list(task.when), vars=dict(task.vars), environment=list(task.environment),
                                       module_defaults=task.module_defaults))
    try:
        path = resolve_file(name, scope, task.location)
        task.args["file"] = path
    except ParseError as exc:
        _when_reached(exc, task)
        return
    try:
        task.included = load_task_file(path, inner, task.location)
    except ParseError as exc:
        malformed = not isinstance(exc, MissingFileError)  # a file it imports not being there only fails the host
        _when_reached(IncludedFileError(exc.message, location=exc.location) if malformed else exc, task)


def unresolved_action(items: list[TaskItem]) -> UnresolvedActionError | None:
    """The first task of an included file (and of what it imports) whose action is found nowhere:
    Ansible's parser refuses the whole file when the include loads it."""
    for item in items:
        if isinstance(item, Block):
            found = unresolved_action(item.block + item.rescue + item.always)
        elif isinstance(item.problem, UnresolvedActionError):
            found = item.problem
        else:
            found = unresolved_action(item.included or []) if item.module in ("import_tasks", "import_role") else None
        if found is not None:
            return found
    return None


def refuse_unresolved(items: list[TaskItem]) -> None:
    """An included file with an action found nowhere ends the run, as Ansible's parser refuses it."""
    found = unresolved_action(items)
    if found is not None:
        raise IncludedFileError(found.message, location=found.location)


def _when_reached(exc: ParseError, task: Task) -> None:
    """What an include cannot load fails it where a host reaches it, as Ansible loads it only then (an include
    that reaches itself under a condition is no problem at all: its 'when' ends the recursion)."""
    if _recursive(exc, task):
        return
    if exc.message.startswith((INCLUDE_LOOP, LOOP)):
        raise exc  # without a condition it could never end
    task.problem = task.problem or exc


def _applied(task: Task, inner: Scope) -> Scope:
    """``apply:`` gives the included tasks its keywords (tags, notify, become, ...), as a block would."""
    from orch.playbook.tasks import inherit

    apply = task.args.get("apply")
    if apply is None:
        return inner
    if not isinstance(apply, dict):
        raise ParseError(f"'apply' must be a mapping of keywords, got {type(apply).__name__}", location=task.location)
    return inherit(apply, inner, task.location)


def _recursive(exc: ParseError, task: Task) -> bool:
    """An include that reaches itself under a condition: loaded when reached instead, as in Ansible
    (its 'when' ends the recursion). Without a condition it could never end: that stays an error."""
    return bool(task.when) and exc.message.startswith((INCLUDE_LOOP, LOOP))


def _role_args(args: dict, where: Location) -> tuple[str, dict]:
    name = args.get("name", args.get("role"))  # 'role' is include_role's alias of 'name'
    if not isinstance(name, str) or not name:
        raise ParseError("a role name is required ('name:')", location=where)
    return name, args


_ROLE_FILES = ("tasks_from", "vars_from", "defaults_from", "handlers_from")


def _allow_duplicates(args: dict) -> bool:
    value = args.get("allow_duplicates", True)
    return parse_bool(value) is not False if isinstance(value, str) else bool(value)


def _parent_params(scope: Scope) -> dict:
    """``ansible_parent_role_names``/``_paths`` for a role imported or included from within a role:
    the roles it sits in, innermost first (as Ansible passes them to the role)."""
    parent = scope.role
    if parent is None:
        return {}
    return {"ansible_parent_role_names": [parent.name, *parent.params.get("ansible_parent_role_names", [])],
            "ansible_parent_role_paths": [parent.path, *parent.params.get("ansible_parent_role_paths", [])]}


def import_role(data: dict, args: dict, scope: Scope, where: Location) -> list[TaskItem]:
    from orch.playbook.roles import load_role, role_items
    from orch.playbook.tasks import inherit

    name, args = _role_args(args, where)
    inner = inherit(data, scope, where)
    name = static_name(name, inner, where, "import_role")
    args = {**args, **{k: static_name(args[k], inner, where, "import_role")
                       for k in _ROLE_FILES if isinstance(args.get(k), str)}}
    role = load_role(name, scope, where, params=_parent_params(scope), options=args, role_scope=inner)
    public = args.get("public", True)
    if (parse_bool(public) is not False if isinstance(public, str) else bool(public)) and not any(r is role for r in scope.public_roles):  # roles refer to themselves: no ==
        scope.public_roles.append(role)  # imports are public unless told otherwise: the play sees their variables
    return role_items(role, inner, where, again=_allow_duplicates(args))


def include_role(task: Task, data: dict, scope: Scope) -> None:
    from orch.playbook.roles import load_role, role_items

    name, args = _role_args(task.args, task.location)
    for key in _ROLE_FILES:  # checked at parse time, as Ansible does
        if args.get(key) is not None and not isinstance(args[key], str):
            raise ParseError(f"Expected a string for {key} but got {type_name(args[key])} instead",
                             location=loc_of(args, key, task.location))
    if any(is_template(v) for v in (name, *(args.get(k) for k in _ROLE_FILES)) if isinstance(v, str)):
        return  # a name known only at run time (task vars, facts): loaded when reached
    inner = _applied(task, scope.child(when=list(task.when), vars=dict(task.vars),
                                       environment=list(task.environment),
                                       module_defaults=task.module_defaults, seen_roles={}))
    try:
        role = load_role(name, scope, task.location, params=_parent_params(scope), options=args, role_scope=inner)
    except ParseError as exc:
        _when_reached(exc, task)
        return
    task.included = role_items(role, inner, task.location, again=_allow_duplicates(args))
    task.included_role = role  # the engine needs its vars/defaults/handlers
