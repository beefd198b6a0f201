"""unarchive: extract a tar(.gz/.bz2/.xz) or zip archive into an existing directory.

The archive is on the host (``remote_src: true`` + ``src``) or its bytes come
from the controller in ``_content_b64``. Members are compared with the disk
first (type, size, mtime, else content) and only differing ones are
extracted, so a second run reports no change. ``exclude`` takes glob
patterns, ``keep_newer`` keeps files newer on disk than in the archive,
``extra_opts`` is ignored (with a warning): no external tar/unzip is used.
"""

from __future__ import annotations

import base64
import fnmatch
import io
import os

from .. import archives, fileattrs, files, fsview
from ..context import ModuleFailed


def run(ctx, args):
    src, dest = args.get("src"), args.get("dest")
    if not src and not args.get("_content_b64"):
        raise ModuleFailed("src is required")
    if not dest:
        raise ModuleFailed("dest is required")
    dest = os.path.abspath(os.path.expanduser(str(dest)))
    result = {"dest": dest, "src": src, "changed": False}
    if args.get("extra_opts"):
        result["warnings"] = ["extra_opts is ignored: orch extracts with Python's tarfile/zipfile"]
    creates = args.get("creates")
    if creates and fsview.lookup(ctx, os.path.expanduser(str(creates))).exists:
        result["msg"] = "skipped, since %s exists" % creates
        return result
    if not fsview.lookup(ctx, dest, follow=True).isdir:
        raise ModuleFailed("dest '%s' must be an existing dir" % dest, dest=dest)
    fileobj = _open(ctx, args, src)
    try:
        result["handler"], members = archives.open_archive(fileobj, src)
        members = _select(members, args.get("exclude"), dest)
        keep_newer, own_mode = files.is_true(args.get("keep_newer")), args.get("mode") is None
        todo = [m for m in members if _differs(ctx, m, dest, keep_newer, own_mode)]
        for member in sorted(todo, key=lambda m: m.kind != "directory"):
            _extract(ctx, member, dest)
    finally:
        fileobj.close()
    changed = bool(todo)
    for member in members:
        entry = fsview.lookup(ctx, os.path.join(dest, member.name))
        changed = fileattrs.apply(ctx, entry, mode=args.get("mode"), owner=args.get("owner"),
                                  group=args.get("group"), follow=False) or changed
    if files.is_true(args.get("list_files")):
        result["files"] = [m.name for m in members]
    result["extract_results"] = {"rc": 0, "extracted": [m.name for m in todo]}
    if ctx.diff:
        result["diff"] = {"prepared": "".join("+ %s\n" % m.name for m in todo)} if todo else {}
    info = fileattrs.path_info(ctx, dest)
    info.pop("path", None)
    info.pop("state", None)
    result.update(info)
    result["changed"] = changed
    return result


def _open(ctx, args, src):
    if args.get("_content_b64"):
        return io.BytesIO(base64.b64decode(args["_content_b64"]))
    if not files.is_true(args.get("remote_src")):
        raise ModuleFailed("the controller must send the archive (_content_b64) unless remote_src is true")
    path = os.path.expanduser(str(src))
    entry = fsview.lookup(ctx, path, follow=True)
    if not entry.exists:
        raise ModuleFailed("Source '%s' does not exist" % path, src=src)
    if entry.planned is not None and not entry.planned.get("disk"):
        try:
            return io.BytesIO(entry.read_bytes())
        except fsview.Unknown:
            raise ModuleFailed("the planned archive %s is unknown in check mode" % path, src=src)
    try:
        return open(path, "rb")
    except OSError as exc:
        raise ModuleFailed("Source '%s' not readable: %s" % (path, exc.strerror or exc), src=src)


def _select(members, exclude, dest):
    patterns = exclude if isinstance(exclude, list) else [p for p in str(exclude or "").split(",") if p]
    chosen = []
    for member in members:
        name = os.path.normpath(member.name)
        if name.startswith("/") or name == ".." or name.startswith("../"):
            raise ModuleFailed("archive member %s would be extracted outside %s" % (member.name, dest), dest=dest)
        if name == ".":
            continue
        if any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(member.name, p) for p in patterns):
            continue
        member.name = name
        chosen.append(member)
    return chosen


def _differs(ctx, member, dest, keep_newer, own_mode) -> bool:
    path = os.path.join(dest, member.name)
    entry = fsview.lookup(ctx, path)
    if member.kind == "directory":
        return not entry.isdir
    if member.kind == "link":
        return entry.state != "link" or entry.link_src != member.linkname
    if member.kind == "hard":
        return entry.state not in ("file", "hard")
    if entry.state not in ("file", "hard"):
        return True
    if entry.st is None or entry.planned is not None:
        return True  # planned by an earlier step: assume the archive's version wins
    if keep_newer and entry.st.st_mtime > member.mtime:
        return False
    if entry.st.st_size != member.size:
        return True
    if own_mode and member.mode is not None and entry.mode != member.mode & 0o7777:
        return True
    if int(entry.st.st_mtime) == int(member.mtime):
        return False
    return not archives.same_bytes(member, path)


def _extract(ctx, member, dest):
    path = os.path.join(dest, member.name)
    if ctx.check:
        _predict(ctx, member, path, dest)
        return
    try:
        _make_parents(path, dest)
        if member.kind == "directory":
            if os.path.lexists(path) and not os.path.isdir(path):
                os.unlink(path)
            if not os.path.isdir(path):
                os.mkdir(path)
            if member.mode is not None:
                os.chmod(path, member.mode & 0o7777)
        elif member.kind == "file":
            _remove_dir(path)
            with member.opener() as stream:
                files.atomic_write(path, source=stream, mode=member.mode & 0o7777, mtime=member.mtime)
        else:
            _remove_dir(path)
            target = member.linkname if member.kind == "link" else os.path.join(dest, member.linkname)
            tmp = path + ".%d.orchtmp" % os.getpid()
            (os.symlink if member.kind == "link" else os.link)(target, tmp)
            os.replace(tmp, path)
    except OSError as exc:
        raise ModuleFailed("failed to extract %s: %s" % (member.name, exc.strerror or exc), dest=dest)
    fsview.forget(ctx, path)


def _make_parents(path, dest):
    parent = os.path.dirname(path)
    if not os.path.isdir(parent):
        os.makedirs(parent)


def _remove_dir(path):
    if os.path.isdir(path) and not os.path.islink(path):
        os.rmdir(path)  # only an empty one, like tar


def _predict(ctx, member, path, dest):
    for directory in fsview.missing_parents(ctx, path):
        fsview.record_directory(ctx, directory)
    if member.kind == "directory":
        fsview.record_directory(ctx, path, mode=member.mode & 0o7777 if member.mode is not None else None)
    elif member.kind == "link":
        fsview.record_link(ctx, path, member.linkname)
    else:
        content = None
        if member.kind == "file" and member.size <= (1 << 20):
            with member.opener() as stream:
                content = stream.read()  # small files: later steps of the plan can read them
        fsview.record_file(ctx, path, content=content, mode=member.mode & 0o7777 if member.mode else None,
                           size=member.size)
