"""file: a path's state (file, directory, link, hard, touch, absent), mode and owner.

Ansible's semantics and messages; in check mode every decision is recorded in
the plan overlay (see fsview) so later steps see the would-be tree.
"""

from __future__ import annotations

import os
import time

from .. import fileattrs, files, fsview
from ..context import ModuleFailed

STATES = ("file", "directory", "link", "hard", "touch", "absent")


def run(ctx, args):
    path = args.get("path") or args.get("dest") or args.get("name")
    if not path:
        raise ModuleFailed("path is required")
    path = os.path.abspath(os.path.expanduser(str(path)))
    if args.get("_diff_peek") is not None:
        return {"path": path, "changed": False, "appears_binary": _appears_binary(path)}
    state = args.get("state")
    entry = fsview.lookup(ctx, path)
    prev = entry.state
    if state is None:  # Ansible: keep what is there, else a file (a directory with recurse)
        state = prev if prev in STATES and prev != "absent" else (
            "directory" if files.is_true(args.get("recurse")) else "file")
        if state == "hard":
            state = "file"
        if state == "link" and not args.get("src"):
            args = dict(args, src=entry.link_src)
    if state not in STATES:
        raise ModuleFailed("value of state must be one of: %s, got: %s" % (", ".join(STATES), state), path=path)
    if files.is_true(args.get("recurse")) and state != "directory":
        raise ModuleFailed("recurse option requires state to be 'directory'", path=path)
    if args.get("src") and state not in ("link", "hard"):
        raise ModuleFailed("src option requires state to be 'link' or 'hard'", path=path)
    diff = ({"path": path}, {"path": path})
    if prev != state:
        diff[0]["state"], diff[1]["state"] = prev, state
        if state == "absent" and prev == "directory" and ctx.diff:
            diff[0]["path_content"] = _contents(ctx, path)
    handler = {"absent": _absent, "file": _file, "directory": _directory, "touch": _touch,
               "link": _link, "hard": _link}[state]
    warnings = _unknown_owners(ctx, args) if ctx.check and state != "absent" else []
    try:
        result = handler(ctx, args, path, entry, state, diff)
    except ModuleFailed as exc:
        if warnings:
            exc.result.setdefault("warnings", []).extend(warnings)
        raise
    if warnings:
        result.setdefault("warnings", []).extend(warnings)
    if ctx.diff and (result.get("changed") or state != "absent"):  # as Ansible's: the path even when unchanged
        result["diff"] = {"before": diff[0], "after": diff[1]}
    return result


def _unknown_owners(ctx, args):
    """Ansible's check-mode warnings for an owner or group the host lacks (and no earlier step plans)."""
    import grp
    import pwd

    found = []
    for key, kind, by_id, by_name in (("owner", "user", pwd.getpwuid, files.uid_of),
                                      ("group", "group", grp.getgrgid, files.gid_of)):
        text = str(args.get(key) or "")
        if not text:
            continue
        try:
            by_id(int(text)) if text.isdigit() else by_name(text, ctx)
        except (KeyError, ModuleFailed):
            what = "%s with %s %s" % (kind, "uid" if kind == "user" else "gid", text) if text.isdigit() \
                else "%s %s" % (kind, text)
            found.append("failed to look up %s. Create %s up to this point in real play" % (what, kind))
    return found


def _contents(ctx, path):
    """What removing a directory takes with it, as Ansible's diff lists it (through the plan in check mode)."""
    found = {"directories": [], "files": []}
    for child in _tree(ctx, path):
        found["directories" if fsview.lookup(ctx, child).state == "directory" else "files"].append(child)
    return found


def _appears_binary(path):
    """Ansible's guess (its internal _diff_peek): a NUL byte in the first 8 KiB."""
    try:
        with open(path, "rb") as handle:
            return b"\0" in handle.read(8192)
    except OSError:
        return False


