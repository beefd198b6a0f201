"""Mode and ownership of a path, applied or (in check mode) predicted."""

from __future__ import annotations

import os

from . import files, fsview
from .context import ModuleFailed
from .modes import ModeError, octal, parse_mode


def wanted_mode(mode, entry, path=None):
    """The mode asked for, resolved against the entry's current mode (symbolic modes)."""
    if mode is None or mode == "preserve":
        return None
    try:
        return parse_mode(mode, entry.mode or 0, entry.isdir)
    except ModeError as exc:
        raise ModuleFailed(str(exc), path=path or entry.path, details=str(exc))


def apply(ctx, entry, mode=None, owner=None, group=None, follow=True, diff=None) -> bool:
    """Give ``entry`` the mode/owner/group asked for; True when something changes.

    ``diff`` is an optional (before, after) pair of dicts filled Ansible's way
    (mode as "0644", owner/group as ids).
    """
    if not entry.exists:
        return False
    uid = files.uid_of(owner, ctx) if owner is not None else -1
    gid = files.gid_of(group, ctx) if group is not None else -1
    is_link = entry.state == "link" and not follow
    new_mode = None if is_link else wanted_mode(mode, entry)  # Linux has no lchmod: skip links
    changes = {}
    if new_mode is not None and new_mode != entry.mode:
        changes["mode"] = (octal(entry.mode or 0), octal(new_mode))
    if uid != -1 and uid != entry.uid:
        changes["owner"] = (entry.uid, uid)
    if gid != -1 and gid != entry.gid:
        changes["group"] = (entry.gid, gid)
    if not changes:
        return False
    if diff is not None:
        for key, (before, after) in changes.items():
            diff[0][key] = before
            diff[1][key] = after
    if ctx.check:
        fsview.record_attributes(ctx, entry, mode=new_mode if "mode" in changes else None,
                                 uid=uid if "owner" in changes else None, gid=gid if "group" in changes else None)
        return True
    path = entry.path
    try:
        if "owner" in changes or "group" in changes:
            (os.lchown if is_link else os.chown)(path, uid, gid)
        if new_mode is not None:  # again after chown, which may clear setuid bits
            os.chmod(path, new_mode)
    except OSError as exc:
        what = "chmod" if "mode" in changes and "owner" not in changes and "group" not in changes else "chown"
        raise ModuleFailed("%s failed for %s: %s" % (what, path, exc.strerror or exc), path=path)
    fsview.forget(ctx, path)
    return True


def path_info(ctx, path, follow=False) -> dict:
    """Ansible's add_path_info: state, mode, owner, group, uid, gid, size of a path."""
    entry = fsview.lookup(ctx, path, follow=follow)
    info = {"path": path, "state": entry.state if entry.state != "hard" else "hard"}
    if not entry.exists:
        info["state"] = "absent"
        return info
    if entry.mode is not None:
        info["mode"] = octal(entry.mode)
    if entry.uid is not None:
        info.update(uid=entry.uid, owner=entry.owner)
    if entry.gid is not None:
        info.update(gid=entry.gid, group=entry.group)
    if entry.size is not None:
        info["size"] = entry.size
    return info
