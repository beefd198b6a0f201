"""gather_subset words to fact collectors, by Ansible's rules (compared with ansible-core's choices)."""

import pytest

from orch.agent.facts_select import COLLECTORS, MINIMAL, collectors, words


@pytest.mark.parametrize("subset,expected", [
    (["all"], COLLECTORS),
    ("all", COLLECTORS),
    ([], COLLECTORS),
    (["min"], MINIMAL),
    (["!all"], MINIMAL),
    (["!all", "!min"], set()),
    (["!min"], set()),                                             # the minimal set went, nothing was added
    (["!all", "!min", "distribution"], {"distribution"}),
    (["!all", "!min", "network"], {"network", "distribution", "platform"}),
    (["!all", "!min", "devices"], {"hardware", "platform"}),       # a fact name stands for its collector
    (["all", "!hardware", "devices"], COLLECTORS),                 # named explicitly: kept despite !hardware
    (["!min", "virtual", "!virtualization_type"], {"virtual"}),
    (["min", "!distribution"], MINIMAL),                           # pkg_mgr and service_mgr bring it back
    (["!all", "!min", "user", "!user"], {"user"}),
    ("!all,!min,env,date_time", {"env", "date_time"}),
    (["!all", "!nonsense"], MINIMAL),                              # an unknown exclusion is ignored
])
def test_collectors(subset, expected):
    assert collectors(subset) == set(expected)


def test_min_subset_is_ansible_minimal_set():
    assert collectors(["!all", "!min", "pkg_mgr"]) == {"pkg_mgr", "distribution"}
    assert {"env", "distribution", "platform", "user", "date_time", "python"} <= MINIMAL
    assert not {"hardware", "network", "virtual"} & MINIMAL


def test_unknown_subset_is_an_error_naming_it():
    with pytest.raises(ValueError, match="unknown subset 'bogus'"):
        collectors(["all", "bogus"])


def test_words():
    assert words("all, !hardware") == ["all", "!hardware"]
    assert words(["network"]) == ["network"]
    assert words(None) == ["all"]
