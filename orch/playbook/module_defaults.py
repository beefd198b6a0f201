"""``module_defaults``: arguments a play, block, role or task gives every module it names.

Read at load as Ansible reads them: a mapping (or a list of mappings) whose keys are static
module names or ``group/NAME`` action groups and whose values are arguments (or one template
giving them). Keys are stored under the name Ansible resolves them to (``ping`` and
``ansible.legacy.ping`` are ``ansible.builtin.ping``; a short name also covers its
``ansible.builtin`` form), groups under their full name with the modules they hold (from the
collection's ``meta/runtime.yml`` ``action_groups``, ``extend_group`` followed). The engine
merges them for a task in ``orch/engine/module_defaults.py``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from orch.booleans import parse_bool
from orch.errors import Location, ParseError
from orch.foreign import finder, paths
from orch.foreign.resolve import ModuleSearch, fqcn
from orch.playbook.scope import loc_of
from orch.templating import is_template

GROUP = "group/"


@dataclass
class ModuleDefaults:
    """What a task inherits: one mapping per level (play first, the task's own last)."""

    layers: tuple[dict[str, Any], ...] = ()
    groups: dict[str, frozenset[str]] = field(default_factory=dict)  # "group/FQ" -> modules' resolved names

    def add(self, layer: dict[str, Any], groups: dict[str, frozenset[str]]) -> "ModuleDefaults":
        return ModuleDefaults(self.layers + (layer,), {**self.groups, **groups})


@dataclass
class GroupCache:
    """Action groups already resolved in a play (Ansible warns about a group's metadata once a play)."""

    resolved: dict[str, frozenset[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def parse(value: Any, inherited: ModuleDefaults | None, playbook_dir: str, cache: GroupCache,
          where: Location | None) -> ModuleDefaults | None:
    """``inherited`` with the ``module_defaults`` value of one more level added."""
    if value is None:
        return inherited
    base = inherited or ModuleDefaults()
    for one in value if isinstance(value, list) else [value]:
        if not isinstance(one, dict):
            raise ParseError("'module_defaults' must be a mapping (or a list of mappings) whose keys are static "
                             "module, action or group names; only the values may be templates",
                             location=loc_of(one, None, where))
        layer: dict[str, Any] = {}
        groups: dict[str, frozenset[str]] = {}
        for key, args in one.items():
            here = loc_of(one, key, where)
            if not isinstance(key, str) or not key or is_template(key):
                raise ParseError(f"'module_defaults' keys must be static module or group names, got {key!r}",
                                 location=here)
            if key.startswith(GROUP):
                name = _group_name(key[len(GROUP):])
                groups[GROUP + name] = _group(name, playbook_dir, cache, True, here)
                layer[GROUP + name] = args
                continue
            for name in _action_names(key, playbook_dir, here):
                layer[name] = args
        base = base.add(layer, groups)
    return base


def _group_name(name: str) -> str:
    return name if name.count(".") >= 2 else f"ansible.builtin.{name}"


def _action_names(key: str, playbook_dir: str, where: Location | None) -> list[str]:
    """The resolved names a key covers; Ansible refuses a key it cannot resolve."""
    search = ModuleSearch(playbook_dir)
    written = key if key.count(".") >= 2 else f"ansible.legacy.{key}"
    names = [fqcn(written, search)]
    if names[0] is None:
        if paths.search_paths().ansible_dir is not None:
            raise ParseError(f"could not resolve the module or action {key!r} in 'module_defaults'", location=where)
        names = [written]  # without ansible-core: kept as written, matched as written
    if written.startswith("ansible.legacy."):  # also the ansible.builtin module of that name, when there is one
        names.append(fqcn("ansible.builtin." + written[len("ansible.legacy."):], search))
    return [n for n in dict.fromkeys(names) if n]


def _group(name: str, playbook_dir: str, cache: GroupCache, mandatory: bool, where: Location | None) -> frozenset[str]:
    """The resolved names of the modules in group ``name`` (``namespace.collection.group``)."""
    if name in cache.resolved:
        return cache.resolved[name]
    collection, _, short = name.rpartition(".")
    table = _action_groups(collection, playbook_dir)
    entries = table.get(name, table.get(short)) if table is not None else None
    if entries is None:
        if mandatory:
            raise ParseError(f"could not resolve the module_defaults group {name!r} (no such action group in "
                             f"{collection})", location=where)
        return frozenset()
    search = ModuleSearch(playbook_dir)
    members: set[str] = set()
    extends: list[str] = []
    found_metadata = False
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, str):
            resolved = fqcn(entry if entry.count(".") >= 2 else f"{collection}.{entry}", search)
            if resolved:
                members.add(resolved)
            continue
        problems = _metadata_problems(entry, found_metadata)
        if problems and _validate_metadata():
            cache.warnings.append(f"Invalid metadata was found for action_group {name} while loading "
                                  f"module_defaults. {' '.join(problems)}")
        meta = entry.get("metadata") if isinstance(entry, dict) else None
        if isinstance(meta, dict):  # the last metadata entry says which groups this one extends
            found_metadata = True
            extend = meta.get("extend_group", [])
            extends = [extend] if isinstance(extend, str) else [e for e in extend if isinstance(e, str)] \
                if isinstance(extend, list) else []
    cache.resolved[name] = frozenset(members)  # before its extensions: groups may extend each other
    for other in extends:
        members |= _group(other if other.count(".") >= 2 else f"{collection}.{other}", playbook_dir, cache, False,
                          where)
    cache.resolved[name] = frozenset(members)
    return cache.resolved[name]


def _metadata_problems(entry: Any, found_before: bool) -> list[str]:
    """What is wrong with a group's ``metadata`` entry (Ansible warns with these words)."""
    keys = sorted(map(str, entry)) if isinstance(entry, dict) else []
    if keys != ["metadata"]:
        return [f"The only expected key is metadata, but got keys: {', '.join(keys)}"]
    problems = ["The group contains multiple metadata entries."] if found_before else []
    meta = entry["metadata"]
    if not isinstance(meta, dict):
        return problems + [f"The metadata is not a dictionary. Got {meta}"]
    unknown = [str(k) for k in meta if k != "extend_group"]
    if unknown:
        problems.append(f"The metadata contains unexpected keys: {', '.join(unknown)}")
    if "extend_group" in meta and not isinstance(meta["extend_group"], (list, str)):
        problems.append(f"The metadata contains unexpected key types: extend_group is {meta['extend_group']} "
                        "(expected type list)")
    return problems


def _validate_metadata() -> bool:
    value = os.environ.get("ANSIBLE_VALIDATE_ACTION_GROUP_METADATA")
    return value is None or parse_bool(value) is not False


def _action_groups(collection: str, playbook_dir: str) -> dict | None:
    """The ``action_groups`` of a collection's ``meta/runtime.yml`` (ansible-core's own for ansible.builtin);
    None when the collection is not installed."""
    if collection in ("ansible.builtin", "ansible.legacy"):
        core = paths.search_paths().ansible_dir
        runtime = os.path.join(core, "config", "ansible_builtin_runtime.yml") if core else None
    else:
        runtime = None
        for root in paths.collection_roots(playbook_dir):
            folder = os.path.join(root, "ansible_collections", *collection.split(".", 1))
            if os.path.isdir(folder):  # the first root holding the collection is the collection
                runtime = os.path.join(folder, "meta", "runtime.yml")
                break
    if runtime is None:
        return None
    groups = finder.runtime_data(runtime).get("action_groups")
    return groups if isinstance(groups, dict) else {}
