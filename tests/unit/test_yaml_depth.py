"""orch's own nesting guard speaks for itself whichever PyYAML (and bundled libyaml) is installed."""

from __future__ import annotations

import pytest

from orch import yamlguard, yamlsrc
from orch.errors import ParseError

DEEP = 20_000


@pytest.mark.parametrize("body", [
    "x: " + "[" * DEEP + "]" * DEEP,
    "x: " + "{a: " * DEEP + "1" + "}" * DEEP,
    "x: \n  " + "- " * DEEP + "1",
    "".join(" " * i + "a:\n" for i in range(1500)) + " " * 1500 + "b: 1",
], ids=["flow_list", "flow_map", "compact_seq", "block_map"])
def test_too_deep_gets_orchs_message(body):
    with pytest.raises(ParseError) as caught:
        yamlsrc.loads(body, "deep.yml")
    assert f"nested more than {yamlguard.MAX_DEPTH} levels deep" in str(caught.value)
    assert str(caught.value).startswith("deep.yml:")


def test_bracket_count_skips_quotes_and_comments():
    padding = '"[[[[\\"[[[" ' + "'[[['' [[' # [[[[[[\n"
    assert yamlguard._flow_too_deep(padding + "[" * 5, 5) is None
    assert yamlguard._flow_too_deep(padding + "[" * 6, 5) == (2, 6)


def test_shallow_syntax_error_keeps_the_parsers_words():
    with pytest.raises(ParseError) as caught:
        yamlsrc.loads("x: " + "[" * 1200 + "}", "bad.yml")
    assert "nested more than" in str(caught.value)  # deep, so orch's guard speaks first
    with pytest.raises(ParseError) as caught:
        yamlsrc.loads("x: [[}", "bad.yml")
    assert "nested" not in str(caught.value) and str(caught.value).startswith("bad.yml:1:")


@pytest.mark.parametrize("parser", ["SafeLoader", "CSafeLoader"])
def test_guard_with_either_parser(parser):
    import yaml

    if not hasattr(yaml, parser):
        pytest.skip("PyYAML built without libyaml")
    for body in ("x: " + "[" * 3000 + "]" * 3000, "x: \n  " + "- " * 3000 + "1"):
        with pytest.raises(ParseError, match="nested more than 500 levels deep"):
            yamlguard.check_depth(body, "deep.yml", getattr(yaml, parser))
