"""Ansible's Python filter/test/lookup plugins on the controller: where they are found, which name wins,
and how a plugin that fails says so (py_plugins, py_lookup; the plugins are in tests/data/py_plugins)."""

from pathlib import Path

import pytest

from orch.errors import TemplateError
from orch.playbook.loader import load_playbook
from orch.templating import Templar, py_plugins

BOOK = Path(__file__).resolve().parents[2] / "data" / "py_plugins" / "book"
CONFIGURED = BOOK.parent / "configured"


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    monkeypatch.delenv("ANSIBLE_FILTER_PLUGINS", raising=False)
    monkeypatch.setenv("ANSIBLE_CONFIG", "")  # no ansible.cfg of the machine's
    py_plugins.reset()
    yield
    py_plugins.reset()


def render(expr, **variables):
    return Templar().template("{{ %s }}" % expr, {"playbook_dir": str(BOOK), **variables})


def test_not_found_until_the_folder_is_added():
    with pytest.raises(TemplateError, match="No filter named 'reverse_words'"):
        render("'a b' | reverse_words")
    py_plugins.add_plugin_dirs(str(BOOK))
    assert render("'a b' | reverse_words") == "b a"
    assert render("'a-b' | ansible.legacy.reverse_words('-')") == "b-a"
    assert render("4 is even") is True and render("3 is ansible.legacy.even") is False


def test_short_names_shadow_builtins_but_not_fully_qualified_ones():
    py_plugins.add_plugin_dirs(str(BOOK))
    assert render("'x' | b64encode") == "plugin:x"
    assert render("'x' | ansible.builtin.b64encode") == "eA=="
    assert render("lookup('file', 'x')") == "shadowed x"


def test_playbook_and_role_folders_are_added_when_loaded():
    load_playbook(BOOK / "site.yml")
    assert py_plugins.folders("filter") == [str(BOOK / "filter_plugins"), str(BOOK / "roles/shouty/filter_plugins")]
    assert render("'hi' | shout") == "HI!"  # a role's filter serves every template once the role is loaded


def test_configured_folders_come_after_added_ones(monkeypatch):
    monkeypatch.setenv("ANSIBLE_FILTER_PLUGINS", str(CONFIGURED))
    assert render("1 | configured") == "configured:1"
    py_plugins.add_plugin_dirs(str(BOOK))
    assert render("'a b' | reverse_words") == "b a"


def test_a_plugin_that_fails_to_load_fails_where_it_is_used():
    py_plugins.add_plugin_dirs(str(BOOK))
    assert render("'ok' | reverse_words") == "ok"  # loading the folder does not fail
    with pytest.raises(TemplateError, match="The filter plugin 'broken' failed to load: boom"):
        render("'' | broken")
    with pytest.raises(TemplateError, match="The lookup plugin 'broken' failed to load: boom"):
        render("lookup('broken')")
    with pytest.raises(TemplateError, match="No filter named 'has.dot'"):  # Ansible skips dotted short names
        render("'' | has.dot")


def test_a_plugin_that_raises_names_itself():
    py_plugins.add_plugin_dirs(str(BOOK))
    with pytest.raises(TemplateError, match="The filter plugin 'explode' failed: no x"):
        render("'x' | explode")
    with pytest.raises(TemplateError, match="The lookup plugin 'fails' failed: 'nothing here'"):
        render("lookup('fails', 1)")
    assert render("lookup('fails', 1, errors='ignore')") is None


def test_undefined_arguments_reach_only_plugins_that_take_them():
    py_plugins.add_plugin_dirs(str(BOOK))
    assert render("nope | sees_undefined") == "called"
    assert render("(nope | reverse_words) is undefined")


def test_lookup_gets_options_templar_and_variables():
    py_plugins.add_plugin_dirs(str(BOOK))
    got = render("query('echo_terms', 'a', 'b', prefix='+')", greeting="{{ 'hel' ~ 'lo' }}")
    assert got == ["+a", "+b", "hello", "hello"]
    assert render("query('echo_terms', 'a')", greeting="hi")[0] == "-a"  # the documented default
    with pytest.raises(TemplateError, match="echo_terms.*prefix"):
        render("query('echo_terms', 'a', prefix=[1, 2])", greeting="hi")


def test_lookup_terms_with_an_undefined_template_are_not_resolved_early():
    py_plugins.add_plugin_dirs(str(BOOK))
    assert Templar().is_true("query('echo_terms', '{{ nope }}', greeting='x') | length == 1", {"greeting": "hi"})


def test_collection_plugins_by_fully_qualified_name():
    py_plugins.add_plugin_dirs(str(BOOK))
    assert render("3 | orchtest.plug.double") == 6
    assert render("query('orchtest.plug.pair', 'x')") == [["x", "x"]]
    with pytest.raises(TemplateError, match="No filter named 'orchtest.plug.nope'"):
        render("3 | orchtest.plug.nope")


def test_an_action_plugin_resolves_a_name_no_module_has():
    from orch.foreign.resolve import ModuleSearch, resolve

    search = ModuleSearch(playbook_dir=str(BOOK))
    assert resolve("checked_echo", search).problem is not None  # not yet loaded: found nowhere
    py_plugins.add_plugin_dirs(str(BOOK))
    found = resolve("checked_echo", search)
    assert found.problem is None and found.action_plugin.load().__name__ == "ActionModule"
    assert resolve("ping", search).action_plugin is None


def test_without_ansible_core_a_plugin_that_imports_it_says_what_to_install(monkeypatch):
    from orch.foreign import paths

    missing = ModuleNotFoundError("No module named 'ansible'", name="ansible")
    assert "install orch with its `ansible` extra" not in py_plugins.cause(missing)  # ansible-core is here
    monkeypatch.setattr(paths, "_ansible_core", lambda: (None, None))
    paths.reset()  # the fixture forgets it again
    assert py_plugins.cause(missing).endswith("(the plugin needs ansible-core: install orch with its `ansible` extra)")
