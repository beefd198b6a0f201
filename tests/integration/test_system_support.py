"""Helpers for the system-module lab tests (no tests here): sessions per transport, plan/apply checks."""

from __future__ import annotations

import pytest

from orch.engine.hostconn import HostConnection
from orch.inventory import load_inventory

TRANSPORTS = ["ssh", "docker"]


class Target:
    """One lab host over one transport; every ``session()`` is a fresh agent (fresh overlay)."""

    def __init__(self, lab, transport: str) -> None:
        self.transport = transport
        inventory = lab.ssh_inventory if transport == "ssh" else lab.docker_inventory
        self.name = lab.names[0] if transport == "ssh" else lab.names[1]
        self.address = lab.address(self.name)
        self._vars = load_inventory([str(inventory)]).hosts[self.name].vars
        self._conns: list[HostConnection] = []
        self._main = None

    def session(self):
        conn = HostConnection(self.name, self._vars)
        self._conns.append(conn)
        return conn.session()

    @property
    def main(self):
        if self._main is None:
            self._main = self.session()
        return self._main

    def run(self, module: str, args: dict, check: bool = False, diff: bool = False) -> dict:
        return self.main.run(module, args, check=check, diff=diff)

    def sh(self, script: str, ok: bool = True) -> str:
        result = self.main.run("command", {"argv": ["sh", "-c", script]})
        if ok:
            assert result["rc"] == 0, result
        return result["stdout"]

    def close(self) -> None:
        for conn in self._conns:
            conn.close()


def make_target(request, lab):
    target = Target(lab, request.param)
    request.addfinalizer(target.close)
    return target


def ok(result: dict) -> dict:
    assert not result.get("failed"), result
    return result


def plan_apply(target: Target, module: str, args: dict, expect_changed: bool = True, snapshot: str = ""):
    """Plan (check mode, fresh agent), apply, apply again: the plan predicts the apply exactly."""
    before = target.sh(snapshot) if snapshot else None
    plan = ok(target.session().run(module, args, check=True, diff=True))
    if snapshot:
        assert target.sh(snapshot) == before, "check mode changed the host"
    applied = ok(target.run(module, args, diff=True))
    assert plan["changed"] == applied["changed"] == expect_changed, (plan, applied)
    if expect_changed and "diff" in applied:
        assert plan.get("diff") == applied["diff"]
    again = ok(target.run(module, args))
    assert again["changed"] is False, again
    replan = ok(target.session().run(module, args, check=True))
    assert replan["changed"] is False, replan
    return plan, applied


transport = pytest.fixture(params=TRANSPORTS)
