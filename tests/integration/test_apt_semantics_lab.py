"""apt as Ansible decides it, and plans that do not fail where the run would not.

ansible-core's apt needs python3-apt (and network to install it), which lab hosts lack, so
these assert Ansible's documented outcome directly.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import orch

pytestmark = pytest.mark.integration


def _orch_on_first(command: str, lab, book, *extra):
    """`orch run|plan BOOK` on the lab's first host over SSH."""
    return orch(command, str(book), "-i", str(lab.ssh_inventory), "-l", lab.names[0], *extra)


def _results(stdout: str) -> dict[str, dict]:
    events = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    return {e["task"]: e for e in events if e.get("event") == "task_result"}


def test_virtual_package_provided_by_an_installed_one_is_left_alone(lab, tmp_path):
    book = tmp_path / "virtual.yml"
    # 'awk' is a virtual package; mawk (in every Debian base) provides it: apt-get would install nothing.
    book.write_text("- hosts: all\n  gather_facts: false\n  tasks:\n    - name: virtual\n      apt: {name: awk}\n")
    for extra in (["--check"], []):
        res = _orch_on_first("run", lab, book, "--json", *extra)
        assert res.returncode == 0, res.stdout[-3000:]
        assert _results(res.stdout)["virtual"]["status"] == "ok", res.stdout[-3000:]


def test_plan_of_an_install_after_a_list_update_is_unknown_not_failed(lab, tmp_path):
    book = tmp_path / "lists.yml"
    book.write_text("""
- hosts: all
  gather_facts: false
  tasks:
    - name: refresh
      apt: {update_cache: true}
    - name: install
      apt: {name: orch-no-such-package-yet}
    - name: after
      debug: msg=planned
""")
    res = _orch_on_first("plan", lab, book, "--json")
    results = _results(res.stdout)
    assert results["install"]["status"] == "unknown", res.stdout[-3000:]
    assert results["after"]["status"] == "ok"
    # Without a step that changes the lists first (and lists fetched before), a package apt cannot find
    # fails the plan, as the run would.
    book.write_text("- hosts: all\n  gather_facts: false\n  tasks:\n    - apt: {update_cache: true}\n")
    assert _orch_on_first("run", lab, book).returncode == 0
    book.write_text("- hosts: all\n  gather_facts: false\n  tasks:\n    - name: install\n"
                    "      apt: {name: orch-no-such-package-yet}\n")
    res = _orch_on_first("plan", lab, book, "--json")
    assert _results(res.stdout)["install"]["status"] == "failed", res.stdout[-3000:]


def test_install_on_lists_never_fetched_fetches_them_first(lab, tmp_path):
    # A fresh image has no package lists. Ansible's apt on such a host (without python3-apt) runs
    # apt-get update to install python3-apt first, so the package is found: orch updates them too,
    # but only when there is something to install (orch needs no python3-apt).
    book = tmp_path / "fresh.yml"
    book.write_text("""
- hosts: all
  gather_facts: false
  tasks:
    - shell: rm -rf /var/lib/apt/lists/*; apt-get -y -q remove debconf-utils >/dev/null 2>&1; true
    - name: installed already
      apt: {name: procps}
    - name: lists
      shell: ls /var/lib/apt/lists | grep -c _Packages || true
    - name: install
      apt: {name: debconf-utils}
    - name: again
      apt: {name: debconf-utils}
    - name: cleanup
      apt: {name: debconf-utils, state: absent}
""")
    res = _orch_on_first("run", lab, book, "--json")
    assert res.returncode == 0, res.stdout[-3000:]
    results = _results(res.stdout)
    assert results["install"]["status"] == "changed" and results["again"]["status"] == "ok", res.stdout[-3000:]
    assert results["installed already"]["status"] == "ok"
    assert results["lists"]["result"]["stdout"] == "0", "lists fetched with nothing to install"
