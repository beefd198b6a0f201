"""copy/template over the local agent: transfer protocol, converge, attributes, safety."""

from __future__ import annotations

import hashlib
import os

import pytest

from tests.unit.agent.conftest import b64, snapshot


def sha1(data):
    return hashlib.sha1(data).hexdigest()


@pytest.mark.parametrize("module", ["copy", "template"])
def test_converge_then_unchanged(agent, tmp_path, module):
    dest = str(tmp_path / "app.conf")
    args = {"dest": dest, "_content_b64": b64(b"a\n"), "mode": "0640", "owner": "nobody", "group": "daemon"}
    plan = agent.check(module, args)
    first = agent.run(module, args)
    assert plan["changed"] and first["changed"] and plan["diff"] == first["diff"]
    assert first["diff"][0]["after"] == "a\n" and first["diff"][0]["before"] == ""
    assert first["diff"][0]["after_header"] == dest  # content (no src): the file it goes to, as Ansible
    st = os.stat(dest)
    assert (st.st_mode & 0o7777, st.st_uid) == (0o640, 65534)
    assert first["checksum"] == sha1(b"a\n") and first["owner"] == "nobody" and first["group"] == "daemon"
    assert first["mode"] == "0640" and first["size"] == 2 and "md5sum" in first
    assert not agent.run(module, args)["changed"]


def test_checksum_first_protocol(agent, tmp_path):
    dest = tmp_path / "f"
    ask = agent.run("copy", {"dest": str(dest), "_checksum": sha1(b"v1")})
    assert ask == {"changed": False, "needs_content": True, "dest": str(dest), "checksum": None, "failed": False}
    assert not dest.exists()
    assert agent.run("copy", {"dest": str(dest), "_content_b64": b64(b"v1")})["changed"]
    same = agent.run("copy", {"dest": str(dest), "_checksum": sha1(b"v1"), "mode": "0600"})
    assert same["changed"] and not same.get("needs_content") and oct(dest.stat().st_mode & 0o777) == "0o600"
    # check mode: without diff no bytes are needed, with diff they are
    assert agent.check("copy", {"dest": str(dest), "_checksum": sha1(b"v2")}, diff=False)["changed"]
    assert agent.check("copy", {"dest": str(dest), "_checksum": sha1(b"v3")})["needs_content"]


def test_dest_directory_force_backup(agent, tmp_path):
    (tmp_path / "d").mkdir()
    into = agent.run("copy", {"dest": str(tmp_path / "d"), "src": "/ctl/files/x.txt", "_content_b64": b64(b"x")})
    assert into["dest"] == str(tmp_path / "d" / "x.txt") and (tmp_path / "d" / "x.txt").read_bytes() == b"x"
    assert agent.run("copy", {"dest": str(tmp_path / "d"), "content": "y"})["msg"] == \
        "can not use content with a dir as dest"
    kept = agent.run("copy", {"dest": str(tmp_path / "d/x.txt"), "content": "z", "force": False})
    assert not kept["changed"] and (tmp_path / "d" / "x.txt").read_bytes() == b"x"
    backed = agent.run("copy", {"dest": str(tmp_path / "d/x.txt"), "content": "z", "backup": True})
    assert backed["changed"] and open(backed["backup_file"]).read() == "x"


def test_missing_parent_fails_but_trailing_slash_creates(agent, tmp_path):
    missing = agent.run("copy", {"dest": str(tmp_path / "no/such/f"), "content": "x"})
    assert missing["failed"] and "Destination directory" in missing["msg"] and "no/such" in missing["msg"]
    made = agent.run("copy", {"dest": str(tmp_path / "new/dir") + "/", "src": "f.txt", "_content_b64": b64(b"x"),
                              "directory_mode": "0700"})
    assert made["changed"] and (tmp_path / "new/dir/f.txt").read_text() == "x"
    assert oct((tmp_path / "new").stat().st_mode & 0o777) == "0o700"


