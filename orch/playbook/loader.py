"""load_playbook: the whole playbook parsed and validated before any connection."""

from __future__ import annotations

import os
from typing import Any

from orch.errors import Location, OrchError, ParseError, TemplateError
from orch.playbook import keywords as kw
from orch.playbook.includes import static_name
from orch.playbook.model import Play, Playbook, Role
from orch.playbook.roles import role_entry, role_handlers, role_items
from orch.playbook.scope import Scope, check_keys, expect, loc_of, type_name
from orch.playbook.tags import normalize_tags
from orch.playbook.module_defaults import GroupCache
from orch.playbook.tasks import collections_keyword, conditions, defaults_of, parse_tasks
from orch.playbook.varsfile import find_vars_file, vars_file_mapping
from orch.templating import Templar, is_template
from orch.templating.py_plugins import add_plugin_dirs
from orch import yamlsrc
from orch.yamlsrc import load_file

_TEMPLAR = Templar()


def load_playbook(path: str | os.PathLike, extra_vars: dict[str, Any] | None = None,
                  strict: bool = False) -> Playbook:
    """Parse ``path`` (and everything it imports). Raises ParseError, nothing else.

    With ``strict``, tasks that would fail when reached (orch/playbook/problems.py) are errors too.
    """
    path = os.path.normpath(os.path.abspath(os.fspath(path)))
    book = Playbook(path=path)
    try:
        book.plays = _load_plays(path, (), extra_vars or {}, None)
    except OrchError:
        raise
    except RecursionError:
        raise ParseError("playbook nesting too deep", location=Location(path)) from None
    if strict:
        from orch.playbook.problems import problems, strict_error

        found = problems(book)
        if found:
            raise strict_error(found)
    return book


_IMPORT_PLAYBOOK = ("import_playbook", "ansible.builtin.import_playbook", "ansible.legacy.import_playbook")


def _load_plays(path: str, stack: tuple[str, ...], extra_vars: dict, where: Location | None,
                outer_vars: dict | None = None) -> list[Play]:
    """The plays of ``path``; ``outer_vars``: the vars of the import_playbook entries around it."""
    outer_vars = outer_vars or {}
    if path in stack:
        raise ParseError(f"import loop: {' -> '.join([*stack[stack.index(path):], path])}", location=where)
    if not os.path.isfile(path):
        raise ParseError(f"playbook not found: {path}", location=where or Location(path))
    data = load_file(path)
    add_plugin_dirs(os.path.dirname(path))  # the playbook's filter_plugins/ etc., as Ansible adds them
    here = Location(path)
    if data is None:
        return []
    if not isinstance(data, list):
        raise ParseError("a playbook must be a list of plays", location=loc_of(data, None, here))
    plays: list[Play] = []
    for entry in data:
        entry_loc = loc_of(entry, None, loc_of(data, None, here))
        if not isinstance(entry, dict):
            raise ParseError(f"a play must be a mapping, got {type_name(entry)}", location=entry_loc)
        if any(k in entry for k in _IMPORT_PLAYBOOK):
            plays += _import_playbook(entry, path, stack + (path,), extra_vars, entry_loc, outer_vars)
        else:
            plays.append(_load_play(entry, path, extra_vars, entry_loc, outer_vars))
    return plays


def _import_playbook(entry: dict, path: str, stack: tuple[str, ...], extra_vars: dict,
                     where: Location | None, outer_vars: dict) -> list[Play]:
    check_keys(entry, kw.IMPORT_PLAYBOOK, {}, "import_playbook", where)
    key = next(k for k in _IMPORT_PLAYBOOK if k in entry)
    name = entry[key]
    here = loc_of(entry, key, where)
    expect(name, (str,), "'import_playbook'", here)
    import_vars = entry.get("vars") or {}
    expect(import_vars, (dict,), "'vars'", loc_of(entry, "vars", where))
    scope = Scope(file=path, playbook_dir=os.path.dirname(path), play_vars={**outer_vars, **import_vars, **extra_vars})
    name = static_name(name, scope, here, "import_playbook")
    target = os.path.normpath(os.path.join(os.path.dirname(path), os.path.expanduser(name)))
    if not os.path.isfile(target):
        raise ParseError(f"file not found: {name!r}", location=here)
    # Static names inside (import_role, import_tasks) may use the import's vars, as in Ansible.
    plays = _load_plays(target, stack, extra_vars, here, {**outer_vars, **import_vars})
    extra_when = conditions(entry.get("when"), "'when'", loc_of(entry, "when", where))
    tags = normalize_tags(entry.get("tags")) if entry.get("tags") is not None else []
    for play in plays:
        play.vars = {**import_vars, **play.vars}
        if tags:
            play.tags = tags + play.tags
            for t in _all_tasks(play):
                t.tags = tags + t.tags
        if extra_when:
            for t in _all_tasks(play):
                t.when = extra_when + t.when
    return plays


