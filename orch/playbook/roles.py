"""Roles: finding them, reading their folders, dependencies and deduplication."""

from __future__ import annotations

import os
from typing import Any

from orch.booleans import parse_bool
from orch.errors import Location, ParseError
from orch.playbook import keywords as kw
from orch.playbook.model import Role, TaskItem
from orch.playbook.scope import Scope, expect, loc_of, type_name
from orch.templating import is_template
from orch.templating.py_plugins import add_plugin_dirs
from orch.yamlsrc import load_file


LOOP = "role dependency loop"


def role_search_path(playbook_dir: str) -> list[str]:
    """roles/ next to the playbook, the playbook dir, ANSIBLE_ROLES_PATH, Ansible's defaults."""
    paths = [os.path.join(playbook_dir, "roles"), playbook_dir]
    env = os.environ.get("ANSIBLE_ROLES_PATH") or os.environ.get("ORCH_ROLES_PATH")
    if env:
        # relative entries are relative to the working folder, and role_path is absolute, as in Ansible
        paths += [os.path.abspath(os.path.expanduser(p)) for p in env.split(os.pathsep) if p]
    paths += [os.path.expanduser("~/.ansible/roles"), "/usr/share/ansible/roles", "/etc/ansible/roles"]
    return paths


def collection_role(name: str, scope: Scope) -> tuple[str, str] | None:
    """(path, collection) of a role in a collection: ``ns.col.role``, or a short name in the
    collections of the ``collections:`` keyword (searched before the roles path, as Ansible does)."""
    from orch.foreign.paths import collection_roots

    if "/" in name:
        return None
    if name.count(".") >= 2:
        namespace, collection, role = name.split(".", 2)
        candidates = [(f"{namespace}.{collection}", role)]
    else:
        candidates = [(c, name) for c in scope.collections if c not in ("ansible.builtin", "ansible.legacy")]
    roots = collection_roots(scope.playbook_dir) if candidates else []
    for collection, role in candidates:
        for root in roots:
            folder = os.path.join(root, "ansible_collections", *collection.split("."))
            if os.path.isdir(folder):  # the first root holding the collection is the collection
                path = os.path.join(folder, "roles", role)
                if os.path.isdir(path):
                    return os.path.normpath(path), collection
                break
    return None


def find_role(name: str, scope: Scope, where: Location) -> str:
    in_collection = collection_role(name, scope)
    if in_collection is not None:
        return in_collection[0]
    if name.count(".") >= 2 and "/" not in name:
        from orch.foreign.paths import collection_roots

        roots = collection_roots(scope.playbook_dir)
        raise ParseError(f"role {name!r} not found in the installed collections (collection paths: "
                         f"{', '.join(roots) if roots else 'none found'})", location=where)
    candidates = []
    if os.path.isabs(os.path.expanduser(name)):
        candidates.append(os.path.expanduser(name))
    else:
        if scope.role is not None:  # a role's dependency may sit next to it
            candidates.append(os.path.join(os.path.dirname(scope.role.path), name))
        candidates += [os.path.join(p, name) for p in role_search_path(scope.playbook_dir)]
    for path in candidates:
        if os.path.isdir(path):
            return os.path.normpath(path)
    raise ParseError(f"role {name!r} not found (searched: {', '.join(dict.fromkeys(os.path.dirname(c) for c in candidates))})",
                     location=where)


def _main_file(role_path: str, sub: str, base: str = "main", folder: bool = False) -> str | None:
    """``sub/main.yml`` (or .yaml, no extension); with ``folder``, also a ``sub/main/`` folder of files."""
    for ext in (".yml", ".yaml", ""):
        path = os.path.join(role_path, sub, base + ext)
        if os.path.isfile(path):
            return path
    path = os.path.join(role_path, sub, base)
    return path if folder and os.path.isdir(path) else None


def _load_mapping(path: str | None) -> dict:
    """A vars file, or a folder of them (merged in name order, as Ansible does for ``defaults/main/``)."""
    if path is None:
        return {}
    if os.path.isdir(path):
        merged: dict = {}
        for current, dirs, files in os.walk(path):
            dirs.sort()
            for name in sorted(files):
                if name.endswith((".yml", ".yaml", ".json")):
                    merged.update(_load_mapping(os.path.join(current, name)))
        return merged
    data = load_file(path)
    if data is None:
        return {}
    return expect(data, (dict,), "a vars file", loc_of(data, None, Location(path)))


def _from(options: dict, key: str, role_path: str, sub: str, where: Location) -> str | None:
    base = options.get(key)
    folder = sub in ("vars", "defaults")
    if base is None:
        return _main_file(role_path, sub, folder=folder)
    found = (_main_file(role_path, sub, os.path.splitext(str(base))[0], folder=folder)
             or _main_file(role_path, sub, str(base), folder=folder))
    if found is None:
        raise ParseError(f"{key}: {base!r} not found in {os.path.join(role_path, sub)}", location=where)
    return found