def test_validate(agent, tmp_path):
    dest = tmp_path / "sudoers"
    dest.write_text("good\n")
    bad = agent.run("copy", {"dest": str(dest), "content": "bad\n", "validate": "grep -q good %s"})
    assert bad["failed"] and bad["msg"] == "failed to validate"
    assert dest.read_text() == "good\n" and not [n for n in os.listdir(tmp_path) if n.endswith("orchtmp")]
    ok = agent.run("copy", {"dest": str(dest), "content": "good too\n", "validate": "grep -q good %s"})
    assert ok["changed"] and dest.read_text() == "good too\n"


def test_tree_copy_asks_only_for_missing_bytes(agent, tmp_path):
    dest = tmp_path / "site"
    dest.mkdir()
    (dest / "same.txt").write_bytes(b"same")
    specs = [{"path": "same.txt", "_checksum": sha1(b"same")}, {"path": "sub/new.txt", "_checksum": sha1(b"new")}]
    ask = agent.run("copy", {"dest": str(dest), "_files": specs, "_dirs": ["sub", "empty"]})
    assert ask["needs_content"] and ask["needs_content_files"] == ["sub/new.txt"] and not (dest / "sub").exists()
    specs[1]["_content_b64"] = b64(b"new")
    done = agent.run("copy", {"dest": str(dest), "_files": specs, "_dirs": ["sub", "empty"]})
    assert done["changed"] and (dest / "sub/new.txt").read_bytes() == b"new" and (dest / "empty").is_dir()
    assert len(done["diff"]) == 1 and done["diff"][0]["after"] == "new"
    assert not agent.run("copy", {"dest": str(dest), "_files": specs, "_dirs": ["sub", "empty"]})["changed"]


def test_tree_copy_rejects_escaping_paths(agent, tmp_path):
    bad = agent.run("copy", {"dest": str(tmp_path), "_files": [{"path": "../x", "_content_b64": b64(b"x")}]})
    assert bad["failed"] and "unsafe" in bad["msg"]


def test_remote_src_file_and_directory(agent, tmp_path):
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "a").write_bytes(b"A")
    (src / "sub/b").write_bytes(b"B")
    os.chmod(src / "a", 0o751)
    one = agent.run("copy", {"src": str(src / "a"), "dest": str(tmp_path / "a2"), "remote_src": True,
                             "mode": "preserve"})
    assert one["changed"] and oct((tmp_path / "a2").stat().st_mode & 0o777) == "0o751"
    tree = {"src": str(src), "dest": str(tmp_path / "out"), "remote_src": True}
    assert agent.check("copy", tree)["changed"] and not (tmp_path / "out").exists()
    assert agent.run("copy", tree)["changed"] and (tmp_path / "out/src/sub/b").read_bytes() == b"B"
    assert not agent.run("copy", tree)["changed"]
    contents = {"src": str(src) + "/", "dest": str(tmp_path / "flat"), "remote_src": True}
    assert agent.run("copy", contents)["changed"] and (tmp_path / "flat/sub/b").exists()


def test_paths_read_the_hosts_environment(agent, tmp_path):
    """dest and a remote src are `type: path`: $NAME from the host's and the task's environment, then ~."""
    (tmp_path / "a").write_bytes(b"A")
    args = {"src": "${SRC_DIR}/a", "dest": "$DEST_DIR/b", "remote_src": True}
    out = agent.session.run("copy", args, environment={"SRC_DIR": str(tmp_path), "DEST_DIR": str(tmp_path)})
    assert out["changed"] and (tmp_path / "b").read_bytes() == b"A"
    missing = agent.run("copy", {"src": "$ORCH_NO_SUCH_VAR/a", "dest": str(tmp_path / "c"), "remote_src": True})
    assert missing["failed"] and "$ORCH_NO_SUCH_VAR/a not found" in missing["msg"]


def test_a_folder_copy_keeps_the_links_it_is_given(agent, tmp_path):
    dest = tmp_path / "out"
    args = {"dest": str(dest), "_dirs": ["d"], "_files": [{"path": "d/f", "_content_b64": b64(b"f")}],
            "_links": [{"path": "d/up", "target": "../"}, {"path": "d/gone", "target": "nowhere"}]}
    assert agent.check("copy", args)["changed"] and not dest.exists()
    assert agent.run("copy", args)["changed"]
    assert os.readlink(dest / "d/up") == "../" and os.readlink(dest / "d/gone") == "nowhere"
    assert not agent.run("copy", args)["changed"]
    moved = dict(args, _links=[{"path": "d/up", "target": "f"}])
    assert agent.run("copy", moved)["changed"] and os.readlink(dest / "d/up") == "f"
    unsafe = agent.run("copy", dict(args, _links=[{"path": "../x", "target": "y"}]))
    assert unsafe["failed"] and "unsafe path" in unsafe["msg"]


