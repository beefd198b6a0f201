"""File helpers for the agent: checksums, owners, atomic writes, backups.

Never read a whole file to checksum it (chunks of 1 MiB). Every write goes
through :func:`atomic_write`: a 0600 temp file in the destination directory,
fsync, then ``os.replace`` — the original is intact until the last moment and
no temp file survives an error.
"""

from __future__ import annotations

import os
import stat
import time

from .context import ModuleFailed

CHUNK = 1 << 20
ALGORITHMS = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512")


_BUILTIN = {"sha1": "_sha1", "md5": "_md5"}


def _hasher(algorithm: str, data: bytes = b""):
    # Checks need sha1 (and copy's result md5): the builtin ones are far cheaper to import than
    # OpenSSL's hashlib, and every agent start pays for its imports.
    if algorithm in _BUILTIN:
        try:
            return getattr(__import__(_BUILTIN[algorithm]), algorithm)(data)
        except (ImportError, AttributeError):
            pass
    import hashlib
    return hashlib.new(algorithm, data)


def hash_file(path: str, algorithm: str = "sha1") -> str:
    digest = _hasher(algorithm)
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(CHUNK)
            if not chunk:
                break
            digest.update(chunk)
    return digest.hexdigest()


def sha1_file(path: str) -> str:
    return hash_file(path, "sha1")


def hash_bytes(data: bytes, algorithm: str = "sha1") -> str:
    return _hasher(algorithm, data).hexdigest()


def sha1(data: bytes) -> str:
    return _hasher("sha1", data).hexdigest()


# -- owners -----------------------------------------------------------------

PLANNED_ID = -2  # a user/group an earlier step of the plan creates: its id is not known yet


def _planned_id(ctx, kind, name):
    """In check mode, the id of a user/group the plan creates (PLANNED_ID when not allocated yet)."""
    if ctx is None or not ctx.check:
        return None
    planned = ctx.overlay.get(kind, name, None)
    if not isinstance(planned, dict):
        return None
    value = planned.get("uid" if kind == "user" else "gid")
    return value if isinstance(value, int) else PLANNED_ID


def uid_of(owner, ctx=None) -> int:
    """An owner name or numeric id to a uid (fails the step when unknown)."""
    if owner is None or owner == "":
        return -1
    text = str(owner)
    if text.isdigit():
        return int(text)
    try:
        import pwd
        return pwd.getpwnam(text).pw_uid
    except (ImportError, KeyError):
        planned = _planned_id(ctx, "user", text)
        if planned is not None:
            return planned
        raise ModuleFailed("chown failed: failed to look up user %s" % text)


def gid_of(group, ctx=None) -> int:
    if group is None or group == "":
        return -1
    text = str(group)
    if text.isdigit():
        return int(text)
    try:
        import grp
        return grp.getgrnam(text).gr_gid
    except (ImportError, KeyError):
        planned = _planned_id(ctx, "group", text)
        if planned is not None:
            return planned
        raise ModuleFailed("chgrp failed: failed to look up group %s" % text)


def user_name(uid: int) -> str:
    try:
        import pwd
        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError, OverflowError):  # OverflowError: PLANNED_ID, a user the plan creates
        return str(uid)


def group_name(gid: int) -> str:
    try:
        import grp
        return grp.getgrgid(gid).gr_name
    except (ImportError, KeyError, OverflowError):  # OverflowError: PLANNED_ID, a group the plan creates
        return str(gid)


# -- writing ----------------------------------------------------------------

def _copy_xattrs(path: str, fd: int) -> None:
    """The replaced file's extended attributes (its POSIX ACLs among them) carry over to the new one,
    as an edit in place would keep them; a mode given afterwards still applies."""
    if not hasattr(os, "listxattr"):
        return
    try:
        names = os.listxattr(path)
    except OSError:
        return
    for name in names:
        try:
            os.setxattr(fd, name, os.getxattr(path, name))
        except OSError:  # an attribute this user may not set (security.*, trusted.*): as before
            pass


def atomic_write(path: str, data=None, source: str = None, mode: int = None, uid: int = -1, gid: int = -1,
                 validate=None, mtime=None) -> None:
    """Replace ``path`` with ``data`` (bytes) or a copy of ``source`` (a path or a binary stream).

    Without an explicit mode/owner an existing file keeps its own; a new file
    gets 0666 minus the umask, as ``open()`` would. ``validate(tmp_path)`` runs
    on the complete temp file before it replaces anything.
    """
    directory = os.path.dirname(path) or "."
    try:
        current = os.stat(path)
    except OSError:
        current = None
    if mode is None:
        mode = stat.S_IMODE(current.st_mode) if current else 0o666 & ~_umask()
    asked = (uid, gid)
    if current is not None:
        uid = current.st_uid if uid == -1 else uid
        gid = current.st_gid if gid == -1 else gid
    import shutil  # imported on the first write: a run that changes nothing never pays for it
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".%s." % os.path.basename(path), suffix=".orchtmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(source, str):
                with open(source, "rb") as src:
                    shutil.copyfileobj(src, handle, CHUNK)
            elif source is not None:  # an open binary stream (an archive member)
                shutil.copyfileobj(source, handle, CHUNK)
            else:
                handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            if current is not None:
                _copy_xattrs(path, handle.fileno())
            if uid != -1 or gid != -1:
                try:
                    os.fchown(handle.fileno(), uid, gid)
                except PermissionError:
                    # Keeping the old file's owner is best effort, as in Ansible (a user overwriting
                    # another's file in a folder it may write); an owner that was asked for is not.
                    if asked != (-1, -1):
                        raise
            os.fchmod(handle.fileno(), mode)  # after chown: chown clears setuid bits
        if mtime is not None:
            os.utime(tmp, (mtime, mtime))
        if validate is not None:
            validate(tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(directory)


def _fsync_dir(directory: str) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_or_fail(path: str, **kwargs) -> None:
    """atomic_write with Ansible-style failure messages naming the path."""
    try:
        atomic_write(path, **kwargs)
    except ModuleFailed:
        raise
    except OSError as exc:
        raise ModuleFailed("failed to write %s: %s" % (path, exc.strerror or exc), path=path)


def validator(ctx, command: str):
    """A ``validate(tmp)`` callback running ``command`` with %s replaced by the temp path."""
    if "%s" not in command:
        raise ModuleFailed("validate must contain %%s: %s" % command)

    def check(tmp: str) -> None:
        import shlex
        rc, out, err = ctx.run(shlex.split(command.replace("%s", shlex.quote(tmp))))
        if rc != 0:
            raise ModuleFailed("failed to validate", exit_status=rc, stdout=out, stderr=err)
    return check


def backup(path: str) -> str:
    """Copy ``path`` to ``path.PID.YYYY-MM-DD@HH:MM:SS~`` (Ansible's name), keeping metadata."""
    stamp = time.strftime("%Y-%m-%d@%H:%M:%S~", time.localtime())
    dest = "%s.%s.%s" % (path, os.getpid(), stamp)
    import shutil

    try:
        shutil.copy2(path, dest)
        st = os.stat(path)
        os.chown(dest, st.st_uid, st.st_gid)
    except OSError as exc:
        raise ModuleFailed("could not make a backup of %s: %s" % (path, exc.strerror or exc), path=path)
    return dest


def read_text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def to_bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def is_true(value) -> bool:
    """Ansible's booleans (the controller usually converts them already)."""
    if isinstance(value, str):
        return value.strip().lower() in ("yes", "true", "on", "1", "y", "t")
    return bool(value)