def _all_tasks(play: Play) -> list:
    from orch.playbook.model import Block, iter_tasks

    out = list(iter_tasks(play.pre_tasks + play.tasks + play.post_tasks + play.handlers))
    stack = list(play.pre_tasks + play.tasks + play.post_tasks + play.handlers)
    while stack:  # blocks keep their own when/tags list for the engine too
        item = stack.pop()
        if isinstance(item, Block):
            out.append(item)
            stack += item.block + item.rescue + item.always
    return out


def _hosts(entry: dict, where: Location | None) -> Any:
    if "hosts" not in entry:
        raise ParseError("a play needs 'hosts:'", location=where)
    hosts = entry["hosts"]
    here = loc_of(entry, "hosts", where)
    if isinstance(hosts, list):
        for h in hosts:
            expect(h, (str,), "'hosts' entries", here)
        if not hosts:
            raise ParseError("'hosts' must not be empty", location=here)
        return [str(h) for h in hosts]
    expect(hosts, (str, list), "'hosts'", here)
    if not hosts.strip():
        raise ParseError("'hosts' must not be empty", location=here)
    return hosts


def _serial(value: Any, where: Location | None) -> Any:
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (int, str)):
            raise ParseError("'serial' must be a number, a percentage or a list of them", location=where)
        if isinstance(item, str) and not is_template(item):
            text = item.strip().rstrip("%")
            if not text.isdigit():
                raise ParseError(f"'serial' value {item!r} is not a number or a percentage", location=where)
    return value


def _vars_files(entry: dict, basedir: str, where: Location | None) -> list[Any]:
    value = entry.get("vars_files")
    if value is None:
        return []
    here = loc_of(entry, "vars_files", where)
    items = value if isinstance(value, list) else [value]
    out: list[Any] = []
    for item in items:
        if isinstance(item, list):  # first found
            out.append([_vars_file(i, basedir, here, must_exist=False) for i in item])
            continue
        out.append(_vars_file(item, basedir, here, must_exist=True))
    return out


def _vars_file(item: Any, basedir: str, where: Location | None, must_exist: bool) -> str:
    expect(item, (str,), "'vars_files' entries", loc_of(item, None, where))
    if is_template(item):
        return item  # resolved by the engine with host variables
    path = find_vars_file(item, basedir)
    if path is None:
        if must_exist:
            raise ParseError(f"vars file not found: {item!r}", location=loc_of(item, None, where))
        return os.path.normpath(os.path.join(basedir, os.path.expanduser(item)))
    with open(path, "rb") as fh:
        vaulted = fh.read(14) == b"$ANSIBLE_VAULT"
    # An encrypted file is checked now when a vault is installed (a wrong password stops the run before it
    # starts); without one (library use) it is left to the engine, which may be given a vault later.
    if not vaulted or yamlsrc.vault_installed():
        vars_file_mapping(load_file(path), path)
    return path


def _check_strategy(entry: dict, variables: dict, where: Location | None) -> None:
    """``strategy``, templated with the play's and extra vars as Ansible does when the play starts."""
    strategy = entry.get("strategy")
    if strategy is None:
        return
    here = loc_of(entry, "strategy", where)
    name = strategy
    if isinstance(strategy, str) and is_template(strategy):
        try:
            name = _TEMPLAR.template(strategy, variables)
        except TemplateError as exc:
            raise ParseError(f"'strategy': {exc.message}", location=here) from None
    if str(name).removeprefix("ansible.builtin.") not in kw.SUPPORTED_STRATEGIES:
        known = ", ".join(sorted(kw.SUPPORTED_STRATEGIES))
        raise ParseError(f"orch does not support strategy {name!r} (only {known})", location=here)


