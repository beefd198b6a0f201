"""Host patterns compared with Ansible's own evaluation (`ansible PATTERN --list-hosts`)."""

from __future__ import annotations

import pytest

from orch.errors import UsageError
from orch.inventory import load_inventory
from orch.inventory.patterns import split_pattern

from .conftest import DATA, ansible_batch_hosts, ansible_list_hosts, needs_ansible

PATTERNS = [
    "all", "*", "web", "db", "web:db", "web,db", "db:web", "web:&canary", "web:!canary", "prod:!web",
    "prod:&eu:!canary", "!canary", "&web", "web*", "*.example.com", "db?.example.com", "~web[13]",
    "~^db", "web[0]", "web[1:3]", "web[-1]", "web[2:]", "prod[0:0]", "lone1", "lone1:lone2", "ungrouped",
    "lb:web1.example.com", "web1.example.com:web", "nothere", "nothere:web", "eu", "eu[3]",
    "staging:canary", "canary:staging", "al*", "*1*", "web:!web[0]", "~.*example", "!prod:&lb",
    "web1.example.com,web1.example.com", "all:!ungrouped", "prod:eu:&staging", "localhost",
    "web[1:2]:db[0]", "un*", "p?od", "[wd]*", "web:&db", " web , db ",
]
LIMITS = [None, "web", "!canary", "db*,lone1", "eu:&canary", "web[0]"]
LIMIT_PATTERNS = ["all", "prod", "web:lb", "*.example.com", "canary"]
INV = [str(DATA / "patterns.ini")]
# Ansible orders hosts of grand-children groups by iterating a set of Group objects, so
# with two level-1 groups that both have children its order is not stable from run to
# run; each fixture here has at most one such group, where the order is well defined.
YAML_INV = [str(DATA / "yaml_basic.yml")]
PRIO_INV = [str(DATA / "prio/hosts.yml")]
YAML_PATTERNS = ["all", "web", "db", "pg:web", "db:!pg2", "solo", "other_top", "web0*", "web[0:2]", "*:!web*",
                 "mysql", "*", "x1:solo"]
PRIO_PATTERNS = ["all", "*", "alpha:&zeta", "aparent", "bchild:zeta", "~^h[12]$", "mid:alpha[1:]"]


@pytest.fixture(scope="module")
def expected(ansible_cwd) -> dict:
    queries = [(INV, p, None) for p in PATTERNS]
    queries += [(INV, p, lim) for p in LIMIT_PATTERNS for lim in LIMITS if lim]
    queries += [(YAML_INV, p, None) for p in YAML_PATTERNS]
    queries += [(PRIO_INV, p, None) for p in PRIO_PATTERNS]
    answers = ansible_batch_hosts(queries, ansible_cwd)
    return {(tuple(s), p, lim): a for (s, p, lim), a in zip(queries, answers)}


@needs_ansible
@pytest.mark.parametrize("pattern", PATTERNS)
def test_pattern_like_ansible(pattern: str, expected: dict) -> None:
    inv = load_inventory(INV)
    assert [h.name for h in inv.select(pattern)] == expected[(tuple(INV), pattern, None)]


@needs_ansible
@pytest.mark.parametrize("limit", [lim for lim in LIMITS if lim])
@pytest.mark.parametrize("pattern", LIMIT_PATTERNS)
def test_limit_like_ansible(pattern: str, limit: str, expected: dict) -> None:
    inv = load_inventory(INV)
    assert [h.name for h in inv.select(pattern, limit)] == expected[(tuple(INV), pattern, limit)]


@needs_ansible
@pytest.mark.parametrize("pattern", YAML_PATTERNS)
def test_yaml_patterns_like_ansible(pattern: str, expected: dict) -> None:
    inv = load_inventory(YAML_INV)
    assert [h.name for h in inv.select(pattern)] == expected[(tuple(YAML_INV), pattern, None)]


@needs_ansible
@pytest.mark.parametrize("pattern", PRIO_PATTERNS)
def test_group_priority_inventory_patterns_like_ansible(pattern: str, expected: dict) -> None:
    inv = load_inventory(PRIO_INV)
    assert [h.name for h in inv.select(pattern)] == expected[(tuple(PRIO_INV), pattern, None)]


@needs_ansible
@pytest.mark.parametrize("pattern,limit", [("web:!canary", None), ("prod:&eu", "db*"), ("*.example.com", "@LIMIT"),
                                           ("eu[1:3]", None)])
def test_real_ansible_cli_list_hosts(pattern: str, limit: str | None, ansible_cwd, tmp_path) -> None:
    if limit == "@LIMIT":
        f = tmp_path / "limit.txt"
        f.write_text("web2.example.com\ndb1.example.com\n\nlone1\n")
        limit = f"@{f}"
    inv = load_inventory(INV)
    assert [h.name for h in inv.select(pattern, limit)] == ansible_list_hosts(pattern, INV, ansible_cwd, limit)


def test_unknown_term_warns_and_matches_nothing() -> None:
    inv = load_inventory(INV)
    assert [h.name for h in inv.select("nothere:lb")] == ["lb1", "web1.example.com"]
    assert any("nothere" in w for w in inv.warnings)
    assert inv.select("nothere") == []


@pytest.mark.parametrize("bad", ["web[1:x]", "~(", "web[", "web:&", "db[9]"])
def test_bad_patterns_are_usage_errors(bad: str) -> None:
    inv = load_inventory(INV)
    with pytest.raises(UsageError) as exc:
        inv.select(bad)
    assert bad.strip("&:") in str(exc.value) or "pattern" in str(exc.value)


def test_split_pattern() -> None:
    assert split_pattern("a:b,c") == ["a:b", "c"]
    assert split_pattern("a:&b:!c") == ["a", "&b", "!c"]
    assert split_pattern("web[1:3]:db") == ["web[1:3]", "db"]
    assert split_pattern("host:22") == ["host:22"]
    assert split_pattern("fe80::1") == ["fe80::1"]


def test_implicit_localhost() -> None:
    inv = load_inventory(INV)
    (h,) = inv.select("localhost")
    assert h.implicit and h.vars["ansible_connection"] == "local"
    assert "localhost" not in inv.hosts
