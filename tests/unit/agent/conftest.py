"""Fixtures for the file modules: one local agent per test, tree snapshots."""

from __future__ import annotations

import base64
import hashlib
import os

import pytest

from orch.connection import connection_for, options_for
from orch.connection.session import AgentSession


class Agent:
    """A local agent session with shortcuts for check/apply runs."""

    def __init__(self, session: AgentSession) -> None:
        self.session = session

    def run(self, module, args, check=False, diff=True):
        return self.session.run(module, args, check=check, diff=diff)

    def check(self, module, args, diff=True):
        return self.run(module, args, check=True, diff=diff)

    def copy(self, args, check=False, diff=True):
        """copy as the controller does it: checksum first, bytes only when asked for."""
        data = args.pop("_bytes")
        first = dict(args, _checksum=hashlib.sha1(data).hexdigest())
        result = self.run("copy", first, check=check, diff=diff)
        if result.get("needs_content"):
            result = self.run("copy", dict(args, _content_b64=base64.b64encode(data).decode()), check=check, diff=diff)
        return result

    def batch(self, steps):
        return self.session.batch(steps)


def _new_agent() -> Agent:
    conn = connection_for("localhost", options_for("localhost", {"ansible_connection": "local"}))
    session = AgentSession(conn)
    session.start()
    return Agent(session)


@pytest.fixture
def agent():
    one = _new_agent()
    yield one
    one.session.close()


@pytest.fixture
def new_agent():
    """A factory of fresh agents (a fresh plan overlay each), all closed at the end."""
    made = []

    def make() -> Agent:
        made.append(_new_agent())
        return made[-1]
    yield make
    for one in made:
        one.session.close()


def snapshot(root) -> dict:
    """Every path under root with its type, mode, owner and content digest."""
    found = {}
    for current, dirs, names in os.walk(str(root)):
        for name in dirs + names:
            path = os.path.join(current, name)
            st = os.lstat(path)
            digest = None
            if os.path.isfile(path) and not os.path.islink(path):
                with open(path, "rb") as handle:
                    digest = hashlib.sha1(handle.read()).hexdigest()
            link = os.readlink(path) if os.path.islink(path) else None
            found[os.path.relpath(path, str(root))] = (st.st_mode, st.st_uid, st.st_gid, digest, link,
                                                       int(st.st_mtime))
    return found


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
