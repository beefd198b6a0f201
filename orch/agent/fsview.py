"""The filesystem as a step should see it: the host, plus in check mode the plan.

In check mode nothing is changed; each module records what it WOULD have done
in ``ctx.overlay`` under ("file", absolute path), and every later check reads
through it (:func:`lookup`). Outside check mode the overlay is ignored: the
host itself is the truth.

Overlay value (a dict; any key may be missing):

- ``state``: "file" | "directory" | "link" | "hard" | "absent"
- ``content``: bytes, or None when unknown (only a checksum was sent)
- ``disk``: True when the content is the real file's at this path (attributes-only change)
- ``checksum``: sha1 hex of the content, ``size``
- ``mode``: int permission bits; ``uid``/``gid`` ints; ``owner``/``group`` names
- ``src``: link target; ``fresh``: a directory the plan creates (nothing real below it)

Other modules use the same pattern: ``entry = fsview.lookup(ctx, path)``,
decide, then in check mode ``fsview.record_*`` instead of writing.
"""

from __future__ import annotations

import os
import stat

from . import files
from .context import MISSING

KIND = "file"


class Unknown(Exception):
    """The plan cannot know this (e.g. the content of a file sent by checksum only)."""


class Entry:
    """One path as seen through the plan. ``state`` is "absent" when it does not exist."""

    def __init__(self, path, state="absent", st=None, planned=None):
        self.path = path
        self.state = state
        self.st = st  # real os.stat_result (lstat unless followed), if the path exists on disk
        self.planned = planned  # the overlay dict, when the plan decided this path

    @property
    def exists(self) -> bool:
        return self.state != "absent"

    @property
    def isdir(self) -> bool:
        return self.state == "directory"

    def _attr(self, key, st_value):
        if self.planned is not None and self.planned.get(key) is not None:
            return self.planned[key]
        return st_value

    @property
    def mode(self):
        return self._attr("mode", stat.S_IMODE(self.st.st_mode) if self.st else None)

    @property
    def uid(self):
        return self._attr("uid", self.st.st_uid if self.st else None)

    @property
    def gid(self):
        return self._attr("gid", self.st.st_gid if self.st else None)

    @property
    def owner(self):
        return None if self.uid is None else files.user_name(self.uid)

    @property
    def group(self):
        return None if self.gid is None else files.group_name(self.gid)

    @property
    def link_src(self):
        if self.planned is not None and self.planned.get("state") == "link":
            return self.planned.get("src")
        if self.state == "link":
            return os.readlink(self.path)
        return None

    @property
    def size(self):
        if self.planned is not None and not self.planned.get("disk"):
            if self.planned.get("content") is not None:
                return len(self.planned["content"])
            return self.planned.get("size")
        return self.st.st_size if self.st else None

    def content_known(self) -> bool:
        return self.planned is None or bool(self.planned.get("disk")) or self.planned.get("content") is not None

    def read_bytes(self) -> bytes:
        if self.state == "absent":
            raise FileNotFoundError(self.path)
        if not self.content_known():
            raise Unknown("the content of %s is not known in check mode" % self.path)
        if self.planned is not None and not self.planned.get("disk"):
            return self.planned["content"]
        with open(self.path, "rb") as handle:
            return handle.read()

    def checksum(self, algorithm="sha1"):
        """Hex digest of the content, None when it cannot be known."""
        if self.state not in ("file", "hard"):
            return None
        if self.planned is not None and not self.planned.get("disk"):
            if self.planned.get("content") is not None:
                return files.hash_bytes(self.planned["content"], algorithm)
            return self.planned.get("checksum") if algorithm == "sha1" else None
        return files.hash_file(self.path, algorithm)


def _real_state(st) -> str:
    if stat.S_ISLNK(st.st_mode):
        return "link"
    if stat.S_ISDIR(st.st_mode):
        return "directory"
    if stat.S_ISREG(st.st_mode):
        return "hard" if st.st_nlink > 1 else "file"
    return "other"


def _planned(ctx, path):
    """The overlay's word on ``path``: its own entry, or "absent" implied by an ancestor."""
    overlay = ctx.overlay
    own = overlay.get(KIND, path, MISSING)
    if own is not MISSING:
        return own if own is not None else {"state": "absent"}  # None: the overlay's "absent"
    parent = os.path.dirname(path)
    while parent and parent != path:
        above = overlay.get(KIND, parent, MISSING)
        if above is not MISSING:
            if above is None or above.get("state") in ("absent", "file", "hard") or above.get("fresh"):
                return {"state": "absent"}
            return None
        path, parent = parent, os.path.dirname(parent)
    return None


