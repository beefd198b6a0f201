"""fetch (agent side): the remote file's bytes and checksum for the controller to write.

Answers ``_content_b64`` + ``checksum``/``remote_checksum`` (sha1) +
``remote_md5sum``; ``file_missing: true`` (not a failure: the controller
applies fail_on_missing) when there is nothing to fetch. If the controller
sends ``_checksum`` (of its local copy) and it matches, the bytes are not sent
(``same: true``).
"""

from __future__ import annotations

import base64
import os

from .. import files, fsview


def run(ctx, args):
    src = args.get("src")
    if not src:
        return {"failed": True, "msg": "src is required"}
    src = os.path.expanduser(str(src))
    entry = fsview.lookup(ctx, src, follow=True)
    result = {"changed": False, "file": src}
    if not entry.exists:
        result.update(file_missing=True, msg="the remote file does not exist, not transferring")
        return result
    if entry.isdir:
        result.update(failed=True, msg="remote file is a directory, fetch cannot work on directories")
        return result
    try:
        checksum = entry.checksum()
        result.update(checksum=checksum, remote_checksum=checksum)
        if args.get("_checksum") and str(args["_checksum"]).lower() == checksum:
            result["same"] = True
            return result
        data = entry.read_bytes()
    except fsview.Unknown:
        result.update(unknown=True, msg="the planned content of %s is unknown in check mode" % src)
        return result
    except OSError as exc:
        result.update(failed=True, msg="unable to read %s: %s" % (src, exc.strerror or exc))
        return result
    result.update(_content_b64=base64.b64encode(data).decode("ascii"), remote_md5sum=files.hash_bytes(data, "md5"),
                  size=len(data))
    return result
