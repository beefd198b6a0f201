"""Plans: check mode changes nothing, predicts exactly what apply does, and chains.

Each scenario is a list of steps run three times on a fresh tree: in check mode
(one agent, so the overlay chains), then applied, then applied again. The plan
must leave the tree untouched, predict apply's changed flags and diffs step by
step, and the second apply must change nothing.
"""

from __future__ import annotations

import base64
import io
import os
import tarfile

import pytest

from tests.unit.agent.conftest import snapshot


def _tgz(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), 1_600_000_000, 0o644
            tar.addfile(info, io.BytesIO(data))
    return base64.b64encode(buf.getvalue()).decode()


SCENARIOS = {
    "directory, copy into it, lineinfile on it, stat of it": [
        ("file", {"path": "{t}/opt/app", "state": "directory", "mode": "0755"}),
        ("copy", {"dest": "{t}/opt/app/x.conf", "_bytes": b"a=1\nb=2\n", "mode": "0640"}),
        ("lineinfile", {"path": "{t}/opt/app/x.conf", "regexp": "^b=", "line": "b=3"}),
        ("blockinfile", {"path": "{t}/opt/app/x.conf", "block": "c=4"}),
        ("replace", {"path": "{t}/opt/app/x.conf", "regexp": "^a=1$", "replace": "a=9"}),
        ("stat", {"path": "{t}/opt/app/x.conf"}),
    ],
    "nested directories then a symlink and a touch": [
        ("file", {"path": "{t}/a/b/c", "state": "directory"}),
        ("file", {"path": "{t}/a/b/c/f", "state": "touch", "modification_time": "preserve",
                  "access_time": "preserve"}),
        ("file", {"path": "{t}/a/link", "state": "link", "src": "b/c/f"}),
        ("file", {"path": "{t}/a/b", "state": "directory", "recurse": True, "mode": "u=rwX,g=rX,o="}),
        ("stat", {"path": "{t}/a/link", "follow": True}),
    ],
    "copy then remove the directory": [
        ("copy", {"dest": "{t}/etc/", "src": "files/app.conf", "_bytes": b"x\n"}),
        ("file", {"path": "{t}/etc", "state": "absent"}),
        ("stat", {"path": "{t}/etc/app.conf"}),
        ("lineinfile", {"path": "{t}/etc/new.conf", "line": "k=v", "create": True}),
    ],
    "existing file edited, backed up, mode changed": [
        ("copy", {"dest": "{t}/pre.conf", "_bytes": b"one\ntwo\n"}),
        ("lineinfile", {"path": "{t}/pre.conf", "line": "three", "insertafter": "^one", "mode": "0600"}),
        ("lineinfile", {"path": "{t}/pre.conf", "line": "two", "state": "absent"}),
        ("file", {"path": "{t}/pre.conf", "mode": "g+r"}),
        ("stat", {"path": "{t}/pre.conf"}),
    ],
    "tree copy and unarchive into a planned directory": [
        ("copy", {"dest": "{t}/site", "_dirs": ["css"], "_files": [
            {"path": "index.html", "_bytes": b"<h1>hi</h1>\n"},
            {"path": "css/site.css", "_bytes": b"body{}\n", "mode": "0600"}], "mode": "preserve"}),
        ("file", {"path": "{t}/rel", "state": "directory"}),
        ("unarchive", {"src": "rel.tgz", "dest": "{t}/rel", "list_files": True,
                       "_content_b64": _tgz({"app/VERSION": b"1.0\n", "app/run.sh": b"echo\n"})}),
        ("slurp", {"src": "{t}/rel/app/VERSION"}),
        ("stat", {"path": "{t}/rel/app/run.sh"}),
    ],
}

# scenarios whose steps do not edit each other's files: a second run changes nothing
CONVERGENT = {"nested directories then a symlink and a touch", "tree copy and unarchive into a planned directory"}


