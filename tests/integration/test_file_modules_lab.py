"""The file modules against real lab hosts, over SSH and over the Docker API.

Run with its own lab: ORCH_TEST_LAB=filelab ORCH_TEST_NET=81 python -m pytest tests/integration/test_file_modules_lab.py
"""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def session(lab, lab_inventory):
    from orch.engine.hostconn import HostConnection
    from orch.inventory import load_inventory

    inv = load_inventory([str(lab_inventory)])
    name = lab.names[0]
    conn = HostConnection(name, inv.hosts[name].vars)
    agent = conn.session()
    base = "/tmp/orch-filelab-%s" % ("ssh" if lab_inventory == lab.ssh_inventory else "docker")
    agent.run("file", {"path": base, "state": "absent"})
    agent.base = base
    yield agent
    agent.run("file", {"path": base, "state": "absent"})
    conn.close()


def _copy(agent, args, data, check=False):
    first = agent.run("copy", dict(args, _checksum=hashlib.sha1(data).hexdigest()), check=check, diff=True)
    if first.get("needs_content"):
        first = agent.run("copy", dict(args, _content_b64=base64.b64encode(data).decode()), check=check, diff=True)
    return first


def test_plan_chain_then_apply_then_unchanged(session):
    base = session.base
    conf = base + "/app/app.conf"

    def steps(check):
        return [
            session.run("file", {"path": base + "/app", "state": "directory", "mode": "0755", "owner": "nobody"},
                        check=check, diff=True),
            _copy(session, {"dest": conf, "mode": "0640", "group": "daemon"}, b"port=80\nhost=a\n", check=check),
            session.run("lineinfile", {"path": conf, "regexp": "^port=", "line": "port=8080"}, check=check, diff=True),
            session.run("blockinfile", {"path": conf, "block": "extra=1"}, check=check, diff=True),
            session.run("stat", {"path": conf}, check=check),
        ]
    planned = steps(True)
    assert session.run("stat", {"path": base})["stat"] == {"exists": False}
    assert [r["changed"] for r in planned[:4]] == [True, True, True, True]
    assert planned[4]["stat"]["exists"] and planned[4]["stat"]["mode"] == "0640"
    applied = steps(False)
    for plan, done in zip(planned, applied):
        assert not done["failed"], done
        assert (plan["changed"], plan.get("diff")) == (done["changed"], done.get("diff"))
    assert planned[4]["stat"]["checksum"] == applied[4]["stat"]["checksum"]
    assert applied[4]["stat"]["gr_name"] == "daemon"
    again = steps(False)  # copy then edits of the same file: each run ends in the same content
    assert not again[0]["changed"] and again[4]["stat"]["checksum"] == applied[4]["stat"]["checksum"]


def test_unarchive_and_fetch(session):
    base = session.base
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo("pkg/VERSION")
        info.size, info.mtime = 4, 1_600_000_000
        tar.addfile(info, io.BytesIO(b"1.0\n"))
    session.run("file", {"path": base, "state": "directory"})
    args = {"src": "pkg.tgz", "dest": base, "_content_b64": base64.b64encode(buf.getvalue()).decode()}
    assert session.run("unarchive", args)["changed"]
    assert not session.run("unarchive", args)["changed"]
    fetched = session.run("fetch", {"src": base + "/pkg/VERSION"})
    assert base64.b64decode(fetched["_content_b64"]) == b"1.0\n"
    assert session.run("fetch", {"src": base + "/nope"})["file_missing"]