def _absent(ctx, args, path, entry, state, diff):
    if not entry.exists:
        return {"path": path, "changed": False, "state": "absent"}
    if ctx.check:
        fsview.record_absent(ctx, path)
    else:
        try:
            if entry.state == "directory":
                import shutil

                shutil.rmtree(path)
            else:
                os.unlink(path)
        except OSError as exc:
            raise ModuleFailed("unlinking failed: %s" % (exc.strerror or exc), path=path)
        fsview.forget(ctx, path)
    return {"path": path, "changed": True, "state": "absent"}


def _attrs(ctx, args, entry, diff, follow=None):
    if follow is None:
        follow = files.is_true(args.get("follow", True))
    if entry.state == "link" and follow:
        target = fsview.lookup(ctx, entry.path, follow=True)
        if target.exists:
            entry = target
        else:  # a dangling link: only the link itself, as Ansible (nothing to follow to)
            follow = False
    return fileattrs.apply(ctx, entry, mode=args.get("mode"), owner=args.get("owner"), group=args.get("group"),
                           follow=follow, diff=diff)


def _result(ctx, path, changed, state=None):
    result = fileattrs.path_info(ctx, path)
    if state and result.get("state") != "absent":
        result["state"] = state
    result["changed"] = changed
    return result


def _file(ctx, args, path, entry, state, diff):
    if not entry.exists:
        raise ModuleFailed("file (%s) is absent, cannot continue" % path, path=path, state="absent")
    kind = entry.state
    if kind == "link" and files.is_true(args.get("follow", True)):
        kind = fsview.lookup(ctx, path, follow=True).state
    if kind not in ("file", "hard"):
        raise ModuleFailed("file (%s) is %s, cannot continue" % (path, kind), path=path, state=kind)
    changed = _attrs(ctx, args, entry, diff)
    changed = _times(ctx, args, entry, "preserve", diff) or changed
    return _result(ctx, path, changed, "file")


def _directory(ctx, args, path, entry, state, diff):
    follow = files.is_true(args.get("follow", True))
    changed = False
    if entry.state == "link" and follow:
        target = fsview.lookup(ctx, path, follow=True)
        if target.isdir:
            entry = target
    if not entry.exists:
        for directory in fsview.missing_parents(ctx, path) + [path]:
            _mkdir(ctx, directory)
            fileattrs.apply(ctx, fsview.lookup(ctx, directory), mode=args.get("mode"), owner=args.get("owner"),
                            group=args.get("group"))
        changed = True
        entry = fsview.lookup(ctx, path)
    elif not entry.isdir:
        raise ModuleFailed("%s already exists as a %s" % (path, entry.state), path=path)
    changed = _attrs(ctx, args, entry, diff if not changed else None) or changed
    if files.is_true(args.get("recurse")):
        changed = _recurse(ctx, args, entry.path, follow, {os.path.realpath(entry.path)}) or changed
    changed = _times(ctx, args, entry, "preserve") or changed
    return _result(ctx, path, changed, "directory")


def _mkdir(ctx, directory):
    if ctx.check:
        fsview.record_directory(ctx, directory)
        return
    try:
        os.mkdir(directory)
    except FileExistsError:
        pass
    except OSError as exc:
        raise ModuleFailed("There was an issue creating %s as requested: %s" % (directory, exc.strerror or exc),
                           path=directory)
    fsview.forget(ctx, directory)


def _recurse(ctx, args, root, follow, seen):
    """Attributes on everything below root, as Ansible's recursive_set_attributes: with ``follow``
    a link's target too, and a linked directory's contents (each real directory once)."""
    changed = False
    for child in _tree(ctx, root):
        entry = fsview.lookup(ctx, child)
        changed = _attrs(ctx, args, entry, None, follow=follow) or changed
        if follow and entry.state == "link" and fsview.lookup(ctx, child, follow=True).isdir:
            real = os.path.realpath(child)
            if real not in seen:
                seen.add(real)
                changed = _recurse(ctx, args, real, follow, seen) or changed
    return changed


