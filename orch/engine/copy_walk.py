"""Which files, folders and links a copy of a controller folder sends, as Ansible's copy picks them.

With ``local_follow`` (the default) a link to a file sends the file, and a link to a folder sends
that folder's tree, unless it leads back to a folder on the way down to it (a circle), which stays a link;
without it, every link stays a link. A link to nothing stays a link either way.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field


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
        for name in sorted(os.listdir(folder)):
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
