"""Whatever the bytes, load_playbook raises ParseError and nothing else."""

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orch.errors import ParseError
from orch.playbook import load_playbook

KEYS = ["hosts", "tasks", "name", "when", "loop", "block", "rescue", "copy", "command", "file", "import_tasks",
        "include_tasks", "roles", "vars", "tags", "with_items", "register", "notify", "args", "action", "debug",
        "handlers", "vars_files", "serial", "import_playbook", "include_role", "loop_control", "xyz"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12), st.sampled_from(KEYS),
                    st.sampled_from(["a=b c='d", "{{ x", "x.yml", "echo hi", "{{ y }}.yml", "path=/x state=touch"]))
docs = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)),
                    max_leaves=25)


def _check(text: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "site.yml"
        path.write_text(text)
        (Path(d) / "x.yml").write_text(text)
        try:
            load_playbook(path)
        except ParseError:
            pass


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs)
def test_structured_garbage(doc):
    _check(yaml.safe_dump(doc))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("-: \n[]{}'\"&*!|>#%@`,?abc=") + ["hosts", "tasks", "  ", "\t"]), max_size=40))
def test_textual_garbage(parts):
    _check("".join(parts))


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_mutated_valid_playbook(data):
    base = ("- hosts: all\n  vars: {a: 1}\n  tasks:\n    - name: t\n      command: echo hi\n"
            "      when: a == 1\n      loop: [1, 2]\n    - block:\n        - file: path=/x state=touch\n"
            "      rescue:\n        - debug: msg=x\n  handlers:\n    - name: h\n      ping:\n")
    pos = data.draw(st.integers(0, len(base)))
    junk = data.draw(st.text(alphabet=st.sampled_from(list(" -:\n{}[]'\"x=")), max_size=4))
    cut = data.draw(st.integers(0, 3))
    _check(base[:pos] + junk + base[pos + cut:])
