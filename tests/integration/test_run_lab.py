"""orch run against the real lab: playbook features, idempotence, check mode, errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import orch

pytestmark = pytest.mark.integration
DATA = Path(__file__).resolve().parent.parent / "data" / "playbooks" / "engine"


def _events(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


def _summary(stdout: str) -> dict:
    events = _events(stdout)
    assert events[-1]["event"] == "summary"
    return events[-1]["hosts"]


def _reset(lab, inventory):
    orch("exec", "lab", "-i", str(inventory), "-m", "shell", "-a", "rm -rf /tmp/orch-engine")


def test_engine_features_converge_then_unchanged(lab, lab_inventory):
    _reset(lab, lab_inventory)
    first = orch("run", str(DATA / "site.yml"), "-i", str(lab_inventory), "--json")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr
    summary = _summary(first.stdout)
    assert set(summary) == set(lab.names)
    for counts in summary.values():
        assert counts["failed"] == 0 and counts["rescued"] == 1 and counts["unreachable"] == 0
        assert counts["changed"] >= 3  # mkdir, guarded, loop, handler
    results = [e for e in _events(first.stdout) if e["event"] == "task_result"]
    once = [e for e in results if e["task"] == "run once"]
    assert len(once) == 1  # run_once runs (and reports) on one host
    assert not [e for e in results if e["task"] == "tagged only" and e["status"] == "skipped"]
    handler = [e for e in results if e.get("handler")]
    assert sorted(e["host"] for e in handler) == lab.names
    second = orch("run", str(DATA / "site.yml"), "-i", str(lab_inventory), "--json")
    assert second.returncode == 0, second.stdout[-3000:]
    assert all(c["changed"] == 0 for c in _summary(second.stdout).values())


def test_check_mode_predicts_and_changes_nothing(lab, lab_inventory):
    _reset(lab, lab_inventory)
    plan = orch("plan", str(DATA / "site.yml"), "-i", str(lab_inventory), "--json")
    assert plan.returncode == 0, plan.stdout[-3000:]
    listing = orch("exec", "lab", "-i", str(lab_inventory), "-m", "shell", "-a", "ls /tmp/orch-engine 2>&1 | wc -l",
                   "--json")
    assert all(e["result"]["stdout"] in ("0", "1") for e in _events(listing.stdout) if e["event"] == "task_result")
    assert "No such file" in orch("exec", lab.names[0], "-i", str(lab_inventory), "-a",
                                  "ls /tmp/orch-engine").stdout


def test_tags_select_tasks(lab):
    res = orch("run", str(DATA / "site.yml"), "-i", str(lab.ssh_inventory), "--json", "-t", "special")
    assert res.returncode == 0, res.stdout[-2000:]
    tasks = {e["task"] for e in _events(res.stdout) if e["event"] == "task_result"}
    assert tasks == {"Gathering Facts", "tagged only"}


def test_plain_output_reads_like_ansible(lab):
    res = orch("run", str(DATA / "site.yml"), "-i", str(lab.ssh_inventory), "-l", lab.names[0])
    assert res.returncode == 0, res.stdout[-2000:]
    assert "PLAY [engine features]" in res.stdout
    assert res.stdout.count("TASK [greeter : greet]") == 1
    assert "PLAY RECAP" in res.stdout and f"{lab.names[0]}" in res.stdout.split("PLAY RECAP")[1]


def test_failure_stops_host_others_go_on(lab, tmp_path):
    book = tmp_path / "fail.yml"
    book.write_text(
        "- hosts: lab\n  gather_facts: false\n  tasks:\n"
        f"    - command: /bin/false\n      when: inventory_hostname == '{lab.names[0]}'\n"
        "    - debug: msg=after\n"
    )
    res = orch("run", str(book), "-i", str(lab.ssh_inventory), "--json")
    assert res.returncode == 1
    summary = _summary(res.stdout)
    assert summary[lab.names[0]]["failed"] == 1 and summary[lab.names[0]]["ok"] == 0
    assert summary[lab.names[1]]["ok"] == 1 and summary[lab.names[1]]["skipped"] == 1


def test_undefined_variable_names_file_line_and_host(lab, tmp_path):
    book = tmp_path / "undef.yml"
    book.write_text("- hosts: lab\n  gather_facts: false\n  tasks:\n    - name: uses nope\n"
                    "      debug:\n        msg: \"{{ nope }}\"\n")
    res = orch("run", str(book), "-i", str(lab.ssh_inventory))
    assert res.returncode == 1
    assert "nope" in res.stdout and f"{book}:6" in res.stdout
    assert "Traceback" not in res.stdout + res.stderr


# Bad at load: exit 2 before connecting. Bad only when reached (as Ansible finds them): the task
# fails on the host (exit 1) and --strict, the lint mode, refuses them at load (exit 2).
@pytest.mark.parametrize("text,needle,when_reached", [
    ("- hosts: lab\n  tasks:\n    - command: ls\n      whenn: true\n", "whenn", False),
    ("- hosts: lab\n  tasks: [\n", "invalid YAML", False),
    ("- hosts: lab\n  tasks:\n    - pnig:\n", "did you mean 'ping'", True),
    ("- hosts: lab\n  tasks:\n    - template:\n        src: nope.j2\n", "dest", True),
])
def test_bad_playbooks_fail_with_location(lab, tmp_path, text, needle, when_reached):
    book = tmp_path / "bad.yml"
    book.write_text(text)
    res = orch("run", str(book), "-i", str(lab.ssh_inventory))
    if when_reached:
        assert res.returncode == 1, res.stdout + res.stderr
        # the failed task says what (in Ansible's words) and orch's warning before the run says where
        assert needle in res.stdout and f"{book}:" in res.stdout + res.stderr
        res = orch("run", str(book), "-i", str(lab.ssh_inventory), "--strict")
    assert res.returncode == 2, res.stdout + res.stderr
    assert needle in res.stderr and str(book) in res.stderr
    assert "Traceback" not in res.stdout + res.stderr


def test_unreachable_host_exit_4(lab, tmp_path):
    inv = tmp_path / "inv.ini"
    inv.write_text(f"[lab]\n{lab.names[0]} ansible_host={lab.address(lab.names[0])}\n"
                   "ghost ansible_host=127.0.250.251 ansible_timeout=2\n"
                   f"[all:vars]\nansible_user=root\nansible_ssh_private_key_file={lab.key}\n"
                   f"orch_known_hosts_file={lab.known_hosts}\n")
    res = orch("run", str(DATA / "site.yml"), "-i", str(inv), "--json", "-t", "special")
    assert res.returncode == 4
    summary = _summary(res.stdout)
    assert summary["ghost"]["unreachable"] == 1 and summary[lab.names[0]]["failed"] == 0


def test_serial_batches_and_extra_vars(lab, tmp_path):
    book = tmp_path / "serial.yml"
    book.write_text("- hosts: lab\n  gather_facts: false\n  serial: [1, 2]\n  tasks:\n"
                    "    - debug: msg={{ who }}\n")
    res = orch("run", str(book), "-i", str(lab.ssh_inventory), "--json", "-e", "who=me")
    assert res.returncode == 0, res.stdout
    msgs = [e["result"]["msg"] for e in _events(res.stdout) if e["event"] == "task_result"]
    assert msgs == ["me"] * 3


def test_batched_steps_stop_at_a_failure_like_single_ones(lab, tmp_path):
    book = tmp_path / "batch.yml"
    book.write_text(
        "- hosts: lab\n  gather_facts: false\n  tasks:\n"
        "    - file: path=/tmp/orch-batch state=absent\n"
        "    - file: path=/tmp/orch-batch state=directory\n"
        "    - command: touch /tmp/orch-batch/a\n"
        "    - command: /bin/false\n      ignore_errors: true\n"
        "    - command: ls /nonexistent\n      failed_when: false\n"
        "    - command: touch /tmp/orch-batch/b\n"
        "    - command: /bin/false\n"
        "    - command: touch /tmp/orch-batch/c\n"
    )
    orch("exec", "lab", "-i", str(lab.ssh_inventory), "-a", "rm -rf /tmp/orch-batch")
    res = orch("run", str(book), "-i", str(lab.ssh_inventory), "--json")
    assert res.returncode == 1
    statuses = [(e["action"], e["status"], e["ignored"]) for e in _events(res.stdout)
                if e["event"] == "task_result" and e["host"] == lab.names[0]]
    assert statuses == [("file", "ok", False), ("file", "changed", False), ("command", "changed", False),
                        ("command", "failed", True), ("command", "changed", False), ("command", "changed", False),
                        ("command", "failed", False)]
    listing = orch("exec", lab.names[0], "-i", str(lab.ssh_inventory), "-a", "ls /tmp/orch-batch")
    assert listing.stdout.split(">>\n", 1)[1].split() == ["a", "b"]


def test_large_file_goes_in_chunks_and_converges(lab, lab_inventory, tmp_path):
    big = tmp_path / "big.bin"
    with open(big, "wb") as handle:
        for i in range(20):  # 20 MiB: several chunks, more than the staging limit
            handle.write(bytes([i]) * (1024 * 1024))
    import hashlib

    expected = hashlib.sha1(big.read_bytes()).hexdigest()
    book = tmp_path / "big.yml"
    book.write_text(f"- hosts: {lab.names[0]}\n  gather_facts: false\n  tasks:\n"
                    f"    - copy: src={big} dest=/tmp/orch-big.bin mode=0600\n")
    orch("exec", lab.names[0], "-i", str(lab_inventory), "-a", "rm -f /tmp/orch-big.bin")
    first = orch("run", str(book), "-i", str(lab_inventory), "--json")
    assert first.returncode == 0, first.stdout[-2000:]
    assert _summary(first.stdout)[lab.names[0]]["changed"] == 1
    check = orch("exec", lab.names[0], "-i", str(lab_inventory), "-m", "shell", "-a",
                 "sha1sum /tmp/orch-big.bin; stat -c %a /tmp/orch-big.bin; ls -a /tmp | grep -c orch-stage || true")
    assert expected in check.stdout and "\n600\n0" in check.stdout  # no staged file left behind
    second = orch("run", str(book), "-i", str(lab_inventory), "--json")
    assert _summary(second.stdout)[lab.names[0]]["changed"] == 0


def test_role_filter_plugins_render_in_a_template_task(lab, tmp_path):
    """A role's filter_plugins/ (Ansible's Python plugins, imported on the controller) in its template;
    the playbook's action_plugins/ run on the controller (site.yml asserts their results)."""
    book = tmp_path / "book"
    shutil.copytree(Path(__file__).resolve().parent.parent / "data" / "py_plugins" / "book", book)
    dest = "/tmp/orch-py-plugins.txt"
    res = orch("run", str(book / "site.yml"), "-i", str(lab.ssh_inventory), "--limit", lab.names[0],
               "-e", f"shout_dest={dest}")
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr
    shown = orch("exec", lab.names[0], "-i", str(lab.ssh_inventory), "-a", f"cat {dest}")
    assert "HELLO!" in shown.stdout
