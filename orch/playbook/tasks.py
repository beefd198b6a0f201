"""Tasks and blocks: module detection, argument forms, keywords, imports/includes."""

from __future__ import annotations

import os
from typing import Any

from orch.errors import Location, MissingFileError, OrchError, ParseError, UnresolvedActionError
from orch.foreign.resolve import ModuleSearch, Resolved, resolve
from orch.modules import registry
from orch.playbook import keywords as kw
from orch.playbook.kv import FREE_FORM_KEYS, VARIABLE_PARAMS, parse_kv, possibly_all_template
from orch.playbook.model import Block, LoopSpec, Task, TaskItem
from orch.playbook.scope import Scope, check_keys, conditions, expect, key_loc, loc_of, type_name
from orch.playbook.tags import normalize_tags
from orch.templating import is_template

# Names Jinja reads as constants or operators: a variable so named could never be read back.
_JINJA_WORDS = frozenset({"none", "None", "true", "True", "false", "False", "and", "or", "not", "in", "is", "if",
                          "else", "for", "recursive"})
_INCLUDES = {"import_tasks", "include_tasks", "import_role", "include_role"}


def parse_tasks(data: Any, scope: Scope, what: str = "tasks", where: Location | None = None) -> list[TaskItem]:
    if data is None:
        return []
    expect(data, (list,), f"{what!r}", loc_of(data, None, where))
    items: list[TaskItem] = []
    for entry in data:
        items.extend(parse_item(entry, scope, loc_of(data, None, where)))
    return items


def parse_item(data: Any, scope: Scope, where: Location | None) -> list[TaskItem]:
    where = loc_of(data, None, where)
    if not isinstance(data, dict):
        raise ParseError(f"a task must be a mapping (module: args, ...), got {type_name(data)}", location=where)
    if "block" in data:
        if scope.handler_block:
            raise ParseError("Using a block as a handler is not supported.", location=where)
        return [_parse_block(data, scope, where)]
    for key in ("rescue", "always"):
        if key in data:
            raise ParseError(f"{key!r} needs a 'block' in the same task", location=key_loc(data, key, where))
    return _parse_task(data, scope, where)


def inherit(data: dict, scope: Scope, where: Location | None, own_tags: bool = True) -> Scope:
    """The scope for things under ``data`` (a block, an import, a role entry)."""
    keywords = dict(scope.keywords)
    for name in (*kw.INHERITED, "notify"):  # notify on a block or import reaches its tasks
        if name in data:
            keywords[name] = data[name]
    variables = dict(scope.vars)
    if "vars" in data and data["vars"] is not None:
        variables.update(expect(data["vars"], (dict,), "'vars'", loc_of(data, "vars", where)))
    env = list(scope.environment)
    if data.get("environment") is not None:
        env.append(_environment(data["environment"], loc_of(data, "environment", where)))
    return scope.child(
        keywords=keywords,
        vars=variables,
        environment=env,
        module_defaults=defaults_of(data, scope, where),
        when=scope.when + conditions(data.get("when"), "'when'", loc_of(data, "when", where)),
        tags=scope.tags + (_tags(data, where) if own_tags else []),
        collections=collections_keyword(data, where, scope.collections),
    )


def defaults_of(data: dict, scope: Scope, where: Location | None) -> Any:
    """The ``module_defaults`` in force under ``data``: the scope's, with its own added."""
    if data.get("module_defaults") is None:
        return scope.module_defaults
    from orch.playbook.module_defaults import GroupCache, parse

    cache = scope.group_cache if scope.group_cache is not None else GroupCache()
    return parse(data["module_defaults"], scope.module_defaults, scope.playbook_dir, cache,
                 loc_of(data, "module_defaults", where))


