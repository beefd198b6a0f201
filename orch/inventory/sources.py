"""Inventory sources: files, directories, ``h1,h2,`` lists, and pluggable dynamic ones.

A source string is tried as Ansible's default plugins try it:
- ``PREFIX:rest`` where PREFIX is a registered source (``docker:...``) -> that loader;
- a string with a comma that is not an existing path -> a host list;
- a directory -> every entry, sorted, recursively, skipping Ansible's ignore list;
- a YAML file with a top-level ``plugin: NAME`` -> the loader registered for NAME;
- ``.yml``/``.yaml``/``.json`` -> YAML inventory; no extension -> YAML when it parses
  to a mapping, else INI; anything else -> INI.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Iterable, Protocol

from orch import yamlsrc
from orch.errors import Location, ParseError
from orch.inventory.ini import load_ini
from orch.inventory.model import Inventory
from orch.inventory.ranges import split_port
from orch.inventory.vars import VarsDirs, resolve
from orch.inventory.yamlinv import load_yaml_inventory

YAML_EXTENSIONS = (".yml", ".yaml", ".json")
# Ansible's INVENTORY_IGNORE_EXTS default plus the names it always skips in a directory
_IGNORED = re.compile(
    r"^\.|^host_vars$|^group_vars$|^vars_plugins$|"
    r"(\.pyc|\.pyo|\.swp|\.bak|~|\.rpm|\.md|\.txt|\.rst|\.orig|\.cfg|\.retry)$")


class InventorySource(Protocol):
    """A dynamic source: adds hosts/groups (and inline vars) to ``inv``.

    ``spec`` is the text after ``NAME:`` for prefixed sources, or the parsed YAML
    mapping (``plugin: NAME`` config file) for file-configured ones; ``origin`` is the
    source string or file path, for error messages.
    """

    def __call__(self, inv: Inventory, spec: Any, origin: str) -> None: ...


_REGISTRY: dict[str, InventorySource] = {}


def register_source(name: str, loader: InventorySource) -> None:
    """Make ``NAME:...`` source strings and ``plugin: NAME`` files use ``loader``."""
    _REGISTRY[name] = loader


def registered_sources() -> dict[str, InventorySource]:
    return dict(_REGISTRY)


def load_inventory(sources: Iterable[str], extra_vars_dirs: Iterable[Path] = ()) -> Inventory:
    """Read every source into one inventory and resolve each host's variables."""
    inv = Inventory()
    vars_bases: list[Path] = []
    parsed = 0
    for source in sources:
        if not source:
            continue
        inv.sources.append(source)
        if _missing(source):  # Ansible warns and goes on with what it could parse
            inv.warnings.append(f"Unable to parse {source} as an inventory source")
            continue
        parsed += 1
        base = _load_source(inv, source)
        if base is not None:
            vars_bases.append(base)
    if inv.sources and not parsed:
        inv.warnings.append("No inventory was parsed, only implicit localhost is available")
    inv.reconcile()
    resolve(inv, VarsDirs(vars_bases, extra_vars_dirs))
    return inv


def _missing(source: str) -> bool:
    """Neither a registered source, a host list, nor a path that exists."""
    prefix, sep, _ = source.partition(":")
    return not (sep and prefix in _REGISTRY) and "," not in source and not os.path.exists(source)


def _load_source(inv: Inventory, source: str) -> Path | None:
    """Load one -i value; return the directory its group_vars/host_vars live in."""
    prefix, sep, rest = source.partition(":")
    if sep and prefix in _REGISTRY and not os.path.exists(source):
        _REGISTRY[prefix](inv, rest, source)
        return None
    if "," in source and not os.path.exists(source):
        _host_list(inv, source)
        return None
    path = Path(source)
    if path.is_dir():
        _load_dir(inv, path)
        return path
    load_file(inv, path)
    return path.parent


def _host_list(inv: Inventory, source: str) -> None:
    # like Ansible's host_list plugin: no ranges, optional :port, all in ungrouped
    for item in source.split(","):
        item = item.strip()
        if item:
            name, port = split_port(item)
            if name not in inv.hosts:
                inv.add_host(name, "ungrouped", port, source=source)


def _load_dir(inv: Inventory, path: Path) -> None:
    for name in sorted(os.listdir(path)):
        if _IGNORED.search(name):
            continue
        full = path / name
        if full.is_dir():
            _load_dir(inv, full)
        else:
            load_file(inv, full)


def load_file(inv: Inventory, path: Path) -> None:
    """Load one inventory file, choosing the format as Ansible's plugin chain does."""
    text = yamlsrc.decrypt_if_vaulted(_read_text(path), str(path))  # Ansible reads vaulted inventories too
    ext = path.suffix.lower()
    if ext in YAML_EXTENSIONS or not ext:
        try:
            data = yamlsrc.loads(text, str(path))
        except Exception:
            if ext:
                raise
            data = None
        if isinstance(data, dict):
            plugin = data.get("plugin")
            if plugin:
                _plugin_file(inv, data, str(path))
            else:
                load_yaml_inventory(inv, data, str(path))
            return
        if ext:
            load_yaml_inventory(inv, data, str(path))  # reports the wrong shape
            return
    load_ini(inv, text, str(path))


def _plugin_file(inv: Inventory, data: dict[str, Any], path: str) -> None:
    name = str(data["plugin"])
    short = name.rsplit(".", 1)[-1]  # community.docker.docker_containers -> docker_containers
    loader = _REGISTRY.get(name) or _REGISTRY.get(short)
    if loader is None:
        raise ParseError(f"inventory plugin {name!r} is not supported by orch "
                         f"(known: {', '.join(sorted(_REGISTRY)) or 'none'})",
                         location=yamlsrc.location_of(data["plugin"], Location(path, 1)))
    loader(inv, data, path)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _read_text(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
        bad = _CONTROL.search(text)
        if bad:  # YAML refuses these itself; INI would take them into host names
            line = text.count("\n", 0, bad.start()) + 1
            column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
            raise ParseError(f"control character #x{ord(bad.group()):02x} in an inventory file",
                             location=Location(str(path), line, column))
        return text
    except UnicodeDecodeError as exc:
        raise yamlsrc.not_utf8(path, exc) from None
    except OSError as exc:
        raise ParseError(f"cannot read inventory file: {exc.strerror}", location=Location(str(path))) from None