def _tree(ctx, root):
    """Everything below root (real, plus planned paths in check mode), parents first."""
    found = []
    planned = fsview.lookup(ctx, root)
    if not (planned.planned and planned.planned.get("fresh")):
        for current, dirs, names in os.walk(root):
            found.extend(os.path.join(current, name) for name in sorted(dirs) + sorted(names))
    if ctx.check:
        prefix = root.rstrip("/") + "/"
        found.extend(key for key in ctx.overlay.items(fsview.KIND) if key.startswith(prefix))
    seen, ordered = set(), []
    for child in sorted(found, key=lambda p: (p.count("/"), p)):
        if child not in seen and fsview.lookup(ctx, child).exists:
            seen.add(child)
            ordered.append(child)
    return ordered


def _touch(ctx, args, path, entry, state, diff):
    changed = False
    if not entry.exists:
        if fsview.lookup(ctx, os.path.dirname(path), follow=True).state != "directory":
            raise ModuleFailed("Error, could not touch target: parent directory %s does not exist"
                               % os.path.dirname(path), path=path)
        if ctx.check:
            fsview.record_file(ctx, path, content=b"")
        else:
            try:
                files.atomic_write(path, data=b"")
            except OSError as exc:
                raise ModuleFailed("Error, could not touch target: %s" % (exc.strerror or exc), path=path)
            fsview.forget(ctx, path)
        try:
            _times(ctx, args, fsview.lookup(ctx, path), "preserve")
            _attrs(ctx, args, fsview.lookup(ctx, path), diff)
        except ModuleFailed:
            if not ctx.check:  # as Ansible's: a file it just made goes again when its attributes fail
                os.unlink(path)
                fsview.forget(ctx, path)
            raise
        changed = True
    else:
        changed = _times(ctx, args, entry, "now", diff)
        changed = _attrs(ctx, args, fsview.lookup(ctx, path), diff) or changed
    result = _result(ctx, path, changed)
    result["dest"] = result.pop("path")  # Ansible's touch names the file 'dest', as link and hard do
    return result


def _times(ctx, args, entry, default, diff=None):
    """modification_time / access_time: "now", "preserve" or a timestamp in the given format.

    The diff gets the times that change (mtime, atime: before and after, as Ansible's)."""
    fmt = args.get("modification_time_format") or "%Y%m%d%H%M.%S"
    access_fmt = args.get("access_time_format") or "%Y%m%d%H%M.%S"
    mtime = _time_value(args.get("modification_time") or default, fmt)
    atime = _time_value(args.get("access_time") or default, access_fmt)
    if mtime is None and atime is None:
        return False
    st = entry.st
    if mtime != "now" and atime != "now" and st is not None:
        same_m = mtime is None or int(st.st_mtime) == int(mtime)
        same_a = atime is None or int(st.st_atime) == int(atime)
        if same_m and same_a:
            return False
    if st is None:
        return True
    now = time.time()
    new_m = st.st_mtime if mtime is None else now if mtime == "now" else mtime
    new_a = st.st_atime if atime is None else now if atime == "now" else atime
    if diff is not None:
        for key, old, new in (("mtime", st.st_mtime, new_m), ("atime", st.st_atime, new_a)):
            if old != new:
                diff[0][key], diff[1][key] = old, new
    if ctx.check:
        return True
    # Both "now": no times given, which needs only write access, not ownership (as Ansible does it).
    times = None if mtime == "now" and atime == "now" else (new_a, new_m)
    try:
        os.utime(entry.path, times, follow_symlinks=entry.state != "link")
    except (OSError, NotImplementedError) as exc:
        raise ModuleFailed("Error while updating modification or access time: %s" % exc, path=entry.path)
    return True


def _time_value(value, fmt):
    if value in (None, "preserve"):
        return None
    if value == "now":
        return "now"
    try:
        return time.mktime(time.strptime(str(value), fmt))
    except ValueError as exc:
        raise ModuleFailed("Error while obtaining timestamp for time %s using format %s: %s" % (value, fmt, exc))