def _fill(value, tmp):
    if isinstance(value, str):
        return value.replace("{t}", str(tmp))
    if isinstance(value, (list, tuple)):
        return type(value)(_fill(v, tmp) for v in value)
    if isinstance(value, dict):
        return {k: _fill(v, tmp) for k, v in value.items()}
    return value


def _run(agent, module, args, check):
    if module == "copy" and "_files" in args:
        first = dict(args, _files=[{k: v for k, v in f.items() if k != "_bytes"} for f in args["_files"]])
        for spec, orig in zip(first["_files"], args["_files"]):
            import hashlib
            spec["_checksum"] = hashlib.sha1(orig["_bytes"]).hexdigest()
        result = agent.run(module, first, check=check)
        if result.get("needs_content"):
            wanted = set(result["needs_content_files"])
            for spec, orig in zip(first["_files"], args["_files"]):
                if spec["path"] in wanted:
                    spec["_content_b64"] = base64.b64encode(orig["_bytes"]).decode()
            result = agent.run(module, first, check=check)
        return result
    if module == "copy":
        return agent.copy(dict(args), check=check)
    return agent.run(module, args, check=check)


def _comparable(module, result):
    stat = result.get("stat") or {}
    keep = ("exists", "isdir", "isreg", "islnk", "mode", "pw_name", "gr_name", "size", "checksum")
    return (result.get("changed"), result.get("failed"), result.get("diff"), result.get("content"),
            {k: stat.get(k) for k in keep} if module == "stat" else None)


def _plan_and_apply(new_agent, tmp_path, steps):
    """Plan with one agent, apply with another; returns (planned, applied)."""
    before = snapshot(tmp_path)
    planner = new_agent()
    planned = [_run(planner, module, args, check=True) for module, args in steps]
    assert snapshot(tmp_path) == before, "check mode changed the tree"
    assert not any(r.get("unknown") for r in planned)
    applier = new_agent()
    applied = [_run(applier, module, args, check=False) for module, args in steps]
    for (module, _), plan, done in zip(steps, planned, applied):
        assert not done.get("failed"), done
        assert _comparable(module, plan) == _comparable(module, done), module
    return planned, applied


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_plan_predicts_apply_from_scratch_and_again(new_agent, tmp_path, name):
    steps = _fill(SCENARIOS[name], tmp_path)
    (tmp_path / "pre.conf").write_bytes(b"one\ntwo\n")
    _, first = _plan_and_apply(new_agent, tmp_path, steps)
    assert any(r["changed"] for r in first)
    _, second = _plan_and_apply(new_agent, tmp_path, steps)  # from the converged state
    if name in CONVERGENT:
        assert [(m, r["changed"]) for (m, _), r in zip(steps, second)] == [(m, False) for m, _ in steps]


def test_check_without_diff_needs_no_content_and_chains(agent, tmp_path):
    dest = str(tmp_path / "big.bin")
    data = os.urandom(4096)
    import hashlib
    first = agent.run("copy", {"dest": dest, "_checksum": hashlib.sha1(data).hexdigest()}, check=True, diff=False)
    assert first["changed"] and not first.get("needs_content")
    stat = agent.run("stat", {"path": dest}, check=True, diff=False)["stat"]
    assert stat["exists"] and stat["checksum"] == hashlib.sha1(data).hexdigest()
    # the bytes are unknown to the plan: an edit on them says so instead of guessing
    edit = agent.run("lineinfile", {"path": dest, "line": "x"}, check=True, diff=False)
    assert edit["changed"] and edit["unknown"]
    assert not os.path.exists(dest)


def test_stat_sees_absent_after_planned_removal(agent, tmp_path):
    target = tmp_path / "gone.txt"
    target.write_text("x")
    assert agent.check("file", {"path": str(target), "state": "absent"})["changed"]
    assert agent.check("stat", {"path": str(target)})["stat"] == {"exists": False}
    assert agent.check("lineinfile", {"path": str(target), "line": "y"})["failed"]
    assert target.exists()
