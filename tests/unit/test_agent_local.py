"""The agent over the local connection: protocol, modules, failures."""

from __future__ import annotations

import os

import pytest

from orch.connection import connection_for, options_for
from orch.connection.bootstrap import payload
from orch.connection.session import AgentSession
from orch.errors import HostFailure


@pytest.fixture
def session():
    conn = connection_for("localhost", options_for("localhost", {"ansible_connection": "local"}))
    agent = AgentSession(conn)
    agent.start()
    yield agent
    agent.close()


def test_hello_reports_the_agent(session):
    assert session.info["python"][0] == 3
    assert session.info["pid"] > 0


def test_ping(session):
    assert session.run("ping", {}) == {"ping": "pong", "changed": False, "failed": False}
    crashed = session.run("ping", {"data": "crash"})
    # Ansible's wording for a module that raises (its tests match it)
    assert crashed["failed"] and crashed["msg"] == "Task failed: Module failed: boom"


def test_command_argv_no_shell(session, tmp_path):
    # No shell, but $NAME is expanded from the environment as Ansible's command does (unknown names stay).
    result = session.run("command", {"argv": ["echo", "$HOME", "; ls", "$ORCH_NO_SUCH_VAR"]})
    assert result["stdout"] == f"{os.environ['HOME']} ; ls $ORCH_NO_SUCH_VAR" and result["rc"] == 0
    kept = session.run("command", {"argv": ["echo", "$HOME"], "expand_argument_vars": False})
    assert kept["stdout"] == "$HOME" and kept["changed"]


def test_command_creates_and_removes(session, tmp_path):
    marker = tmp_path / "marker"
    args = {"_raw_params": f"touch {marker}", "creates": str(marker)}
    first = session.run("command", args)
    assert first["changed"] and marker.exists()
    second = session.run("command", args)
    assert not second["changed"] and "exists" in second["msg"]
    gone = session.run("command", {"_raw_params": "true", "removes": str(tmp_path / "nothing")})
    assert not gone["changed"]


def test_command_check_mode_is_unknown_not_skipped(session, tmp_path):
    marker = tmp_path / "m"
    result = session.run("command", {"_raw_params": f"touch {marker}"}, check=True)
    assert result["unknown"] and result["changed"] and not marker.exists()


def test_shell_and_failure(session, tmp_path):
    result = session.run("shell", {"_raw_params": "echo out; echo err >&2; exit 3", "chdir": str(tmp_path)})
    assert result["failed"] and result["rc"] == 3
    assert result["stdout"] == "out" and result["stderr"] == "err"


def test_command_that_cannot_start_fails_as_ansible_reports_it(session):
    result = session.run("command", {"_raw_params": "orch-no-such-program --flag"})
    assert result["failed"] and not result["changed"] and result["rc"] == 2
    assert (result["stdout"], result["stderr"], result["msg"]) == ("", "", "Error executing command.")
    assert result["cmd"] == "orch-no-such-program --flag"


def test_commands_cannot_read_the_protocol_stream(session):
    # A command reading stdin must get EOF, not the agent's next requests.
    result = session.run("shell", {"_raw_params": "cat; echo done"})
    assert result["stdout"] == "done"
    assert session.run("ping", {})["ping"] == "pong"


def test_stdin_is_given_to_command(session):
    assert session.run("command", {"_raw_params": "cat", "stdin": "hello"})["stdout"] == "hello"


def test_batch_stops_at_first_failure(session):
    results = session.batch([
        {"module": "ping", "args": {}},
        {"module": "ping", "args": {"data": "crash"}},
        {"module": "ping", "args": {}},
    ])
    assert [r["failed"] for r in results] == [False, True]


def test_unknown_module_fails_the_step_not_the_agent(session):
    assert "not available" in session.run("no_such_module", {})["msg"]
    assert session.run("ping", {})["ping"] == "pong"


def test_setup_facts(session):
    facts = session.run("setup", {})["ansible_facts"]
    for key in ("hostname", "fqdn", "os_family", "distribution", "distribution_version", "architecture",
                "python_version", "processor_count", "memtotal_mb", "default_ipv4"):
        assert key in facts
    only = session.run("setup", {"filter": "ansible_hostname,distribution*"})["ansible_facts"]
    assert set(only) >= {"hostname", "distribution", "distribution_version", "distribution_major_version",
                         "distribution_release"}
    assert all(key == "hostname" or key.startswith("distribution") for key in only)
    assert "virtualization_type" in facts and "date_time" in facts and facts["gather_subset"] == ["all"]
    minimal = session.run("setup", {"gather_subset": ["!all"]})["ansible_facts"]
    assert "memtotal_mb" not in minimal and "default_ipv4" not in minimal and "env" in minimal


def test_setup_gathers_the_collectors_gather_subset_names(session):
    dist = session.run("setup", {"gather_subset": ["!all", "!min", "distribution"]})["ansible_facts"]
    assert dist["os_family"] and "distribution_version" in dist
    assert not {"env", "hostname", "python", "memtotal_mb"} & set(dist)
    both = session.run("setup", {"gather_subset": "!all,!min,env,python"})["ansible_facts"]
    assert set(both) == {"env", "python", "gather_subset", "module_setup"}
    assert both["gather_subset"] == ["!all", "!min", "env", "python"] and both["python"]["version_info"][0] == 3
    bad = session.run("setup", {"gather_subset": ["distribution", "nope"]})
    assert bad["failed"] and "unknown subset 'nope'" in bad["msg"]


def test_setup_reads_local_facts(session, tmp_path):
    (tmp_path / "app.fact").write_text('{"port": 8080}')
    (tmp_path / "ini.fact").write_text("[general]\nname = web\n")
    script = tmp_path / "run.fact"
    script.write_text("#!/bin/sh\necho '{\"made\": true}'\n")
    script.chmod(0o755)
    (tmp_path / "other.txt").write_text("ignored")
    facts = session.run("setup", {"gather_subset": ["!all", "!min", "local"], "fact_path": str(tmp_path)})
    assert facts["ansible_facts"]["local"] == {"app": {"port": 8080}, "ini": {"general": {"name": "web"}},
                                               "run": {"made": True}}


def test_missing_python_is_a_clear_failure():
    conn = connection_for("localhost", options_for("localhost", {"ansible_connection": "local",
                                                                 "ansible_python_interpreter": "/nope/python3"}))
    with pytest.raises(HostFailure, match="raw"):
        AgentSession(conn).start()


def test_payload_is_small_and_cached():
    assert payload() is payload()
    # Sent to every host at start: keep it small (all modules today compress to ~55 KiB).
    assert len(payload()) < 96 * 1024


def test_creates_is_resolved_through_the_plan(session, tmp_path):
    marker = tmp_path / "made"
    args = {"_raw_params": f"touch {marker}", "creates": str(marker)}
    first = session.run("command", args, check=True)
    assert first["changed"] and not first.get("unknown") and not marker.exists()
    # In the same plan, the guard now sees the file the first step is meant to create.
    second = session.run("command", args, check=True)
    assert not second["changed"]
    removes = session.run("command", {"_raw_params": f"rm {marker}", "removes": str(marker)}, check=True)
    assert removes["changed"]
