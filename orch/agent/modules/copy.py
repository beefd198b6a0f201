"""copy: put a file (or a tree) on the host, Ansible's semantics.

Transfer protocol (the controller reads ``src`` locally):

- ``_content_b64``: base64 of the wanted bytes; or ``content`` (text) as in Ansible.
- ``_checksum`` alone (sha1 hex): the module compares first. Same checksum ->
  only mode/owner are checked. Different, and the bytes are needed (apply, or
  check mode with diff) -> ``{"changed": false, "needs_content": true}`` and
  nothing is touched: send the step again with ``_content_b64``.
- a tree: ``_dirs: [rel, ...]`` and ``_files: [{"path": rel, "_checksum",
  "_content_b64"?, "mode"?}]`` under ``dest``; ``needs_content_files`` lists the
  rel paths whose bytes are needed.
- ``_src_mode`` ("0644"): the controller-side source's mode for ``mode: preserve``.
- ``remote_src: true`` + ``src``: a file or directory already on the host.
"""

from __future__ import annotations

import base64
import os

from .. import fileattrs, files, fsview
from ..context import ModuleFailed
from ..diffs import content_diff


def run(ctx, args):
    return copy(ctx, args)


def copy(ctx, args, module="copy"):
    dest = args.get("dest")
    if not dest:
        raise ModuleFailed("dest is required")
    dest = ctx.path(dest)
    if files.is_true(args.get("remote_src")) and args.get("src"):
        src = ctx.path(args["src"])
        entry = fsview.lookup(ctx, src, follow=True)
        if not entry.exists:
            raise ModuleFailed("Source %s not found" % src, path=src)
        if entry.isdir:
            return _remote_tree(ctx, args, src, dest)
        if entry.state not in ("file", "hard"):  # a device, a fifo, a socket
            raise ModuleFailed("Cannot copy invalid source '%s': not a file" % src, path=src)
        item = {"source": entry, "mode": _mode_octal(entry.mode)}
        return _single(ctx, args, dest, item, os.path.basename(src))
    if "_files" in args or "_dirs" in args:
        return _tree(ctx, args, dest, args.get("_files") or [], args.get("_dirs") or [], links=args.get("_links") or [])
    if args.get("_staged"):
        return _from_staged(ctx, args, dest)
    item = _item_from(args)
    if item is None:
        raise ModuleFailed("src (or content) is required")
    if args.get("_src_mode"):
        item["mode"] = args["_src_mode"]
    src = args.get("src") or args.get("_original_basename")
    if item.get("text") and (dest.endswith("/") or fsview.lookup(ctx, dest, follow=True).isdir):
        raise ModuleFailed("can not use content with a dir as dest", dest=dest)
    return _single(ctx, args, dest, item, os.path.basename(src) if src else None)


def _from_staged(ctx, args, dest):
    """A large file the controller sent in chunks (the ``stage`` op) to a temp file here."""
    staged = str(args["_staged"])
    try:
        item = {"source": fsview.lookup(ctx, staged), "checksum": args.get("_checksum")}
        src = args.get("src")
        return _single(ctx, args, dest, item, os.path.basename(str(src)) if src else None)
    finally:
        try:
            os.unlink(staged)
        except OSError:
            pass


def _mode_octal(mode):
    return None if mode is None else "%04o" % mode


def _item_from(spec):
    """What the controller sent for one file: bytes and/or checksum."""
    if spec.get("_content_b64") is not None:
        data = base64.b64decode(spec["_content_b64"])
        return {"data": data, "checksum": files.sha1(data)}
    if spec.get("content") is not None:
        content = spec["content"]
        data = content.encode("utf-8", "surrogateescape") if isinstance(content, str) else bytes(content)
        return {"data": data, "checksum": files.sha1(data), "text": True}
    if spec.get("_checksum"):
        return {"data": None, "checksum": str(spec["_checksum"]).lower()}
    return None


def _single(ctx, args, dest, item, basename):
    """One file: resolve a directory dest like Ansible, then converge the file."""
    if dest.endswith("/"):
        if not basename:
            raise ModuleFailed("can not use content with a dir as dest", dest=dest)
        changed_dirs = _make_dirs(ctx, args, dest.rstrip("/") or "/")
        dest = os.path.join(dest, basename)
    else:
        changed_dirs = False
        if fsview.lookup(ctx, dest, follow=True).isdir:
            if not basename:  # content has no name to put inside the folder
                raise ModuleFailed("can not use content with a dir as dest", dest=dest)
            dest = os.path.join(dest, basename)
    plan = _plan_file(ctx, args, dest, item)
    if plan.get("needs_content"):
        return {"changed": False, "needs_content": True, "dest": dest, "checksum": plan.get("current")}
    result = _converge(ctx, args, plan)
    result["changed"] = result["changed"] or changed_dirs
    if args.get("src"):
        result["src"] = args["src"]
    if ctx.diff and plan["diff"]:
        result["diff"] = [plan["diff"]]  # a list, as Ansible's copy action gives it (one entry per file)
    return result


