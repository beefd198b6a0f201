"""Small helpers shared by the system modules (stdlib only, Python 3.8+)."""

from __future__ import annotations

import os

from . import files
from .context import MISSING, ModuleFailed

_TRUE = ("yes", "on", "1", "true", "y", "t")
_FALSE = ("no", "off", "0", "false", "n", "f", "")


def boolean(value, name="value"):
    """Ansible's booleans: yes/no/true/false/1/0/on/off (any case)."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ModuleFailed("argument %s: %r is not a valid boolean" % (name, value))


def opt_bool(args, key, default=None):
    value = args.get(key)
    return default if value is None else boolean(value, key)


def as_list(value):
    """A list argument: a YAML list or a comma-separated string."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        out = []
        for item in value:
            out.extend(as_list(item) if isinstance(item, (list, tuple)) else [str(item).strip()])
        return [item for item in out if item]
    return [part.strip() for part in str(value).split(",") if part.strip()]


def choice(args, key, choices, default=None):
    value = args.get(key)
    if value is None:
        return default
    value = str(value)
    if value not in choices:
        raise ModuleFailed("value of %s must be one of: %s, got: %s" % (key, ", ".join(choices), value))
    return value


def overlaid(ctx, kind, key, read):
    """Read through the plan overlay: what an earlier planned step would leave, else the host."""
    value = ctx.overlay.get(kind, key)
    return read() if value is MISSING else value


def record(ctx, kind, key, value):
    """Remember a planned change (check mode only: a real run changes the host itself)."""
    if ctx.check:
        ctx.overlay.set(kind, key, value)


def read_text(path):
    """A file's text, or None when it does not exist."""
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return None


def write_atomic(path, text, mode=None, uid=None, gid=None):
    """Replace a file (text or bytes) in one rename, keeping its mode/owner unless told otherwise."""
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogateescape")
    if mode is None and not os.path.exists(path):
        mode = 0o644
    files.atomic_write(path, data=data, mode=mode, uid=-1 if uid is None else uid, gid=-1 if gid is None else gid)


def text_diff(before, after, before_header=None, after_header=None):
    diff = {"before": before or "", "after": after or ""}
    if before_header:
        diff["before_header"] = before_header
    if after_header:
        diff["after_header"] = after_header
    return diff


def run_ok(ctx, argv, what=None, **kwargs):
    """Run a command; fail the step with its output when it does not succeed."""
    rc, out, err = ctx.run(argv, **kwargs)
    if rc != 0:
        raise ModuleFailed("%s failed (rc=%d): %s" % (what or argv[0], rc, (err or out).strip()),
                           rc=rc, cmd=argv, stdout=out, stderr=err)
    return out


def is_root():
    return os.geteuid() == 0


# Files through the plan: the file modules' filesystem view (fsview) keeps
# ("file", path) entries, so a planned copy/template of e.g. an /etc/cron.d
# file is what cron/sysctl/authorized_key read in check mode, and vice versa.
try:
    from . import fsview as _fsview
except ImportError:  # the view is optional: fall back to the host's files
    _fsview = None


def plan_read(ctx, path):
    """A file's text as the plan sees it (None: absent)."""
    if _fsview is None or not ctx.check:
        return read_text(path)
    entry = _fsview.lookup(ctx, path, follow=True)
    if not entry.exists or entry.isdir:
        return None
    try:
        return entry.read_bytes().decode("utf-8", "surrogateescape")
    except _fsview.Unknown:
        raise ModuleFailed("the plan cannot know the content of %s (an earlier step sends it by checksum)" % path)


def plan_write(ctx, path, text, mode=None, uid=None, gid=None):
    """Check mode: record that ``path`` would hold ``text`` (None: removed)."""
    if _fsview is None or not ctx.check:
        return
    if text is None:
        _fsview.record_absent(ctx, path)
    else:
        data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogateescape")
        _fsview.record_file(ctx, path, content=data, mode=mode, uid=uid, gid=gid)


def plan_mkdir(ctx, path, mode=None, uid=None, gid=None):
    if _fsview is not None and ctx.check:
        _fsview.record_directory(ctx, path, mode=mode, uid=uid, gid=gid)


def plan_isdir(ctx, path):
    if _fsview is None or not ctx.check:
        return os.path.isdir(path)
    return _fsview.lookup(ctx, path, follow=True).isdir


def safe_name(value, what, slash_ok=True):
    """A name that goes into an argv: never an option ('-x'), never multi-line.

    Commands get no shell, but a leading '-' would still be read as an option
    (apt-get -o..., useradd --...), which can run commands.
    """
    text = str(value)
    if not text or text.startswith("-") or any(c in text for c in "\n\r\0") or (not slash_ok and "/" in text):
        raise ModuleFailed("invalid %s %r" % (what, text))
    return text


def plan_file(ctx, path, content=None, mode=None, uid=None, gid=None):
    """Check mode: a file would be at ``path`` (content bytes, or None when unknown)."""
    if _fsview is not None and ctx.check:
        _fsview.record_file(ctx, path, content=content, mode=mode,
                            uid=None if uid in (None, -1) else uid, gid=None if gid in (None, -1) else gid)
