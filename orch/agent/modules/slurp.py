"""slurp: a file's bytes, base64 encoded (read through the plan in check mode)."""

from __future__ import annotations

import base64
import errno
import os

from .. import fsview
from ..context import ModuleFailed


# Ansible's messages by the reason the file could not be read (playbooks test for them).
_REASONS = {errno.ENOENT: "File not found: %s", errno.EACCES: "File is not readable: %s",
            errno.EISDIR: "Source is a directory and must be a file: %s"}


def _failed(src, exc):
    return ModuleFailed(_REASONS.get(exc.errno, "Unable to slurp file: %s") % src, path=src)


def run(ctx, args):
    src = args.get("src") or args.get("path")
    if not src:
        raise ModuleFailed("src is required")
    src = os.path.abspath(os.path.expanduser(str(src)))
    entry = fsview.lookup(ctx, src, follow=True)
    if entry.isdir:  # opening it fails: unreadable first, a directory otherwise
        raise _failed(src, OSError(errno.EISDIR if os.access(src, os.R_OK) or entry.planned else errno.EACCES, src))
    if not entry.exists:
        try:
            os.stat(src)  # why it is not there: missing, a folder on the way unreadable, a file used as one
        except OSError as exc:
            raise _failed(src, exc)
        raise _failed(src, OSError(errno.ENOENT, "removed by an earlier step"))
    try:
        data = entry.read_bytes()
    except fsview.Unknown:
        return {"changed": False, "unknown": True, "source": src,
                "msg": "the planned content of %s is unknown in check mode" % src}
    except OSError as exc:
        raise _failed(src, exc)
    return {"changed": False, "content": base64.b64encode(data).decode("ascii"), "source": src,
            "encoding": "base64"}
