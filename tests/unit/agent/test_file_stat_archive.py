"""file, stat, slurp, fetch, unarchive over the local agent."""

from __future__ import annotations

import base64
import io
import os
import time
import zipfile

import pytest

from tests.unit.agent.conftest import snapshot

# (setup, args, changed, state after) — setup builds the tree in tmp dir "t"
FILE_CASES = [
    ("", {"path": "d/e", "state": "directory", "mode": "0700"}, True, "directory"),
    ("dir d", {"path": "d", "state": "directory"}, False, "directory"),
    ("dir d", {"path": "d", "state": "directory", "mode": "u=rwx,go="}, True, "directory"),
    ("file f", {"path": "f", "state": "file", "owner": "daemon"}, True, "file"),
    ("file f", {"path": "f", "state": "file"}, False, "file"),
    ("file f", {"path": "f", "mode": 0o600}, True, "file"),
    ("file f", {"path": "f", "state": "absent"}, True, "absent"),
    ("", {"path": "f", "state": "absent"}, False, "absent"),
    ("dir d", {"path": "d", "state": "absent"}, True, "absent"),
    ("", {"path": "f", "state": "touch"}, True, "file"),
    ("file f", {"path": "f", "state": "touch", "modification_time": "preserve", "access_time": "preserve"},
     False, "file"),
    ("file f", {"path": "f", "modification_time": "202202081414.00"}, True, "file"),
    ("file f", {"path": "l", "state": "link", "src": "f"}, True, "link"),
    ("link l f", {"path": "l", "state": "link", "src": "f"}, False, "link"),
    ("link l f", {"path": "l", "state": "link", "src": "g", "force": True}, True, "link"),
    ("file f", {"path": "h", "state": "hard", "src": "f"}, True, "hard"),
    # no src on an existing link: the link stays, only its own attributes are set (Ansible)
    ("link l f", {"path": "l", "state": "link", "mode": "0600", "follow": False}, False, "link"),
    ("dir d", {"path": "d", "state": "directory", "recurse": True, "owner": "nobody"}, True, "directory"),
]


def _setup(root, spec):
    parts = spec.split()
    if not parts:
        return
    kind, name = parts[0], parts[1]
    if kind == "dir":
        os.makedirs(root / name / "sub")
        (root / name / "sub" / "inner").write_text("i")
    elif kind == "file":
        (root / name).write_text("content")
        os.chmod(root / name, 0o644)
    elif kind == "link":
        (root / parts[2]).write_text("target")
        os.symlink(parts[2], root / name)


def _state(path):
    if not os.path.lexists(path):
        return "absent"
    if os.path.islink(path):
        return "link"
    if os.path.isdir(path):
        return "directory"
    return "hard" if os.stat(path).st_nlink > 1 else "file"


@pytest.mark.parametrize("setup,args,changed,state", FILE_CASES)
def test_file_states(agent, tmp_path, setup, args, changed, state):
    _setup(tmp_path, setup)
    args = dict(args, path=str(tmp_path / args["path"]))
    before = snapshot(tmp_path)
    plan = agent.check("file", args)
    assert snapshot(tmp_path) == before
    result = agent.run("file", args)
    assert not result["failed"], result
    assert (plan["changed"], result["changed"]) == (changed, changed)
    assert plan.get("diff") == result.get("diff")
    assert _state(args["path"]) == state
    again = agent.run("file", args)
    touching = args.get("state") == "touch" and "modification_time" not in args
    assert again["changed"] is touching


def test_file_times_in_the_diff(agent, tmp_path):
    """As Ansible's: a time that changes shows in the diff, before and after (check mode too)."""
    _setup(tmp_path, "file f")
    path = str(tmp_path / "f")
    old = os.stat(path).st_mtime
    args = {"path": path, "modification_time": "202202081414.00", "access_time": "preserve"}
    plan = agent.check("file", args)
    assert os.stat(path).st_mtime == old
    assert plan["diff"]["before"] == {"path": path, "mtime": old}
    assert plan["diff"]["after"] == {"path": path, "mtime": time.mktime((2022, 2, 8, 14, 14, 0, 0, 0, -1))}
    agent.run("file", args)
    again = agent.run("file", args)  # unchanged: the diff still names the path, and only it
    assert not again["changed"] and again["diff"] == {"before": {"path": path}, "after": {"path": path}}


def test_file_touch_names_the_file_dest(agent, tmp_path):
    result = agent.run("file", {"path": str(tmp_path / "t"), "state": "touch"})
    assert result["dest"] == str(tmp_path / "t") and "path" not in result


def test_file_touch_that_fails_leaves_no_new_file(agent, tmp_path):
    result = agent.run("file", {"path": str(tmp_path / "t"), "state": "touch", "owner": "orch-no-such-user"})
    assert result["failed"] and not (tmp_path / "t").exists()


