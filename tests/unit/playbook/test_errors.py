"""Every load-time mistake is a ParseError pointing at file:line(:col)."""

import pytest

from orch.errors import ParseError
from orch.playbook import load_playbook


def error_of(path):
    with pytest.raises(ParseError) as err:
        load_playbook(path, strict=True)
    assert err.value.exit_code == 2
    return err.value


@pytest.mark.parametrize(
    "body,line,message",
    [
        ("- hosts: all\n  tasks:\n    - name: x\n      whne: a\n      ping:\n", 4,
         "unknown module or task keyword 'whne' (did you mean 'when'?)"),
        ("- hosts: all\n  tasks:\n    - cpy: src=a dest=b\n", 3, "module 'cpy' not found (did you mean 'copy'?)"),
        ("- hosts: all\n  tasks:\n    - copy: {src: a, dest: b}\n      file: {path: x}\n", 4,
         "a task can run only one module, found 'copy' and 'file'"),
        ("- hosts: all\n  tasks:\n    - name: nothing\n", 3, "a task needs a module"),
        ("- hosts: all\n  tasks:\n    - command: sleep 10\n      async: [10]\n", 4, "'async' must be"),
        ("- hosts: all\n  tasks:\n    - command: x\n      throttle: 1\n", 4, "orch does not support 'throttle' (yet)"),
        ("- hosts: all\n  tasks:\n    - command: x\n      connection: local\n", 4, "'connection' on a task"),
        ("- hosts: all\n  strategy: debug\n", 2, "orch does not support strategy 'debug' (only free, host_pinned, linear)"),
        ("- hosts: all\n  vars: {s: debug}\n  strategy: '{{ s }}'\n", 3, "orch does not support strategy 'debug'"),
        ("- hosts: all\n  strategy: '{{ nope }}'\n", 2, "'strategy': "),
        ("- hosts: all\n  order: [sorted]\n", 2, "'order' must be a string, got a list"),
        ("- hosts: all\n  vars_prompt: [{name: x}]\n", 2, "vars_prompt"),
        ("- hosts: all\n  taks: []\n", 2, "unknown play keyword 'taks' (did you mean 'tasks'?)"),
        ("- hosts: 5\n", 1, "'hosts' must be a string or a list, got a number"),
        ("- name: x\n", 1, "a play needs 'hosts:'"),
        ("- hosts: all\n  tasks: {ping: }\n", 2, "'tasks' must be a list, got a mapping"),
        ("- hosts: all\n  tasks:\n    - ping:\n      when: {a: 1}\n", 4, "'when' must be an expression"),
        ("- hosts: all\n  tasks:\n    - ping:\n      loop: 3\n", 4, "'loop' must be a list or a template string"),
        ("- hosts: all\n  tasks:\n    - ping:\n      loop: [1]\n      with_items: [2]\n", 5, "only one loop"),
        ("- hosts: all\n  tasks:\n    - ping:\n      with_foo: [1]\n", 4, "orch does not support 'with_foo'"),
        ("- hosts: all\n  tasks:\n    - ping:\n      register: 'a b'\n", 4, "'register' must be a variable name"),
        ("- hosts: all\n  tasks:\n    - ping:\n      retries: many\n", 4, "'retries' must be a number"),
        ("- hosts: all\n  tasks:\n    - ping:\n      loop_control: {loopvar: x}\n      loop: [1]\n", 4,
         "unknown loop_control keyword 'loopvar' (did you mean 'loop_var'?)"),
        ("- hosts: all\n  tasks:\n    - file: path=/x stat=touch\n", 3, "module 'file' has no argument 'stat' (did you mean 'state'?)"),
        ("- hosts: all\n  tasks:\n    - copy:\n        src: a\n        dset: b\n", 4, "has no argument 'dset' (did you mean 'dest'?)"),
        ("- hosts: all\n  tasks:\n    - file: /x\n", 3, "module 'file' does not support raw params (free-form words '/x')"),
        ("- hosts: all\n  tasks:\n    - command: echo 'oops\n", 3, "unbalanced quote"),
        ("- hosts: all\n  tasks:\n    - ping:\n      listen: x\n", 4, "'listen' is only valid on handlers"),
        ("- hosts: all\n  tasks:\n    - rescue: []\n", 3, "'rescue' needs a 'block'"),
        ("- hosts: all\n  tasks:\n    - block:\n        - ping:\n      loop: [1]\n", 5, "unknown block keyword 'loop'"),
        ("- hosts: all\n  tasks:\n    - 'just a string'\n", 3, "a task must be a mapping"),
        ("- hosts: all\n  tasks:\n    - ping:\n      tags: {a: 1}\n", 4, "'tags' must be a string or a list"),
        ("- hosts: all\n  tasks:\n    - action: nosuchmod a=b\n", 3, "module 'nosuchmod' not found"),
        ("- hosts: all\n  serial: lots\n", 2, "'serial' value 'lots'"),
        ("hosts: all\n", 1, "a playbook must be a list of plays"),
        ("- hosts: all\n  tasks:\n    - ping:\n    ping: x\n", 4, "invalid YAML"),
        ("- hosts: all\n  tasks:\n    - ping:\n      vars: [1]\n", 4, "'vars' must be a mapping"),
    ],
)
def test_error_cases(write, body, line, message):
    p = write("site.yml", body)
    err = error_of(p)
    assert message in err.message, err.message
    assert err.location.file == p
    assert err.location.line == line, str(err)
    assert str(err).startswith(f"{p}:{line}")


