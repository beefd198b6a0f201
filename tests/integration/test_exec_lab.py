"""orch exec against the real lab, over SSH and over the Docker API."""

from __future__ import annotations

import json

import pytest

from tests.conftest import orch

pytestmark = pytest.mark.integration


def _events(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_ping_every_host(lab, lab_inventory):
    res = orch("exec", "all", "-i", str(lab_inventory), "-m", "ping", "--json")
    assert res.returncode == 0, res.stderr
    results = [e for e in _events(res.stdout) if e["event"] == "task_result"]
    assert sorted(e["host"] for e in results) == lab.names
    assert all(e["result"]["ping"] == "pong" and e["status"] == "ok" for e in results)
    summary = _events(res.stdout)[-1]
    assert summary["event"] == "summary" and set(summary["hosts"]) == set(lab.names)


def test_setup_gives_each_hosts_own_facts(lab, lab_inventory):
    res = orch("exec", "all", "-i", str(lab_inventory), "-m", "setup", "--json")
    assert res.returncode == 0, res.stderr
    for event in (e for e in _events(res.stdout) if e["event"] == "task_result"):
        facts = event["result"]["ansible_facts"]
        assert facts["ansible_hostname"] == event["host"]  # each container is its own host
        assert facts["ansible_distribution"] == "Debian"
        assert facts["ansible_distribution_major_version"] == "12"
        assert facts["ansible_os_family"] == "Debian"
        assert facts["ansible_python_version"].startswith("3.")
        assert facts["ansible_processor_count"] >= 1 and facts["ansible_memtotal_mb"] > 0
        assert facts["ansible_architecture"]


def test_command_runs_without_a_shell(lab, lab_inventory):
    hostile = "x; touch /tmp/pwned $(touch /tmp/pwned2) `touch /tmp/pwned3`"
    res = orch("exec", "web", "-i", str(lab_inventory), "-m", "command", "-a",
               json.dumps({"argv": ["printf", "%s", hostile]}), "--json")
    assert res.returncode == 0, res.stderr
    for event in (e for e in _events(res.stdout) if e["event"] == "task_result"):
        assert event["result"]["stdout"] == hostile
        assert event["status"] == "changed"
    check = orch("exec", "web", "-i", str(lab_inventory), "-m", "shell", "-a",
                 "ls /tmp/pwned /tmp/pwned2 /tmp/pwned3 2>/dev/null | wc -l", "--json")
    assert all(e["result"]["stdout"] == "0" for e in _events(check.stdout) if e["event"] == "task_result")


def test_failing_command_exit_1_others_complete(lab, lab_inventory):
    res = orch("exec", "all", "-i", str(lab_inventory), "-m", "shell", "-a",
               f"test $(hostname) != {lab.names[0]}", "--json")
    assert res.returncode == 1
    status = {e["host"]: e["status"] for e in _events(res.stdout) if e["event"] == "task_result"}
    assert status == {lab.names[0]: "failed", lab.names[1]: "changed", lab.names[2]: "changed"}


def test_raw_needs_no_python(lab):
    res = orch("exec", lab.names[0], "-i", str(lab.ssh_inventory), "-m", "raw", "-a", "echo raw-$(hostname)", "-o")
    assert res.returncode == 0, res.stderr
    assert f"raw-{lab.names[0]}" in res.stdout


def test_missing_python_names_raw(lab):
    inv = lab.directory / "nopython.yml"
    inv.write_text(lab.ssh_inventory.read_text().replace("/usr/bin/python3", "/usr/bin/python9"))
    res = orch("exec", "all", "-i", str(inv), "-m", "ping", "-o")
    assert res.returncode == 1  # reachable, but the step cannot run: a failure, as in Ansible
    assert "raw" in res.stdout and "python9" in res.stdout
    assert "Traceback" not in res.stdout + res.stderr


def test_unreachable_host_one_line_reason_exit_4(lab, tmp_path):
    inv = tmp_path / "inv.ini"
    inv.write_text(
        f"{lab.names[0]} ansible_host={lab.address(lab.names[0])}\n"
        "ghost ansible_host=127.0.250.250 ansible_timeout=3\n"
        f"[all:vars]\nansible_user=root\nansible_ssh_private_key_file={lab.key}\n"
        f"orch_known_hosts_file={lab.known_hosts}\n"
    )
    res = orch("exec", "all", "-i", str(inv), "-m", "ping", "-o")
    assert res.returncode == 4
    lines = res.stdout.splitlines()
    ghost = [line for line in lines if line.startswith("ghost |")]
    assert len(ghost) == 1 and "UNREACHABLE" in ghost[0] and "refused" in ghost[0]
    assert any(line.startswith(f"{lab.names[0]} | SUCCESS") for line in lines)


def test_stopped_container_is_unreachable_over_docker(lab, tmp_path):
    inv = tmp_path / "inv.yml"
    inv.write_text("all:\n  hosts:\n    gone:\n      ansible_connection: docker\n      ansible_host: orch-no-such-container\n")
    res = orch("exec", "all", "-i", str(inv), "-m", "ping", "-o")
    assert res.returncode == 4
    assert "no such container" in res.stdout


def test_become_with_sudo(lab):
    inv = str(lab.ssh_inventory)
    host = lab.names[0]
    res = orch("exec", host, "-i", inv, "-u", "orch", "-b", "-a", "id -un", "-o")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "root" in res.stdout
    res = orch("exec", host, "-i", inv, "-u", "orch", "-a", "id -un", "-o")
    assert "orch" in res.stdout
    # ops needs a password for sudo
    res = orch("exec", host, "-i", inv, "-u", "ops", "-b", "-a", "id -un", "-o")
    assert res.returncode == 1 and "password" in res.stdout
    res = orch("exec", host, "-i", inv, "-u", "ops", "-b", "-K", "-a", "id -un", "-o", input="ops-secret\n")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "root" in res.stdout
    res = orch("exec", host, "-i", inv, "-b", "--become-user", "orch", "-a", "id -un", "-o")
    assert res.returncode == 0 and "| rc=0 >>\norch" in res.stdout.replace(" \n", "\n")


# As the become targets of ansible-core: the right password, then a wrong one (raw and a module).
_PASSWORD_STEPS = """
- hosts: all
  gather_facts: false
  become: true
  vars: {{ansible_become_password: ops-secret}}
  {how}
  tasks:
    - {{raw: whoami, register: raw_ok}}
    - {{command: whoami, register: agent_ok}}
    - {{raw: exit 99, vars: {{ansible_become_password: BOGUSPASS}}, register: raw_bogus, ignore_errors: true}}
    - {{command: whoami, vars: {{ansible_become_password: BOGUSPASS}}, register: agent_bogus, ignore_errors: true}}
"""

_BECOME_BOOK = _PASSWORD_STEPS.format(how="") + """    - {raw: echo hi, vars: {ansible_sudo_chdir: /nonexistent_dir}, register: bad_dir, ignore_errors: true}
    - {raw: pwd, vars: {ansible_sudo_chdir: /}, register: root_dir}
    - raw: echo "shim=$ORCH_SHIM"
      vars: {ansible_become_exe: env ORCH_SHIM=via-exe sudo, ansible_become_flags: -H -S -n --preserve-env=ORCH_SHIM}
      register: shim
    - {command: whoami, vars: {ansible_become_user: ""}, register: no_user}
    - assert:
        that:
          - raw_ok.stdout_lines[-1] == 'root' and agent_ok.stdout == 'root'
          - raw_bogus is failed and raw_bogus.msg == 'Incorrect sudo password'
          - agent_bogus is failed and 'Incorrect sudo password' in agent_bogus.msg
          - bad_dir is failed and (bad_dir.stdout ~ bad_dir.stderr) is search 'cd.*/nonexistent_dir'
          - root_dir.stdout_lines[-1] == '/'
          - shim.stdout_lines[-1] == 'shim=via-exe'
          - no_user.stdout == 'root'
"""


def _run_book_as(lab, tmp_path, user: str, book: str, extra: str = ""):
    """``book`` run on the lab's first host, logged in as ``user``."""
    name = lab.names[0]
    inv = tmp_path / "inv.ini"
    inv.write_text(f"{name} ansible_host={lab.address(name)} ansible_user={user} ansible_ssh_private_key_file={lab.key} "
                   f"orch_known_hosts_file={lab.known_hosts} ansible_python_interpreter=/usr/bin/python3 {extra}\n")
    (tmp_path / "book.yml").write_text(book)
    return orch("run", str(tmp_path / "book.yml"), "-i", str(inv))


def test_become_password_exe_flags_and_chdir(lab, tmp_path):
    """Ansible's become options: a wrong sudo password says so (raw and modules), become_exe and
    become_flags replace sudo and its flags (-n dropped when a password is given), sudo_chdir."""
    res = _run_book_as(lab, tmp_path, "ops", _BECOME_BOOK)
    assert res.returncode == 0, res.stdout + res.stderr


_SU_BOOK = _PASSWORD_STEPS.format(how="become_method: su\n  become_user: ops") + """    - {raw: echo hi, vars: {ansible_su_prompt_l10n: [NOT_A_VALID_PROMPT]}, register: no_prompt, ignore_unreachable: true}
    - assert:
        that:
          - raw_ok.stdout_lines[-1] == 'ops' and agent_ok.stdout == 'ops'
          - raw_bogus is failed and raw_bogus.msg is contains 'Incorrect su password'
          - agent_bogus is failed and agent_bogus.msg is contains 'Incorrect su password'
          - no_prompt is unreachable and no_prompt.msg is contains 'waiting for privilege escalation prompt'
"""


def test_su_with_a_password_answers_its_prompt_on_a_terminal(lab, tmp_path):
    """su reads a password only from a terminal: over ssh orch opens one for that start alone."""
    res = _run_book_as(lab, tmp_path, "orch", _SU_BOOK, "ansible_timeout=3")
    assert res.returncode == 0, res.stdout + res.stderr