def _link(ctx, args, path, entry, state, diff):
    src = args.get("src")
    kept = not src and state == "link" and entry.state == "link"
    if kept:  # Ansible: no src on an existing link keeps the link and only sets its attributes
        src = entry.link_src
    if not src:
        raise ModuleFailed("src is required for creating new symlinks" if state == "link"
                           else "src is required for creating new hardlinks", path=path)  # Ansible's words
    src = os.path.expanduser(str(src))
    force = files.is_true(args.get("force"))
    absrc = src if os.path.isabs(src) else os.path.normpath(os.path.join(os.path.dirname(path), src))
    source = fsview.lookup(ctx, absrc, follow=state == "hard")
    if not source.exists and not kept and (state == "hard" or not force):
        if state == "hard":
            raise ModuleFailed("src does not exist", path=path, src=src, dest=path)
        raise ModuleFailed('src file does not exist, use "force=yes" if you really want to create the link: %s'
                           % absrc, path=path, src=src)
    prev = entry.state
    change = _link_change(ctx, path, entry, state, src, absrc, force)
    if change:
        if state == "link":
            diff[0]["src"], diff[1]["src"] = entry.link_src, src
        if ctx.check:
            if state == "link":
                fsview.record_link(ctx, path, src)
            else:
                fsview.record(ctx, path, {"state": "hard", "src": absrc, "content": None,
                                          "checksum": source.checksum(), "size": source.size,
                                          "mode": source.mode, "uid": source.uid, "gid": source.gid})
        else:
            _make_link(path, src if state == "link" else absrc, state == "hard", prev)
            fsview.forget(ctx, path)
    changed = bool(change)
    linked = fsview.lookup(ctx, path)
    follow = files.is_true(args.get("follow", True))
    if state == "link" and not (follow and fsview.lookup(ctx, path, follow=True).exists):
        changed = fileattrs.apply(ctx, linked, owner=args.get("owner"), group=args.get("group"),
                                  follow=False, diff=diff) or changed
    else:
        changed = _attrs(ctx, args, linked, diff) or changed
    result = fileattrs.path_info(ctx, path)
    result.pop("path", None)
    result.update(dest=path, src=src, changed=changed, state=state)
    return result


def _link_change(ctx, path, entry, state, src, absrc, force):
    """True when the link must be (re)made; fails like Ansible when that is refused."""
    prev = entry.state
    if prev == "absent":
        return True
    if state == "link":
        if prev == "link":
            return entry.link_src != src
        if prev == "directory":
            if not force:
                raise ModuleFailed("refusing to convert from directory to symlink for %s" % path, path=path)
            if _listdir(ctx, path):
                raise ModuleFailed("the directory %s is not empty, refusing to convert it" % path, path=path)
            return True
        if not force:
            raise ModuleFailed("refusing to convert from %s to symlink for %s" % (prev, path), path=path)
        return True
    # hard link
    if prev in ("file", "hard"):
        if entry.st is not None and not entry.planned:
            try:
                if os.stat(absrc).st_ino == entry.st.st_ino and os.stat(absrc).st_dev == entry.st.st_dev:
                    return False
            except OSError:
                pass
        if entry.planned and entry.planned.get("state") == "hard" and entry.planned.get("src") == absrc:
            return False
        if not force:
            what = "different hard link" if prev == "hard" else "file"
            raise ModuleFailed("Cannot link, %s exists at destination" % what, path=path, src=src, dest=path)
        return True
    if prev == "directory":
        raise ModuleFailed("Cannot link, directory exists at destination", path=path, src=src, dest=path)
    return True


def _listdir(ctx, path):
    try:
        names = [os.path.join(path, n) for n in os.listdir(path)]
    except OSError:
        names = []
    return [n for n in names if fsview.lookup(ctx, n).exists]


def _make_link(path, target, hard, prev):
    """Make the link under a temp name, then rename it over the path (atomic)."""
    tmp = os.path.join(os.path.dirname(path), ".%s.%d.orchtmp" % (os.path.basename(path), os.getpid()))
    try:
        if prev == "directory":
            os.rmdir(path)
        if os.path.lexists(tmp):
            os.unlink(tmp)
        (os.link if hard else os.symlink)(target, tmp)
        os.replace(tmp, path)
    except OSError as exc:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise ModuleFailed("Error while linking: %s" % (exc.strerror or exc), path=path)