def load_role(name: str, scope: Scope, where: Location, params: dict[str, Any], options: dict[str, Any],
              role_scope: Scope) -> Role:
    """Read a role and, recursively, its dependencies (not yet deduplicated)."""
    from orch.playbook.includes import load_task_file
    from orch.playbook.tasks import parse_tasks

    path = find_role(name, scope, where)
    add_plugin_dirs(path)  # as Ansible: a loaded role's filter/test/lookup plugins serve the whole run
    # A role may use itself with another tasks_from (or from include_role): only the same entry is a loop.
    entry = f"role {path} ({options.get('tasks_from') or 'main'})"
    if entry in scope.stack:
        chain = [part for part in scope.stack if part.startswith("role ")]
        raise ParseError(f"{LOOP}: {' -> '.join([*chain, entry])}", location=where)
    in_collection = collection_role(name, scope)
    collection = in_collection[1] if in_collection else None
    role_name = f"{collection}.{os.path.basename(path)}" if collection else os.path.basename(path.rstrip("/"))
    role = Role(name=role_name, path=path, location=where, params=dict(params),
                when=list(role_scope.when), tags=list(role_scope.tags))
    role.defaults = _load_mapping(_from(options, "defaults_from", path, "defaults", where))
    role.vars = _load_mapping(_from(options, "vars_from", path, "vars", where))
    meta_file = _main_file(path, "meta")
    meta = _load_mapping(meta_file)
    role.allow_duplicates = bool(meta.get("allow_duplicates", False))
    # Short names in a role: its own collection first, then its meta/main.yml ``collections:``.
    from orch.playbook.tasks import collections_keyword

    own = collections_keyword(meta, Location(meta_file or path))
    inner = role_scope.child(role=role, stack=scope.stack + (entry,),
                             collections=tuple(dict.fromkeys(((collection,) if collection else ()) + own)))
    for dep in meta.get("dependencies") or []:
        role.dependencies.append(role_entry(dep, inner, loc_of(dep, None, Location(meta_file or path))))
        role.dependencies[-1].parent = role  # a dependency sees its parents' vars and params
    tasks_file = _from(options, "tasks_from", path, "tasks", where)
    if tasks_file:
        role.tasks = load_task_file(tasks_file, inner.child(file=tasks_file), where)
    entry_point = os.path.splitext(os.path.basename(str(options.get("tasks_from") or "main")))[0]
    validate = options.get("rolespec_validate", True)
    if is_template(validate) or parse_bool(validate) is not False:
        role.tasks = _argument_check(role, meta, meta_file, entry_point, inner, validate) + role.tasks
    handlers_file = _from(options, "handlers_from", path, "handlers", where)
    if handlers_file:
        handler_scope = inner.child(file=handlers_file, is_handler=True)
        data = load_file(handlers_file)
        role.handlers = parse_tasks(data, handler_scope, "handlers", Location(handlers_file))
    return role


def _argument_check(role: Role, meta: dict, meta_file: str | None, entry_point: str, scope: Scope,
                    validate: Any) -> list[TaskItem]:
    """The task Ansible puts first in a role whose entry point has an argument spec: it
    validates the role's parameters and variables when a host enters the role (unless
    ``rolespec_validate`` is false; a templated one decides when the host gets there)."""
    from orch.playbook.tasks import parse_tasks

    spec_file = _main_file(role.path, "meta", "argument_specs")
    specs = _load_mapping(spec_file).get("argument_specs") if spec_file else meta.get("argument_specs")
    spec_file = spec_file or meta_file
    if not isinstance(specs, dict) or not isinstance(specs.get(entry_point), dict):
        return []
    entry = specs[entry_point]
    name = f"Validating arguments against arg spec '{entry_point}'"
    if entry.get("short_description"):
        name += f" - {entry['short_description']}"
    task = {"name": name, "tags": ["always"], "validate_argument_spec": {
        "argument_spec": entry.get("options") or {}, "provided_arguments": dict(role.params),
        "validate_args_context": {"type": "role", "name": role.name, "argument_spec_name": entry_point,
                                  "path": role.path}}}
    if is_template(validate):
        task["when"] = validate
    where = loc_of(entry, None, Location(spec_file or role.path))
    return parse_tasks([task], scope.child(file=spec_file or role.path), "tasks", where)


def role_entry(entry: Any, scope: Scope, where: Location | None) -> Role:
    """A ``roles:`` item or a ``dependencies:`` item: a name or a mapping."""
    from orch.playbook.tasks import inherit

    where = loc_of(entry, None, where) or Location(scope.file)
    if isinstance(entry, str):
        return load_role(entry, scope, where, {}, {}, scope)
    if not isinstance(entry, dict):
        raise ParseError(f"a role entry must be a name or a mapping, got {type_name(entry)}", location=where)
    name = entry.get("role", entry.get("name"))
    if not isinstance(name, str) or not name:
        raise ParseError("a role entry needs 'role: NAME'", location=where)
    for key in ("tasks_from", "vars_from", "defaults_from", "handlers_from"):
        if key in entry:
            raise ParseError(f"{key!r} is not valid in 'roles:'; use import_role", location=where)
    # Keys that are not keywords are role parameters, as in Ansible.
    params = {k: v for k, v in entry.items() if k not in kw.ROLE_ENTRY}
    if isinstance(entry.get("vars"), dict):
        params.update(entry["vars"])
    inner = inherit({k: v for k, v in entry.items() if k in kw.ROLE_ENTRY and k != "vars"}, scope, where)
    return load_role(name, scope, where, params, {}, inner)


def _params_key(role: Role) -> str:
    return repr(sorted((str(k), repr(v)) for k, v in role.params.items()))


def role_items(role: Role, scope: Scope, where: Location, again: bool = False) -> list[TaskItem]:
    """The tasks a role adds to a play: dependencies first, duplicates skipped.

    ``again``: import_role/include_role with ``allow_duplicates`` (their default) run the role
    even when the play already has it, as in Ansible.
    """
    key = (role.path, _params_key(role))
    if key in scope.seen_roles and not role.allow_duplicates and not again:
        return []
    scope.seen_roles[key] = role
    items: list[TaskItem] = []
    for dep in role.dependencies:
        items += role_items(dep, scope, where)
    items += role.tasks
    return items


def role_handlers(role: Role, seen: set[str] | None = None) -> list[TaskItem]:
    seen = set() if seen is None else seen
    out: list[TaskItem] = []
    for dep in role.dependencies:
        out += role_handlers(dep, seen)
    if role.path not in seen:
        seen.add(role.path)
        out += role.handlers
    return out
