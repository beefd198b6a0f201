"""get_url: download a file to the host, atomically, Ansible's semantics.

Unchanged when dest exists with the given checksum, or (no checksum, no
force) simply exists. With force the file is downloaded and replaced only
when its content differs. Check mode downloads to a temporary file when that
is the only way to know (force), since a GET does not change the server.
"""

import grp
import hashlib
import os
import pwd
import re
import tempfile
import time

from ..context import ModuleFailed
from ..sys_common import opt_bool, plan_file
from .. import sys_http

_ALGOS = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512")


def file_hash(path, algo="sha1"):
    digest = hashlib.new(algo)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def parse_checksum(value):
    if not value:
        return None, None
    algo, sep, digest = str(value).partition(":")
    if not sep or algo.lower() not in _ALGOS:
        raise ModuleFailed("The checksum parameter has to be in format <algorithm>:<checksum>")
    digest = digest.strip().lower()
    if digest.startswith(("http://", "https://", "ftp://", "file://")):
        raise ModuleFailed("checksum from a URL is not supported by orch; give the digest")
    return algo.lower(), digest


def _mode(value):
    if value is None:
        return None
    if isinstance(value, int):
        return value
    text = str(value)
    if not re.match(r"^0?[0-7]{3,4}$", text):
        raise ModuleFailed("mode must be octal (e.g. '0644'); symbolic modes are not supported here")
    return int(text, 8)


def _ids(args):
    uid = gid = -1
    if args.get("owner") is not None:
        owner = str(args["owner"])
        try:
            uid = int(owner) if owner.isdigit() else pwd.getpwnam(owner).pw_uid
        except KeyError:
            raise ModuleFailed("chown failed: failed to look up user %s" % owner)
    if args.get("group") is not None:
        group = str(args["group"])
        try:
            gid = int(group) if group.isdigit() else grp.getgrnam(group).gr_gid
        except KeyError:
            raise ModuleFailed("chgrp failed: failed to look up group %s" % group)
    return uid, gid


def _attrs_differ(path, mode, uid, gid):
    st = os.stat(path)
    return ((mode is not None and st.st_mode & 0o7777 != mode) or (uid != -1 and st.st_uid != uid)
            or (gid != -1 and st.st_gid != gid))


def _download(args, url, directory, timeout):
    headers = sys_http.headers_of(args.get("headers"))
    response, final = sys_http.open_url(args, url, headers=headers, timeout=timeout, redirects="all")
    status = getattr(response, "status", None) or response.getcode()
    if status >= 400:
        raise ModuleFailed("Request failed", status_code=status, url=url, response=str(getattr(response, "reason", "")))
    fd, tmp = tempfile.mkstemp(prefix=".orch-get_url-", dir=directory)
    with os.fdopen(fd, "wb") as handle:
        for block in iter(lambda: response.read(1 << 16), b""):
            handle.write(block)
    disposition = response.headers.get("Content-Disposition") or ""
    return tmp, status, final, disposition


def run(ctx, args):
    url, dest = args.get("url"), args.get("dest")
    if not url or not dest:
        raise ModuleFailed("missing required arguments: url, dest")
    url, dest = str(url), os.path.expanduser(str(dest))
    force = opt_bool(args, "force", False)
    algo, digest = parse_checksum(args.get("checksum"))
    timeout = args.get("timeout") or 10
    mode, (uid, gid) = _mode(args.get("mode")), _ids(args)
    start = time.time()
    result = {"url": url, "dest": dest, "changed": False, "state": "file"}
    if os.path.isdir(dest):
        name = os.path.basename(url.split("?")[0].rstrip("/")) or "index.html"
        dest = result["dest"] = os.path.join(dest, name)
    exists = os.path.isfile(dest)
    if exists and digest and file_hash(dest, algo) == digest:
        need = False
    else:
        need = not exists or force or bool(digest)
    tmp = None
    try:
        if need:
            if not force and ctx.check:
                result["changed"] = True
                plan_file(ctx, dest, None, mode, uid, gid)  # content known only after the download
            else:
                # The temporary file sits next to dest for an atomic rename (in check mode: /tmp).
                directory = os.path.dirname(dest) or "."
                if ctx.check or not os.path.isdir(directory):
                    directory = tempfile.gettempdir()
                tmp, status, final, _ = _download(args, url, directory, timeout)
                result["status_code"] = status
                if digest and file_hash(tmp, algo) != digest:
                    raise ModuleFailed("The checksum for %s did not match %s; it was %s." % (
                        dest, digest, file_hash(tmp, algo)), dest=dest, url=url)
                result["checksum_src"] = file_hash(tmp)
                if exists and file_hash(dest) == result["checksum_src"]:
                    need = False
                else:
                    result["changed"] = True
                    if ctx.check:
                        with open(tmp, "rb") as handle:
                            plan_file(ctx, dest, handle.read(), mode, uid, gid)
        if result["changed"] and not ctx.check:
            if not os.path.isdir(os.path.dirname(dest) or "."):
                raise ModuleFailed("Destination %s does not exist" % os.path.dirname(dest))
            os.chmod(tmp, mode if mode is not None else (os.stat(dest).st_mode & 0o7777 if exists else 0o644))
            os.rename(tmp, dest)
            tmp = None
        if exists or (result["changed"] and not ctx.check):
            if _attrs_differ(dest, mode, uid, gid):
                result["changed"] = True
                if not ctx.check:
                    if mode is not None:
                        os.chmod(dest, mode)
                    if uid != -1 or gid != -1:
                        os.chown(dest, uid, gid)
        elif mode is not None or uid != -1 or gid != -1:
            pass  # a new file in check mode: its attributes come with it
    finally:
        if tmp is not None:
            os.unlink(tmp)
    if os.path.isfile(dest) and not (ctx.check and result["changed"] and not exists):
        st = os.stat(dest)
        result.update(checksum_dest=file_hash(dest), size=st.st_size, mode="0%o" % (st.st_mode & 0o7777),
                      uid=st.st_uid, gid=st.st_gid)
    result["msg"] = "OK" if result["changed"] else "file already exists"
    result["elapsed"] = int(time.time() - start)
    return result
