"""lookup('config'): Ansible's settings and plugin options, from ansible-core's own definitions."""

import pytest

from orch.errors import TemplateError
from orch.templating import Templar

T = Templar()

_PLUGIN = '''
DOCUMENTATION = """
    name: needy
    options:
        test_list:
            type: string
            required: True
        size:
            type: int
            default: 3
            vars: [{name: needy_size}]
"""
'''


def r(expr, **variables):
    return T.template("{{ %s }}" % expr, variables)


def test_settings_and_origins(monkeypatch):
    monkeypatch.delenv("ANSIBLE_HOME", raising=False)
    monkeypatch.setenv("ANSIBLE_CONFIG", "/nonexistent")
    assert "meow" in r("lookup('config', 'ANSIBLE_COW_ACCEPTLIST')")
    assert r("lookup('config', 'ANSIBLE_HOME') == lookup('config', '_Z_TEST_ENTRY_3')") is True
    assert r("lookup('config', '_Z_TEST_ENTRY', show_origin=True)")[1] == "default"
    assert r("lookup('config', '_Z_TEST_ENTRY', show_origin=True)", _z_test_entry="yolo") == ["yolo", "var: _z_test_entry"]
    monkeypatch.setenv("ANSIBLE_HOME", "/tmp/ah")
    assert r("lookup('config', 'ANSIBLE_HOME', show_origin=True)") == ["/tmp/ah", "env: ANSIBLE_HOME"]
    assert r("q('config', 'NOPE', on_missing='skip')") == [] and r("q('config', 'NOPE', on_missing='warn')") == []


def test_plugin_options(tmp_path):
    assert r("q('config', 'remote_user', 'port', plugin_type='connection', plugin_name='ssh', show_origin=True)",
             ansible_ssh_user="lola", ansible_ssh_port=2022) == [["lola", "var: ansible_ssh_user"],
                                                                  [2022, "var: ansible_ssh_port"]]
    assert r("q('config', 'remote_tmp', plugin_type='shell', plugin_name='sh')", ansible_remote_tmp="yolo") == ["yolo"]
    (tmp_path / "lookup_plugins").mkdir()
    (tmp_path / "lookup_plugins" / "needy.py").write_text(_PLUGIN)
    where = {"playbook_dir": str(tmp_path), "needy_size": "5"}
    assert r("q('config', 'size', plugin_type='lookup', plugin_name='needy')", **where) == [5]
    with pytest.raises(TemplateError, match="Required config 'test_list' for 'needy' lookup plugin not provided"):
        r("q('config', 'test_list', plugin_type='lookup', plugin_name='needy')", **where)


@pytest.mark.parametrize("expr,message", [
    ("lookup('config', 'THIS_DOES_NOT_EXIST')", "No config definition exists for 'THIS_DOES_NOT_EXIST'"),
    ("lookup('config', 'X', on_missing='boo')", "Invalid value 'boo'"),
    ("lookup('config', 1337)", "Invalid setting identifier"),
    ("q('config', 'remote_tmp', plugin_type='shell')", "Both plugin_type and plugin_name"),
    ("q('config', 'remote_tmp', plugin_name='sh')", "Both plugin_type and plugin_name"),
    ("q('config', 'plugin_type1', plugin_type='lookup', plugin_name='config')", "No config definition exists"),
    ("q('config', 'x', plugin_type='lookup', plugin_name='some.nonexistent.mylookup')", "Unable to load lookup"),
])
def test_errors(expr, message):
    with pytest.raises(TemplateError, match=message):
        r(expr)
