"""Observing runs against the real lab: records, history, show, HTML report in chromium, drift, secrets."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import interruptible, orch

pytestmark = pytest.mark.integration

NOLOG_SECRET = "nolog-XYZZY-4242"
BECOME_SECRET = "ops-secret"  # the lab's sudo password of user ops


def _book(tmp_path: Path, lab, name: str = "site.yml") -> Path:
    first = lab.names[0]
    book = tmp_path / name
    book.write_text(f"""
- name: observe
  hosts: lab
  gather_facts: false
  vars:
    nolog_secret: {NOLOG_SECRET}
  tasks:
    - name: motd file
      copy: {{dest: /tmp/orch-observe.txt, content: "run {{{{ run_tag | default('one') }}}}\\n"}}
    - name: secret step
      command: echo {{{{ nolog_secret }}}}
      no_log: true
    - name: breaks on the first host
      command: /bin/false
      when: inventory_hostname == '{first}'
    - name: after
      command: echo fine

- name: become with a password
  hosts: {lab.names[1]}
  gather_facts: false
  remote_user: ops
  become: true
  tasks:
    - name: leaks the password into stdout
      shell: echo "pw={{{{ lookup('env', 'ORCH_BECOME_PASSWORD') }}}} uid=$(id -u)"
""")
    return book


def _ghost_inventory(tmp_path: Path) -> Path:
    extra = tmp_path / "ghost.ini"
    extra.write_text("[lab]\nghost ansible_host=127.0.86.250 ansible_timeout=3\n")
    return extra


def _records(runs: Path) -> list[Path]:
    return sorted(runs.glob("*.jsonl"))


def _chromium_dom(html: Path, shot: Path | None = None) -> str:
    exe = shutil.which("chromium")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is needed (scripts/bootstrap.sh installs it)")
        pytest.skip("no chromium")
    args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            f"--user-data-dir={tempfile.mkdtemp(prefix='orch-chromium-')}", "--window-size=1200,1000"]
    if shot is not None:
        args.append(f"--screenshot={shot}")
    res = subprocess.run([*args, "--dump-dom", html.as_uri()], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    return res.stdout


@pytest.fixture(scope="module")
def failing_run(lab, tmp_path_factory):
    """One run with a diff, a failure, an unreachable host, a no_log task and a become password."""
    tmp = tmp_path_factory.mktemp("observe")
    runs = tmp / "runs"
    orch("exec", "lab", "-i", str(lab.ssh_inventory), "-m", "file", "-a", "path=/tmp/orch-observe.txt state=absent",
         "--runs-dir", str(runs))
    book = _book(tmp, lab)
    res = orch("run", str(book), "-i", str(lab.ssh_inventory), "-i", str(_ghost_inventory(tmp)), "--diff",
               "--runs-dir", str(runs), env={"ORCH_BECOME_PASSWORD": BECOME_SECRET})
    return tmp, runs, book, res


def test_run_is_recorded_with_failures_unreachable_and_diffs(lab, failing_run):
    tmp, runs, book, res = failing_run
    assert res.returncode == 4, res.stdout[-3000:] + res.stderr  # unreachable wins over failed
    record = _records(runs)[-1]
    lines = [json.loads(line) for line in record.read_text().splitlines()]
    assert lines[0]["event"] == "record" and lines[0]["command"] == "run"
    assert lines[0]["playbook"] == str(book)
    assert lines[-1]["event"] == "record_end" and lines[-1]["status"] == "unreachable"
    assert lines[-1]["exit_code"] == 4
    assert any(line["event"] == "summary" for line in lines)
    results = [line for line in lines if line["event"] == "task_result"]
    assert all({"time", "host", "task", "status", "changed", "duration"} <= set(r) for r in results)
    motd = [r for r in results if r["task"] == "motd file" and r["status"] == "changed"]
    assert len(motd) == 3 and all(r["diff"][0]["after"] == "run one\n" for r in motd)
    assert any(r["host"] == "ghost" and r["status"] == "unreachable" for r in results)
    assert any(r["host"] == lab.names[0] and r["status"] == "failed" for r in results)


def test_history_lists_and_shows_the_run(lab, failing_run):
    tmp, runs, book, res = failing_run
    listing = orch("runs", "--runs-dir", str(runs))
    assert listing.returncode == 0, listing.stderr
    rows = listing.stdout.splitlines()
    assert rows[0].split()[:5] == ["ID", "WHEN", "COMMAND", "PLAYBOOK", "HOSTS"]
    assert "exec" in rows[1] and "site.yml" in rows[2] and rows[2].rstrip().endswith("unreachable")
    as_json = [json.loads(line) for line in orch("runs", "--runs-dir", str(runs), "--json").stdout.splitlines()]
    assert as_json[-1]["failed"] == 1 and as_json[-1]["unreachable"] == 1 and as_json[-1]["changed"] >= 3
    assert sorted(as_json[-1]["hosts"]) == sorted([*lab.names, "ghost"])
    show = orch("runs", "show", "last", "--runs-dir", str(runs))
    assert show.returncode == 0, show.stderr
    text = show.stdout
    assert "RECAP" in text and "ghost" in text
    failures = text.split("FAILURES")[1].split("DIFFS")[0]
    assert f"[{lab.names[0]}] breaks on the first host (failed)" in failures
    assert "non-zero return code" in failures
    assert "[ghost]" in failures and "(unreachable)" in failures
    assert "+run one" in text.split("DIFFS")[1]
    assert "SLOWEST TASKS" in text
    run_id = _records(runs)[-1].stem
    assert orch("runs", "show", run_id[:-2], "--runs-dir", str(runs)).stdout == text  # a unique prefix
    assert orch("runs", "show", "nope", "--runs-dir", str(runs)).returncode == 2


def test_html_report_renders_in_chromium(lab, failing_run):
    tmp, runs, book, res = failing_run
    report = tmp / "report.html"
    made = orch("runs", "report", "last", "-o", str(report), "--runs-dir", str(runs))
    assert made.returncode == 0, made.stderr
    html = report.read_text()
    assert "http://" not in html and "https://" not in html and "<script" not in html  # self-contained
    shot = Path(os.environ["ORCH_REPORT_SCREENSHOT"]) if os.environ.get("ORCH_REPORT_SCREENSHOT") else \
        tmp / "report.png"
    dom = _chromium_dom(report, shot)
    assert shot.stat().st_size > 5000
    assert 'id="timeline"' in dom and dom.count('class="bar"') >= 10
    for name in [*lab.names, "ghost"]:
        assert f'title="{name}"' in dom
    assert "Failures (2)" in dom and "breaks on the first host" in dom and "non-zero return code" in dom
    assert '<span class="add">+run one</span>' in dom
    assert 'id="slowest"' in dom


def _every_output(tmp: Path, runs: Path, outputs: list[str]) -> dict[str, str]:
    files = {str(p): p.read_text(errors="replace") for p in runs.rglob("*") if p.is_file()}
    files.update({str(p): p.read_text(errors="replace") for p in tmp.glob("*.html")})
    files.update({f"stdout#{i}": text for i, text in enumerate(outputs)})
    return files


def test_secrets_masked_in_every_sink_and_file(lab, tmp_path):
    runs = tmp_path / "runs"
    book = _book(tmp_path, lab)
    inv = ["-i", str(lab.ssh_inventory)]
    env = {"ORCH_BECOME_PASSWORD": BECOME_SECRET, "ORCH_RUNS_DIR": str(runs)}
    plain = orch("run", str(book), *inv, "--diff", "-vv", env=env)
    assert "pw=******** uid=0" in plain.stdout, plain.stdout[-3000:]  # the task ran, as root, masked
    as_json = orch("run", str(book), *inv, "--json", env=env)
    # The live console: a real terminal via script(1).
    typescript = tmp_path / "typescript"
    command = shlex.join([shutil.which("orch", path=os.path.dirname(sys.executable)) or "orch",
                          "run", str(book), *inv, "-v"])
    live = subprocess.run(["script", "-qec", command, str(typescript)], capture_output=True, text=True,
                          env={**os.environ, **env, "TERM": "xterm", "COLUMNS": "120"}, timeout=300)
    assert "PLAY RECAP" in live.stdout and "\x1b[" in live.stdout  # rich drew it on the terminal
    adhoc = orch("exec", lab.names[1], *inv, "-u", "ops", "-b", "-m", "shell", "-a",
                 f"echo leak-{BECOME_SECRET}-here; id -u", env=env)
    assert "leak-********-here" in adhoc.stdout and "\n0" in adhoc.stdout, adhoc.stdout
    report = orch("runs", "report", "~2", "-o", str(tmp_path / "report.html"), env=env)
    assert report.returncode == 0, report.stderr
    assert len(_records(runs)) == 4
    outputs = [plain.stdout, plain.stderr, as_json.stdout, live.stdout, typescript.read_text(errors="replace"),
               adhoc.stdout, adhoc.stderr]
    for name, text in _every_output(tmp_path, runs, outputs).items():
        assert NOLOG_SECRET not in text, name
        assert BECOME_SECRET not in text, name


def test_drift_from_recorded_check_runs(lab, tmp_path):
    runs = tmp_path / "runs"
    book = tmp_path / "drift.yml"
    book.write_text("- hosts: lab\n  gather_facts: false\n  tasks:\n"
                    "    - name: drift file\n      copy: {dest: /tmp/orch-drift.txt, content: \"v1\\n\"}\n")
    inv = ["-i", str(lab.ssh_inventory), "--runs-dir", str(runs)]
    assert orch("run", str(book), *inv).returncode == 0
    first = orch("run", str(book), *inv, "--check")
    assert first.returncode == 0
    clean = orch("runs", "drift", "--runs-dir", str(runs))
    assert clean.returncode == 0 and "in sync" in clean.stdout, clean.stdout
    target = lab.names[2]
    orch("exec", target, "-i", str(lab.ssh_inventory), "-m", "shell", "-a", "echo tampered > /tmp/orch-drift.txt")
    for _ in range(2):
        assert orch("run", str(book), *inv, "--check").returncode == 0
    drifted = orch("runs", "drift", "--runs-dir", str(runs))
    assert drifted.returncode == 3, drifted.stdout + drifted.stderr
    lines = drifted.stdout.splitlines()
    assert lines[0].startswith(f"{target}: drifted since") and "(2 plans" in lines[0]
    assert "changed" in lines[1] and "drift file" in lines[1]
    assert "in sync:" in drifted.stdout and lab.names[0] in drifted.stdout.split("in sync:")[1]
    data = [json.loads(line) for line in orch("runs", "drift", "--json", "--runs-dir", str(runs)).stdout.splitlines()]
    assert [d["host"] for d in data if d["drifted"]] == [target]
    assert orch("run", str(book), *inv).returncode == 0  # converge, then the next plan is empty
    assert orch("run", str(book), *inv, "--check").returncode == 0
    assert orch("runs", "drift", "--runs-dir", str(runs)).returncode == 0


def test_interrupted_run_ends_its_record(lab, tmp_path):
    runs = tmp_path / "runs"
    book = tmp_path / "slow.yml"
    # The debug step keeps the two commands out of one batched round trip: the signal must
    # arrive while the sleep runs.
    book.write_text("- hosts: lab\n  gather_facts: false\n  tasks:\n    - command: echo started\n"
                    "    - debug: msg=between\n    - command: sleep 4\n")
    exe = shutil.which("orch", path=os.path.dirname(sys.executable)) or "orch"
    proc = subprocess.Popen([exe, "run", str(book), "-i", str(lab.ssh_inventory), "--runs-dir", str(runs)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=interruptible)
    deadline = time.time() + 60
    while time.time() < deadline:  # interrupt once the first results are recorded
        if any('"task_result"' in p.read_text() for p in runs.glob("*.jsonl")):
            break
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, out + err
    lines = [json.loads(line) for line in _records(runs)[-1].read_text().splitlines()]
    assert lines[-1]["event"] == "record_end" and lines[-1]["status"] == "interrupted"
    listing = orch("runs", "--runs-dir", str(runs))
    assert listing.stdout.splitlines()[1].rstrip().endswith("interrupted")


def test_init_project_runs_against_the_lab(lab, tmp_path):
    project = tmp_path / "proj"
    made = orch("init", str(project))
    assert made.returncode == 0, made.stderr
    for name in ("playbooks", "inventories", "group_vars", "roles", "vagrant", "orch.toml"):
        assert (project / name).exists(), name
    inv = ["-i", str(lab.ssh_inventory)]  # the scaffold names the default lab; the tests run their own
    first = orch("run", "site.yml", *inv, "--json", cwd=project)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr
    second = orch("run", "site.yml", *inv, "--json", cwd=project)
    summary = [json.loads(line) for line in second.stdout.splitlines() if line.startswith("{")][-1]["hosts"]
    assert sorted(summary) == sorted(lab.names) and all(c["changed"] == 0 for c in summary.values())
    motd = orch("exec", lab.names[0], *inv, "-a", "cat /etc/motd", cwd=project)
    assert "managed by orch for the ops team" in motd.stdout and "Environment: lab" in motd.stdout
    listing = orch("runs", cwd=project)  # records sit in the project (orch.toml marks it), found from there
    assert listing.stdout.count("site.yml") == 2 and "exec" in listing.stdout, listing.stdout
    assert orch("init", str(project)).returncode == 2  # never overwrites without --force
