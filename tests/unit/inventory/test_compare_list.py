"""`load_inventory(...).to_ansible_list()` must equal `ansible-inventory --list`, whole JSON."""

from __future__ import annotations

import json

import pytest

from orch.inventory import load_inventory

from .conftest import DATA, ansible_list, needs_ansible

CASES = {
    "ini value typing, ranges, strides, letters": ["ini_typing.ini"],
    "ini children before groups, vars before group": ["ini_pending.ini"],
    "ini ports, letter ranges, padded strides": ["ini_ports.ini"],
    "yaml nested children, null values, ranges": ["yaml_basic.yml"],
    "yaml string shorthand for hosts/children": ["yaml_strings.yaml"],
    "json inventory": ["inv.json"],
    "no extension, yaml content": ["noext/yamlhosts"],
    "no extension, ini content": ["noext/inihosts"],
    "group_vars/host_vars files and folders, precedence": ["prec/hosts.ini"],
    "ansible_group_priority and depth": ["prio/hosts.yml"],
    "two sources, each with group_vars": ["multi/a/hosts", "multi/b/inv.yml"],
    "two sources, reverse order": ["multi/b/inv.yml", "multi/a/hosts"],
    "directory source with ignored files": ["dirinv"],
    "ungrouped host later grouped": ["ungrouped1.ini", "ungrouped2.ini"],
    "patterns fixture": ["patterns.ini"],
    "comma host list": ["h1,h2:2222,10.1.1.1,"],
    "comma list plus file": ["patterns.ini", "lone1,newhost,"],
    "every fixture at once": ["ini_pending.ini", "yaml_basic.yml", "prec/hosts.ini", "prio/hosts.yml"],
}


def _sources(names: list[str]) -> list[str]:
    return [n if "," in n else str(DATA / n) for n in names]


@needs_ansible
@pytest.mark.parametrize("names", list(CASES.values()), ids=list(CASES))
def test_list_equals_ansible_inventory(names: list[str], ansible_cwd) -> None:
    sources = _sources(names)
    expected = ansible_list(sources, ansible_cwd)
    mine = json.loads(json.dumps(load_inventory(sources).to_ansible_list()))
    assert mine == expected


@needs_ansible
def test_written_inventories(tmp_path, ansible_cwd) -> None:
    """Small generated cases: INI typing corners and YAML shapes."""
    cases = {
        "t1.ini": "a x=0x10 y=1e3 z=-5 w='quoted' v=\"two words\" u=None t=False s=[1,'a'] r={'k':[1]} q=1,2\n",
        "t2.ini": "[g:vars]\na = 1 # trailing comment\nb=  spaced  \nc='x'\nd=yes\ne=\n[g]\nh1\n",
        "t3.yml": "all:\n  children:\n    g:\n      hosts:\n        h1:\n        h2:\n      children:\n        sub:\n",
        "t4.ini": "[a]\nh1\n[b]\nh1\n[a:vars]\nv=a\n[b:vars]\nv=b\n",  # same depth: alphabetical, b wins
        "t5.ini": "[zz]\nh1\n[aa:children]\nzz\n[aa:vars]\nv=parent\n[zz:vars]\nv=child\n",  # child wins
        "t6.ini": "[a]\nh1 v=host\n[a:vars]\nv=group\n",
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text)
        expected = ansible_list([path], ansible_cwd)
        assert json.loads(json.dumps(load_inventory([str(path)]).to_ansible_list())) == expected, name
