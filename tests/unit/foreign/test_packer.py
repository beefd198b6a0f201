"""The import graph of a module: what travels to the host, named by content."""

from __future__ import annotations

import hashlib

import pytest

from orch.foreign import finder, packer, paths

pytestmark = pytest.mark.skipif(paths.search_paths().ansible_dir is None, reason="ansible-core is not installed")


def _pack(name, book):
    found = finder.find(name, finder.Lookup(str(book)))
    return packer.pack(found, paths.collection_roots(str(book)))


def test_collection_module_with_relative_module_utils(book):
    pkg = _pack("acme.tools.hello", book)
    names = set(pkg.manifest)
    prefix = "ansible_collections.acme.tools.plugins."
    assert {prefix + "modules.hello", prefix + "module_utils.greeting", "ansible.module_utils.basic"} <= names
    # every package above them travels too, so imports work on the host
    assert {"ansible", "ansible.module_utils", "ansible_collections", "ansible_collections.acme",
            prefix[:-1], prefix + "modules", prefix + "module_utils"} <= names
    assert pkg.manifest[prefix + "modules"][0] is True and pkg.manifest[prefix + "modules.hello"][0] is False
    assert pkg.entry == prefix + "modules.hello" and pkg.missing == []
    helper = book / "collections/ansible_collections/acme/tools/plugins/module_utils/greeting.py"
    digest = pkg.manifest[prefix + "module_utils.greeting"][1]
    assert digest == hashlib.sha1(helper.read_bytes()).hexdigest()
    assert pkg.source(digest) == helper.read_text()


def test_key_follows_content(book):
    first = _pack("acme.tools.hello", book).key
    assert _pack("acme.tools.hello", book).key == first
    helper = book / "collections/ansible_collections/acme/tools/plugins/module_utils/greeting.py"
    helper.write_text(helper.read_text() + "# changed\n")
    assert _pack("acme.tools.hello", book).key != first


def test_names_made_at_import_time_take_the_module_that_makes_them(book):
    pkg = _pack("shout", book)
    assert "ansible.module_utils.six" in pkg.manifest
    assert not any(name.startswith("ansible.module_utils.six.moves") for name in pkg.manifest)
    assert pkg.missing == []


def test_missing_module_utils_are_listed(book):
    hello = book / "collections/ansible_collections/acme/tools/plugins/modules/hello.py"
    hello.write_text("from ansible.module_utils.nothing_here import x\n" + hello.read_text())
    assert "ansible.module_utils.nothing_here" in _pack("acme.tools.hello", book).missing
