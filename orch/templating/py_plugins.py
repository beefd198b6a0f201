"""Ansible's Python plugins on the controller: filters, tests and lookups from plugin folders and collections.

As in Ansible, the folders are process-wide: the playbook's folder and each role's, once loaded, add
their ``filter_plugins/``, ``test_plugins/`` and ``lookup_plugins/`` for the rest of the run, searched
in the order they were added, then the configured folders (``ANSIBLE_FILTER_PLUGINS``, ansible.cfg
``filter_plugins``, ``~/.ansible/plugins/filter``, ...). A short (or ``ansible.legacy.``) name found
there wins over orch's own, as it wins over Ansible's builtins; ``ansible.builtin.NAME`` stays orch's.
``ns.coll.NAME`` is looked for in that collection's ``plugins/filter|test|lookup/`` where orch finds
collections. A plugin that fails to load fails where its name is used, in Ansible's words.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import os
import sys
import threading
from dataclasses import dataclass
from typing import Any

from jinja2.runtime import Undefined

from orch.errors import TemplateError
from orch.foreign import paths


@dataclass(frozen=True)
class Kind:
    name: str        # filter, test, lookup
    folder: str      # the folder beside a playbook or in a role
    class_name: str  # the class a plugin file defines
    method: str      # its method that lists the functions (filters and tests)


KINDS = {
    "filter": Kind("filter", "filter_plugins", "FilterModule", "filters"),
    "test": Kind("test", "test_plugins", "TestModule", "tests"),
    "lookup": Kind("lookup", "lookup_plugins", "LookupModule", ""),
    "action": Kind("action", "action_plugins", "ActionModule", ""),
}


@dataclass(frozen=True)
class Failed:
    """A plugin that failed to load: Ansible defers the error to where the name is used."""

    kind: str
    name: str
    cause: str

    def error(self) -> TemplateError:
        return TemplateError(f"The {self.kind} plugin {self.name!r} failed to load: {self.cause}")


_lock = threading.RLock()
_added: list[str] = []                       # playbook and role folders with plugin folders, in order
_tables: dict[str, dict[str, Any]] = {}      # kind -> short name -> function or Failed
_collections: dict[tuple[str, str], dict[str, Any]] = {}  # (kind, "ns.coll") -> short name -> ...
_modules: dict[str, Any] = {}                # a plugin file -> its module, or the cause it failed with


def add_plugin_dirs(base: str) -> None:
    """A playbook's or a role's folder: its plugin folders count from now on (Ansible's add_all_plugin_dirs)."""
    base = os.path.realpath(base)
    if base in _added or not any(os.path.isdir(os.path.join(base, k.folder)) for k in KINDS.values()):
        return
    with _lock:
        if base not in _added:
            _added.append(base)
            _tables.clear()


def reset() -> None:
    """Forget the folders and what was loaded (tests start anew)."""
    with _lock:
        _added.clear()
        _tables.clear()
        _collections.clear()
        _modules.clear()
    paths.reset()


def folders(kind: str) -> list[str]:
    """The legacy folders of ``kind``, in the order Ansible searches them."""
    local = [os.path.join(base, KINDS[kind].folder) for base in _added]
    return [d for d in dict.fromkeys([*local, *paths.plugin_paths(kind)]) if os.path.isdir(d)]


def find(kind: str, name: str) -> Any:
    """The function (filter, test), the file of a class plugin (lookup, action: a PluginFile), a Failed, or None."""
    if name.startswith("ansible.builtin."):
        return None
    short = name[len("ansible.legacy."):] if name.startswith("ansible.legacy.") else name
    if "." in short:
        namespace, collection, leaf = (short.split(".", 2) + ["", ""])[:3]
        return _collection_table(kind, f"{namespace}.{collection}").get(leaf) if leaf and "." not in leaf else None
    return _table(kind).get(short)


def _table(kind: str) -> dict[str, Any]:
    found = _tables.get(kind)
    if found is None:
        with _lock:
            found = _tables[kind] = _build(kind, folders(kind), "")
    return found


def _collection_table(kind: str, collection: str) -> dict[str, Any]:
    key = (kind, collection)
    found = _collections.get(key)
    if found is None:
        with _lock:
            found = _collections[key] = _build(kind, _collection_folders(kind, collection), collection)
    return found


def _collection_folders(kind: str, collection: str) -> list[str]:
    namespace, name = collection.split(".", 1)
    for root in paths.collection_roots(_added[0] if _added else None):
        folder = os.path.join(root, "ansible_collections", namespace, name, "plugins", kind)
        if os.path.isdir(folder):
            return [folder]
    return []


def _build(kind: str, dirs: list[str], collection: str) -> dict[str, Any]:
    """Each name the folders' files give, the first one winning (lookups, actions: one file, one name)."""
    table: dict[str, Any] = {}
    for folder in dirs:
        for entry in sorted(os.listdir(folder)):
            stem, ext = os.path.splitext(entry)
            if ext != ".py" or stem.startswith("_") or not os.path.isfile(os.path.join(folder, entry)):
                continue
            path = os.path.join(folder, entry)
            if not KINDS[kind].method:
                table.setdefault(stem, PluginFile(kind, path, stem, collection))
                continue
            for fname, value in _functions(kind, path, collection).items():
                table.setdefault(fname, value)
    return table


class PluginFile:
    """A lookup or action plugin's file, imported on first use (as Ansible imports it when it is used)."""

    def __init__(self, kind: str, path: str, name: str, collection: str) -> None:
        self.kind, self.path, self.name, self.collection = kind, path, name, collection
        self._loaded: Any = None

    def load(self) -> Any:
        """The plugin's class (LookupModule, ActionModule), or a Failed."""
        if self._loaded is None:
            self._loaded = self._load()
        return self._loaded

    def _load(self) -> Any:
        module = _import(self.path, self.kind, self.collection)
        label = f"{self.collection}.{self.name}" if self.collection else self.name
        if isinstance(module, str):
            return Failed(self.kind, label, module)
        spec = KINDS[self.kind]
        cls = getattr(module, spec.class_name, None)
        if cls is None:
            return Failed(self.kind, label, f"{self.path} defines no {spec.class_name}")
        return cls


def _functions(kind: str, path: str, collection: str) -> dict[str, Any]:
    module = _import(path, kind, collection)
    if isinstance(module, str):
        return {}  # Ansible skips a file it cannot load: its names are not found
    spec = KINDS[kind]
    try:
        listed = getattr(getattr(module, spec.class_name)(), spec.method)()
        items = dict(listed).items()
    except Exception:  # Ansible skips an invalid plugin file (a warning at most)
        return {}
    out: dict[str, Any] = {}
    for name, func in items:
        if not isinstance(name, str) or "." in name:
            continue  # Ansible: a short name may not contain "."
        label = f"{collection}.{name}" if collection else name
        out[name] = _wrap(kind, label, func)
    return out


def _wrap(kind: str, label: str, func: Any) -> Any:
    """The function as Jinja calls it; what Ansible reads of it when wrapping, read now (a failure defers)."""
    try:
        takes_undefined = bool(getattr(func, "accept_args_markers", False))
    except Exception as exc:
        return Failed(kind, label, str(exc))
    if not callable(func):
        return Failed(kind, label, f"{func!r} is not callable")

    @functools.wraps(func)  # keeps Jinja's pass_context mark
    def call(*args: Any, **kwargs: Any) -> Any:
        if not takes_undefined:  # as Ansible: an undefined argument is the result, the plugin is not called
            for value in (*args, *kwargs.values()):
                if isinstance(value, Undefined):
                    return value
        try:
            return func(*args, **kwargs)
        except TemplateError:
            raise
        except Exception as exc:
            if type(exc).__module__.startswith("jinja2"):
                raise  # an undefined value the plugin touched: the templar words it
            raise TemplateError(f"The {kind} plugin {label!r} failed: {exc}") from exc

    return call


def _import(path: str, kind: str, collection: str) -> Any:
    """The module of a plugin file, or why it could not be imported (a string)."""
    found = _modules.get(path)
    if found is not None:
        return found
    with _lock:
        found = _modules.get(path)
        if found is None:
            found = _modules[path] = _import_now(path, kind, collection)
    return found


def _import_now(path: str, kind: str, collection: str) -> Any:
    stem = os.path.splitext(os.path.basename(path))[0]
    try:
        if collection and _collection_finder():
            return importlib.import_module(f"ansible_collections.{collection}.plugins.{kind}.{stem}")
        digest = hashlib.sha1(path.encode()).hexdigest()[:10]
        spec = importlib.util.spec_from_file_location(f"orch_plugins.{kind}.{stem}_{digest}", path)
        if spec is None or spec.loader is None:
            return f"cannot import {path}"
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(spec.name, None)
            raise
        return module
    except Exception as exc:
        return cause(exc)


def cause(exc: Exception) -> str:
    """Why a plugin failed to load, in a few words (ansible-core missing says what to install)."""
    if (isinstance(exc, ModuleNotFoundError) and (exc.name or "").split(".")[0] == "ansible"
            and paths.search_paths().ansible_dir is None):
        return f"{exc} (the plugin needs ansible-core: install orch with its `ansible` extra)"
    return str(exc) or type(exc).__name__


@functools.lru_cache(maxsize=1)
def _collection_finder() -> bool:
    """Ansible's collection importer, installed once, so collection plugins import as in Ansible
    (``ansible_collections.ns.coll.plugins.module_utils...``); False without ansible-core."""
    try:
        from ansible import _internal
        from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
    except ImportError:
        return False
    if not any(type(f).__name__ == "_AnsibleCollectionFinder" for f in sys.meta_path):
        roots = paths.collection_roots(_added[0] if _added else None)
        _AnsibleCollectionFinder([os.path.dirname(_internal.__file__), *roots], True)._install()
    return True