def test_file_absent_directory_lists_its_contents_in_the_diff(agent, tmp_path):
    _setup(tmp_path, "dir d")
    plan = agent.check("file", {"path": str(tmp_path / "d"), "state": "absent"})
    assert plan["diff"]["before"]["path_content"] == {"directories": [str(tmp_path / "d/sub")],
                                                      "files": [str(tmp_path / "d/sub/inner")]}


def test_file_mode_shows_as_ansible_shows_it(agent, tmp_path):
    result = agent.run("file", {"path": str(tmp_path / "t"), "state": "touch", "mode": "01444"})
    assert result["mode"] == "01444"  # Ansible's '0%03o': a special bit keeps the leading 0


def test_file_check_mode_warns_of_owners_the_host_lacks(agent, tmp_path):
    args = {"path": str(tmp_path / "none"), "owner": "orch-no-such-user", "group": "4242420"}
    result = agent.check("file", args)
    assert result["failed"] and result["warnings"] == [
        "failed to look up user orch-no-such-user. Create user up to this point in real play",
        "failed to look up group with gid 4242420. Create group up to this point in real play"]
    assert "warnings" not in agent.check("file", {"path": str(tmp_path), "owner": "root", "group": "0"})


def test_file_recurse_follows_links_to_their_targets(agent, tmp_path):
    """follow: a linked file and a linked directory's contents change too; a dangling link is no error."""
    top, target_dir = tmp_path / "top", tmp_path / "target_dir"
    top.mkdir()
    target_dir.mkdir()
    (target_dir / "foo").write_text("x")
    (tmp_path / "target_file").write_text("y")
    for path in (target_dir, target_dir / "foo", tmp_path / "target_file"):
        path.chmod(0o700)
    (top / "link").symlink_to("../target_file")
    (top / "link_dir").symlink_to("../target_dir")
    (top / "dangling").symlink_to("does_not_exist")
    args = {"path": str(top), "mode": "a-x", "recurse": True}
    kept = agent.run("file", dict(args, follow=False))
    assert not kept["failed"] and os.stat(target_dir / "foo").st_mode & 0o777 == 0o700
    result = agent.run("file", dict(args, follow=True))
    assert not result["failed"], result
    assert [os.stat(p).st_mode & 0o777 for p in (tmp_path / "target_file", target_dir, target_dir / "foo")] \
        == [0o600, 0o600, 0o600]


def test_file_hard_without_src_says_what_ansible_says(agent, tmp_path):
    result = agent.run("file", {"path": str(tmp_path / "h"), "state": "hard"})
    assert result["failed"] and result["msg"] == "src is required for creating new hardlinks"


def test_file_recurse_reaches_children(agent, tmp_path):
    _setup(tmp_path, "dir d")
    agent.run("file", {"path": str(tmp_path / "d"), "state": "directory", "recurse": True, "owner": "nobody",
                       "mode": "u=rwX,g=rX,o="})
    inner = os.stat(tmp_path / "d/sub/inner")
    assert inner.st_uid == 65534 and inner.st_mode & 0o777 == 0o640
    assert os.stat(tmp_path / "d/sub").st_mode & 0o777 == 0o750


@pytest.mark.parametrize("setup,args,msg", [
    ("", {"path": "f", "state": "file"}, "is absent, cannot continue"),
    ("dir d", {"path": "d", "state": "file"}, "is directory, cannot continue"),
    ("file f", {"path": "f", "state": "directory"}, "already exists as a file"),
    ("file f", {"path": "f", "state": "link", "src": "x"}, "src file does not exist"),
    ("file f", {"path": "f", "state": "link", "src": "f", "force": False}, "refusing to convert from file"),
    ("", {"path": "h", "state": "hard", "src": "nope"}, "src does not exist"),
    ("file f", {"path": "f", "state": "link", "force": True}, "src is required for creating new symlinks"),
    ("file f", {"path": "l", "src": "f"}, "src option requires state to be 'link' or 'hard'"),
    ("file f", {"path": "f", "mode": "u=bogus"}, "bad symbolic permission"),
])
def test_file_failures(agent, tmp_path, setup, args, msg):
    _setup(tmp_path, setup)
    result = agent.run("file", dict(args, path=str(tmp_path / args["path"])))
    assert result["failed"] and msg in result["msg"], result


def test_file_diff_shape(agent, tmp_path):
    _setup(tmp_path, "file f")
    result = agent.run("file", {"path": str(tmp_path / "f"), "mode": "0600", "owner": "nobody"})
    assert result["diff"]["before"] == {"path": str(tmp_path / "f"), "mode": "0644", "owner": 0}
    assert result["diff"]["after"] == {"path": str(tmp_path / "f"), "mode": "0600", "owner": 65534}


