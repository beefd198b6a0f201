"""Parsing what Vagrant prints, and the groups of orch.yml."""

from __future__ import annotations

import pytest

from orch.errors import ParseError
from orch.vagrant.parse import groups_inventory, parse_ssh_config, parse_status

STATUS = """\
1795371433,,ui,warn,You have requested to enabled the experimental flag with the following features:
1795371433,node1,metadata,provider,docker
1795371433,node2,metadata,provider,docker
1795371434,node1,provider-name,docker
1795371434,node1,state,running
1795371434,node1,state-human-short,running
1795371434,node1,state-human-long,The container is created and running.%!(VAGRANT_COMMA) see logs
1795371434,node2,provider-name,docker
1795371434,node2,state,not_created
1795371434,,ui,info,Current machine states:\\n\\nnode1 running (docker)
"""

SSH_CONFIG = """\
Host node1
  HostName 127.0.87.1
  User vagrant
  Port 22871
  UserKnownHostsFile /dev/null
  StrictHostKeyChecking no
  IdentityFile "/p/.vagrant/orch/id_ed25519"
  IdentityFile /p/second_key
  IdentitiesOnly yes

Host node2
  HostName 127.0.87.2
  Port 22872
"""


def test_status_keeps_targets_and_skips_ui_lines():
    machines = parse_status(STATUS)
    assert list(machines) == ["node1", "node2"]
    assert (machines["node1"].state, machines["node1"].provider) == ("running", "docker")
    assert machines["node2"].state == "not_created"


def test_status_provider_from_metadata_alone():
    assert parse_status("1,m,metadata,provider,libvirt\n1,m,state,shutoff\n")["m"].provider == "libvirt"


def test_ssh_config_blocks():
    entries = parse_ssh_config(SSH_CONFIG)
    node1 = entries["node1"]
    assert node1.get("hostname") == "127.0.87.1" and node1.get("Port") == "22871"
    assert node1.identity_files == ["/p/.vagrant/orch/id_ed25519", "/p/second_key"]
    assert entries["node2"].get("User") is None


def test_groups_in_ansible_groups_shape():
    groups = {"web": ["node1", "node2", "gone"], "db": "node3", "prod:children": ["web", "db"],
              "web:vars": {"port": 80}}
    out = groups_inventory(groups, ["node1", "node2", "node3"], "orch.yml")
    assert out["web"] == {"hosts": {"node1": None, "node2": None}, "vars": {"port": 80}}
    assert out["db"] == {"hosts": {"node3": None}}
    assert out["prod"] == {"children": {"web": {}, "db": {}}}


@pytest.mark.parametrize("groups", [["web"], {"web:hosts": ["a"]}, {"web:vars": ["a"]}, {"web": [1]}])
def test_bad_groups_are_parse_errors(groups):
    with pytest.raises(ParseError):
        groups_inventory(groups, ["a"], "orch.yml")
