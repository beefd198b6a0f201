"""module_defaults at load (keys resolved, groups and their metadata, bad values) and merged for a task."""

from __future__ import annotations

import pytest

from orch.engine.module_defaults import with_defaults
from orch.errors import HostFailure, ParseError
from orch.playbook import load_playbook
from orch.playbook.model import iter_tasks
from orch.templating import Templar

RUNTIME = """
action_groups:
  web:
    - metadata:
        extend_group: [ns.coll.ops]
    - ansible.builtin.uri
    - get_url
  ops:
    - metadata:
        extend_group: web
    - ansible.builtin.command
  broken:
    - unexpected_key: {key: value}
      metadata: {extend_group: web}
  typed:
    - metadata:
        extend_group: {name: web}
"""


@pytest.fixture
def collection(write):
    write("collections/ansible_collections/ns/coll/meta/runtime.yml", RUNTIME)
    write("collections/ansible_collections/ns/coll/plugins/modules/get_url.py", "# a module\n")


def tasks_of(path):
    book = load_playbook(path)
    return book, list(iter_tasks(book.plays[0].tasks))


def test_keys_are_stored_under_the_names_ansible_resolves(write):
    path = write("site.yml", """
        - hosts: all
          module_defaults:
            ping: {data: a}
            ansible.legacy.debug: {msg: b}
            legacy_ping: {data: c}
          tasks:
            - ping:
        """)
    write("library/legacy_ping.py", "#!/usr/bin/python\n")
    _, [task] = tasks_of(path)
    assert task.module_defaults.layers == ({"ansible.builtin.ping": {"data": "a"}, "ansible.builtin.debug": {"msg": "b"},
                                            "ansible.legacy.legacy_ping": {"data": "c"}},)


def test_groups_follow_extend_group_both_ways(write, collection):
    path = write("site.yml", """
        - hosts: all
          module_defaults:
            group/ns.coll.web: {timeout: 3}
          tasks:
            - command: echo
        """)
    _, [task] = tasks_of(path)
    members = task.module_defaults.groups["group/ns.coll.web"]
    assert members == {"ansible.builtin.uri", "ns.coll.get_url", "ansible.builtin.command"}


def test_bad_group_metadata_is_a_warning_in_ansibles_words(write, collection, monkeypatch):
    path = write("site.yml", """
        - hosts: all
          module_defaults:
            group/ns.coll.broken: {}
            group/ns.coll.typed: {}
          tasks: []
        """)
    book = load_playbook(path)
    assert book.plays[0].warnings == [
        "Invalid metadata was found for action_group ns.coll.broken while loading module_defaults. "
        "The only expected key is metadata, but got keys: metadata, unexpected_key",
        "Invalid metadata was found for action_group ns.coll.typed while loading module_defaults. "
        "The metadata contains unexpected key types: extend_group is {'name': 'web'} (expected type list)"]
    monkeypatch.setenv("ANSIBLE_VALIDATE_ACTION_GROUP_METADATA", "False")
    assert load_playbook(path).plays[0].warnings == []


@pytest.mark.parametrize("value, line, message", [
    ("[ping]", 3, "'module_defaults' must be a mapping"),
    ("{'{{ m }}': {}}", 3, "keys must be static module or group names"),
    ("{no_such_module_here: {}}", 3, "could not resolve the module or action 'no_such_module_here'"),
    ("{group/no_such_group: {}}", 3, "could not resolve the module_defaults group 'ansible.builtin.no_such_group'"),
])
def test_bad_module_defaults_are_refused_at_load(write, value, line, message):
    path = write("site.yml", f"- hosts: all\n  tasks:\n    - ping:\n      module_defaults: {value}\n")
    with pytest.raises(ParseError) as err:
        load_playbook(path)
    assert message in err.value.message
    assert err.value.location.line in (line, line + 1)


def test_required_arguments_may_come_from_module_defaults(write):
    path = write("site.yml", """
        - hosts: all
          tasks:
            - service:
              module_defaults: {service: {name: x, state: started}}
            - service:
        """)
    _, [given, missing] = tasks_of(path)
    assert given.problem is None
    assert "missing required argument 'name'" in missing.problem.message


def test_merge_groups_then_module_then_task_arguments(write, collection):
    path = write("site.yml", """
        - hosts: all
          module_defaults:
            command: {chdir: /play, creates: /x}
            group/ns.coll.ops: {chdir: /group, removes: '{{ gone }}'}
          tasks:
            - module_defaults:
                ansible.builtin.command: {chdir: /block}
              block:
                - command: echo hi
                  args: {creates: /own}
        """)
    _, [task] = tasks_of(path)
    args = with_defaults(task, {"_raw_params": "echo hi", "creates": "/own"}, {"gone": "/g"}, Templar(), "t", "/")
    # The block's entry for command replaced the play's whole entry; the group's stays below it.
    assert args == {"chdir": "/block", "removes": "/g", "_raw_params": "echo hi", "creates": "/own"}


def test_backend_defaults_fill_what_is_missing(write):
    path = write("site.yml", """
        - hosts: all
          module_defaults:
            service: {state: started}
            systemd: {name: from-systemd, enabled: true, state: stopped}
          tasks:
            - service:
        """)
    _, [task] = tasks_of(path)
    facts = {"ansible_facts": {"service_mgr": "systemd"}}
    assert with_defaults(task, {}, facts, Templar(), "t", "/") == {"state": "started", "name": "from-systemd",
                                                                   "enabled": True}
    assert with_defaults(task, {}, {}, Templar(), "t", "/") == {"state": "started"}  # backend unknown: only its own


def test_defaults_that_are_not_a_mapping_fail_the_task(write):
    path = write("site.yml", """
        - hosts: all
          module_defaults:
            ping: '{{ not_a_mapping }}'
          tasks:
            - ping:
        """)
    _, [task] = tasks_of(path)
    with pytest.raises(HostFailure, match="must be a mapping of arguments"):
        with_defaults(task, {}, {"not_a_mapping": "text"}, Templar(), "t", "/")


def test_a_package_manager_no_module_answers_to_fails_the_task(write):
    path = write("site.yml", """
        - hosts: all
          tasks:
            - package: {name: x}
        """)
    _, [task] = tasks_of(path)
    with pytest.raises(HostFailure, match='Could not find a matching action for the "lola" package manager.'):
        with_defaults(task, {"name": ["x"]}, {"ansible_package_use": "lola"}, Templar(), "t", "/")
    assert with_defaults(task, {"name": ["x"]}, {"ansible_package_use": "apt"}, Templar(), "t", "/") == {
        "name": ["x"], "use": "apt"}
    assert with_defaults(task, {"name": ["x"]}, {}, Templar(), "t", "/") == {"name": ["x"]}
