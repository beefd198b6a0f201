"""Shared read-modify-write for lineinfile, blockinfile and replace.

The file is read through the plan (fsview), the new bytes are written
atomically (or recorded in check mode), then mode/owner are applied; the
result gets Ansible's ``msg``, ``backup``/``backup_file`` and diff shapes.
"""

from __future__ import annotations

import os

from . import fileattrs, files, fsview
from .context import ModuleFailed
from .diffs import content_diff

ATTRS_MSG = "ownership, perms or SE linux context changed"


class UnknownContent(Exception):
    pass


def target(args):
    path = args.get("path") or args.get("dest") or args.get("destfile") or args.get("name")
    if not path:
        raise ModuleFailed("path is required")
    return os.path.abspath(os.path.expanduser(str(path)))


def load(ctx, path, follow=True):
    """(entry, bytes or None when absent); raises UnknownContent when the plan cannot know it."""
    entry = fsview.lookup(ctx, path, follow=follow)
    if entry.isdir:
        raise ModuleFailed("Path %s is a directory !" % path, rc=256, path=path)
    if not entry.exists:
        return entry, None
    if not entry.content_known():
        raise UnknownContent(path)
    try:
        return entry, entry.read_bytes()
    except OSError as exc:
        raise ModuleFailed("cannot read %s: %s" % (path, exc.strerror or exc), path=path)


def unknown_result(path):
    """Check mode after a step whose content was sent by checksum only: cannot predict."""
    return {"changed": True, "unknown": True, "path": path,
            "msg": "would edit %s (its planned content is unknown in check mode)" % path}


def save(ctx, args, path, entry, before, after, result, backup_key="backup_file", make_dirs=False):
    """Write ``after`` if it differs from ``before`` and apply attributes; fills ``result``."""
    changed = before is None or before != after
    if changed:
        if ctx.check:
            if make_dirs:
                for directory in fsview.missing_parents(ctx, path):
                    fsview.record_directory(ctx, directory)
            elif not fsview.lookup(ctx, os.path.dirname(path), follow=True).isdir:
                raise ModuleFailed("Destination directory %s does not exist" % os.path.dirname(path), path=path)
            fsview.record_file(ctx, path, content=after)
        else:
            parent = os.path.dirname(path)
            if make_dirs and not os.path.isdir(parent):
                try:
                    os.makedirs(parent)
                except OSError as exc:
                    raise ModuleFailed("Error creating %s (%s)" % (parent, exc.strerror or exc), path=path)
            if entry.exists and files.is_true(args.get("backup")):
                result[backup_key] = files.backup(path)
            validate = files.validator(ctx, args["validate"]) if args.get("validate") else None
            files.write_or_fail(path, data=after, validate=validate)
            fsview.forget(ctx, path)
    attr_diff = ({}, {})
    attrs_changed = fileattrs.apply(ctx, fsview.lookup(ctx, path), mode=args.get("mode"), owner=args.get("owner"),
                                    group=args.get("group"), diff=attr_diff)
    if attrs_changed:
        msg = result.get("msg") or ""
        result["msg"] = (msg + " and " + ATTRS_MSG) if msg else ATTRS_MSG
    result["changed"] = changed or attrs_changed
    return attr_diff


def content_diffs(ctx, path, before, after, attr_diff):
    """lineinfile/blockinfile diff: [content diff, attribute diff]."""
    content = content_diff(before or b"", after, "%s (content)" % path)
    attrs = {"before_header": "%s (file attributes)" % path, "after_header": "%s (file attributes)" % path,
             "before": attr_diff[0], "after": attr_diff[1]}
    return [content, attrs]


def lines_of(data: bytes):
    """Lines with their endings kept, as bytes."""
    return data.splitlines(True) if data else []
