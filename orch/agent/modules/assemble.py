"""assemble: join a directory's fragments (sorted by name) into one file, then put it like copy.

The controller uses ``join_fragments`` too, for ``remote_src: false`` (fragments on the
controller). Between fragments: a newline when the previous one did not end with one,
then the delimiter (escapes such as ``\\n`` decoded) followed by a newline.
"""

from __future__ import annotations

import base64
import codecs
import os
import re

from .. import fsview
from ..context import ModuleFailed
from .copy import copy

_OWN = ("src", "remote_src", "regexp", "delimiter", "ignore_hidden", "decrypt")


def join_fragments(folder, regexp=None, delimiter=None, ignore_hidden=False, newline_after_delimiter=None):
    """The assembled bytes. ``newline_after_delimiter``: None adds one only when the delimiter lacks
    it (the module on the host); True always adds one (Ansible's controller-side action does)."""
    pattern = re.compile(regexp) if regexp else None
    sep = codecs.escape_decode(delimiter.encode())[0] if delimiter else b""
    if sep and (newline_after_delimiter or not sep.endswith(b"\n")):
        sep += b"\n"
    parts = []
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if pattern is not None and not pattern.search(name):
            continue
        if not os.path.isfile(path) or (ignore_hidden and name.startswith(".")):
            continue
        with open(path, "rb") as handle:
            fragment = handle.read()
        if parts:
            if not parts[-1].endswith(b"\n"):
                parts.append(b"\n")
            parts.append(sep)
        parts.append(fragment)
    return b"".join(parts)


def run(ctx, args):
    src = os.path.expanduser(str(args.get("src") or ""))
    if not os.path.isdir(src):
        if ctx.check and fsview.lookup(ctx, src, follow=True).state == "directory":
            # An earlier step of the plan makes the fragments: what they will hold is not known yet.
            return {"changed": True, "unknown": True, "dest": args.get("dest"),
                    "msg": "the fragments in %s come from an earlier step of the plan" % src}
        raise ModuleFailed("Source (%s) is not a directory" % src)
    try:
        content = join_fragments(src, args.get("regexp"), args.get("delimiter"), bool(args.get("ignore_hidden")))
    except re.error as exc:
        raise ModuleFailed("Invalid Regexp (%s) in \"%s\"" % (exc, args.get("regexp")))
    wire = {k: v for k, v in args.items() if k not in _OWN}
    wire["_content_b64"] = base64.b64encode(content).decode()
    result = copy(ctx, wire, module="assemble")
    if result.get("diff"):  # Ansible's assemble gives the one diff itself, not copy's list of them
        result["diff"] = result["diff"][0]
    return result
