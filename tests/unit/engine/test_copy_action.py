"""copy's controller side: its argument checks as Ansible's action words them, folders with links."""

from __future__ import annotations

import os

import pytest

from orch.engine.actions import copy_args_problem
from orch.engine.copy_walk import read_source, walk
from orch.errors import OrchError
from orch.templating.templar import Templar
from orch.vault import Vault, VaultSecret, encrypt


def _tree(tmp_path):
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "f.txt").write_text("f")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "o.txt").write_text("o")
    os.symlink("../f.txt", src / "sub" / "to_file")
    os.symlink("../../outside", src / "sub" / "to_dir")
    os.symlink("../", src / "sub" / "circle")
    os.symlink("loop", src / "loop")
    os.symlink("nowhere", src / "broken")
    return src


def test_links_followed_or_kept_as_ansible(tmp_path):
    src = _tree(tmp_path)
    tree = walk(str(src), "src")
    assert sorted(rel for _, rel in tree.files) == ["src/f.txt", "src/sub/to_dir/o.txt", "src/sub/to_file"]
    assert sorted(tree.dirs) == ["src", "src/sub", "src/sub/to_dir"]
    assert sorted(tree.links) == [("../", "src/sub/circle"), ("loop", "src/loop"), ("nowhere", "src/broken")]
    kept = walk(str(src), "", local_follow=False)
    assert sorted(rel for _, rel in kept.files) == ["f.txt"] and kept.dirs == ["sub"]
    assert len(kept.links) == 5


@pytest.mark.parametrize("args,problem", [
    ({"src": "", "dest": "/d"}, "src (or content) is required"),
    ({"dest": "/d"}, "src (or content) is required"),
    ({"src": "a"}, "dest is required"),
    ({"src": "a", "content": "x", "dest": "/d"}, "src and content are mutually exclusive"),
    ({"content": "x", "dest": "/d/"}, "can not use content with a dir as dest"),
    ({"content": "", "dest": "/d"}, None),
    ({"src": "a", "dest": "/d/"}, None),
])
def test_argument_problems_in_ansibles_order(args, problem):
    assert copy_args_problem(args) == problem


def test_a_vaulted_source_is_sent_decrypted(tmp_path):
    path = tmp_path / "secret"
    path.write_text(encrypt(b"plain\n", b"pw"))
    assert read_source(str(path), Templar(vault=Vault([VaultSecret("default", b"pw")]).templar_hook)) == b"plain\n"
    assert read_source(str(path), Templar(), decrypt=False).startswith(b"$ANSIBLE_VAULT;")
    with pytest.raises(OrchError, match=r"A vault password or secret must be specified to decrypt .*/secret$"):
        read_source(str(path), Templar())
    with pytest.raises(OrchError, match=r"could not decrypt .*no given password opens it"):
        read_source(str(path), Templar(vault=Vault([VaultSecret("default", b"other")]).templar_hook))


def test_a_folders_files_come_before_its_folders(tmp_path):
    (tmp_path / "a_dir").mkdir()
    (tmp_path / "a_dir" / "inner").write_text("i")
    (tmp_path / "z_file").write_text("z")
    assert [rel for _, rel in walk(str(tmp_path), "").files] == ["z_file", "a_dir/inner"]