def collections_keyword(data: dict, where: Location | None, default: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The ``collections:`` keyword: names searched for short module and role names."""
    value = data.get("collections")
    if value is None:
        return default
    here = loc_of(data, "collections", where)
    items = value if isinstance(value, list) else [value]
    for item in items:
        expect(item, (str,), "'collections' entries", here)
        if is_template(item) or item.count(".") != 1:
            raise ParseError(f"'collections' entries are collection names (namespace.name), got {item!r}",
                             location=here)
    return tuple(items)


def _tags(data: dict, where: Location | None) -> list[str]:
    try:
        return normalize_tags(data.get("tags"))
    except TypeError as exc:
        raise ParseError(f"'tags' must be a string or a list of strings, got {exc}",
                         location=loc_of(data, "tags", where)) from None


def _environment(value: Any, where: Location | None) -> Any:
    if isinstance(value, str) and is_template(value):
        return value
    if isinstance(value, list):
        return [expect(v, (dict, str), "'environment'", where) for v in value]
    return expect(value, (dict,), "'environment'", where)


def _parse_block(data: dict, scope: Scope, where: Location | None) -> Block:
    check_keys(data, kw.BLOCK, kw.UNSUPPORTED_TASK, "block", where)
    inner = inherit(data, scope, where)
    if scope.is_handler:  # a block of handlers is a list of them; a block in it would be one handler
        inner = inner.child(handler_block=True)
    block = Block(location=where or Location(scope.file), name=data.get("name"), role=scope.role,
                  when=list(inner.when), tags=list(inner.tags),
                  keywords={k: data[k] for k in kw.INHERITED if k in data})
    block.block = parse_tasks(data["block"], inner, "block", where)
    block.rescue = parse_tasks(data.get("rescue"), inner, "rescue", where)
    block.always = parse_tasks(data.get("always"), inner, "always", where)
    return block


def _find_action(data: dict, scope: Scope, where: Location | None) -> tuple[str, Any, Location | None]:
    """Return (module name as written, its raw arguments, location of the module key).

    Every key that is not a task keyword names the module, as in Ansible: whether orch can run
    it is decided later (orch/foreign/resolve.py), and only when a host reaches the task.
    """
    found: list[str] = []
    for key in data:
        if key in kw.TASK:
            if key in ("action", "local_action"):
                found.append(key)
            continue
        if isinstance(key, str) and key.startswith("with_"):
            continue
        if key in kw.UNSUPPORTED_TASK:
            raise ParseError(kw.UNSUPPORTED_TASK[key], location=key_loc(data, key, where))
        if not isinstance(key, str) or not key.strip():
            raise ParseError(f"unknown module or task keyword {key!r}", location=key_loc(data, key, where))
        found.append(key)
    if len(found) > 1:
        _two_actions(data, found, scope, where)
    if not found:
        raise ParseError("a task needs a module to run (e.g. 'command: ...' or 'action: ...')", location=where)
    key = found[0]
    value = data[key]
    if key in ("action", "local_action"):
        if isinstance(value, dict):
            value = dict(value)
            module = value.pop("module", None)
            if not isinstance(module, str) or not module.strip():
                raise ParseError(f"{key!r} as a mapping needs a 'module' key", location=loc_of(data, key, where))
            inner = value.pop("args", None)  # action: {module: x, args: {...}} (or args as k=v), as Ansible reads it
            if isinstance(inner, str):
                inner = parse_kv(inner, location=loc_of(data, key, where))
            if isinstance(inner, dict):
                value.update(inner)
        elif isinstance(value, str) and value.strip():
            module, value = _split_action(value.strip())
        else:
            raise ParseError(f"{key!r} must name a module", location=loc_of(data, key, where))
        return module, value, loc_of(data, key, where)
    return key, value, key_loc(data, key, where)


def _split_action(text: str) -> tuple[str, str]:
    """``action: "NAME args"``; NAME may be a template with spaces (``{{ ansible_facts.pkg_mgr }}``)."""
    if text.startswith("{{") and "}}" in text:
        end = text.index("}}") + 2
        return text[:end], text[end:].strip()
    module, _, rest = text.partition(" ")
    return module, rest.strip()


def _two_actions(data: dict, found: list[str], scope: Scope, where: Location | None) -> None:
    """Two module-like keys: a mistyped keyword beside a module reads best as just that."""
    unknown = [k for k in found if k not in ("action", "local_action")
               and resolve(k, _search(scope)).problem is not None]
    if len(unknown) == 1 and len(found) == 2:
        key = unknown[0]
        hint = registry.suggest(str(key), kw.TASK) or registry.suggest_module(str(key))
        raise ParseError(f"unknown module or task keyword {key!r}{hint}", location=key_loc(data, key, where))
    raise ParseError(f"a task can run only one module, found {found[0]!r} and {found[1]!r}",
                     location=key_loc(data, found[1], where))


def _search(scope: Scope) -> ModuleSearch:
    """Where this scope's module names are looked up: its roles' library/ folders first."""
    dirs: list[str] = []
    roles = [scope.role] if scope.role is not None else []
    while roles:
        role = roles.pop(0)
        dirs.append(role.path)
        roles += role.dependencies
    # the roles this one is inside (stack entries "role PATH (tasks file)")
    dirs += [e[5:e.rindex(" (")] for e in reversed(scope.stack) if e.startswith("role ") and " (" in e]
    return ModuleSearch(scope.playbook_dir, tuple(dict.fromkeys(dirs)), tuple(scope.collections))


# Modules that keep free-form words themselves although they take key=value arguments (Ansible keeps a
# fact named _raw_params for set_fact); the Windows ones are free-form modules orch has no native code for.
_KEEP_RAW = frozenset({"set_fact", "win_command", "win_shell"})


def _module_args(module: str, raw: Any, data: dict, where: Location | None,
                 native: bool = True) -> tuple[dict[str, Any], str | None]:
    """The task's arguments, and the problem that fails it when a host reaches it (or None).

    As Ansible's parse_kv: ``k=v`` words are arguments; other words are free-form text, which
    only free-form modules take. For any other module, words that are one template give a
    mapping of arguments at run time (below the ``k=v`` ones); other words fail the task when it
    runs, not the load.
    """
    info = registry.get_info(module) if native else None
    layers: list[str] = []  # templates giving mappings at run time, lowest first
    problem = None
    if raw is None:
        args: dict[str, Any] = {}
    elif isinstance(raw, dict):
        args = dict(raw)
    elif isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
        text = str(raw)
        if info is not None and info.name in ("command", "shell", "script", "raw"):
            keys = FREE_FORM_KEYS if info.name != "raw" else frozenset({"executable"})
            args = parse_kv(text, free_form=True, location=where, free_form_keys=keys)
        else:
            args = parse_kv(text, free_form=True, location=where)
            words = args.get("_raw_params")
            takes_words = (info is not None and info.free_form) or module.rsplit(".", 1)[-1] in _KEEP_RAW
            if words is not None and not takes_words:
                del args["_raw_params"]
                if possibly_all_template(words):
                    layers.append(words)
                else:
                    problem = (f"module {module!r} does not support raw params (free-form words {words!r}); "
                               "give it key=value arguments")
    else:
        raise ParseError(f"arguments of {module!r} must be a mapping or a 'key=value' string",
                         location=loc_of(raw, None, where))
    extra = data.get("args")
    if isinstance(extra, str) and possibly_all_template(extra):
        layers.insert(0, extra)  # below the module's own arguments and its free-form template
    elif extra is not None:
        extra = expect(extra, (dict,), "'args' (a mapping, or a template giving one)", loc_of(data, "args", where))
        for k, v in extra.items():
            args.setdefault(k, v)
    if layers:
        args[VARIABLE_PARAMS] = layers
    return args, problem


def _check_native_args(module: str, args: dict, raw: Any, where: Location | None, defaults: bool = False) -> None:
    if VARIABLE_PARAMS in args:
        return  # arguments from one template: checked when templated, at run time
    registry.check_arg_names(module, args, loc_of(raw, None, where))
    if not defaults:  # module_defaults may give what is missing: checked at run time, after they are merged
        registry.check_required(module, args, loc_of(raw, None, where))


def _loop(data: dict, where: Location | None) -> LoopSpec | None:
    loops = [k for k in data if k == "loop" or (isinstance(k, str) and k.startswith("with_"))]
    if len(loops) > 1:
        raise ParseError(f"a task can have only one loop, found {loops[0]!r} and {loops[1]!r}",
                         location=key_loc(data, loops[1], where))
    if not loops:
        return None
    key = loops[0]
    value = data[key]
    here = loc_of(data, key, where)
    if key == "loop":
        if not isinstance(value, (list, str)):
            raise ParseError(f"'loop' must be a list or a template string, got {type_name(value)}", location=here)
        return LoopSpec("loop", value)
    name = key[5:]
    if key in kw.UNSUPPORTED_TASK:
        raise ParseError(kw.UNSUPPORTED_TASK[key], location=key_loc(data, key, where))
    if name not in kw.WITH_LOOKUPS:
        raise ParseError(f"orch does not support {key!r}{registry.suggest(name, kw.WITH_LOOKUPS)}",
                         location=key_loc(data, key, where))
    if value is None or isinstance(value, bool):
        raise ParseError(f"{key!r} needs a value", location=here)
    return LoopSpec(name, value)


def _scalar(data: dict, key: str, types: tuple, where: Location | None) -> Any:
    if key not in data:
        return None
    value = data[key]
    if isinstance(value, str) and is_template(value):
        return value
    return expect(value, types, f"{key!r}", loc_of(data, key, where))


def _names(data: dict, key: str, where: Location | None) -> list[str]:
    value = data.get(key)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    for item in items:
        expect(item, (str,), f"{key!r} entries", loc_of(data, key, where))
    return [str(i) for i in items]


def _parse_task(data: dict, scope: Scope, where: Location | None) -> list[TaskItem]:
    if "listen" in data and not scope.is_handler:
        raise ParseError("'listen' is only valid on handlers", location=key_loc(data, "listen", where))
    written, raw_args, mod_loc = _find_action(data, scope, where)
    location = where or Location(scope.file)
    if scope.is_handler and written.rsplit(".", 1)[-1] in ("include_role", "import_role"):
        raise ParseError(f"Using {written.rsplit('.', 1)[-1]!r} as a handler is not supported.",
                         location=mod_loc or location)
    if data.get("name") is not None and not isinstance(data["name"], (str, int, float)) or data.get("name") is True:
        raise ParseError("'name' must be a string", location=loc_of(data, "name", where))
    search = _search(inherit(data, scope, where) if "collections" in data else scope)
    resolved = Resolved(written) if is_template(written) else resolve(written, search)
    module = resolved.module
    native = (resolved.found is None and resolved.problem is None and resolved.action_plugin is None
              and not is_template(written))
    args, words_problem = _module_args(module, raw_args, data, mod_loc, native)
    reserved = next((k for k in args if isinstance(k, str) and k.startswith("_ansible_")), None)
    if reserved is not None:  # Ansible's error when it reads the task (not a parser error: exit 1)
        raise OrchError(f"Invalid parameter specified beginning with keyword '_ansible_' for action {written!r}: "
                        f"{reserved!r}. The prefix '_ansible_' is reserved for internal use only.",
                        location=mod_loc or location)
    problem = resolved.problem or words_problem
    kind = UnresolvedActionError if resolved.problem and resolved.found is None else ParseError
    found: ParseError | None = kind(problem, location=mod_loc or location) if problem else None
    if native:
        try:
            _check_native_args(module, args, raw_args, mod_loc,
                               defaults=scope.module_defaults is not None or "module_defaults" in data)
        except ParseError as exc:
            if module in _INCLUDES:
                raise  # how the playbook is built: Ansible refuses these at parse time too
            exc.location = exc.location or mod_loc or location
            found = found or exc  # free-form words the module does not take come first: they explain the rest

    if module == "import_tasks":
        from orch.playbook.includes import import_tasks

        return import_tasks(data, args, scope, location)
    if module == "import_role":
        from orch.playbook.includes import import_role

        return import_role(data, args, scope, location)

    own = inherit(data, scope, where)
    task = Task(module=module, args=args, location=location, action=written,
                name=str(data["name"]) if data.get("name") not in (None, "") else None,  # 'name:' left empty
                when=own.when, tags=own.tags, vars=own.vars, environment=own.environment,
                module_defaults=own.module_defaults, role=scope.role, is_handler=scope.is_handler, search=search,
                foreign=resolved.found, problem=found, action_plugin=resolved.action_plugin)
    for name in kw.INHERITED:
        if name in own.keywords:
            setattr(task, name, own.keywords[name])
    if "local_action" in data:
        task.delegate_to = "localhost"
    task.loop = _loop(data, where)
    if "loop_control" in data:
        control = expect(data["loop_control"], (dict,), "'loop_control'", loc_of(data, "loop_control", where))
        check_keys(control, kw.LOOP_CONTROL, {}, "loop_control", loc_of(data, "loop_control", where))
        task.loop_control = dict(control)
    task.register = _scalar(data, "register", (str,), where)
    if isinstance(task.register, str) and (not task.register.isidentifier() or task.register in _JINJA_WORDS):
        raise ParseError(f"'register' must be a variable name, got {task.register!r}",
                         location=loc_of(data, "register", where))
    task.notify = _names(data if "notify" in data else own.keywords, "notify", where)
    task.listen = _names(data, "listen", where)
    for key in ("changed_when", "failed_when", "until"):
        if key in data:
            setattr(task, key, conditions(data[key], f"{key!r}", loc_of(data, key, where)))
    task.retries = _scalar(data, "retries", (int,), where)
    task.delay = _scalar(data, "delay", (int, float), where)
    task.async_val = _scalar(data, "async", (int,), where)
    task.poll = _scalar(data, "poll", (int,), where)
    if task.until is not None and task.retries is None:
        task.retries = 3  # Ansible's default when 'until' is given
    if module == "include_tasks":
        from orch.playbook.includes import include_tasks

        include_tasks(task, data, scope)
    elif module == "include_role":
        from orch.playbook.includes import include_role

        include_role(task, data, scope)
    return [task]


def resolve_file(name: str, scope: Scope, where: Location | None, subdir: str = "tasks") -> str:
    """Find a task file the way Ansible does: next to the current file, in the role, in the playbook dir."""
    name = os.path.expanduser(name)
    candidates = [name] if os.path.isabs(name) else [os.path.join(scope.dir, name)]
    if not os.path.isabs(name):
        if scope.role is not None:
            candidates += [os.path.join(scope.role.path, subdir, name), os.path.join(scope.role.path, name)]
        candidates += [os.path.join(scope.playbook_dir, name)]
    for path in candidates:
        if os.path.isfile(path):
            return os.path.normpath(path)
    raise MissingFileError(f"file not found: {name!r} (looked in {', '.join(dict.fromkeys(os.path.dirname(c) or '.' for c in candidates))})",
                     location=where)
