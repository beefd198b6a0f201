"""slurp: a file's bytes, base64 encoded (read through the plan in check mode)."""

from __future__ import annotations

import base64
import os

from .. import fsview
from ..context import ModuleFailed


def run(ctx, args):
    src = args.get("src") or args.get("path")
    if not src:
        raise ModuleFailed("src is required")
    src = os.path.abspath(os.path.expanduser(str(src)))
    entry = fsview.lookup(ctx, src, follow=True)
    if not entry.exists:
        raise ModuleFailed("file not found: %s" % src, path=src)
    if entry.isdir:
        raise ModuleFailed("source is a directory and must be a file: %s" % src, path=src)
    try:
        data = entry.read_bytes()
    except fsview.Unknown:
        return {"changed": False, "unknown": True, "source": src,
                "msg": "the planned content of %s is unknown in check mode" % src}
    except OSError as exc:
        raise ModuleFailed("unable to slurp file: %s" % (exc.strerror or exc), path=src)
    return {"changed": False, "content": base64.b64encode(data).decode("ascii"), "source": src,
            "encoding": "base64"}
