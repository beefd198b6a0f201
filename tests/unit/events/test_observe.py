"""Run records, history, drift, the HTML report, the consoles and the settings (no hosts needed)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from orch.config import default_map, load_settings
from orch.errors import ParseError, UsageError
from orch.events import EventBus
from orch.events.history import diff_lines, drift, find_record, list_records, read_record, shows_change
from orch.events.recording import new_run_id, open_run_record, resolve_runs_dir
from orch.events.report import render_report

RECAP = {"ok": 1, "changed": 1, "unreachable": 0, "failed": 0, "skipped": 0, "rescued": 0, "ignored": 0}


def _run(bus: EventBus, hosts: dict[str, str], check: bool = False) -> None:
    """A tiny fake run: one task per host with the given status."""
    bus.emit("run_started", command="run", playbook="site.yml", check=check)
    for host, status in hosts.items():
        result = {"changed": status == "changed", "msg": f"{host} said no" if status == "failed" else ""}
        if status == "changed":
            result["diff"] = [{"before": "a\n", "after": "b\n", "before_header": "/etc/x", "after_header": "/etc/x"}]
        bus.emit("task_result", host=host, task="<b>step</b>", status=status, changed=status == "changed",
                 duration=0.5, result=result, location="site.yml:3")
    bus.emit("summary", hosts={h: {**RECAP, "failed": int(s == "failed"), "changed": int(s == "changed")}
                               for h, s in hosts.items()})


def _record(tmp_path: Path, hosts: dict[str, str], command: str = "run", check: bool = False) -> None:
    bus = EventBus()
    with open_run_record(bus, command, [command, "site.yml"], playbook=str(tmp_path / "site.yml"),
                         runs_dir=str(tmp_path / "runs")) as record:
        _run(bus, hosts, check)
        record.finish(1 if "failed" in hosts.values() else 0)


def test_record_format_and_status(tmp_path):
    _record(tmp_path, {"a": "changed", "b": "failed"})
    (path,) = (tmp_path / "runs").glob("*.jsonl")
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines[0]["event"] == "record" and lines[0]["format"] == 1 and lines[0]["id"] == path.stem
    assert lines[-1]["event"] == "record_end" and lines[-1]["status"] == "failed" and lines[-1]["exit_code"] == 1
    changed = next(line for line in lines if line.get("host") == "a" and line["event"] == "task_result")
    assert changed["diff"][0]["after"] == "b\n" and "diff" not in changed["result"]  # lifted out of the result


def test_record_masks_secrets_and_ends_interrupted(tmp_path):
    bus = EventBus()
    bus.masker.remember("hunter2")
    with pytest.raises(KeyboardInterrupt):
        with open_run_record(bus, "exec", ["exec", "all", "-a", "echo hunter2"], runs_dir=str(tmp_path)):
            bus.emit("task_result", host="h", task="echo hunter2", status="ok", result={"stdout": "hunter2"})
            raise KeyboardInterrupt
    text = next(tmp_path.glob("*.jsonl")).read_text()
    assert "hunter2" not in text and text.count("********") == 3
    assert json.loads(text.splitlines()[-1])["status"] == "interrupted"
    assert bus.sinks == []  # the record left the bus


def test_records_can_be_turned_off_and_unwritable_dirs_only_warn(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ORCH_RECORD", "0")
    _record(tmp_path, {"a": "ok"})
    assert not (tmp_path / "runs").exists()
    monkeypatch.delenv("ORCH_RECORD")
    (tmp_path / "file").write_text("")
    bus = EventBus()
    with open_run_record(bus, "run", [], runs_dir=str(tmp_path / "file" / "runs")) as record:
        record.finish(0)
    assert "cannot write the run record" in capsys.readouterr().err


def test_a_diff_with_the_same_before_and_after_shows_nothing():
    """file's diff names its path even when nothing changed: no lines, and not one of the run's diffs."""
    same = {"before": {"path": "/x"}, "after": {"path": "/x"}}
    assert diff_lines(same) == [] and not shows_change(same)
    moved = {"before": {"path": "/x", "mtime": 1.0}, "after": {"path": "/x", "mtime": 2.0}}
    assert shows_change(moved) and diff_lines(moved)[0].startswith("--- before: ")


def test_run_ids_sort_by_time_within_one_second():
    base = 1_700_000_000.0
    ids = [new_run_id(base + ms / 1000) for ms in (5, 40, 999)]
    assert sorted(reversed(ids)) == ids  # a cleanup and the run after it, in the same second


def test_runs_dir_follows_the_project(tmp_path, monkeypatch):
    monkeypatch.delenv("ORCH_RUNS_DIR", raising=False)
    (tmp_path / "playbooks").mkdir()
    assert resolve_runs_dir(None, str(tmp_path / "playbooks" / "x.yml")) == tmp_path / "playbooks" / ".orch" / "runs"
    (tmp_path / "orch.toml").write_text("")
    assert resolve_runs_dir(None, str(tmp_path / "playbooks" / "x.yml")) == tmp_path / ".orch" / "runs"
    monkeypatch.setenv("ORCH_RUNS_DIR", "/elsewhere")
    assert resolve_runs_dir(None, "x.yml") == Path("/elsewhere")
    assert resolve_runs_dir("/given", "x.yml") == Path("/given")


def test_find_record_and_cut_short_records(tmp_path):
    for hosts in ({"a": "ok"}, {"a": "changed"}, {"a": "failed"}):
        _record(tmp_path, hosts)
    runs = tmp_path / "runs"
    records = list_records(runs)
    assert [r.status for r in records] == ["ok", "changed", "failed"]
    assert find_record(runs, "last").id == records[-1].id
    assert find_record(runs, "~3").id == records[0].id
    assert find_record(runs, records[1].id[:-1]).id == records[1].id
    with pytest.raises(UsageError):
        find_record(runs, "~9")
    # A killed run: no summary, no end, a half-written last line.
    path = records[-1].path
    lines = path.read_text().splitlines()
    path.write_text("\n".join(line for line in lines if '"summary"' not in line and '"record_end"' not in line)
                    + '\n{"event": "task_res')
    killed = read_record(path)
    assert killed.status == "killed" and killed.totals()["failed"] == 1 and killed.failures()


def test_drift_counts_the_current_streak(tmp_path):
    _record(tmp_path, {"a": "ok", "b": "ok"}, command="plan")
    _record(tmp_path, {"a": "changed", "b": "ok"}, command="plan")
    _record(tmp_path, {"a": "changed", "b": "changed"}, command="run")  # an apply is not a plan
    _record(tmp_path, {"a": "changed", "b": "ok"}, check=True)  # a check run is
    records = list_records(tmp_path / "runs")
    result = {d.host: d for d in drift(records)}
    assert result["a"].drifted and result["a"].plans == 2 and result["a"].since == records[1].started
    assert result["a"].changes[0]["task"] == "<b>step</b>"
    assert not result["b"].drifted and result["b"].last_checked == records[3].started
    _record(tmp_path, {"a": "ok", "b": "ok"}, command="plan")
    assert not any(d.drifted for d in drift(list_records(tmp_path / "runs")))


def test_report_is_self_contained_and_escaped(tmp_path):
    _record(tmp_path, {"web1": "changed", "db1": "failed", "web2": "unreachable"})
    html = render_report(find_record(tmp_path / "runs", "last"))
    assert "<b>step</b>" not in html and "&lt;b&gt;step&lt;/b&gt;" in html
    assert "db1 said no" in html and '<span class="add">+b</span>' in html
    assert "<script" not in html and "http" not in html.replace('lang="en"', "")
    assert html.count('class="bar"') == 3


def test_live_console_draws_progress_then_a_recap():
    from orch.events.live_console import LiveConsoleSink

    out = io.StringIO()
    sink = LiveConsoleSink(out, totals=[2])
    sink.console.force_terminal = True  # a StringIO is no terminal; rich still draws as on one
    bus = EventBus([sink])
    with sink:
        bus.emit("run_started", command="run")
        bus.emit("play_started", play="p", hosts=["h1", "h2"])
        bus.emit("batch_started", hosts=["h1", "h2"])
        bus.emit("task_started", host="h1", task="first")
        assert "first" in sink._render().renderables[1].columns[1]._cells[0]
        _run(bus, {"h1": "changed", "h2": "failed"})
    text = out.getvalue()
    assert "TASK [<b>step</b>]" in text and "PLAY RECAP" in text and "h2 said no" in text


def test_settings_precedence(tmp_path, monkeypatch):
    for var in [v for v in os.environ if v.startswith(("ORCH_", "ANSIBLE_"))]:
        monkeypatch.delenv(var)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "ansible.cfg").write_text("[defaults]\nforks = 7\nremote_user = bob\ninventory = hosts.ini\n"
                                          "roles_path = r1:r2\nhost_key_checking = False ; no checks\n")
    settings = load_settings()
    assert settings["forks"].value == 7 and settings["remote_user"].value == "bob"
    assert settings["inventory"].value == [str(tmp_path / "hosts.ini")]
    assert settings["roles_path"].value == [str(tmp_path / "r1"), str(tmp_path / "r2")]
    assert settings["host_key_checking"].value == "False"
    (tmp_path / "sub").mkdir()
    (tmp_path / "orch.toml").write_text('forks = 9\nruns_dir = "records"\n')
    monkeypatch.chdir(tmp_path / "sub")  # orch.toml is found upwards; ansible.cfg only in cwd
    settings = load_settings()
    assert settings["forks"].value == 9 and "remote_user" not in settings
    assert settings["runs_dir"].value == str(tmp_path / "records")
    monkeypatch.setenv("ANSIBLE_FORKS", "11")
    assert load_settings()["forks"].value == 11
    monkeypatch.setenv("ORCH_FORKS", "12")
    assert load_settings()["forks"].value == 12
    assert default_map(load_settings())["run"] == {"forks": 12, "runs_dir": str(tmp_path / "records")}
    monkeypatch.setenv("ANSIBLE_CONFIG", str(tmp_path / "ansible.cfg"))
    assert load_settings()["remote_user"].source == str(tmp_path / "ansible.cfg")
    (tmp_path / "orch.toml").write_text("forkz = 1\n")
    with pytest.raises(ParseError, match="forkz"):
        load_settings()


def test_cli_applies_settings_as_defaults(tmp_path):
    (tmp_path / "orch.toml").write_text('forks = 3\ninventory = "inv.ini"\n')
    (tmp_path / "inv.ini").write_text("h1 ansible_connection=local\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ORCH_", "ANSIBLE_"))}
    cli = [sys.executable, "-c", "from orch.cli.main import main; main()"]
    res = subprocess.run([*cli, "config"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert "forks              3" in res.stdout, res.stdout + res.stderr
    res = subprocess.run([sys.executable, "-c", "from orch.cli.main import main; main()", "exec", "all", "-a",
                          "echo hi", "--runs-dir", str(tmp_path / "r")], cwd=tmp_path, env=env,
                         capture_output=True, text=True)
    assert "h1 | CHANGED | rc=0 >>\nhi" in res.stdout, res.stdout + res.stderr  # inventory from orch.toml


def test_version_stays_light():
    code = ("import sys\nfrom orch.cli.main import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('rich', 'orch.config', 'tomllib', 'orch.events') if m in sys.modules))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.stdout.strip().endswith("[]"), res.stdout + res.stderr


def test_init_scaffold(tmp_path):
    from click.testing import CliRunner

    from orch.cli.init_cmd import init_command

    res = CliRunner().invoke(init_command, [str(tmp_path / "p")])
    assert res.exit_code == 0, res.output
    for name in ("playbooks/uptime.yml", "inventories/lab.ini", "group_vars/all.yml", "roles/motd/tasks/main.yml",
                 "vagrant", "orch.toml", "site.yml"):
        assert (tmp_path / "p" / name).exists(), name
    from orch.playbook import load_playbook

    book = load_playbook(str(tmp_path / "p" / "site.yml"))  # parses, its role found next to it
    assert book.plays[0].roles[0].name == "motd" and len(book.plays) == 2


def test_record_and_json_lines_write_a_result_holding_an_undefined_value(tmp_path):
    # A Jinja undefined value that reached a result raised in str() and crashed the run with a
    # traceback (ansible-core's 'undefined' integration target); the sinks write its type instead.
    from jinja2 import StrictUndefined

    from orch.events.jsonlines import JsonLinesSink

    stream = io.StringIO()
    bus = EventBus([JsonLinesSink(stream)])
    with open_run_record(bus, "run", ["run", "site.yml"], runs_dir=str(tmp_path)) as record:
        bus.emit("task_result", host="h", task="t", status="failed", result={"item": StrictUndefined(name="x")})
        record.finish(1)
    (path,) = tmp_path.glob("*.jsonl")
    written = next(json.loads(line) for line in path.read_text().splitlines() if '"task_result"' in line)
    assert written["result"]["item"] == "<StrictUndefined>"
    assert json.loads(stream.getvalue().splitlines()[0])["result"]["item"] == "<StrictUndefined>"
