"""plugin: docker inventories: filters, groups from labels, and a play over SSH hosts and containers."""

from __future__ import annotations

import json

import pytest

from tests.conftest import orch
from tests.integration.docker_helpers import cleanup, run

pytestmark = pytest.mark.integration

SOURCE = """plugin: community.docker.docker_containers
filters:
  name: [orchtest-dk-inv-*]
  label: [orchtest.role]
groups_from_labels: [orchtest.role]
keyed_groups:
  - key: labels['orchtest.tier']
    prefix: tier
"""


@pytest.fixture
def containers(lab):
    import docker

    from orch.lab.image import image_tag

    cleanup()
    client = docker.from_env()
    specs = {"orchtest-dk-inv-a": {"orchtest.role": "web", "orchtest.tier": "front"},
             "orchtest-dk-inv-b": {"orchtest.role": "web,db"},
             "orchtest-dk-inv-c": {},  # no role label: filtered out
             "orchtest-dk-inv-d": {"orchtest.role": "db"}}  # stopped: filtered out
    for name, labels in specs.items():
        container = client.containers.run(image_tag(), ["sleep", "infinity"], name=name, labels=labels, detach=True,
                                          init=True)
        if name.endswith("-d"):
            container.stop(timeout=0)
    yield
    cleanup()


def test_filters_and_groups(containers, tmp_path):
    source = tmp_path / "containers.yml"
    source.write_text(SOURCE)
    res = orch("inventory", "list", "-i", str(source), "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert sorted(data["_meta"]["hostvars"]) == ["orchtest-dk-inv-a", "orchtest-dk-inv-b"]
    assert data["web"]["hosts"] == ["orchtest-dk-inv-a", "orchtest-dk-inv-b"]
    assert data["db"]["hosts"] == ["orchtest-dk-inv-b"] and data["tier_front"]["hosts"] == ["orchtest-dk-inv-a"]
    hostvars = data["_meta"]["hostvars"]["orchtest-dk-inv-a"]
    assert hostvars["ansible_connection"] == "docker" and hostvars["ansible_host"] == "orchtest-dk-inv-a"
    assert hostvars["docker_labels"]["orchtest.tier"] == "front" and hostvars["docker_status"] == "running"


def test_mixed_fleet_in_one_play(containers, lab, tmp_path):
    source = tmp_path / "containers.yml"
    source.write_text(SOURCE)
    name = lab.names[0]
    ini = tmp_path / "hosts.ini"
    ini.write_text(f"[web]\n{name} ansible_host={lab.address(name)} ansible_user=root "
                   f"ansible_ssh_private_key_file={lab.key} orch_known_hosts_file={lab.known_hosts} "
                   "ansible_host_key_checking=yes\n[all:vars]\nansible_python_interpreter=/usr/bin/python3\n")
    book = tmp_path / "pb.yml"
    book.write_text("- hosts: web\n  gather_facts: false\n  tasks:\n"
                    "    - name: Marker\n      copy: {dest: /tmp/orchtest-dk-marker, content: '{{ inventory_hostname }}'}\n"
                    "    - name: Read\n      command: cat /tmp/orchtest-dk-marker\n      register: out\n"
                    "    - assert: {that: [out.stdout == inventory_hostname]}\n")
    res, results, recap = run(book, "-i", ini, "-i", source)
    assert res.returncode == 0, res.stdout[-3000:]
    assert sorted(recap) == sorted([name, "orchtest-dk-inv-a", "orchtest-dk-inv-b"])
    assert all(c["failed"] == 0 and c["ok"] == 3 for c in recap.values())
    import docker

    out = docker.from_env().containers.get("orchtest-dk-inv-b").exec_run(["cat", "/tmp/orchtest-dk-marker"])
    assert out.output.decode() == "orchtest-dk-inv-b"
