"""Native argument checks follow Ansible's spec: package hands other arguments to its backend."""

from __future__ import annotations

import pytest

from orch.errors import ParseError
from orch.modules import registry
from orch.playbook import load_playbook


def test_package_passes_backend_arguments_on():
    checked = registry.validate_args("package", {"name": "x", "state": "present", "update_cache": "yes",
                                                 "cache_valid_time": "60"})
    assert checked["update_cache"] is True and checked["cache_valid_time"] == 60 and checked["name"] == ["x"]
    with pytest.raises(ParseError, match="has no argument 'enablerepo', nor has its backend module 'apt'"):
        registry.validate_args("package", {"name": "x", "state": "present", "enablerepo": "epel"})


def test_a_yum_only_package_argument_is_no_load_problem(tmp_path):
    site = tmp_path / "site.yml"
    site.write_text("- hosts: all\n  tasks:\n    - package: {name: httpd, state: present, enablerepo: epel}\n"
                    "    - file: {path: /x, stat: touch}\n")
    book = load_playbook(site)  # not strict: nothing refused at load
    task = book.plays[0].tasks[1]
    assert "has no argument 'stat'" in task.problem.message and task.problem.location.line == 4
    assert book.plays[0].tasks[0].problem is None
    with pytest.raises(ParseError, match="has no argument 'stat'"):
        load_playbook(site, strict=True)
