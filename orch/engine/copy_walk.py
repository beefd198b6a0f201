"""Which files, folders and links a copy of a controller folder sends, as Ansible's copy picks them,
and a source file's bytes as it sends them (a vault-encrypted one decrypted, unless ``decrypt: false``).

With ``local_follow`` (the default) a link to a file sends the file, and a link to a folder sends
that folder's tree, unless it leads back to a folder on the way down to it (a circle), which stays a link;
without it, every link stays a link. A link to nothing stays a link either way.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from orch.errors import Location, OrchError, TemplateError
from orch.yamlsrc import VaultText

_VAULT = b"$ANSIBLE_VAULT;"


@dataclass
class Tree:
    files: list[tuple[str, str]] = field(default_factory=list)  # (path to read, relative destination)
    dirs: list[str] = field(default_factory=list)  # relative destinations
    links: list[tuple[str, str]] = field(default_factory=list)  # (link target as written, relative destination)


def _identity(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_dev, st.st_ino


def walk(base: str, prefix: str, local_follow: bool = True) -> Tree:
    """The tree under ``base``, its destinations under ``prefix`` ("" for the folder's contents)."""
    tree = Tree()
    if prefix:
        tree.dirs.append(prefix)

    def visit(folder: str, rel: str, within: frozenset) -> None:
        names = sorted(os.listdir(folder))
        # A folder's files first, then its folders (os.walk's order, so the first problem found is Ansible's).
        for name in sorted(names, key=lambda n: os.path.isdir(os.path.join(folder, n))):
            path, dest = os.path.join(folder, name), os.path.normpath(os.path.join(rel, name))
            if os.path.islink(path):
                real = os.path.realpath(path)
                if local_follow and os.path.isfile(real):
                    tree.files.append((real, dest))
                elif local_follow and os.path.isdir(real) and _identity(real) not in within:
                    tree.dirs.append(dest)
                    visit(real, dest, within | {_identity(real)})
                else:  # not followed, leads nowhere, or back into a folder being copied
                    tree.links.append((os.readlink(path), dest))
            elif os.path.isdir(path):
                tree.dirs.append(dest)
                visit(path, dest, within | {_identity(path)})
            else:
                tree.files.append((path, dest))

    visit(base, prefix, frozenset({_identity(base)}))
    return tree


def read_source(path: str, templar=None, decrypt: bool = True) -> bytes:
    """A controller file's bytes; a vault-encrypted one opened with the run's secrets (``templar``)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:  # unreadable: the task fails, naming it
        raise OrchError(f"could not read {path}: {exc.strerror or exc}") from None
    if not decrypt or templar is None or not data.startswith(_VAULT):
        return data
    payload = VaultText(data.decode("ascii", "replace"))
    payload.loc = Location(path, 1)
    try:
        return templar.vault(payload).encode("utf-8")
    except TemplateError as exc:
        if "no vault password" in exc.message or "--vault-password-file" in exc.message:
            raise OrchError(f"A vault password or secret must be specified to decrypt {path}") from None
        raise OrchError(f"could not decrypt {path}: {exc.message}") from None


def is_vaulted(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(_VAULT)) == _VAULT
    except OSError:
        return False