def _load_play(entry: dict, path: str, extra_vars: dict, where: Location | None, outer_vars: dict) -> Play:
    unsupported = kw.UNSUPPORTED_PLAY
    if "vars_prompt" in entry and not entry["vars_prompt"]:  # `vars_prompt: null` prompts for nothing
        unsupported = {k: v for k, v in unsupported.items() if k != "vars_prompt"}
    check_keys(entry, kw.PLAY | {"vars_prompt"}, unsupported, "play", where)
    basedir = os.path.dirname(path)
    location = where or Location(path)
    play = Play(location=location, hosts=_hosts(entry, where), basedir=basedir)
    if entry.get("name") is not None:
        play.name = str(expect(entry["name"], (str, int, float), "'name'", loc_of(entry, "name", where)))
    play.vars = dict(expect(entry.get("vars") or {}, (dict,), "'vars'", loc_of(entry, "vars", where)))
    _check_strategy(entry, {**outer_vars, **play.vars, **extra_vars}, where)
    play.vars_files = _vars_files(entry, basedir, where)
    for key in ("gather_facts", "gather_subset", "become", "become_user", "become_method", "become_flags", "max_fail_percentage",
                "any_errors_fatal", "force_handlers", "ignore_errors", "ignore_unreachable", "check_mode", "diff",
                "no_log", "run_once", "remote_user", "port", "connection"):
        if key in entry:
            setattr(play, key, entry[key])
    if "serial" in entry:
        play.serial = _serial(entry["serial"], loc_of(entry, "serial", where))
    if entry.get("order") is not None:  # a wrong name fails when the play starts, as in Ansible
        play.order = expect(entry["order"], (str,), "'order'", loc_of(entry, "order", where))
    try:
        play.tags = normalize_tags(entry.get("tags"))
    except TypeError:
        raise ParseError("'tags' must be a string or a list of strings", location=loc_of(entry, "tags", where)) from None
    if entry.get("environment") is not None:
        env = entry["environment"]
        if not (isinstance(env, str) and is_template(env)):
            expect(env, (dict,), "'environment'", loc_of(entry, "environment", where))
        play.environment = [env]
    for key in ("pre_tasks", "roles", "tasks", "post_tasks", "handlers"):
        if key in entry and entry[key] is not None:
            expect(entry[key], (list,), f"{key!r}", loc_of(entry, key, where))

    scope = Scope(file=path, playbook_dir=basedir, play_vars={**outer_vars, **play.vars, **extra_vars},
                  tags=list(play.tags),
                  stack=(path,), collections=collections_keyword(entry, where), group_cache=GroupCache(),
                  keywords=_inherited_play_keywords(entry))
    play.module_defaults = scope.module_defaults = defaults_of(entry, scope, where)
    play.pre_tasks = parse_tasks(entry.get("pre_tasks"), scope, "pre_tasks", where)
    role_tasks = []
    for item in entry.get("roles") or []:
        role = role_entry(item, scope, loc_of(entry, "roles", where))
        play.roles.append(role)
        role_tasks += role_items(role, scope, role.location)
    play.tasks = role_tasks + parse_tasks(entry.get("tasks"), scope, "tasks", where)
    play.post_tasks = parse_tasks(entry.get("post_tasks"), scope, "post_tasks", where)
    own_handlers = parse_tasks(entry.get("handlers"), scope.child(is_handler=True), "handlers", where)
    play.public_roles = list(scope.public_roles)
    seen: set[str] = set()
    # As Ansible: the roles' handlers, then the play's own; include_role adds its role's when it runs.
    play.handlers = [item for role in _all_roles(play) for item in role_handlers(role, seen)] + own_handlers
    play.warnings = scope.group_cache.warnings
    return play


# Play keywords its tasks take as their own unless they set them (become & co. the engine reads from the play).
_PLAY_TO_TASKS = ("timeout", "ignore_errors", "ignore_unreachable", "no_log", "run_once")


def _inherited_play_keywords(entry: dict) -> dict:
    return {key: entry[key] for key in _PLAY_TO_TASKS if entry.get(key) is not None}


def _all_roles(play: Play) -> list[Role]:
    """Roles of the play's roles: and import_role, in order, each once (not those only include_role brings)."""
    from orch.playbook.model import Block

    roles: dict[str, Role] = {role.path: role for role in play.roles}

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, Block):
                walk(item.block + item.rescue + item.always)
            elif item.module != "include_role":
                if item.role is not None:
                    roles.setdefault(item.role.path, item.role)
                walk(item.included or [])

    walk(play.pre_tasks + play.tasks + play.post_tasks)
    return list(roles.values())


__all__ = ["load_playbook"]
