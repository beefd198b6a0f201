"""A module name, as a task writes it, to the source file Ansible would run.

Short names look, in order, in the collections of the ``collections:`` keyword, the
``library/`` folders (the task's roles, then the playbook's, then ``ANSIBLE_LIBRARY``), orch's
native modules, ansible-core's own modules, and ansible-core's routing (``ini_file`` is
``community.general.ini_file``). FQCNs look in the first collection root that holds the
collection, after its ``meta/runtime.yml`` routing. Every hop may land on a native module:
the caller says which names it runs itself.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from typing import Callable

from orch.foreign import paths

_MAX_REDIRECTS = 10
_EXTENSIONS = (".py", "", ".ps1")  # legacy library modules may be scripts; .ps1 is Windows


@dataclass(frozen=True)
class FoundModule:
    name: str                 # as Ansible names it: "ansible.builtin.getent", "community.general.ini_file"
    path: str                 # its source file
    import_name: str          # "ansible.modules.getent", "ansible_collections.community.general.plugins.modules.ini_file"
    action_plugin: str | None = None  # a controller-side action plugin Ansible runs instead of the bare module

    @property
    def is_python(self) -> bool:
        return self.path.endswith(".py")


@dataclass(frozen=True)
class Native:
    """The name ends on a module orch implements itself."""

    name: str


@dataclass
class Lookup:
    """Where one task looks: what its play and roles add to the global paths."""

    playbook_dir: str | None = None
    library_dirs: tuple[str, ...] = ()    # the task's roles' library/ (nearest first)
    collections: tuple[str, ...] = ()     # the ``collections:`` keyword in force
    is_native: Callable[[str], bool] = field(default=lambda name: False)
    missing_reason: str = ""              # filled when nothing is found (a tombstone, a broken redirect)

    def legacy_dirs(self) -> list[str]:
        local = [os.path.join(self.playbook_dir, "library")] if self.playbook_dir else []
        return list(dict.fromkeys([*self.library_dirs, *local, *paths.search_paths().library]))

    def roots(self) -> list[str]:
        return paths.collection_roots(self.playbook_dir)


def find(name: str, lookup: Lookup) -> FoundModule | Native | None:
    """Resolve ``name``; None when it is nowhere (``lookup.missing_reason`` may say why)."""
    return _resolve(name, lookup, 0)


def _resolve(name: str, lookup: Lookup, hops: int) -> FoundModule | Native | None:
    if hops > _MAX_REDIRECTS:
        lookup.missing_reason = f"more than {_MAX_REDIRECTS} redirects"
        return None
    if name.count(".") >= 2:
        if lookup.is_native(name):
            return Native(name)
        namespace, collection, rest = name.split(".", 2)
        if namespace == "ansible" and collection == "legacy":
            return _legacy(rest, lookup, hops)
        if namespace == "ansible" and collection == "builtin":
            return _builtin(rest, lookup, hops)
        return _in_collection(namespace, collection, rest, lookup, hops)
    for collection in lookup.collections:
        if collection in ("ansible.builtin", "ansible.legacy"):
            break  # the short name's own search below covers these
        found = _resolve(f"{collection}.{name}", lookup, hops)
        if found is not None:
            return found
    return _legacy(name, lookup, hops)


def _legacy(name: str, lookup: Lookup, hops: int) -> FoundModule | Native | None:
    for folder in lookup.legacy_dirs():
        for ext in _EXTENSIONS:
            path = os.path.join(folder, name + ext)
            if os.path.isfile(path):
                return FoundModule(f"ansible.legacy.{name}", path, f"ansible.modules.{name}")
    if lookup.is_native(name):
        return Native(name)
    return _builtin(name, lookup, hops)


def _builtin(name: str, lookup: Lookup, hops: int) -> FoundModule | Native | None:
    if lookup.is_native(name):
        return Native(name)
    core = paths.search_paths().ansible_dir
    if core is None:
        return None
    path = os.path.join(core, "modules", name + ".py")
    if os.path.isfile(path):
        action = os.path.join(core, "plugins", "action", name + ".py")
        return FoundModule(f"ansible.builtin.{name}", path, f"ansible.modules.{name}",
                           action if os.path.isfile(action) else None)
    route = _routing(os.path.join(core, "config", "ansible_builtin_runtime.yml"), name)
    return _follow(route, f"ansible.builtin.{name}", lookup, hops)


def _in_collection(namespace: str, collection: str, rest: str, lookup: Lookup,
                   hops: int) -> FoundModule | Native | None:
    for root in lookup.roots():
        folder = os.path.join(root, "ansible_collections", namespace, collection)
        if not os.path.isdir(folder):
            continue
        # The first root holding the collection is the collection (Ansible does not merge them).
        route = _routing(os.path.join(folder, "meta", "runtime.yml"), rest)
        target = route.get("redirect")
        if isinstance(target, str) and target.count(".") < 2:  # Ansible refuses redirects the collections keyword would decide
            lookup.missing_reason = (f"{namespace}.{collection}.{rest} redirects to {target!r}: a collection's "
                                     "redirects must use fully qualified names")
            return None
        if route:
            return _follow(route, f"{namespace}.{collection}.{rest}", lookup, hops)
        relative = rest.replace(".", os.sep)
        for ext in (".ps1", ".py"):  # a Windows module's .py beside its .ps1 holds only its documentation
            path = os.path.join(folder, "plugins", "modules", relative + ext)
            if os.path.isfile(path):
                action = os.path.join(folder, "plugins", "action", relative + ".py")
                import_name = f"ansible_collections.{namespace}.{collection}.plugins.modules.{rest}"
                return FoundModule(f"{namespace}.{collection}.{rest}", path, import_name,
                                   action if os.path.isfile(action) else None)
        return None
    return None


def _follow(route: dict, name: str, lookup: Lookup, hops: int) -> FoundModule | Native | None:
    if not route:
        return None
    if route.get("tombstone"):
        text = (route["tombstone"] or {}).get("warning_text") if isinstance(route["tombstone"], dict) else None
        lookup.missing_reason = f"{name} was removed" + (f": {text}" if text else "")
        return None
    target = route.get("redirect")
    if not isinstance(target, str):
        return None
    found = _resolve(target, lookup, hops + 1)
    if found is None and not lookup.missing_reason:
        lookup.missing_reason = f"{name} redirects to {target}, which is not installed"
    return found


def _routing(runtime_file: str, name: str) -> dict:
    """The ``plugin_routing`` entry of a module (or, failing that, of its action plugin)."""
    table = _routing_table(runtime_file)
    return table["modules"].get(name) or table["action"].get(name) or {}


@functools.lru_cache(maxsize=64)
def runtime_data(runtime_file: str) -> dict:
    """A collection's ``meta/runtime.yml`` (or ansible-core's builtin one); {} when missing or unreadable."""
    if not os.path.isfile(runtime_file):
        return {}
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with open(runtime_file, encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=loader)
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


@functools.lru_cache(maxsize=64)
def _routing_table(runtime_file: str) -> dict[str, dict]:
    empty: dict[str, dict] = {"modules": {}, "action": {}}
    routing = runtime_data(runtime_file).get("plugin_routing")
    if not isinstance(routing, dict):
        return empty
    return {kind: {str(k): v for k, v in (routing.get(kind) or {}).items() if isinstance(v, dict)}
            for kind in ("modules", "action")}


def looked_in(name: str, lookup: Lookup) -> str:
    """Where a search for ``name`` went, for the message of a module found nowhere."""
    places = []
    if name.count(".") < 2 or name.startswith("ansible.legacy."):
        places += [os.path.join(d, "") for d in lookup.legacy_dirs()]
        if lookup.collections:
            places.append("collections " + ", ".join(lookup.collections))
    core = paths.search_paths().ansible_dir
    if name.count(".") < 2 or name.startswith("ansible."):
        places.append(os.path.join(core, "modules", "") if core
                      else "ansible-core (not installed: pip install 'orch[ansible]')")
    if name.count(".") >= 2 or lookup.collections:
        roots = lookup.roots()
        places.append("collections in " + (", ".join(roots) if roots else "(no collection paths found)"))
    return "; ".join(places)
