"""Foreign modules in a real agent (local connection): the hash store, the contract, failures."""

from __future__ import annotations

import os

import pytest

from orch.connection import connection_for, options_for
from orch.connection.session import AgentSession
from orch.foreign import finder, packer, paths

pytestmark = pytest.mark.skipif(paths.search_paths().ansible_dir is None, reason="ansible-core is not installed")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "orch" / "modules"


def _session():
    session = AgentSession(connection_for("localhost", options_for("localhost", {"ansible_connection": "local"})))
    session.start()
    return session


@pytest.fixture
def session(cache):
    agent = _session()
    yield agent
    agent.close()


def _pkg(name, book):
    found = finder.find(name, finder.Lookup(str(book)))
    return packer.pack(found, paths.collection_roots(str(book)))


def _wire(pkg, params, manifest=True, needs=()):
    wire = {"package": pkg.key, "name": pkg.name, "params": params}
    if manifest:
        wire.update(manifest={k: list(v) for k, v in pkg.manifest.items()}, entry=pkg.entry)
    if needs:
        wire["sources"] = {d: pkg.source(d) for d in needs}
    return wire


def _run(session, pkg, params, check=False):
    result = session.run("foreign", _wire(pkg, params), check=check)
    if "_needs" in result:
        result = session.run("foreign", _wire(pkg, params, needs=result["_needs"]), check=check)
    return result


def test_sources_travel_once_per_content_then_the_key_is_enough(book, session, cache):
    pkg = _pkg("acme.tools.hello", book)
    first = session.run("foreign", _wire(pkg, {"who": "orch"}))
    assert sorted(first["_needs"]) == sorted({d for _, d in pkg.manifest.values()})
    done = session.run("foreign", _wire(pkg, {"who": "orch"}, needs=first["_needs"]))
    assert done["msg"] == "hello orch" and done["changed"] is True and not done["failed"]
    assert session.run("foreign", _wire(pkg, {"who": "again"}, manifest=False))["msg"] == "hello again"
    stored = {p.name for p in cache.iterdir()}
    assert {f"{d}.py" for d in first["_needs"]} <= stored
    assert all(oct(p.stat().st_mode & 0o777) == "0o600" for p in cache.iterdir())
    # A new agent (a later run) finds everything on disk: nothing is asked for.
    later = _session()
    try:
        assert later.run("foreign", _wire(pkg, {"who": "later"}))["msg"] == "hello later"
        assert later.run("foreign", _wire(pkg, {"who": "x"}, manifest=False))["msg"] == "hello x"
    finally:
        later.close()


def test_a_new_agent_asks_for_the_manifest_it_never_saw(book, session):
    pkg = _pkg("acme.tools.hello", book)
    assert session.run("foreign", _wire(pkg, {"who": "x"}, manifest=False))["_needs"] == ["manifest"]


def test_check_mode_unsupported_is_skipped_and_arguments_are_checked(book, session):
    pkg = _pkg("acme.tools.hello", book)
    skipped = _run(session, pkg, {"who": "x"}, check=True)
    assert skipped["skipped"] and "does not support check mode" in skipped["msg"]
    bad = _run(session, pkg, {"who": "x", "whom": "x"})
    assert bad["failed"] and "Unsupported parameters" in bad["msg"] and "whom" in bad["msg"]
    missing = _run(session, pkg, {})
    assert missing["failed"] and "who" in missing["msg"]


def test_no_log_values_are_masked_by_the_module(book, session):
    pkg = _pkg("acme.tools.hello", book)
    result = _run(session, pkg, {"who": "s3cr3t-value", "secret": "s3cr3t-value"})
    assert "s3cr3t-value" not in repr(result)


def test_junk_around_json_and_a_crash(book, session):
    pkg = _pkg("shout", book)
    ok = _run(session, pkg, {"text": "hi"})
    assert ok["text"] == "HI" and any("noise before the result" in w for w in ok["warnings"])
    crash = _run(session, pkg, {"text": "crash"})
    # Ansible 2.19's shape for a module's exception: its message in msg, the traceback in exception
    assert crash["failed"] and crash["msg"] == "Task failed: Module failed: shout crashed on purpose"
    assert "RuntimeError: shout crashed on purpose" in crash["exception"]
    assert any("noise before the result" in w for w in crash["warnings"])
    # the agent survived the crash and its sys.exit
    assert session.run("ping", {})["ping"] == "pong"


def test_an_async_job_keeps_the_module_stderr_in_its_result(monkeypatch):
    from orch.agent import foreign

    assert "stderr" not in foreign.result_of('{"changed": true}', "printed to stderr\n", 0)
    monkeypatch.setattr(foreign, "IN_ASYNC_JOB", True)
    assert foreign.result_of('{"changed": true}', "printed to stderr\n", 0)["stderr"] == "printed to stderr\n"


def test_a_real_ansible_core_module(book, session, tmp_path):
    pkg = _pkg("find", book)
    (tmp_path / "a.conf").write_text("x")
    (tmp_path / "b.txt").write_text("y")
    result = _run(session, pkg, {"paths": [str(tmp_path)], "patterns": ["*.conf"]})
    assert result["matched"] == 1 and result["files"][0]["path"] == str(tmp_path / "a.conf")
    assert os.getcwd()  # the child's chdir/exit never reach the agent
