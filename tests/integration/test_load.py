"""Load: 50 lab hosts with -f 50, and 200 inventory hosts (4 per container), nothing lost or mixed up."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import private_lab

pytestmark = pytest.mark.integration
LOAD_LAB = "orchload"
LOAD_NET = int(os.environ.get("ORCH_LOAD_NET", "79"))
BOOK = """- hosts: all
  gather_facts: false
  tasks:
    - name: write my own name
      copy:
        content: "{{ inventory_hostname }}\\n"
        dest: "/tmp/orch-load-{{ inventory_hostname }}"
    - name: read it back
      command: cat /tmp/orch-load-{{ inventory_hostname }}
      register: back
      changed_when: false
    - name: nothing mixed up
      assert:
        that: back.stdout == inventory_hostname
"""


@pytest.fixture(scope="module")
def load_lab(orch_home):
    with private_lab(LOAD_LAB, 50, LOAD_NET) as lab:
        yield lab


def _inventory(tmp_path, hosts, directory, per_container: int):
    lines = [f"h{i:03d}-{n} ansible_host={h.address}" for i, h in enumerate(hosts) for n in range(per_container)]
    lines += ["[all:vars]", "ansible_user=root", f"ansible_ssh_private_key_file={directory / 'id_ed25519'}",
              f"orch_known_hosts_file={directory / 'known_hosts'}", "ansible_python_interpreter=/usr/bin/python3"]
    inv = tmp_path / f"inv{per_container}.ini"
    inv.write_text("\n".join(lines) + "\n")
    return inv


def _run(command: list[str]) -> tuple[subprocess.CompletedProcess, float]:
    """Run orch in a child and return its peak RSS in MB (the child is the only process waited for)."""
    code = ("import resource,subprocess,sys; r=subprocess.run(sys.argv[1:],capture_output=True,text=True);"
            "sys.stdout.write(r.stdout); sys.stderr.write(r.stderr);"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(r.returncode)")
    res = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "orch", *command],
                         capture_output=True, text=True, timeout=600)
    return res, int(res.stderr.strip().splitlines()[-1]) / 1024


@pytest.mark.parametrize("per_container,forks", [(1, 50), (4, 50)])
def test_many_hosts_nothing_lost_or_mixed(load_lab, tmp_path, per_container, forks):
    hosts, directory = load_lab
    inv = _inventory(tmp_path, hosts, directory, per_container)
    book = tmp_path / "load.yml"
    book.write_text(BOOK)
    expected = 50 * per_container
    plan, _ = _run(["plan", str(book), "-i", str(inv), "-f", str(forks), "--json"])
    assert plan.returncode == 0, plan.stdout[-2000:] + plan.stderr[-2000:]
    res, peak_mb = _run(["run", str(book), "-i", str(inv), "-f", str(forks), "--json"])
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    events = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    results = [e for e in events if e["event"] == "task_result"]
    assert len(results) == 3 * expected  # every task on every host, once
    assert {e["host"] for e in results} == {f"h{i:03d}-{n}" for i in range(50) for n in range(per_container)}
    summary = events[-1]["hosts"]
    assert len(summary) == expected and all(c["failed"] == 0 and c["unreachable"] == 0 for c in summary.values())
    assert peak_mb < 200, f"controller peak memory {peak_mb:.0f} MB"
