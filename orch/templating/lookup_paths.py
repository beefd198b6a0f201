"""Where lookups find their files on the controller, and how they read them.

Relative names are searched like Ansible does: the role's ``files``/``templates``
dir, the role, the playbook's ``files``/``templates`` dir, the playbook dir, the
Templar's searchpath.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from orch.errors import Location, TemplateError
from orch.yamlsrc import VaultText

if TYPE_CHECKING:  # pragma: no cover
    from orch.templating.templar import Templar


def search_dirs(ctx: Any, templar: "Templar", subdir: str) -> list[str]:
    """Folders a relative name is looked for in, in Ansible's order (``ansible_search_path``, then the playbook's)."""
    dirs: list[str] = []
    paths = ctx.parent.get("ansible_search_path") if "ansible_search_path" in ctx.parent else None
    if not isinstance(paths, list):
        paths = [ctx.parent.get(var) for var in ("role_path",) if var in ctx.parent]
    basedir = ctx.parent.get("playbook_dir") if "playbook_dir" in ctx.parent else None
    for base in [*paths, basedir, *templar.searchpath]:
        if not isinstance(base, str) or not base:
            continue
        if base.endswith("/tasks"):  # a role's task folder: the role's own subdir first
            dirs.append(os.path.join(os.path.dirname(base), subdir))
        dirs += [os.path.join(base, subdir), base]
    dirs.append(os.getcwd())
    return list(dict.fromkeys(dirs))


def find_file(ctx: Any, templar: "Templar", name: str, subdir: str) -> str:
    found = find_optional(ctx, templar, name, subdir)
    if found is None:
        raise TemplateError(f"lookup: could not find file {name!r}")
    return found


def find_optional(ctx: Any, templar: "Templar", name: str, subdir: str) -> str | None:
    name = os.path.expanduser(str(name))
    if os.path.isabs(name):
        return name if os.path.exists(name) else None
    for base in search_dirs(ctx, templar, subdir):
        candidate = os.path.join(base, name)
        if os.path.exists(candidate):
            return candidate
    return None


def read_text(path: str, templar: "Templar | None" = None, encoding: str = "utf-8") -> str:
    """A file's text; with ``templar``, a vault-encrypted file is decrypted with the run's secrets (as Ansible's
    file, template, ini and unvault lookups do)."""
    from orch.vault.envelope import is_encrypted  # cryptography loads only when a lookup reads a file

    try:
        with open(path, encoding=encoding) as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError, LookupError) as exc:
        raise TemplateError(f"lookup: cannot read {path!r}: {exc}") from None
    if templar is not None and is_encrypted(text):
        payload = VaultText(text)
        payload.loc = Location(path, 1)
        return templar.vault(payload)
    return text