def lookup(ctx, path: str, follow: bool = False) -> Entry:
    """What is at ``path`` (through the plan in check mode); ``follow`` resolves links."""
    path = os.path.abspath(path)
    planned = _planned(ctx, path) if ctx.check else None
    if planned is not None and planned.get("state") == "link" and follow:
        target = planned.get("src") or ""
        return lookup(ctx, os.path.join(os.path.dirname(path), target), follow=True)
    try:
        st = os.stat(path) if follow else os.lstat(path)
    except OSError:
        st = None
    if planned is not None:
        state = planned.get("state", "file")
        if state == "absent":
            return Entry(path)
        disk = st if planned.get("disk") else None
        return Entry(path, state, st=disk, planned=planned)
    if st is None:
        return Entry(path)
    return Entry(path, _real_state(st), st=st)


def record(ctx, path: str, value: dict) -> None:
    ctx.overlay.set(KIND, os.path.abspath(path), value)


def forget(ctx, path: str) -> None:
    """A real change happened at ``path``: any earlier prediction for it is stale."""
    _drop(ctx, os.path.abspath(path))


def _drop(ctx, path):
    overlay = ctx.overlay
    if hasattr(overlay, "delete"):
        overlay.delete(KIND, path)
    else:  # Overlay has no delete yet: remove the key itself
        overlay._items.pop((KIND, path), None)


def _attrs(entry, mode, uid, gid):
    value = {}
    for key, given, current in (("mode", mode, entry.mode if entry.exists else None),
                                ("uid", uid, entry.uid if entry.exists else None),
                                ("gid", gid, entry.gid if entry.exists else None)):
        chosen = given if given is not None and given != -1 else current
        if chosen is not None:
            value[key] = chosen
    if "uid" in value:
        value["owner"] = files.user_name(value["uid"])
    if "gid" in value:
        value["group"] = files.group_name(value["gid"])
    return value


def _defaults(value, base_mode):
    """A new path gets the umask's mode and the agent's user, as a real create would."""
    value.setdefault("mode", base_mode & ~files._umask())
    if "uid" not in value:
        value["uid"], value["owner"] = os.getuid(), files.user_name(os.getuid())
    if "gid" not in value:
        value["gid"], value["group"] = os.getgid(), files.group_name(os.getgid())


def record_file(ctx, path, content=None, checksum=None, mode=None, uid=None, gid=None, size=None):
    """Predict a regular file at ``path`` (content None = unknown, checksum still helps)."""
    entry = lookup(ctx, path)
    value = _attrs(entry, mode, uid, gid)
    _defaults(value, 0o666)
    value.update(state="file", content=content,
                 checksum=files.sha1(content) if content is not None else checksum,
                 size=len(content) if content is not None else size)
    record(ctx, path, value)


def record_directory(ctx, path, mode=None, uid=None, gid=None):
    entry = lookup(ctx, path)
    value = _attrs(entry, mode, uid, gid)
    _defaults(value, 0o777)
    value["state"] = "directory"
    value["fresh"] = not entry.exists or entry.state != "directory" or bool(
        entry.planned and entry.planned.get("fresh"))
    record(ctx, path, value)


def record_link(ctx, path, src, hard=False):
    record(ctx, path, {"state": "hard" if hard else "link", "src": src, "content": None})


def record_absent(ctx, path):
    path = os.path.abspath(path)
    prefix = path.rstrip("/") + "/"
    for key in list(ctx.overlay.items(KIND)):
        if key.startswith(prefix):
            _drop(ctx, key)
    record(ctx, path, {"state": "absent"})


def record_attributes(ctx, entry, mode=None, uid=None, gid=None):
    """Predict new mode/owner on an existing path, keeping what else we know of it."""
    value = dict(entry.planned) if entry.planned is not None else {"state": entry.state, "disk": True}
    value.update(_attrs(entry, mode, uid, gid))
    record(ctx, entry.path, value)


def missing_parents(ctx, path):
    """The ancestors of ``path`` that do not exist (through the plan), outermost first."""
    missing = []
    parent = os.path.dirname(os.path.abspath(path))
    while parent and parent != "/":
        entry = lookup(ctx, parent, follow=True)
        if entry.exists:
            if not entry.isdir:
                from .context import ModuleFailed
                raise ModuleFailed("%s exists but is not a directory" % parent, path=path)
            break
        missing.append(parent)
        parent = os.path.dirname(parent)
    return list(reversed(missing))