def _plan_file(ctx, args, dest, item):
    """Decide what one file needs, touching nothing."""
    parent = os.path.dirname(os.path.abspath(dest))
    parent_entry = fsview.lookup(ctx, parent, follow=True)
    if not parent_entry.exists:
        raise ModuleFailed("Destination directory %s does not exist" % parent, dest=dest)
    if not parent_entry.isdir:
        raise ModuleFailed("Destination %s is not a directory" % parent, dest=dest)
    if files.is_true(args.get("follow")):
        dest = _follow(ctx, dest)
    entry = fsview.lookup(ctx, dest)
    target = fsview.lookup(ctx, dest, follow=True) if entry.state == "link" else entry
    if target.isdir:
        raise ModuleFailed("Destination %s is a directory" % dest, dest=dest)
    plan = {"dest": dest, "entry": entry, "item": item, "write": False, "diff": None}
    if target.exists and not files.is_true(args.get("force", True)):
        return plan  # force=no: an existing file is left alone
    source = item.get("source")
    wanted = source.checksum() if source is not None else item.get("checksum")
    current = target.checksum() if target.state in ("file", "hard") else None
    plan["current"] = current
    plan["checksum"] = wanted
    if wanted is not None and wanted == current:
        return plan
    plan["write"] = True
    have_bytes = item.get("data") is not None or (source is not None and source.content_known())
    if not have_bytes and source is None and (not ctx.check or ctx.diff):
        plan["needs_content"] = True
        return plan
    if ctx.diff:
        before = target.read_bytes() if target.exists and target.content_known() else None
        after = item["data"] if item.get("data") is not None else _source_bytes(source)
        plan["diff"] = content_diff(before, after, dest, args.get("src") or dest)  # content: its dest, as Ansible
    return plan


def _source_bytes(source):
    if source.size is not None and source.size > 256 * 1024:
        return b"\x00" * (256 * 1024 + 1)  # only to say "too large to diff" without reading it
    return source.read_bytes()


def _follow(ctx, dest):
    for _ in range(40):
        entry = fsview.lookup(ctx, dest)
        if entry.state != "link":
            return dest
        dest = os.path.normpath(os.path.join(os.path.dirname(dest), entry.link_src))
    raise ModuleFailed("too many levels of symbolic links in %s" % dest, dest=dest)


def _converge(ctx, args, plan):
    dest, entry, item = plan["dest"], plan["entry"], plan["item"]
    owner, group = args.get("owner"), args.get("group")
    mode = args.get("mode")
    if mode == "preserve":
        mode = item.get("mode")
    result = {"dest": dest, "state": "file"}
    changed = False
    if plan["write"]:
        changed = True
        uid, gid = files.uid_of(owner, ctx), files.gid_of(group, ctx)
        base = entry if entry.exists and entry.state != "link" else _fresh_entry()
        new_mode = fileattrs.wanted_mode(mode, base, dest)
        source = item.get("source")
        if ctx.check:
            data = item.get("data")
            if data is None and source is not None and source.content_known() and (source.size or 0) < (1 << 24):
                data = source.read_bytes()
            fsview.record_file(ctx, dest, content=data, checksum=plan.get("checksum"), mode=new_mode,
                               uid=uid if uid != -1 else None, gid=gid if gid != -1 else None,
                               size=source.size if source is not None else None)
        else:
            if entry.exists and files.is_true(args.get("backup")) and entry.state != "link":
                result["backup_file"] = files.backup(dest)
            validate = files.validator(ctx, args["validate"]) if args.get("validate") else None
            if entry.state == "link":
                os.unlink(dest)  # follow=no: the link itself is replaced by the file
            kwargs = {"data": item.get("data")} if source is None else {"source": source.path}
            files.write_or_fail(dest, mode=new_mode, uid=uid, gid=gid, validate=validate, **kwargs)
            fsview.forget(ctx, dest)
    final = fsview.lookup(ctx, dest)
    if fileattrs.apply(ctx, final, mode=mode, owner=owner, group=group):
        changed = True
    result.update(fileattrs.path_info(ctx, dest))
    result.pop("path", None)
    result["state"] = "file"
    final = fsview.lookup(ctx, dest)
    result["checksum"] = plan.get("checksum") or final.checksum()
    if final.exists and final.content_known() and (final.size or 0) < (1 << 26):
        result["md5sum"] = final.checksum("md5")
    result["changed"] = changed
    return result


def _fresh_entry():
    """What a new file starts as, so symbolic modes apply to the default mode."""
    entry = fsview.Entry("", "file", planned={"mode": 0o666 & ~files._umask()})
    return entry


