"""Whole runs over the local connection, for behaviour only a run shows (async jobs, task errors)."""

from __future__ import annotations

from tests.conftest import orch

ASYNC_DIR = """\
- hosts: all
  gather_facts: false
  vars: {ansible_async_dir: "{{ jobs }}"}
  tasks:
    - command: sleep 1
      async: 5
      poll: 1
      register: polled
    - command: "true"
      async: 5
      poll: 0
      register: started
    - async_status: {jid: "{{ started.ansible_job_id }}"}
      register: job
      until: job is finished
      retries: 20
      delay: 1
    - assert: {that: [polled is finished, polled is successful, job is successful]}
"""


CHECKED_JOB = """\
- hosts: all
  gather_facts: false
  tasks:
    - stat: {path: /}
      async: 30
      poll: 0
      register: started
    - async_status: {jid: "{{ started.ansible_job_id }}"}
      register: job
      until: job is finished
      retries: 20
      delay: 1
    - assert: {that: [job.stat.isdir]}
"""


def _run(tmp_path, playbook, *options, **extra):
    (tmp_path / "inv").write_text("localhost ansible_connection=local\n")
    (tmp_path / "pb.yml").write_text(playbook)
    options = [*options, *(arg for key, value in extra.items() for arg in ("-e", f"{key}={value}"))]
    out = orch("run", str(tmp_path / "pb.yml"), "-i", str(tmp_path / "inv"), *options, "--no-color",
               "--runs-dir", str(tmp_path / "runs"), cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    return out


def test_async_jobs_go_where_ansible_async_dir_says(tmp_path):
    out = _run(tmp_path, ASYNC_DIR, jobs=tmp_path / "jobs")
    assert (tmp_path / "jobs").is_dir()
    # the console shows a polled job's checks and its end as Ansible's does
    assert "ASYNC POLL on localhost: jid=" in out.stdout and "ASYNC OK on localhost: jid=" in out.stdout


def test_an_async_job_in_check_mode_runs_in_the_background_as_ansibles(tmp_path):
    """--check (Ansible's check mode): the job checks in the background; async_status finds it."""
    _run(tmp_path, CHECKED_JOB, "--check")


BAD_OPTIONS = """\
- hosts: all
  gather_facts: false
  tasks:
    - file: {state: hard}
      register: missing
      ignore_errors: true
    - shell: echo hi
      args: {expand_argument_vars: false}
      register: unsupported
      ignore_errors: true
    - assert:
        that:
          - "missing.msg == 'missing required arguments: path'"
          - "unsupported.msg == 'Unsupported parameters for (shell) module: expand_argument_vars'"
"""


def test_option_errors_fail_the_task_in_ansibles_words(tmp_path):
    """Found at load (orch warns with file:line before the run), they fail the task with Ansible's msg."""
    out = _run(tmp_path, BAD_OPTIONS)
    assert "pb.yml:4:" in out.stdout + out.stderr

