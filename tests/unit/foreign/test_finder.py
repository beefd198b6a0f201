"""Module names to source files, where Ansible would find them."""

from __future__ import annotations

import os

import pytest

from orch.foreign import finder, paths
from orch.foreign.resolve import ModuleSearch, resolve

CORE = paths.search_paths().ansible_dir
needs_core = pytest.mark.skipif(CORE is None, reason="ansible-core is not installed")


def _find(name, book=None, **kw):
    return finder.find(name, finder.Lookup(str(book) if book else None, **kw))


@needs_core
def test_ansible_core_module_by_short_and_full_name():
    for name in ("getent", "ansible.builtin.getent", "ansible.legacy.getent"):
        found = _find(name)
        assert found.path == os.path.join(CORE, "modules", "getent.py")
        assert found.import_name == "ansible.modules.getent"


def test_collection_module_redirect_and_tombstone(book):
    found = _find("acme.tools.hello", book)
    assert found.path.endswith("acme/tools/plugins/modules/hello.py")
    assert found.import_name == "ansible_collections.acme.tools.plugins.modules.hello"
    assert _find("acme.tools.old_hello", book) == found
    lookup = finder.Lookup(str(book))
    assert finder.find("acme.tools.gone", lookup) is None
    assert "acme.tools.gone was removed: use hello" in lookup.missing_reason


def test_collections_keyword_and_library_folders(book):
    assert _find("hello", book) is None or _find("hello", book).name != "acme.tools.hello"
    assert _find("hello", book, collections=("acme.tools",)).name == "acme.tools.hello"
    shout = _find("shout", book)
    assert shout.name == "ansible.legacy.shout" and shout.path == str(book / "library" / "shout.py")
    role = book / "roles" / "r"
    (role / "library").mkdir(parents=True)
    (role / "library" / "shout.py").write_text("#!/usr/bin/python\n")
    assert _find("shout", book, library_dirs=(str(role / "library"),)).path == str(role / "library" / "shout.py")


def test_environment_and_ansible_cfg_paths(book, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "ansible_collections" / "zed" / "x" / "plugins" / "modules").mkdir(parents=True)
    (elsewhere / "ansible_collections" / "zed" / "x" / "plugins" / "modules" / "m.py").write_text("")
    assert _find("zed.x.m", book) is None
    monkeypatch.setenv("ANSIBLE_COLLECTIONS_PATH", str(elsewhere))
    paths.reset()
    assert _find("zed.x.m", book).name == "zed.x.m"
    monkeypatch.delenv("ANSIBLE_COLLECTIONS_PATH")
    (tmp_path / "ansible.cfg").write_text(f"[defaults]\ncollections_path = elsewhere\nlibrary = lib\n")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "mine.py").write_text("")
    monkeypatch.setenv("ANSIBLE_CONFIG", str(tmp_path / "ansible.cfg"))
    paths.reset()
    assert _find("zed.x.m", book).name == "zed.x.m"
    assert _find("mine", book).path == str(tmp_path / "lib" / "mine.py")


@needs_core
def test_builtin_routing_to_a_collection():
    found = _find("ini_file")
    if found is None:
        pytest.skip("the ansible package (community.general) is not installed")
    assert found.name == "community.general.ini_file"


def test_resolve_native_foreign_and_nowhere(book):
    search = ModuleSearch(str(book))
    assert resolve("copy", search).module == "copy" and resolve("copy", search).found is None
    assert resolve("ansible.builtin.copy", search).module == "copy"
    assert resolve("shout", search).found.name == "ansible.legacy.shout"
    missing = resolve("cpy", search)
    assert missing.found is None and "not found (did you mean 'copy'?)" in missing.problem
    assert str(book / "library") in missing.problem
    # A library module of a native name wins, as in Ansible.
    (book / "library" / "ping.py").write_text("")
    assert resolve("ping", search).found.path == str(book / "library" / "ping.py")


def test_windows_module_is_found_but_refused(book):
    (book / "library" / "win_thing.ps1").write_text("#!powershell\n")
    resolved = resolve("win_thing", ModuleSearch(str(book)))
    assert "not a Python module" in resolved.problem
