"""Agent helpers in-process: modes, atomic writes, chunked checksums, backups."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from orch.agent import files
from orch.agent.modes import ModeError, parse_mode

MODES = [  # (mode, current, isdir, expected)
    ("0644", 0, False, 0o644), ("644", 0, False, 0o644), ("1777", 0, True, 0o1777), (420, 0, False, 0o644),
    (0o755, 0, False, 0o755), ("u=rw,g=r,o=r", 0o777, False, 0o644), ("u+x", 0o644, False, 0o744),
    ("a-w", 0o666, False, 0o444), ("go=", 0o755, False, 0o700), ("u=rwX,g=rX,o=", 0o644, True, 0o750),
    ("u=rwX,g=rX,o=", 0o644, False, 0o640), ("u=rwX,g=rX,o=", 0o744, False, 0o750), ("+x", 0o600, False, 0o711),
    ("g=u", 0o640, False, 0o660), ("u+s,o+t", 0o755, True, 0o5755), ("ug+rw,o-r", 0o604, False, 0o660),
]


@pytest.mark.parametrize("mode,current,isdir,expected", MODES)
def test_parse_mode(mode, current, isdir, expected):
    assert parse_mode(mode, current, isdir) == expected


@pytest.mark.parametrize("bad", ["u=foo", "z+x", "99999", True, -1, "0o644x"])
def test_bad_modes(bad):
    with pytest.raises(ModeError):
        parse_mode(bad, 0o644)


def _temps(directory):
    return [n for n in os.listdir(directory) if n.endswith(".orchtmp")]


def test_atomic_write_keeps_mode_and_owner_of_the_file_it_replaces(tmp_path):
    path = tmp_path / "f"
    path.write_text("old")
    os.chmod(path, 0o640)
    os.chown(path, 65534, 65534)
    files.atomic_write(str(path), data=b"new")
    st = os.stat(path)
    assert path.read_bytes() == b"new" and (st.st_mode & 0o7777, st.st_uid, st.st_gid) == (0o640, 65534, 65534)
    assert _temps(tmp_path) == []


def _as_nobody(fn) -> int:
    """Run ``fn`` in a child that is user nobody; its exit status (0: no exception)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.setgid(65534)
            os.setuid(65534)
            fn()
            os._exit(0)
        except BaseException:
            os._exit(1)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def test_another_users_file_in_a_shared_folder_is_replaced_as_ansible_does(tmp_path):
    """Keeping the old owner is best effort: nobody overwrites root's 0666 file in a 0777 folder."""
    if os.getuid() != 0:
        pytest.skip("needs root to act as another user")
    shared = Path(tempfile.mkdtemp())  # pytest's own folders are closed to other users
    try:
        os.chmod(shared, 0o777)
        path = shared / "file.txt"
        path.write_text("bar")
        os.chmod(path, 0o666)
        assert _as_nobody(lambda: files.atomic_write(str(path), data=b"baz")) == 0
        st = os.stat(path)
        assert path.read_bytes() == b"baz" and st.st_uid == 65534 and st.st_mode & 0o777 == 0o666
        # An owner that was asked for still fails when it cannot be given.
        assert _as_nobody(lambda: files.atomic_write(str(path), data=b"qux", uid=0)) == 1
        assert path.read_bytes() == b"baz"
    finally:
        shutil.rmtree(shared)


def test_atomic_write_keeps_the_extended_attributes_of_the_file_it_replaces(tmp_path):
    # POSIX ACLs are extended attributes too (lineinfile's target checks an ACL survives an edit)
    path = tmp_path / "f"
    path.write_text("old")
    try:
        os.setxattr(path, "user.orch", b"kept")
    except OSError:
        pytest.skip("this filesystem has no user extended attributes")
    files.atomic_write(str(path), data=b"new", mode=0o600)
    assert os.getxattr(path, "user.orch") == b"kept" and os.stat(path).st_mode & 0o7777 == 0o600


def test_failed_replace_leaves_the_original_and_no_temp(tmp_path):
    # os.replace of a file onto a non-empty directory fails after the temp file is complete
    target = tmp_path / "dir"
    target.mkdir()
    (target / "keep").write_text("keep")
    with pytest.raises(OSError):
        files.atomic_write(str(target), data=b"x" * 1000)
    assert (target / "keep").read_text() == "keep" and _temps(tmp_path) == []


def test_failed_validation_leaves_the_original_and_no_temp(tmp_path):
    path = tmp_path / "f"
    path.write_text("original")

    def refuse(tmp):
        assert open(tmp).read() == "candidate"
        raise RuntimeError("invalid")
    with pytest.raises(RuntimeError):
        files.atomic_write(str(path), data=b"candidate", validate=refuse)
    assert path.read_text() == "original" and _temps(tmp_path) == []


def test_full_filesystem_leaves_the_original_and_no_temp(tmp_path):
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        path = mnt / "conf"
        path.write_text("original")
        with pytest.raises(OSError):
            files.atomic_write(str(path), data=b"x" * (1 << 20))
        assert path.read_text() == "original" and _temps(mnt) == []
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


def test_large_file_checksum_is_read_in_chunks(tmp_path, monkeypatch):
    path = tmp_path / "big"
    with open(path, "wb") as handle:
        for _ in range(50):
            handle.write(b"\x01" * (1 << 20))
    reads = []
    real_open = open

    class Spy:
        def __init__(self, handle):
            self.handle = handle

        def read(self, size=-1):
            reads.append(size)
            return self.handle.read(size)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

    monkeypatch.setattr(files, "open", lambda p, m="r": Spy(real_open(p, m)), raising=False)
    expected = hashlib.sha1(b"\x01" * (50 << 20)).hexdigest()
    assert files.sha1_file(str(path)) == expected
    assert reads and max(reads) == files.CHUNK and -1 not in reads


def test_backup_name_is_ansibles(tmp_path):
    path = tmp_path / "conf"
    path.write_text("v1")
    os.chmod(path, 0o600)
    backup = files.backup(str(path))
    assert re.fullmatch(re.escape(str(path)) + r"\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~", backup)
    assert open(backup).read() == "v1" and os.stat(backup).st_mode & 0o777 == 0o600
