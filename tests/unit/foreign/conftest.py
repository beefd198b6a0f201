"""A playbook folder with its own collection and library/, and clean search paths per test."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from orch.foreign import finder, paths

HELLO = '''
from ansible.module_utils.basic import AnsibleModule
from ..module_utils.greeting import greet


def main():
    module = AnsibleModule(argument_spec={"who": {"type": "str", "required": True},
                                          "secret": {"type": "str", "no_log": True}},
                           supports_check_mode=False)
    module.exit_json(changed=True, msg=greet(module.params["who"]))


if __name__ == "__main__":
    main()
'''


@pytest.fixture(autouse=True)
def clean_paths(monkeypatch, tmp_path):
    for name in ("ANSIBLE_LIBRARY", "ANSIBLE_MODULE_UTILS", "ANSIBLE_COLLECTIONS_PATH", "ANSIBLE_COLLECTIONS_PATHS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ANSIBLE_CONFIG", str(tmp_path / "no-ansible.cfg"))
    paths.reset()
    finder._routing_table.cache_clear()
    yield
    paths.reset()
    finder._routing_table.cache_clear()


@pytest.fixture
def book(tmp_path) -> Path:
    """tmp/pb: collections/ansible_collections/acme/tools (module hello, module_utils greeting,
    a redirect and a tombstone), library/shout.py."""
    root = tmp_path / "pb"

    def write(rel: str, text: str) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))

    coll = "collections/ansible_collections/acme/tools/"
    write(coll + "plugins/modules/hello.py", HELLO)
    write(coll + "plugins/module_utils/greeting.py", "def greet(who):\n    return 'hello ' + who\n")
    write(coll + "meta/runtime.yml", """
        plugin_routing:
          modules:
            old_hello: {redirect: acme.tools.hello}
            gone: {tombstone: {removal_version: '2.0.0', warning_text: use hello}}
    """)
    write("library/shout.py", """
        #!/usr/bin/python
        from ansible.module_utils.basic import AnsibleModule
        from ansible.module_utils.six.moves import configparser  # made at import time by six

        def main():
            module = AnsibleModule(argument_spec={"text": {"type": "str"}}, supports_check_mode=True)
            print("noise before the result")
            if module.params["text"] == "crash":
                raise RuntimeError("shout crashed on purpose")
            module.exit_json(changed=False, text=(module.params["text"] or "").upper())

        if __name__ == "__main__":
            main()
    """)
    return root
