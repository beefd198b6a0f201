"""group_by and add_host change what later tasks see in ``groups`` (the inventory is cached per change)."""

from __future__ import annotations

import json

from tests.conftest import orch


def test_groups_follow_group_by_and_add_host(tmp_path):
    inventory = tmp_path / "inv.ini"
    inventory.write_text("[web]\na ansible_connection=local kind=red\nb ansible_connection=local kind=blue\n")
    (tmp_path / "group_vars").mkdir()
    (tmp_path / "group_vars" / "color_red.yml").write_text("shade: dark\n")
    out = tmp_path / "out"
    out.mkdir()
    book = tmp_path / "site.yml"
    book.write_text(f"""
- hosts: web
  gather_facts: false
  tasks:
    - name: before
      copy: {{dest: "{out}/{{{{ inventory_hostname }}}}-before.json", content: "{{{{ groups | to_json }}}}"}}
    - group_by: {{key: "color_{{{{ kind }}}}"}}
    - add_host: {{name: c, groups: late, ansible_connection: local}}
    - name: after
      copy: {{dest: "{out}/{{{{ inventory_hostname }}}}-after.json", content: "{{{{ groups | to_json }}}}"}}
    - name: group vars of the new group apply
      copy: {{dest: "{out}/{{{{ inventory_hostname }}}}-shade.txt", content: "{{{{ shade | default('none') }}}} {{{{ group_names | join(',') }}}}"}}

- hosts: late
  gather_facts: false
  tasks:
    - copy: {{dest: "{out}/{{{{ inventory_hostname }}}}-late.txt", content: "{{{{ groups['color_red'] | join(',') }}}}"}}
""")
    res = orch("run", str(book), "-i", str(inventory))
    assert res.returncode == 0, res.stdout + res.stderr
    before = json.loads((out / "a-before.json").read_text())
    assert "color_red" not in before and before["web"] == ["a", "b"]
    after = json.loads((out / "b-after.json").read_text())
    assert after["color_red"] == ["a"] and after["color_blue"] == ["b"] and after["late"] == ["c"]
    assert "c" in after["all"] and "c" not in after["web"]
    assert (out / "c-late.txt").read_text() == "a"
    assert (out / "a-shade.txt").read_text() == "dark color_red,web"
    assert (out / "b-shade.txt").read_text() == "none color_blue,web"



def test_group_by_takes_the_implicit_localhost(tmp_path):
    book = tmp_path / "site.yml"
    book.write_text("""
- hosts: localhost
  gather_facts: false
  tasks:
    - group_by: {key: "test_{{ inventory_hostname }}"}
- hosts: test_localhost
  gather_facts: false
  tasks:
    - debug: {msg: reached by its new group}
""")
    res = orch("run", str(book), "-i", "/dev/null", cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "reached by its new group" in res.stdout and "Traceback" not in res.stderr
