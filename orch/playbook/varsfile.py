"""A play's ``vars_files``: where each is found, and what it holds, as Ansible reads them."""

from __future__ import annotations

import os
from typing import Any

from orch.errors import Location, ParseError
from orch.playbook.scope import type_name
from orch.yamlsrc import location_of


def find_vars_file(name: str, basedir: str) -> str | None:
    """The file Ansible reads for ``name``: under the play's folder's ``vars/`` first, then in the folder."""
    name = os.path.expanduser(name)
    if os.path.isabs(name):
        return name if os.path.exists(name) else None
    candidates = [os.path.join(basedir, name)]
    if name.split("/")[0] != "vars":
        candidates.insert(0, os.path.join(basedir, "vars", name))
    return next((os.path.normpath(c) for c in candidates if os.path.exists(c)), None)


def vars_file_mapping(data: Any, path: str) -> dict:
    """Its variables: a mapping, or a list of mappings merged in order; an empty file gives none."""
    if data is None:
        return {}
    merged: dict = {}
    for item in data if isinstance(data, list) else [data]:
        if not isinstance(item, dict):
            raise ParseError(f"a vars file must hold a mapping or a list of mappings, got {type_name(item)}",
                             location=location_of(item, Location(path)))
        merged.update(item)
    return merged
