"""copy's controller side: its argument checks as Ansible's action words them, folders with links."""

from __future__ import annotations

import os

import pytest

from orch.engine.actions import copy_args_problem
from orch.engine.copy_walk import walk


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
