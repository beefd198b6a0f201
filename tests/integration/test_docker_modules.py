"""docker_* modules against the machine's real Docker engine (a local host) and over SSH."""

from __future__ import annotations

import textwrap

import pytest

from tests.integration.docker_helpers import changed, cleanup, run

pytestmark = pytest.mark.integration

PLAYBOOK = """
- hosts: all
  gather_facts: false
  vars:
    ver: "1"
    env_b: "b1"
  tasks:
    - name: Image
      community.docker.docker_image:
        name: orchtest-dk-img
        tag: "{{ ver }}"
        source: build
        build: {path: ctx, args: {BASE: "{{ base }}", VERSION: "{{ ver }}"}}
    - name: Network
      docker_network: {name: orchtest-dk-net}
    - name: Volume
      docker_volume: {volume_name: orchtest-dk-vol}
    - name: Container a
      docker_container:
        name: orchtest-dk-a
        image: "orchtest-dk-img:{{ ver }}"
        env: {ROLE: a}
        labels: {orchtest: a}
        networks: [{name: orchtest-dk-net}]
        volumes: ["orchtest-dk-vol:/data"]
        restart_policy: unless-stopped
      register: a
    - name: Container b
      docker_container:
        name: orchtest-dk-b
        image: orchtest-dk-img:1
        env: {ROLE: "{{ env_b }}"}
        published_ports: ["127.0.0.1::8080"]
      register: b
    - name: Exec
      docker_container_exec: {container: orchtest-dk-a, command: "cat /etc/role-check"}
      register: out
      failed_when: false
    - name: Differences
      debug: {msg: "{{ a.differences | default([]) }} {{ b.differences | default([]) }}"}
"""
DOCKERFILE = """
ARG BASE
FROM $BASE
ARG VERSION=1
LABEL orchtest.version=$VERSION
CMD ["sleep", "infinity"]
"""


@pytest.fixture
def docker_clean(lab):
    cleanup()
    yield
    cleanup()


def _project(tmp_path, inventory_text: str):
    from orch.lab.image import image_tag

    (tmp_path / "ctx").mkdir()
    (tmp_path / "ctx" / "Dockerfile").write_text(DOCKERFILE)
    book = tmp_path / "pb.yml"
    book.write_text(PLAYBOOK)
    inv = tmp_path / "inv.ini"
    inv.write_text(inventory_text + f"\n[all:vars]\nbase={image_tag()}\n")
    return book, inv


def _local_inventory() -> str:
    import sys

    return f"box ansible_connection=local ansible_python_interpreter={sys.executable}"


def test_converge_idempotent_and_check_predicts(docker_clean, tmp_path):
    book, inv = _project(tmp_path, _local_inventory())
    plan, planned, _ = run(book, "-i", inv, "--check")
    assert plan.returncode == 0, plan.stdout[-3000:]
    first, applied, _ = run(book, "-i", inv)
    assert first.returncode == 0, first.stdout[-3000:]
    want = {"Image", "Network", "Volume", "Container a", "Container b"}
    assert {t for _, t in changed(applied)} == want | {"Exec"}
    assert {t for _, t in changed(planned)} == want  # the exec is 'unknown' in check mode
    assert changed(planned, ("changed", "unknown")) == changed(applied)
    container = next(e for e in applied if e["task"] == "Container a")["result"]["container"]
    assert container["Config"]["Labels"]["orchtest"] == "a" and "ROLE=a" in container["Config"]["Env"]
    second, again, _ = run(book, "-i", inv)
    assert second.returncode == 0 and changed(again) == [("box", "Exec")]


def test_field_change_recreates_only_the_affected_container(docker_clean, tmp_path):
    book, inv = _project(tmp_path, _local_inventory())
    assert run(book, "-i", inv)[0].returncode == 0
    import docker

    client = docker.from_env()
    ids = {n: client.containers.get(n).id for n in ("orchtest-dk-a", "orchtest-dk-b")}
    # env of b only
    _, planned, _ = run(book, "-i", inv, "-e", "env_b=b2", "--check")
    res, applied, _ = run(book, "-i", inv, "-e", "env_b=b2")
    assert res.returncode == 0, res.stdout[-3000:]
    assert changed(applied) == [("box", "Container b"), ("box", "Exec")]
    assert changed(planned, ("changed", "unknown")) == changed(applied)
    b_result = next(e for e in applied if e["task"] == "Container b")["result"]
    assert b_result["differences"] == ["env"] and b_result["diff"]["after"]["env"]["ROLE"] == "b2"
    assert client.containers.get("orchtest-dk-a").id == ids["orchtest-dk-a"]
    assert client.containers.get("orchtest-dk-b").id != ids["orchtest-dk-b"]
    # a new image version: a is rebuilt on it (image id and the image's label differ), b untouched
    _, planned, _ = run(book, "-i", inv, "-e", "env_b=b2", "-e", "ver=2", "--check")
    res, applied, _ = run(book, "-i", inv, "-e", "env_b=b2", "-e", "ver=2")
    assert changed(applied) == [("box", "Container a"), ("box", "Exec"), ("box", "Image")]
    assert changed(planned, ("changed", "unknown")) == changed(applied)
    a_result = next(e for e in applied if e["task"] == "Container a")["result"]
    assert a_result["differences"] == ["image", "labels"]


def test_ssh_host_manages_its_own_daemon(docker_clean, lab, tmp_path):
    """An SSH lab host's daemon (the machine's, through its mounted socket) over its SSH connection."""
    name = lab.names[0]
    text = textwrap.dedent(f"""
        {name} ansible_host={lab.address(name)} ansible_user=root ansible_ssh_private_key_file={lab.key} \
orch_known_hosts_file={lab.known_hosts} ansible_host_key_checking=yes ansible_python_interpreter=/usr/bin/python3
    """)
    book, inv = _project(tmp_path, text)
    plan, planned, _ = run(book, "-i", inv, "--check")
    res, applied, _ = run(book, "-i", inv)
    assert res.returncode == 0, res.stdout[-3000:]
    assert changed(planned, ("changed", "unknown")) == changed(applied)
    assert run(book, "-i", inv)[1] and changed(run(book, "-i", inv)[1]) == [(name, "Exec")]


def test_missing_image_is_not_pulled(docker_clean, tmp_path):
    book = tmp_path / "pb.yml"
    book.write_text("- hosts: all\n  gather_facts: false\n  tasks:\n"
                    "    - docker_container: {name: orchtest-dk-x, image: orchtest-dk-nosuch:1}\n")
    inv = tmp_path / "inv.ini"
    inv.write_text(_local_inventory() + "\n")
    res, results, _ = run(book, "-i", inv)
    assert res.returncode == 1
    assert "not on the daemon" in results[0]["result"]["msg"] and "pull" in results[0]["result"]["msg"]