def test_missing_import_file_names_referencing_line(write):
    p = write("site.yml", "- hosts: all\n  tasks:\n    - ping:\n    - import_tasks: nope.yml\n")
    err = error_of(p)
    assert "file not found: 'nope.yml'" in err.message and err.location.line == 4


def test_missing_include_file(write):
    p = write("site.yml", "- hosts: all\n  tasks:\n    - include_tasks: gone.yml\n")
    err = error_of(p)
    assert "gone.yml" in err.message and err.location.line == 3


def test_missing_vars_file(write):
    p = write("site.yml", "- hosts: all\n  vars_files:\n    - vars/none.yml\n")
    err = error_of(p)
    assert "vars file not found: 'vars/none.yml'" in err.message and err.location.line == 3


def test_missing_import_playbook(write):
    p = write("site.yml", "- import_playbook: other.yml\n")
    err = error_of(p)
    assert "other.yml" in err.message and err.location.line == 1


def test_error_inside_imported_file_points_there(write):
    inc = write("inc.yml", "- ping:\n- debug:\n    mgs: hi\n")
    p = write("site.yml", "- hosts: all\n  tasks:\n    - import_tasks: inc.yml\n")
    err = error_of(p)
    assert err.location.file == inc and err.location.line == 3 and "did you mean 'msg'" in err.message


def test_import_loops(write):
    write("a.yml", "- import_tasks: b.yml\n")
    write("b.yml", "- import_tasks: a.yml\n")
    p = write("site.yml", "- hosts: all\n  tasks:\n    - import_tasks: a.yml\n")
    err = error_of(p)
    assert "include loop" in err.message and "a.yml -> " in err.message


def test_self_include(write):
    p = write("self.yml", "- include_tasks: self.yml\n")
    s = write("site.yml", "- hosts: all\n  tasks:\n    - include_tasks: self.yml\n")
    err = error_of(s)
    assert "include loop" in err.message and err.location.file == p


def test_playbook_import_loop(write):
    write("a.yml", "- import_playbook: site.yml\n")
    p = write("site.yml", "- import_playbook: a.yml\n")
    assert "import loop" in error_of(p).message


def test_static_import_with_runtime_var(write):
    p = write("site.yml", "- hosts: all\n  tasks:\n    - import_tasks: '{{ ansible_os_family }}.yml'\n")
    err = error_of(p)
    assert "import_tasks is static" in err.message and "ansible_os_family" in err.message


def test_missing_playbook():
    with pytest.raises(ParseError, match="playbook not found"):
        load_playbook("/nonexistent/site.yml")


def test_bad_yaml_location(write):
    p = write("site.yml", "- hosts: all\n  tasks: [\n")
    err = error_of(p)
    assert err.location.file == p and err.location.line >= 2


def test_duplicate_key(write):
    p = write("site.yml", "- hosts: all\n  hosts: web\n")
    assert "duplicate key" in error_of(p).message
