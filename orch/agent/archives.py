"""Archive members (tar.* and zip) seen the same way, for unarchive."""

from __future__ import annotations

import stat
import tarfile
import time
import zipfile
import zlib

from .context import ModuleFailed


class Member:
    def __init__(self, name, kind, size=0, mtime=0, mode=None, linkname=None, crc=None, opener=None):
        self.name = name
        self.kind = kind  # "file" | "directory" | "link" | "hard"
        self.size = size
        self.mtime = mtime
        self.mode = mode
        self.linkname = linkname
        self.crc = crc  # zip only
        self.opener = opener  # () -> binary stream of the member's bytes


def open_archive(fileobj, name):
    """(handler name, [Member]) for a tar (any compression) or zip stream."""
    if zipfile.is_zipfile(fileobj):
        fileobj.seek(0)
        return "ZipArchive", _zip_members(zipfile.ZipFile(fileobj))
    fileobj.seek(0)
    try:
        archive = tarfile.open(fileobj=fileobj, mode="r:*")
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise ModuleFailed('Failed to find handler for "%s". Make sure the required command to extract the file '
                           "is installed. (%s)" % (name, exc))
    compression = type(archive.fileobj).__module__  # gzip.GzipFile, bz2.BZ2File, lzma.LZMAFile
    handler = {"gzip": "TgzArchive", "bz2": "TarBzipArchive", "lzma": "TarXzArchive"}.get(compression, "TarArchive")
    return handler, _tar_members(archive)


def _tar_members(archive):
    members = []
    for info in archive.getmembers():
        name = info.name
        if info.isdir():
            members.append(Member(name, "directory", mtime=info.mtime, mode=info.mode))
        elif info.issym():
            members.append(Member(name, "link", mtime=info.mtime, linkname=info.linkname))
        elif info.islnk():
            members.append(Member(name, "hard", mtime=info.mtime, linkname=info.linkname))
        elif info.isreg():
            members.append(Member(name, "file", size=info.size, mtime=info.mtime, mode=info.mode,
                                  opener=lambda info=info: archive.extractfile(info)))
        # devices and fifos are skipped: orch does not create them
    return members


def _zip_members(archive):
    members = []
    for info in archive.infolist():
        mode = (info.external_attr >> 16) & 0xFFFF
        mtime = time.mktime(info.date_time + (0, 0, -1))
        if info.is_dir():
            members.append(Member(info.filename, "directory", mtime=mtime, mode=stat.S_IMODE(mode) or 0o755))
        elif mode and stat.S_ISLNK(mode):
            members.append(Member(info.filename, "link", mtime=mtime,
                                  linkname=archive.read(info).decode("utf-8", "surrogateescape")))
        else:
            members.append(Member(info.filename, "file", size=info.file_size, mtime=mtime,
                                  mode=stat.S_IMODE(mode) or 0o644, crc=info.CRC,
                                  opener=lambda info=info: archive.open(info)))
    return members


def same_bytes(member, path) -> bool:
    """Does the file at ``path`` hold exactly the member's bytes? (read in chunks)"""
    chunk = 1 << 20
    if member.crc is not None:
        crc = 0
        with open(path, "rb") as handle:
            while True:
                data = handle.read(chunk)
                if not data:
                    break
                crc = zlib.crc32(data, crc)
        return crc & 0xFFFFFFFF == member.crc
    with open(path, "rb") as disk, member.opener() as packed:
        while True:
            a, b = disk.read(chunk), packed.read(chunk)
            if a != b:
                return False
            if not a:
                return True
