"""What a task's module name is: one of orch's own, one run from its Ansible source, or nothing yet.

The loader asks once per task; a templated name (``action: "{{ pkg_mgr }}"``) is asked again
on each host when the task is reached. A name found nowhere is not an error at load: the
task fails when a host reaches it (Ansible loads files of other platforms only when a task
includes them), the run starts with one warning listing them, and strict mode refuses them.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field, replace
from typing import Any

from orch.foreign import finder, paths
from orch.modules import registry
from orch.templating import py_plugins


@dataclass(frozen=True)
class ModuleSearch:
    """Where one task's module names are looked up (kept on the task for names templated later)."""

    playbook_dir: str | None = None
    role_dirs: tuple[str, ...] = ()        # the task's role, the roles around it, their dependencies
    collections: tuple[str, ...] = ()      # the ``collections:`` keyword in force

    def lookup(self) -> finder.Lookup:
        library = tuple(os.path.join(d, "library") for d in self.role_dirs)
        return finder.Lookup(self.playbook_dir, library, self.collections, _native)

    def module_utils_dirs(self) -> list[str]:
        local = [os.path.join(self.playbook_dir, "module_utils")] if self.playbook_dir else []
        dirs = [os.path.join(d, "module_utils") for d in self.role_dirs] + local + list(paths.search_paths().module_utils)
        return [d for d in dict.fromkeys(dirs) if os.path.isdir(d)]


@dataclass
class Resolved:
    module: str                              # orch's canonical name, or the name as written
    found: finder.FoundModule | None = None  # run from its source
    problem: str | None = None               # why the task cannot run (found nowhere, not Python)
    action_plugin: Any = None                # an action_plugins/ file Ansible runs for a name no module has
    notes: list[str] = field(default_factory=list)


def _native(name: str) -> bool:
    return registry.is_module(name)


def _shadowed(name: str, search: ModuleSearch) -> bool:
    """A library/ module of the same name wins over a native one, as it does in Ansible."""
    if name.count(".") or name in registry.CONTROLLER_MODULES:
        return False
    return any(os.path.isfile(os.path.join(d, name + ext))
               for d in search.lookup().legacy_dirs() for ext in (".py", ""))


def resolve(name: str, search: ModuleSearch) -> Resolved:
    if _native(name) and not search.collections and not _shadowed(name, search):
        return Resolved(registry.resolve_module(name) or name)
    lookup = search.lookup()
    found = finder.find(name, lookup)
    if isinstance(found, finder.Native):
        return Resolved(registry.resolve_module(found.name) or found.name)
    if found is None:
        action = py_plugins.find("action", name)
        if action is not None:
            return Resolved(name, action_plugin=action)
        reason = f" ({lookup.missing_reason})" if lookup.missing_reason else ""
        hint = registry.suggest_module(name)
        return Resolved(name, problem=f"module {name!r} not found{reason}{hint}; looked in: "
                                      f"{finder.looked_in(name, lookup)}")
    if not found.is_python and not _python_script(found.path):
        return Resolved(name, found, problem=f"module {found.name} ({found.path}) is not a Python module: "
                                             "orch runs Python modules only (Windows/PowerShell modules need Ansible)")
    if found.action_plugin:
        return Resolved(name, found, problem=f"module {found.name} needs Ansible's controller-side action plugin "
                                             f"({found.action_plugin}), which orch does not run")
    return Resolved(name, found)


def _python_script(path: str) -> bool:
    if path.endswith((".ps1", ".psm1")):
        return False
    try:
        with open(path, "rb") as handle:
            first = handle.readline()
    except OSError:
        return False
    return first.startswith(b"#!") and b"python" in first


@functools.lru_cache(maxsize=1024)
def fqcn(name: str, search: ModuleSearch) -> str | None:
    """The name Ansible resolves ``name`` to (``ping`` -> ``ansible.builtin.ping``, a library/ module
    -> ``ansible.legacy.NAME``, redirects followed), also for modules orch runs natively; None when
    it is nowhere. ``module_defaults`` keys and action groups are matched on this name."""
    found = finder.find(name, replace(search.lookup(), is_native=lambda _name: False))
    if isinstance(found, finder.FoundModule):
        return found.name
    if paths.search_paths().ansible_dir is not None:
        return None
    # Without ansible-core, orch's own modules still have their Ansible names.
    short = name.split(".", 2)[2] if name.startswith(("ansible.builtin.", "ansible.legacy.")) else name
    canonical = registry.resolve_module(short)
    return f"{registry.MODULES[canonical].collections[0]}.{canonical}" if canonical else None
