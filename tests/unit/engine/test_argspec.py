"""Role argument specs: what validate() accepts and refuses; assemble's fragment joining."""

from __future__ import annotations

import pytest

from orch.agent.modules.assemble import join_fragments
from orch.engine.argspec import validate

SPEC = {
    "port": {"type": "int", "required": True},
    "mode": {"choices": ["fast", "slow"], "default": "fast"},
    "hosts": {"type": "list", "elements": "str", "aliases": ["servers"]},
    "tls": {"type": "dict", "options": {"cert": {"type": "path", "required": True}, "strict": {"type": "bool"}}},
    "users": {"type": "list", "elements": "dict", "options": {"name": {"required": True}}},
    "blob": {"type": "raw"},
}


@pytest.mark.parametrize("values", [
    {"port": 80},
    {"port": "8080", "mode": "slow", "servers": "a,b", "blob": [1, {"x": 2}]},
    {"port": 1, "tls": {"cert": "/c", "strict": "yes"}, "users": [{"name": "u"}]},
    {"port": 1, "mode": None},
])
def test_valid_values(values):
    assert validate(SPEC, values) == []


@pytest.mark.parametrize("values, needle", [
    ({}, "required option(s) missing: port"),
    ({"port": "eighty"}, "option 'port' must be an int"),
    ({"port": 1, "mode": "medium"}, "option 'mode' must be one of fast, slow; got medium"),
    ({"port": 1, "colour": "red"}, "unknown option 'colour'"),
    ({"port": 1, "tls": {"strict": "maybe"}}, "required option(s) missing (in tls): cert"),
    ({"port": 1, "tls": {"cert": "/c", "strict": "maybe"}}, "option 'strict' must be a boolean"),
    ({"port": 1, "users": [{"name": "a"}, {}]}, "(in users[1]): name"),
    ({"port": 1, "users": ["a"]}, "option 'users': expected key=value"),
    ({"port": 1, "users": [[1]]}, "option 'users' element must be a dictionary"),
])
def test_problems_name_the_option(values, needle):
    problems = validate(SPEC, values)
    assert any(needle in p for p in problems), problems


def test_fragments_join_in_name_order_with_newlines_between(tmp_path):
    (tmp_path / "20-b").write_bytes(b"b")
    (tmp_path / "10-a").write_bytes(b"a\n")
    (tmp_path / "30-c").write_bytes(b"c\n")
    (tmp_path / ".hidden").write_bytes(b"h\n")
    assert join_fragments(str(tmp_path), ignore_hidden=True) == b"a\nb\nc\n"
    assert join_fragments(str(tmp_path), regexp="^[23]") == b"b\nc\n"
    assert join_fragments(str(tmp_path), delimiter="--", ignore_hidden=True) == b"a\n--\nb\n--\nc\n"
    # A delimiter ending in a newline gets no second one on the host; the controller-side action adds it.
    assert join_fragments(str(tmp_path), delimiter="--\\n", ignore_hidden=True) == b"a\n--\nb\n--\nc\n"
    assert join_fragments(str(tmp_path), delimiter="--\\n", ignore_hidden=True,
                          newline_after_delimiter=True) == b"a\n--\n\nb\n--\n\nc\n"
