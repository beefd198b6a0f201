"""hash_behaviour=merge: a mapping defined at two levels merges, as ansible-inventory shows it."""

from __future__ import annotations

import json

import pytest

from orch.engine.variables import merge_layers
from orch.errors import ParseError
from orch.inventory import load_inventory

from .conftest import ansible_list, needs_ansible

FIRST = "all:\n  hosts:\n    h1:\n      hh: {a: 1, b: 1}\n  vars:\n    gh: {a: 1, b: 1}\n"
SECOND = "all:\n  hosts:\n    h1:\n      hh: {a: 2}\n  vars:\n    gh: {a: 2, c: {d: [1]}}\n"


@needs_ansible
@pytest.mark.parametrize("behaviour", ["replace", "merge"])
def test_two_sources_like_ansible_inventory(behaviour, tmp_path, ansible_cwd, monkeypatch) -> None:
    monkeypatch.setenv("ANSIBLE_HASH_BEHAVIOUR", behaviour)
    (tmp_path / "one.yml").write_text(FIRST)
    (tmp_path / "two.yml").write_text(SECOND)
    sources = [str(tmp_path / "one.yml"), str(tmp_path / "two.yml")]
    mine = json.loads(json.dumps(load_inventory(sources).to_ansible_list()))
    assert mine == ansible_list(sources, ansible_cwd)


def test_layers_merge_recursively_only_when_asked(monkeypatch) -> None:
    low, high = {"h": {"a": 1, "n": {"x": 1}}, "l": [1]}, {"h": {"b": 2, "n": {"y": 2}}, "l": [2]}
    assert merge_layers(low, high) == high
    monkeypatch.setenv("ANSIBLE_HASH_BEHAVIOUR", "merge")
    assert merge_layers(low, high) == {"h": {"a": 1, "b": 2, "n": {"x": 1, "y": 2}}, "l": [2]}
    assert low == {"h": {"a": 1, "n": {"x": 1}}, "l": [1]}  # the layers themselves are left alone
    monkeypatch.setenv("ORCH_HASH_BEHAVIOUR", "both")
    with pytest.raises(ParseError, match="hash_behaviour must be one of replace, merge"):
        merge_layers(low, high)