def test_stat(agent, tmp_path):
    (tmp_path / "f").write_bytes(b"hello")
    os.chmod(tmp_path / "f", 0o640)
    os.symlink("f", tmp_path / "l")
    st = agent.run("stat", {"path": str(tmp_path / "f"), "checksum_algorithm": "sha256"})["stat"]
    assert st["exists"] and st["isreg"] and st["mode"] == "0640" and st["size"] == 5 and st["pw_name"] == "root"
    assert st["checksum"] == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    assert st["rusr"] and st["rgrp"] and not st["roth"]
    link = agent.run("stat", {"path": str(tmp_path / "l")})["stat"]
    assert link["islnk"] and link["lnk_source"] == str(tmp_path / "f") and link["lnk_target"] == "f"
    assert agent.run("stat", {"path": str(tmp_path / "l"), "follow": True})["stat"]["isreg"]
    assert agent.run("stat", {"path": str(tmp_path / "nope")})["stat"] == {"exists": False}


def test_slurp_and_fetch(agent, tmp_path):
    (tmp_path / "f").write_bytes(b"\x00bin")
    slurp = agent.run("slurp", {"src": str(tmp_path / "f")})
    assert base64.b64decode(slurp["content"]) == b"\x00bin" and slurp["encoding"] == "base64"
    assert agent.run("slurp", {"src": str(tmp_path / "x")})["msg"] == "File not found: %s" % (tmp_path / "x")
    # Ansible's messages, which playbooks test for
    assert agent.run("slurp", {"src": str(tmp_path)})["msg"].startswith("Source is a directory and must be a file")
    assert agent.run("slurp", {"src": str(tmp_path / "f" / "in")})["msg"].startswith("Unable to slurp file: ")
    fetch = agent.run("fetch", {"src": str(tmp_path / "f")})
    assert base64.b64decode(fetch["_content_b64"]) == b"\x00bin" and fetch["checksum"] == fetch["remote_checksum"]
    same = agent.run("fetch", {"src": str(tmp_path / "f"), "_checksum": fetch["checksum"]})
    assert same["same"] and "_content_b64" not in same
    missing = agent.run("fetch", {"src": str(tmp_path / "x")})
    assert missing["file_missing"] and not missing["failed"]


def _zip(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buf.getvalue()


def test_unarchive_controller_bytes_exclude_keep_newer_creates(agent, tmp_path):
    data = base64.b64encode(_zip({"app/a.txt": "A", "app/b.log": "B", "app/c.txt": "C"})).decode()
    args = {"src": "app.zip", "dest": str(tmp_path), "_content_b64": data, "exclude": ["*.log"],
            "list_files": True, "mode": "0600"}
    plan = agent.check("unarchive", args)
    first = agent.run("unarchive", args)
    assert plan["changed"] and first["changed"] and plan["diff"] == first["diff"]
    assert first["handler"] == "ZipArchive" and first["files"] == ["app/a.txt", "app/c.txt"]
    assert not (tmp_path / "app/b.log").exists() and os.stat(tmp_path / "app/a.txt").st_mode & 0o777 == 0o600
    assert not agent.run("unarchive", args)["changed"]
    (tmp_path / "app/a.txt").write_text("local edit")
    assert agent.run("unarchive", dict(args, keep_newer=True))["changed"] is False
    assert agent.run("unarchive", args)["changed"] and (tmp_path / "app/a.txt").read_text() == "A"
    skipped = agent.run("unarchive", dict(args, creates=str(tmp_path / "app")))
    assert not skipped["changed"] and "skipped" in skipped["msg"]


def test_unarchive_refuses_escaping_members_and_missing_dest(agent, tmp_path):
    data = base64.b64encode(_zip({"../evil": "x"})).decode()
    bad = agent.run("unarchive", {"src": "e.zip", "dest": str(tmp_path), "_content_b64": data})
    assert bad["failed"] and "outside" in bad["msg"] and not (tmp_path.parent / "evil").exists()
    nodest = agent.run("unarchive", {"src": "e.zip", "dest": str(tmp_path / "no"), "_content_b64": data})
    assert nodest["failed"] and "must be an existing dir" in nodest["msg"]


def test_file_diff_peek_guesses_binary_and_changes_nothing(agent, tmp_path):
    (tmp_path / "t").write_text("text")
    (tmp_path / "b").write_bytes(b"\x7fELF\x00\x01")
    assert agent.run("file", {"path": str(tmp_path / "t"), "_diff_peek": True})["appears_binary"] is False
    peek = agent.run("file", {"path": str(tmp_path / "b"), "_diff_peek": True})
    assert peek["appears_binary"] is True and peek["changed"] is False and "warnings" not in peek
