"""A module and every module_utils file it imports, named by content.

The import graph is read from the sources (``import``/``from ... import`` anywhere in a file,
relative imports included), as Ansible does before it zips a module: only names under
``ansible.module_utils`` and ``ansible_collections.*`` travel, with the packages above them.
A package is a manifest ``{import name: (is_package, sha1)}`` plus a key over it; the host
asks for the sources of the hashes it lacks and keeps them. Files are hashed and parsed once
per process and file version.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import threading
from dataclasses import dataclass, field

from orch.foreign import paths
from orch.foreign.finder import FoundModule

# Imported by name at run time (the module parameters' JSON profile), so never seen in an import.
_ALWAYS = ("ansible.module_utils.basic",
           "ansible.module_utils._internal._json._profiles._module_legacy_c2m",
           "ansible.module_utils._internal._json._profiles._module_legacy_m2c")


@dataclass
class Package:
    key: str
    entry: str                          # the import name run as __main__
    name: str                           # the module's name as Ansible reports it
    manifest: dict[str, tuple[bool, str]]
    sources: dict[str, tuple[str, str]] = field(default_factory=dict)  # sha1 -> ("path"|"text", value)
    missing: list[str] = field(default_factory=list)  # imports found nowhere (optional ones often are)

    def source(self, digest: str) -> str:
        kind, value = self.sources[digest]
        if kind == "text":
            return value
        with open(value, encoding="utf-8", errors="surrogateescape") as handle:
            return handle.read()


@dataclass(frozen=True)
class _Parsed:
    digest: str
    imports: tuple[tuple[str, ...], ...]  # each: candidate names, most specific first


_parsed: dict[tuple[str, int, int], _Parsed] = {}
_lock = threading.Lock()


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogateescape")).hexdigest()


def _parse(path: str, import_name: str, is_pkg: bool) -> _Parsed:
    stat = os.stat(path)
    key = (path, stat.st_mtime_ns, stat.st_size)
    with _lock:
        cached = _parsed.get(key)
    if cached is not None:
        return cached
    with open(path, encoding="utf-8", errors="surrogateescape") as handle:
        text = handle.read()
    package = import_name if is_pkg else import_name.rpartition(".")[0]
    parsed = _Parsed(_digest(text), tuple(_imports(text, package)))
    with _lock:
        _parsed[key] = parsed
    return parsed


def _imports(text: str, package: str) -> list[tuple[str, ...]]:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []  # the host's Python reports it, with the line, when the module runs
    found: list[tuple[str, ...]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name,) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                if node.level > 1:
                    parts = parts[:len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            # ``from a.b import c``: c may be a module or a name defined in a.b.
            found += [(f"{base}.{alias.name}", base) for alias in node.names if alias.name != "*"]
            found.append((base,))
    return [names for names in found if _travels(names[-1])]


def _travels(name: str) -> bool:
    return name == "ansible.module_utils" or name.startswith(("ansible.module_utils.", "ansible_collections."))


class _Locator:
    """Import names to files, for one module's search paths."""

    def __init__(self, roots: list[str], module_utils_dirs: list[str]) -> None:
        self.roots = roots
        core = paths.search_paths().ansible_dir
        self.utils_dirs = [*module_utils_dirs, *([os.path.join(core, "module_utils")] if core else [])]

    def locate(self, name: str) -> tuple[str | None, bool] | None:
        """(file or None for an empty package, is_package), or None when the name is no module."""
        parts = name.split(".")
        if parts[:2] == ["ansible", "module_utils"]:
            return self._in_dirs(self.utils_dirs, parts[2:])
        if parts[0] == "ansible_collections":
            if len(parts) <= 3:
                return None, True  # namespace levels
            for root in self.roots:
                folder = os.path.join(root, "ansible_collections", parts[1], parts[2])
                if os.path.isdir(folder):
                    return self._in_dirs([folder], parts[3:])
            return None
        if name in ("ansible", "ansible.modules"):
            return None, True
        return None

    @staticmethod
    def _in_dirs(dirs: list[str], rest: list[str]) -> tuple[str | None, bool] | None:
        for folder in dirs:
            base = os.path.join(folder, *rest)
            if rest and os.path.isfile(base + ".py"):
                return base + ".py", False
            if os.path.isfile(os.path.join(base, "__init__.py")):
                return os.path.join(base, "__init__.py"), True
            if os.path.isdir(base):
                return None, True  # a folder without __init__.py: an implicit package, as in collections
        return None


def pack(found: FoundModule, roots: list[str], module_utils_dirs: list[str] = ()) -> Package:
    """The package of ``found``: the module, its module_utils, and the packages above them."""
    locator = _Locator(roots, list(module_utils_dirs))
    manifest: dict[str, tuple[bool, str]] = {}
    sources: dict[str, tuple[str, str]] = {}
    missing: list[str] = []

    def add_text(name: str, text: str, is_pkg: bool) -> None:
        digest = _digest(text)
        manifest[name] = (is_pkg, digest)
        sources[digest] = ("text", text)

    def add_parents(name: str) -> None:
        parts = name.split(".")
        for depth in range(1, len(parts)):
            parent = ".".join(parts[:depth])
            if parent not in manifest:
                visit((parent,), parent_only=True)

    def visit(candidates: tuple[str, ...], parent_only: bool = False) -> None:
        # ``six.moves.x`` and the like are made at import time by a module above them.
        last = candidates[-1].split(".")
        prefixes = tuple(".".join(last[:n]) for n in range(len(last) - 1, 2, -1))
        for name in candidates + prefixes:
            if name in manifest:
                return
            where = locator.locate(name)
            if where is None:
                continue
            path, is_pkg = where
            if path is None:
                version = paths.search_paths().ansible_version if name == "ansible" else None
                add_text(name, f"__version__ = {version!r}\n" if version else "", True)
            else:
                parsed = _parse(path, name, is_pkg)
                manifest[name] = (is_pkg, parsed.digest)
                sources[parsed.digest] = ("path", path)
                pending.extend(parsed.imports)
            add_parents(name)
            return
        if not parent_only:
            missing.append(candidates[0])

    pending: list[tuple[str, ...]] = []
    entry_parsed = _parse(found.path, found.import_name, False)
    manifest[found.import_name] = (False, entry_parsed.digest)
    sources[entry_parsed.digest] = ("path", found.path)
    add_parents(found.import_name)
    pending.extend(entry_parsed.imports)
    pending.extend((name,) for name in _ALWAYS)
    while pending:
        candidates = pending.pop()
        if candidates[0] not in manifest:
            visit(candidates)
    key = hashlib.sha1(json.dumps([found.import_name, sorted(manifest.items())]).encode()).hexdigest()
    return Package(key, found.import_name, found.name, manifest, sources, sorted(set(missing)))
