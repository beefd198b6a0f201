"""copy's controller side: its argument checks as Ansible's action words them, folders with bad links."""

from __future__ import annotations

import os

import pytest

from orch.engine.actions import _copy_dir, copy_args_problem
from orch.errors import OrchError


def test_a_link_round_in_a_circle_is_named(tmp_path):
    (tmp_path / "src").mkdir()
    os.symlink("loop", tmp_path / "src" / "loop")
    with pytest.raises(OrchError, match=r"could not read .*src/loop: Too many levels of symbolic links"):
        _copy_dir(None, {}, str(tmp_path / "src"), contents_only=False)


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
