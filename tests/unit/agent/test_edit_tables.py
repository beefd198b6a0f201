"""lineinfile, blockinfile, replace: table-driven (content in, args, content out, changed)."""

from __future__ import annotations

import pytest

LINEINFILE = [
    ("a\nb\n", {"line": "c"}, "a\nb\nc\n", True),
    ("a\nb\nc\n", {"line": "c"}, "a\nb\nc\n", False),
    ("a\nb", {"line": "c"}, "a\nb\nc\n", True),
    ("x=1\ny=2\n", {"regexp": "^x=", "line": "x=9"}, "x=9\ny=2\n", True),
    ("x=9\ny=2\n", {"regexp": "^x=", "line": "x=9"}, "x=9\ny=2\n", False),
    ("x=1\nx=2\n", {"regexp": "^x=", "line": "x=9"}, "x=1\nx=9\n", True),
    ("x=1\nx=2\n", {"regexp": "^x=", "line": "x=9", "firstmatch": True}, "x=9\nx=2\n", True),
    ("a\n", {"line": "z", "insertbefore": "BOF"}, "z\na\n", True),
    ("a\nb\nc\n", {"line": "z", "insertafter": "^a"}, "a\nz\nb\nc\n", True),
    ("a\nz\nb\n", {"line": "z", "insertafter": "^a"}, "a\nz\nb\n", False),
    ("a\nb\nc\n", {"line": "z", "insertbefore": "^c"}, "a\nb\nz\nc\n", True),
    ("a\nb\n", {"line": "z", "insertafter": "^nomatch"}, "a\nb\nz\n", True),
    ("a\nb\n", {"line": "z", "regexp": "^q", "insertafter": "^a"}, "a\nz\nb\n", True),
    ("a\nz\nb\n", {"line": "z", "regexp": "^q", "insertafter": "^a"}, "a\nz\nb\n", False),
    # Ansible: an unmatched regexp with the exact line present changes nothing, insertafter or not
    ("a\nz\nb\n", {"line": "z", "regexp": "^q"}, "a\nz\nb\n", False),
    ("a\nz\nb\n", {"line": "z", "search_string": "q"}, "a\nz\nb\n", False),
    ("port 22\n", {"regexp": r"^port (\d+)", "line": r"Port \1", "backrefs": True}, "Port 22\n", True),
    ("nothing\n", {"regexp": r"^port (\d+)", "line": r"Port \1", "backrefs": True}, "nothing\n", False),
    ("ab=1\n", {"search_string": "b=", "line": "ab=2"}, "ab=2\n", True),
    ("a\nb\na\n", {"line": "a", "state": "absent"}, "b\n", True),
    ("a\nb\n", {"regexp": "^c", "state": "absent"}, "a\nb\n", False),
    ("k1=1\nk2=2\n", {"search_string": "k", "state": "absent"}, "", True),
    (None, {"line": "new", "create": True}, "new\n", True),
]


@pytest.mark.parametrize("before,args,after,changed", LINEINFILE)
def test_lineinfile(agent, tmp_path, before, args, after, changed):
    _table(agent, tmp_path, "lineinfile", before, args, after, changed)


BLOCK = "# {mark} ANSIBLE MANAGED BLOCK"
BLOCKINFILE = [
    ("a\n", {"block": "x\ny"}, "a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\ny\n# END ANSIBLE MANAGED BLOCK\n", True),
    ("a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\nb\n", {"block": "z"},
     "a\n# BEGIN ANSIBLE MANAGED BLOCK\nz\n# END ANSIBLE MANAGED BLOCK\nb\n", True),
    ("a\n# BEGIN ANSIBLE MANAGED BLOCK\nz\n# END ANSIBLE MANAGED BLOCK\nb\n", {"block": "z"},
     "a\n# BEGIN ANSIBLE MANAGED BLOCK\nz\n# END ANSIBLE MANAGED BLOCK\nb\n", False),
    ("a\n# BEGIN ANSIBLE MANAGED BLOCK\nz\n# END ANSIBLE MANAGED BLOCK\nb\n", {"state": "absent"}, "a\nb\n", True),
    ("a\nb\n", {"block": "z", "insertbefore": "BOF"},
     "# BEGIN ANSIBLE MANAGED BLOCK\nz\n# END ANSIBLE MANAGED BLOCK\na\nb\n", True),
    ("a\nb\nc\n", {"block": "z", "insertafter": "^b", "marker": "; {mark}", "marker_begin": "S", "marker_end": "E"},
     "a\nb\n; S\nz\n; E\nc\n", True),
    ("a\nb\n", {"block": "z", "insertbefore": "^b", "marker": "<!-- {mark} -->"},
     "a\n<!-- BEGIN -->\nz\n<!-- END -->\nb\n", True),
    ("a\n", {"block": ""}, "a\n", False),
    (None, {"block": "z", "create": True}, "# BEGIN ANSIBLE MANAGED BLOCK\nz\n# END ANSIBLE MANAGED BLOCK\n", True),
]


@pytest.mark.parametrize("before,args,after,changed", BLOCKINFILE)
def test_blockinfile(agent, tmp_path, before, args, after, changed):
    _table(agent, tmp_path, "blockinfile", before, args, after, changed)


