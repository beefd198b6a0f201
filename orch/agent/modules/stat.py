"""stat: facts about a path in Ansible's ``stat`` dict; in check mode, the planned path."""

from __future__ import annotations

import os
import stat as st_mod

from .. import files, fsview
from ..context import ModuleFailed


def run(ctx, args):
    path = args.get("path") or args.get("dest") or args.get("name")
    if not path:
        raise ModuleFailed("path is required")
    path = os.path.abspath(os.path.expanduser(str(path)))
    follow = files.is_true(args.get("follow", False))
    algorithm = (args.get("checksum_algorithm") or args.get("checksum") or "sha1").lower()
    if algorithm not in files.ALGORITHMS:
        raise ModuleFailed("checksum_algorithm must be one of: %s" % ", ".join(files.ALGORITHMS), path=path)
    entry = fsview.lookup(ctx, path, follow=follow)
    if not entry.exists:
        return {"changed": False, "stat": {"exists": False}}
    found = describe(entry, path, files.is_true(args.get("get_checksum", True)), algorithm,
                     files.is_true(args.get("get_md5", False)))
    if files.is_true(args.get("get_mime", True)) and entry.planned is None:
        found.update(_mime(ctx, path))
    return {"changed": False, "stat": found}


def _mime(ctx, path):
    """mimetype and charset from the host's ``file`` command, as Ansible reads them ('unknown' without it)."""
    out = {"mimetype": "unknown", "charset": "unknown"}
    program = next((os.path.join(d, "file") for d in ("/usr/bin", "/bin", "/usr/local/bin")
                    if os.access(os.path.join(d, "file"), os.X_OK)), None)
    if program is None:
        return out
    rc, text, _ = ctx.run([program, "--mime-type", "--mime-encoding", path])
    if rc == 0 and ":" in text and ";" in text:
        kind, _, charset = text.rsplit(":", 1)[1].partition(";")
        out["mimetype"] = kind.strip()
        out["charset"] = charset.partition("=")[2].strip()
    return out


def describe(entry, path, get_checksum=True, algorithm="sha1", get_md5=False) -> dict:
    st = entry.st
    mode = entry.mode if entry.mode is not None else 0
    kind = entry.state
    result = {
        "exists": True, "path": path, "mode": "%04o" % mode,
        "isdir": kind == "directory", "isreg": kind in ("file", "hard"), "islnk": kind == "link",
        "ischr": False, "isblk": False, "isfifo": False, "issock": False,
        "uid": entry.uid, "gid": entry.gid, "pw_name": entry.owner, "gr_name": entry.group,
        "size": entry.size if entry.size is not None else (st.st_size if st else 0),
        "isuid": bool(mode & st_mod.S_ISUID), "isgid": bool(mode & st_mod.S_ISGID),
    }
    for who, shift in (("usr", 6), ("grp", 3), ("oth", 0)):
        result["r" + who] = bool(mode & (4 << shift))
        result["w" + who] = bool(mode & (2 << shift))
        result["x" + who] = bool(mode & (1 << shift))
    if st is not None:
        result.update(ischr=st_mod.S_ISCHR(st.st_mode), isblk=st_mod.S_ISBLK(st.st_mode),
                      isfifo=st_mod.S_ISFIFO(st.st_mode), issock=st_mod.S_ISSOCK(st.st_mode),
                      inode=st.st_ino, dev=st.st_dev, nlink=st.st_nlink, atime=st.st_atime,
                      mtime=st.st_mtime, ctime=st.st_ctime, blocks=getattr(st, "st_blocks", 0),
                      block_size=getattr(st, "st_blksize", 0))
        if entry.planned is None:
            result.update(readable=os.access(path, os.R_OK), writeable=os.access(path, os.W_OK),
                          executable=os.access(path, os.X_OK))
    if entry.planned is not None:
        result["planned"] = True  # predicted by earlier steps of this plan
    if kind == "link":
        target = entry.link_src
        result["lnk_target"] = target
        result["lnk_source"] = os.path.normpath(os.path.join(os.path.dirname(path), target or ""))
        if entry.planned is None:
            result["lnk_source"] = os.path.realpath(path)
    if result["isreg"]:
        try:
            if get_checksum:
                value = entry.checksum(algorithm)
                if value is not None:
                    result["checksum"] = value
            if get_md5:
                value = entry.checksum("md5")
                if value is not None:
                    result["md5"] = value
        except (OSError, fsview.Unknown):
            pass  # unreadable (or unknown in the plan): no checksum, as Ansible
    return result
