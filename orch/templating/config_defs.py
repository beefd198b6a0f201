"""Ansible's configuration definitions, read from the installed ansible-core's data (never imported).

The global settings come from ``config/base.yml``; a plugin's from the ``DOCUMENTATION`` of its
source file (with its documentation fragments), found where Ansible finds plugins: the
``<type>_plugins`` folders beside the playbook and roles, ``ANSIBLE_<TYPE>_PLUGINS``, then
ansible-core's own ``plugins/<type>/``.
"""

from __future__ import annotations

import ast
import functools
import os
from typing import Any

import yaml

from orch.errors import TemplateError


def _ansible_dir() -> str:
    from orch.foreign.paths import search_paths

    folder = search_paths().ansible_dir
    if folder is None:
        raise TemplateError("lookup('config') reads ansible-core's configuration definitions: install orch[ansible]")
    return folder


@functools.lru_cache(maxsize=1)
def base_definitions() -> dict[str, dict]:
    with open(os.path.join(_ansible_dir(), "config", "base.yml"), encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return data if isinstance(data, dict) else {}


def _constant(path: str, name: str, class_name: str | None = None) -> str | None:
    """A string constant assigned at a file's top level (or in one of its classes), read without running it."""
    try:
        with open(path, encoding="utf-8") as fh:
            tree = ast.parse(fh.read(), path)
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None
    body = tree.body
    if class_name is not None:
        body = next((n.body for n in body if isinstance(n, ast.ClassDef) and n.name == class_name), [])
    for node in body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                return node.value.value
    return None


def _fragment_options(fragment: str) -> dict[str, dict]:
    module, _, attribute = fragment.partition(".")
    if module.startswith("ansible.builtin."):
        module = module[len("ansible.builtin."):]
    path = os.path.join(_ansible_dir(), "plugins", "doc_fragments", f"{module}.py")
    text = _constant(path, (attribute or "documentation").upper(), "ModuleDocFragment")
    data = yaml.safe_load(text) if text else None
    return dict(data.get("options") or {}) if isinstance(data, dict) else {}


def _plugin_file(plugin_type: str, name: str, search_dirs: list[str]) -> str | None:
    short = name[len("ansible.builtin."):] if name.startswith(("ansible.builtin.", "ansible.legacy.")) else name
    if short.startswith("ansible.legacy."):
        short = short[len("ansible.legacy."):]
    if "." in short:
        return None  # a collection's plugin: orch does not read collections' plugin configuration
    folders = [os.path.join(d, f"{plugin_type}_plugins") for d in search_dirs]
    folders += [p for p in os.environ.get(f"ANSIBLE_{plugin_type.upper()}_PLUGINS", "").split(os.pathsep) if p]
    folders.append(os.path.join(_ansible_dir(), "plugins", plugin_type))
    for folder in folders:
        candidate = os.path.join(os.path.expanduser(folder), f"{short}.py")
        if os.path.isfile(candidate):
            return candidate
    return None


def plugin_definitions(plugin_type: str, name: str, search_dirs: list[str]) -> dict[str, dict] | None:
    """The options a plugin documents (fragments first, its own over them); None if no such plugin is found."""
    path = _plugin_file(plugin_type, name, search_dirs)
    if path is None:
        return None
    text = _constant(path, "DOCUMENTATION")
    try:
        doc = yaml.safe_load(text) if text else {}
    except yaml.YAMLError as exc:
        raise TemplateError(f"the documentation of {path} is not valid YAML: {exc}") from None
    doc = doc if isinstance(doc, dict) else {}
    fragments = doc.get("extends_documentation_fragment") or []
    options: dict[str, dict] = {}
    for fragment in [fragments] if isinstance(fragments, str) else fragments:
        options.update(_fragment_options(str(fragment)))
    options.update(doc.get("options") or {})
    return {k: v for k, v in options.items() if isinstance(v, dict)}