def _make_dirs(ctx, args, path):
    """mkdir -p with directory_mode/owner/group on the directories it creates."""
    changed = False
    for directory in fsview.missing_parents(ctx, os.path.join(path, "x")):
        changed = True
        mode = fileattrs.wanted_mode(args.get("directory_mode"), fsview.Entry(directory, "directory",
                                     planned={"mode": 0o777 & ~files._umask()}), directory)
        uid, gid = files.uid_of(args.get("owner"), ctx), files.gid_of(args.get("group"), ctx)
        if ctx.check:
            fsview.record_directory(ctx, directory, mode=mode, uid=uid if uid != -1 else None,
                                    gid=gid if gid != -1 else None)
            continue
        try:
            os.mkdir(directory)
            if uid != -1 or gid != -1:
                os.chown(directory, uid, gid)
            if mode is not None:
                os.chmod(directory, mode)
        except OSError as exc:
            raise ModuleFailed("cannot create directory %s: %s" % (directory, exc.strerror or exc), path=directory)
        fsview.forget(ctx, directory)
    return changed


def _tree(ctx, args, dest, file_specs, dirs, sources=None, links=()):
    """A directory copy: dest/rel for every dir, file and link the controller listed."""
    dest = dest.rstrip("/") or "/"
    for rel in [s.get("path", "") for s in list(file_specs) + list(links)] + list(dirs):
        if rel.startswith("/") or ".." in rel.split("/"):
            raise ModuleFailed("unsafe path in a directory copy: %s" % rel, dest=dest)
    plans = []
    for spec in file_specs:
        item = (sources or {}).get(spec["path"]) or _item_from(spec)
        if item is None:
            raise ModuleFailed("no content or checksum for %s" % spec["path"], dest=dest)
        if spec.get("mode"):
            item["mode"] = spec["mode"]
        plans.append((spec["path"], item))
    needed = [rel for rel, item in plans if _needs_bytes(ctx, args, os.path.join(dest, rel), item)]
    if needed:  # ask before creating anything, so the step stays all-or-nothing
        return {"changed": False, "needs_content": True, "needs_content_files": needed, "dest": dest}
    changed = _make_dirs(ctx, args, dest)
    for rel in sorted(dirs, key=lambda r: r.count("/")):
        changed = _make_dirs(ctx, args, os.path.join(dest, rel)) or changed
    for rel, item in plans:
        changed = _make_dirs(ctx, args, os.path.dirname(os.path.join(dest, rel))) or changed
    diffs, decided = [], []
    for rel, item in plans:
        decided.append(_plan_file(ctx, args, os.path.join(dest, rel), item))
    for plan in decided:
        result = _converge(ctx, args, plan)
        changed = changed or result["changed"]
        if plan["diff"]:
            diffs.append(plan["diff"])
    for link in links:
        path = os.path.join(dest, link["path"])
        changed = _make_dirs(ctx, args, os.path.dirname(path)) or changed
        changed = _link(ctx, path, str(link["target"])) or changed
    out = {"changed": changed, "dest": dest + "/", "state": "directory"}
    if args.get("src"):
        out["src"] = args["src"]
    if ctx.diff:
        out["diff"] = diffs
    return out


def _link(ctx, path, target):
    """A link the source folder had (kept as a link, as Ansible's copy does): made or pointed anew."""
    if os.path.islink(path) and os.readlink(path) == target:
        return False
    if ctx.check:
        return True
    try:
        if os.path.islink(path) or os.path.isfile(path):
            os.unlink(path)
        os.symlink(target, path)
    except OSError as exc:
        raise ModuleFailed("cannot link %s to %s: %s" % (path, target, exc.strerror or exc), path=path)
    fsview.forget(ctx, path)
    return True


def _needs_bytes(ctx, args, path, item):
    if item.get("data") is not None or item.get("source") is not None or (ctx.check and not ctx.diff):
        return False
    entry = fsview.lookup(ctx, path, follow=True)
    if entry.exists and not files.is_true(args.get("force", True)):
        return False
    return entry.checksum() != item.get("checksum")


def _remote_tree(ctx, args, src, dest):
    """remote_src with a directory: 'src/' copies its contents, 'src' the directory itself."""
    root = src.rstrip("/") or "/"
    if not src.endswith("/"):
        dest = os.path.join(dest, os.path.basename(root))
    keep_links = not files.is_true(args.get("local_follow", True))  # links stay links, as copytree(symlinks=True)
    specs, dirs, sources, links = [], [], {}, []
    for current, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(current, root)
        for name in sorted(dirnames + filenames):
            rel, path = os.path.normpath(os.path.join(rel_dir, name)), os.path.join(current, name)
            if os.path.islink(path) and (keep_links or not os.path.exists(path)):  # a link to nowhere stays one
                links.append({"path": rel, "target": os.readlink(path)})
            elif name in dirnames:
                dirs.append(rel)
            else:
                entry = fsview.lookup(ctx, path, follow=True)
                sources[rel] = {"source": entry, "mode": _mode_octal(entry.mode)}
                specs.append({"path": rel})
    return _tree(ctx, args, dest, specs, dirs, sources, links)
