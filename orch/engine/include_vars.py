"""``include_vars``: one vars file, or every vars file of a folder (``dir``), as Ansible reads them."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from orch.errors import OrchError, ParseError
from orch.templating.filters_data import combine
from orch.yamlsrc import load_file

if TYPE_CHECKING:
    from orch.engine.step import StepContext


def _mapping(path: str) -> dict:
    data = load_file(path) or {}
    if not isinstance(data, dict):
        raise ParseError("a vars file must hold a mapping", location=getattr(data, "loc", None))
    return data


def _folder_files(root: str, args: dict) -> list[str]:
    """The folder's vars files: walked in name order, ``depth`` levels deep (0: all), filtered."""
    extensions = [str(e).lstrip(".") for e in args.get("extensions") or ["json", "yaml", "yml"]]
    matching = re.compile(str(args["files_matching"])) if args.get("files_matching") else None
    ignored = set(args.get("ignore_files") or [])
    depth = int(args.get("depth") or 0)
    found: list[str] = []
    for current, dirs, files in os.walk(root, followlinks=True):  # as Ansible, through linked folders
        dirs.sort()
        level = current[len(root):].count(os.sep) + 1
        if depth and level >= depth:
            dirs[:] = []
        for name in sorted(files):
            if name in ignored or (matching is not None and not matching.search(name)):
                continue
            if os.path.splitext(name)[1].lstrip(".") not in extensions:
                if args.get("ignore_unknown_extensions"):
                    continue
                raise OrchError(f"include_vars: {os.path.join(current, name)} does not have a valid extension: "
                                f"{', '.join(extensions)}")
            found.append(os.path.join(current, name))
    return found


def include_vars(step: "StepContext", args: dict) -> dict[str, Any]:
    """The action; a failure is a failed result that also says it under ``message``, as Ansible's."""
    try:
        return _include_vars(step, args)
    except (OrchError, ParseError) as exc:
        return {"failed": True, "changed": False, "msg": exc.message, "message": exc.message,
                "ansible_facts": {}, "ansible_included_var_files": []}


def _include_vars(step: "StepContext", args: dict) -> dict[str, Any]:
    if args.get("dir"):
        root = step.find_file(str(args["dir"]), "vars", allow_dir=True)
        if not os.path.isdir(root):
            raise OrchError(f"include_vars: {root} is not a folder")
        paths = _folder_files(root, args)
    else:
        # a free-form name keeps its last newline (a folded `>` value); Ansible drops it here
        name = args.get("file") or str(args.get("_raw_params") or "").rstrip("\n")
        if not name:
            raise OrchError("include_vars: Could not find file to include (no 'file', 'dir' or file name given)")
        paths = [step.find_file(str(name), "vars")]
    merged: dict = {}
    for path in paths:  # a folder's files replace each other's top-level names; merge applies only below
        merged.update(_mapping(path))
    facts = {args["name"]: merged} if args.get("name") else merged
    if args.get("hash_behaviour") == "merge":  # mappings merge into the host's current values too
        for key, value in facts.items():
            current = step.vars.get(key)
            if isinstance(value, dict) and isinstance(current, dict):
                facts[key] = combine(current, value, recursive=True)
    return {"changed": False, "ansible_facts": facts, "ansible_included_var_files": paths, "_include_vars": True}
