"""copy of a controller folder: a link that leads nowhere fails the task, naming it (no traceback)."""

from __future__ import annotations

import os

import pytest

from orch.engine.actions import _copy_dir
from orch.errors import OrchError


def test_a_link_round_in_a_circle_is_named(tmp_path):
    (tmp_path / "src").mkdir()
    os.symlink("loop", tmp_path / "src" / "loop")
    with pytest.raises(OrchError, match=r"could not read .*src/loop: Too many levels of symbolic links"):
        _copy_dir(None, {}, str(tmp_path / "src"), contents_only=False)