def test_a_remote_folder_copy_keeps_links_without_local_follow(agent, tmp_path):
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "f").write_text("f")
    os.symlink("sub/f", src / "link")
    os.symlink("sub", src / "dirlink")
    kept = agent.run("copy", {"src": str(src) + "/", "dest": str(tmp_path / "kept"), "remote_src": True,
                              "local_follow": False})
    assert kept["changed"] and os.readlink(tmp_path / "kept/link") == "sub/f"
    assert os.readlink(tmp_path / "kept/dirlink") == "sub"
    os.symlink("/nowhere/at/all", src / "broken")
    followed = agent.run("copy", {"src": str(src) + "/", "dest": str(tmp_path / "followed"), "remote_src": True})
    assert followed["changed"] and not os.path.islink(tmp_path / "followed/link")
    assert os.readlink(tmp_path / "followed/broken") == "/nowhere/at/all"
    assert (tmp_path / "followed/link").read_text() == "f"


def test_a_remote_source_that_is_no_file_is_refused(agent, tmp_path):
    out = agent.run("copy", {"src": "/dev/null", "dest": str(tmp_path / "x"), "remote_src": True})
    assert out["failed"] and out["msg"] == "Cannot copy invalid source '/dev/null': not a file"
    assert not (tmp_path / "x").exists()


def test_diffs_are_a_list_for_copy_and_one_diff_for_assemble(agent, tmp_path):
    """As Ansible's actions return them: copy (and template) a list, assemble its one diff."""
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "a").write_text("A\n")
    joined = agent.run("assemble", {"src": str(tmp_path / "parts"), "dest": str(tmp_path / "joined")})
    assert joined["changed"] and joined["diff"]["after"] == "A\n"
    copied = agent.run("copy", {"dest": str(tmp_path / "c"), "_content_b64": b64(b"C")})
    assert copied["diff"][0]["after"] == "C"


def test_content_into_an_existing_folder_is_refused(agent, tmp_path):
    out = agent.run("copy", {"dest": str(tmp_path), "_content_b64": b64(b"x")})
    assert out["failed"] and out["msg"] == "can not use content with a dir as dest"


def test_large_remote_copy_streams(agent, tmp_path):
    src = tmp_path / "big"
    with open(src, "wb") as handle:
        handle.truncate(50 << 20)
    result = agent.run("copy", {"src": str(src), "dest": str(tmp_path / "big2"), "remote_src": True})
    assert result["changed"] and result["checksum"] == result.get("checksum") and result["size"] == 50 << 20
    assert result["diff"][0].get("dst_larger") or result["diff"][0].get("before") is None


def test_follow_writes_through_a_link(agent, tmp_path):
    real = tmp_path / "real"
    real.write_text("old")
    os.symlink("real", tmp_path / "link")
    agent.run("copy", {"dest": str(tmp_path / "link"), "content": "new", "follow": True})
    assert (tmp_path / "link").is_symlink() and real.read_text() == "new"
    agent.run("copy", {"dest": str(tmp_path / "link"), "content": "newer"})
    assert not (tmp_path / "link").is_symlink() and real.read_text() == "new"


def test_check_mode_touches_nothing(agent, tmp_path):
    (tmp_path / "f").write_text("1")
    before = snapshot(tmp_path)
    result = agent.check("copy", {"dest": str(tmp_path / "f"), "content": "2", "owner": "daemon", "mode": "0600",
                                  "backup": True})
    assert result["changed"] and snapshot(tmp_path) == before


def test_unknown_owner_fails_with_the_name(agent, tmp_path):
    result = agent.run("copy", {"dest": str(tmp_path / "f"), "content": "x", "owner": "no-such-user-xyz"})
    assert result["failed"] and "no-such-user-xyz" in result["msg"] and not (tmp_path / "f").exists()
