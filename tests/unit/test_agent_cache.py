"""The agent's compiled-code cache on the host (bootstrap stage 2), over the local connection."""

from __future__ import annotations

import marshal
import os
import stat

import pytest

from orch.connection import connection_for, options_for
from orch.connection.session import AgentSession


def _ping(hostvars: dict | None = None) -> dict:
    conn = connection_for("localhost", options_for("localhost", {"ansible_connection": "local", **(hostvars or {})}))
    agent = AgentSession(conn)
    try:
        return agent.run("ping", {})
    finally:
        agent.close()


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "orch"


def _cache_files(directory) -> list:
    return sorted(directory.glob("agent-*.bin")) if directory.exists() else []


def test_first_run_writes_a_private_cache_of_the_modules_it_used(cache_home):
    assert _ping()["ping"] == "pong"
    [cache] = _cache_files(cache_home)
    assert stat.S_IMODE(os.stat(cache_home).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o600
    codes = marshal.loads(cache.read_bytes())
    assert {"orch.agent.runtime", "orch.agent.modules.ping"} <= set(codes)
    assert "orch.agent.modules.apt" not in codes  # only what was imported
    assert not [p for p in cache_home.iterdir() if p.suffix != ".bin"]  # no temp file left


def _poison(cache) -> None:
    """Make the cached ping answer something the real source never does."""
    codes = marshal.loads(cache.read_bytes())
    fake = compile("def run(ctx, args):\n    return {'ping': 'from-cache'}\n", "<fake>", "exec")
    codes["orch.agent.modules.ping"] = marshal.dumps(fake)
    cache.write_bytes(marshal.dumps(codes))


def test_later_runs_load_the_cache_but_only_a_safe_one(cache_home):
    _ping()
    [cache] = _cache_files(cache_home)
    _poison(cache)
    assert _ping()["ping"] == "from-cache"  # the cache is what runs
    os.chmod(cache, 0o666)  # writable by others: never trusted
    assert _ping()["ping"] == "pong"


def test_a_broken_cache_is_ignored_and_replaced(cache_home):
    _ping()
    [cache] = _cache_files(cache_home)
    cache.write_bytes(b"not marshal data")
    assert _ping()["ping"] == "pong"
    assert "orch.agent.modules.ping" in marshal.loads(cache.read_bytes())


def test_a_new_agent_removes_older_caches_of_the_same_python_only(cache_home):
    _ping()
    [cache] = _cache_files(cache_home)
    tag = cache.name.split("-", 2)[2]  # the agent's Python, e.g. cpython-311.bin
    older = cache_home / f"agent-0000000000000000-{tag}"
    other_python = cache_home / "agent-0000000000000000-cpython-0.bin"
    older.write_bytes(b"old")
    other_python.write_bytes(b"old")
    cache.unlink()  # so the next agent compiles, and writes its cache again
    _ping()
    assert not older.exists() and other_python.exists() and cache.exists()


def test_cache_can_be_turned_off(cache_home):
    assert _ping({"orch_agent_cache": "false"})["ping"] == "pong"
    assert _cache_files(cache_home) == []