REPLACE = [
    ("a=1\nb=1\n", {"regexp": "=1$", "replace": "=2"}, "a=2\nb=2\n", True),
    ("a=2\n", {"regexp": "=1$", "replace": "=2"}, "a=2\n", False),
    ("host foo\n", {"regexp": r"^host (\w+)", "replace": r"server \1"}, "server foo\n", True),
    ("x\n[s]\nx\n[t]\nx\n", {"regexp": "^x$", "replace": "y", "after": r"\[s\]", "before": r"\[t\]"},
     "x\n[s]\ny\n[t]\nx\n", True),
    ("x\n[s]\nx\n", {"regexp": "^x$", "replace": "y", "after": r"\[s\]"}, "x\n[s]\ny\n", True),
    ("x\n[t]\nx\n", {"regexp": "^x$", "replace": "y", "before": r"\[t\]"}, "y\n[t]\nx\n", True),
    ("keep\n", {"regexp": "^drop\n", "replace": ""}, "keep\n", False),
]


@pytest.mark.parametrize("before,args,after,changed", REPLACE)
def test_replace(agent, tmp_path, before, args, after, changed):
    _table(agent, tmp_path, "replace", before, args, after, changed)


def _table(agent, tmp_path, module, before, args, after, changed):
    path = tmp_path / "f"
    if before is not None:
        path.write_text(before)
    args = dict(args, path=str(path))
    plan = agent.check(module, args)
    assert (path.read_text() if path.exists() else None) == before, "check mode wrote"
    result = agent.run(module, args)
    assert not result["failed"], result
    assert path.read_text() == after
    assert result["changed"] is changed and plan["changed"] is changed
    assert plan["diff"] == result["diff"]
    if changed:
        assert not agent.run(module, args)["changed"] or module == "lineinfile" and "backrefs" in args


def test_lineinfile_missing_file_and_backup(agent, tmp_path):
    missing = agent.run("lineinfile", {"path": str(tmp_path / "nope"), "line": "x"})
    assert missing["failed"] and missing["rc"] == 257 and "nope" in missing["msg"]
    path = tmp_path / "f"
    path.write_text("a\n")
    result = agent.run("lineinfile", {"path": str(path), "line": "b", "backup": True, "mode": "0600"})
    assert open(result["backup"]).read() == "a\n" and result["msg"].startswith("line added and ownership")
    content, attrs = result["diff"]
    assert content["before"] == "a\n" and content["after"] == "a\nb\n"
    assert attrs["before"] == {"mode": "0644"} and attrs["after"] == {"mode": "0600"}


def test_replace_and_blockinfile_validate_and_backup(agent, tmp_path):
    path = tmp_path / "f"
    path.write_text("good\n")
    bad = agent.run("replace", {"path": str(path), "regexp": "good", "replace": "bad",
                                "validate": "grep -q good %s"})
    assert bad["failed"] and path.read_text() == "good\n"
    done = agent.run("blockinfile", {"path": str(path), "block": "x", "backup": True})
    assert done["changed"] and open(done["backup_file"]).read() == "good\n"


def test_replace_error_and_unmatched_section_say_what_ansible_says(agent, tmp_path):
    # a bad escape in the replacement (ansible-core's target does it on /dev/null)
    bad = agent.run("replace", {"path": "/dev/null", "regexp": r"\.", "replace": r"\D", "after": "^", "before": "$"})
    assert bad["failed"] and bad["msg"].startswith("Unable to process replace due to error: bad escape"), bad
    path = tmp_path / "f"
    path.write_text("a\n")
    unmatched = agent.run("replace", {"path": str(path), "regexp": "a", "replace": "b", "after": "nomatch"})
    assert not unmatched["failed"] and not unmatched["changed"] and path.read_text() == "a\n"
    assert unmatched["msg"] == "Pattern for before/after params did not match the given file: nomatch(?P<subsection>.*)"


def test_lineinfile_empty_pattern_replaces_the_last_line_with_ansibles_warning(agent, tmp_path):
    path = tmp_path / "f"
    path.write_text("a\nb\n")
    result = agent.run("lineinfile", {"path": str(path), "regexp": "", "line": "c"})
    assert result["changed"] and path.read_text() == "a\nc\n"
    assert result["warnings"][0].startswith("The regular expression is an empty string, which will match every line")
    result = agent.run("lineinfile", {"path": str(path), "search_string": "", "line": "d"})
    assert path.read_text() == "a\nd\n" and result["warnings"][0].startswith("The search string is an empty string")


def test_cron_file_left_with_only_blank_lines_goes_away(agent, tmp_path):
    """As Ansible's: removing the last job of a cron_file removes the file, blank lines or not."""
    path = tmp_path / "cron_remove_whitespace"
    job = {"cron_file": str(path), "name": "integration test cron", "job": "ls", "user": "root"}
    assert agent.run("cron", job)["changed"]
    path.write_text(path.read_text() + "\n    \n\t\n")
    plan = agent.check("cron", dict(job, state="absent"))
    assert plan["changed"] and path.exists()
    assert agent.run("cron", dict(job, state="absent"))["changed"] and not path.exists()
    assert not agent.run("cron", dict(job, state="absent"))["changed"]


def test_cron_refuses_the_system_crontab(agent):
    result = agent.run("cron", {"cron_file": "/etc/crontab", "name": "x", "job": "ls", "user": "root"})
    assert result["failed"] and result["msg"] == "Will not manage /etc/crontab via cron_file, see documentation."
