"""Property-based fuzzing of the loaders: whatever the input, only orch's own errors escape.

Bounded example counts keep the whole file well under 30 s; hypothesis's database keeps the
failures it finds for the next run.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orch import yamlsrc
from orch.errors import OrchError
from orch.inventory import load_inventory
from orch.inventory.model import Inventory
from orch.inventory.patterns import select_hosts
from orch.inventory.ranges import expand_hosts, split_port
from orch.playbook import load_playbook
from orch.playbook.kv import parse_kv, split_args
from orch.vault import Vault, VaultSecret, encrypt

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

YAML_BITS = list("-:?,[]{}&*!|>'\"#%@` \n\t\\") + [
    "  ", "\n  ", "- ", ": ", "a", "b", "1", "&x ", "*x", "!vault ", "!unsafe ", "!!str ", "!!int ", "!!binary ",
    "!!python/name:os.system", "<<: ", "---\n", "...\n", "%YAML 1.1\n", "\x00", "\x85", "\ufeff", "é", "hosts",
    "tasks", "vars", "children", "$ANSIBLE_VAULT;1.1;AES256\n", "2001-13-45", "0x1g", ".inf", "~", "null",
]
yamlish = st.lists(st.sampled_from(YAML_BITS), max_size=60).map("".join)
anytext = st.one_of(yamlish, st.text(max_size=200))


def only_orch_errors(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except OrchError:
        return None


@FAST
@given(anytext)
def test_yaml_loads(text):
    only_orch_errors(yamlsrc.loads, text, "fuzz.yml")


@FAST
@given(st.binary(max_size=300))
def test_yaml_load_file_bytes(data):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "v.yml"
        path.write_bytes(data)
        only_orch_errors(yamlsrc.load_file, path)


INI_BITS = ["[", "]", ":", "children", "vars", "web", "db", "h1", "h[1:3]", "[a:c]", "[01:1]", "=", " ", "\n",
            "'", '"', "#", ";", "ansible_port=", "22", "x", ":2222", "[g:vars]\n", "[g:children]\n", "[g]\n",
            "ansible_group_priority=", "{{", "}}", "[", "\t", "\\", "h1:", "-", "---", "é", "[0:99999999]"]
ini = st.lists(st.sampled_from(INI_BITS), max_size=40).map("".join)


@FAST
@given(st.one_of(ini, yamlish), st.sampled_from(["inv.ini", "inv.yml", "inv", "inv.json"]))
def test_load_inventory(text, name):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / name
        path.write_text(text)
        only_orch_errors(load_inventory, [str(path)])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yamlish, yamlish)
def test_load_playbook_with_vars_files(play, varsfile):
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "site.yml").write_text("- hosts: all\n  vars_files: [v.yml]\n  tasks:\n" + play)
        (Path(d) / "v.yml").write_text(varsfile)
        (Path(d) / "raw.yml").write_text(play)
        only_orch_errors(load_playbook, Path(d) / "site.yml")
        only_orch_errors(load_playbook, Path(d) / "raw.yml")


KV_BITS = ["a", "=", " ", "'", '"', "\\", "{{", "}}", "{%", "%}", "{#", "#}", "x=1", "k='v w'", "\n", "\t", "é", "="]


@FAST
@given(st.one_of(st.lists(st.sampled_from(KV_BITS), max_size=30).map("".join), st.text(max_size=80)),
       st.booleans())
def test_kv(text, free_form):
    only_orch_errors(split_args, text)
    only_orch_errors(parse_kv, text, free_form)


RANGE_BITS = ["web", "[", "]", ":", "0", "1", "9", "01", "a", "z", "Z", "-", ".", "[1:3]", "[a:c]", "[0:99999]",
              "99999999999", "", "[::]", "[1:2:0]", ":22", "é"]


@FAST
@given(st.lists(st.sampled_from(RANGE_BITS), max_size=12).map("".join))
def test_host_ranges(text):
    names = only_orch_errors(expand_hosts, text)
    assert names is None or len(names) <= 100_000
    try:
        split_port(text)
    except (OrchError, ValueError):
        pass  # split_port's contract: ValueError for a bad port, which the loaders locate


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "inv.ini"
        path.write_text("[web]\nweb[1:4]\n[db]\ndb[1:2]\n[prod:children]\nweb\ndb\n[canary]\nweb1\n")
        return load_inventory([str(path)])


PATTERN_BITS = ["web", "db", "prod", "all", "*", "?", ":", ",", "&", "!", "~", "[", "]", "0", "1", "-1", ":",
                "(", ")", "web1", ".*", "\\", " ", "localhost", "é", "[1:]", "[0]"]


@FAST
@given(st.lists(st.sampled_from(PATTERN_BITS), max_size=12).map("".join), st.one_of(st.none(), st.text(max_size=8)))
def test_patterns(inventory, pattern, limit):
    only_orch_errors(select_hosts, inventory, pattern, limit=limit)


_VAULT = Vault([VaultSecret("default", b"pw")])
_GOOD = encrypt(b"secret", b"pw")


@FAST
@given(st.data())
def test_vault_payloads(data):
    cut = data.draw(st.integers(0, len(_GOOD)))
    junk = data.draw(st.text(alphabet="0123456789abcdefg;\n $ANSIBLE_VAULT", max_size=20))
    text = _GOOD[:cut] + junk + _GOOD[cut + data.draw(st.integers(0, 5)):]
    only_orch_errors(_VAULT.decrypt, text)
