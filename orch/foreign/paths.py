"""Where Ansible looks for modules, module_utils and collections, read as Ansible reads it.

Environment first (``ANSIBLE_LIBRARY``, ``ANSIBLE_MODULE_UTILS``, ``ANSIBLE_COLLECTIONS_PATH``),
then ``ansible.cfg`` ``[defaults]`` (``library``, ``module_utils``, ``collections_path``), then
Ansible's defaults. Collections are also found in every ``sys.path`` entry that holds an
``ansible_collections`` folder (the ``ansible`` package installs there), and in
``collections/`` beside the playbook, which comes first. ansible-core's own files are located
without importing it (importing costs a controller hundreds of milliseconds).
"""

from __future__ import annotations

import configparser
import functools
import importlib.util
import os
import re
import sys
from dataclasses import dataclass

_DEFAULT_LIBRARY = ("~/.ansible/plugins/modules", "/usr/share/ansible/plugins/modules")
_DEFAULT_MODULE_UTILS = ("~/.ansible/plugins/module_utils", "/usr/share/ansible/plugins/module_utils")
_DEFAULT_COLLECTIONS = ("~/.ansible/collections", "/usr/share/ansible/collections")


@dataclass(frozen=True)
class SearchPaths:
    library: tuple[str, ...]           # module folders after the playbook's and roles' library/
    module_utils: tuple[str, ...]      # extra ansible.module_utils folders
    collection_roots: tuple[str, ...]  # folders that hold an ``ansible_collections`` folder
    ansible_dir: str | None            # ansible-core's package folder, None when not installed
    ansible_version: str | None


def _split(value: str, base: str) -> list[str]:
    parts = [p.strip() for p in value.split(os.pathsep) if p.strip()]
    return [os.path.normpath(os.path.join(base, os.path.expanduser(p))) for p in parts]


def _cfg_values() -> tuple[dict[str, str], str]:
    """``[defaults]`` of the ansible.cfg Ansible would read, and that file's folder."""
    from orch.config import find_ansible_cfg

    path = find_ansible_cfg()
    if path is None:
        return {}, os.getcwd()
    parser = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(";", "#"))
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return {}, str(path.parent)  # orch.config reports a broken file where settings are read
    return (dict(parser["defaults"]) if parser.has_section("defaults") else {}), str(path.parent)


def _setting(env: tuple[str, ...], keys: tuple[str, ...], default: tuple[str, ...]) -> list[str]:
    for name in env:
        if os.environ.get(name):
            return _split(os.environ[name], os.getcwd())
    values, base = _cfg_values()
    for key in keys:
        if values.get(key):
            return _split(values[key], base)
    return [os.path.expanduser(p) for p in default]


def collection_root(path: str) -> str | None:
    """The folder holding ``ansible_collections`` for a configured collections path."""
    if os.path.basename(path.rstrip("/")) == "ansible_collections":
        return os.path.dirname(path.rstrip("/"))
    return path if os.path.isdir(os.path.join(path, "ansible_collections")) else None


def _ansible_core() -> tuple[str | None, str | None]:
    try:
        spec = importlib.util.find_spec("ansible")
    except (ImportError, ValueError):
        return None, None
    if spec is None or not spec.submodule_search_locations:
        return None, None
    folder = list(spec.submodule_search_locations)[0]
    if not os.path.isdir(os.path.join(folder, "module_utils")):
        return None, None
    try:
        with open(os.path.join(folder, "release.py"), encoding="utf-8") as handle:
            found = re.search(r"""__version__\s*=\s*['"]([^'"]+)""", handle.read())
    except OSError:
        found = None
    return folder, found.group(1) if found else None


@functools.lru_cache(maxsize=1)
def search_paths() -> SearchPaths:
    library = _setting(("ANSIBLE_LIBRARY",), ("library",), _DEFAULT_LIBRARY)
    module_utils = _setting(("ANSIBLE_MODULE_UTILS",), ("module_utils",), _DEFAULT_MODULE_UTILS)
    configured = _setting(("ANSIBLE_COLLECTIONS_PATH", "ANSIBLE_COLLECTIONS_PATHS"),
                          ("collections_path", "collections_paths"), _DEFAULT_COLLECTIONS)
    roots = [r for r in map(collection_root, configured) if r]
    roots += [entry for entry in sys.path if entry and os.path.isdir(os.path.join(entry, "ansible_collections"))]
    ansible_dir, version = _ansible_core()
    return SearchPaths(tuple(library), tuple(module_utils), tuple(dict.fromkeys(roots)), ansible_dir, version)


@functools.lru_cache(maxsize=None)
def plugin_paths(kind: str) -> tuple[str, ...]:
    """The configured folders of one plugin type (``filter``, ``test``, ``lookup``):
    ``ANSIBLE_FILTER_PLUGINS``, else ansible.cfg ``filter_plugins``, else Ansible's defaults."""
    default = (f"~/.ansible/plugins/{kind}", f"/usr/share/ansible/plugins/{kind}")
    return tuple(_setting((f"ANSIBLE_{kind.upper()}_PLUGINS",), (f"{kind}_plugins",), default))


def collection_roots(playbook_dir: str | None) -> list[str]:
    """Collection roots for a playbook: its own ``collections/`` first."""
    roots = list(search_paths().collection_roots)
    if playbook_dir:
        local = collection_root(os.path.join(playbook_dir, "collections"))
        if local:
            roots.insert(0, local)
    return list(dict.fromkeys(roots))


def reset() -> None:
    """Forget what was read (tests change the environment)."""
    search_paths.cache_clear()
    plugin_paths.cache_clear()
