"""Steps run in the playbook's order, also when some of them share a round trip (batching.py)
and the next one cannot (a folder copy goes alone, after the steps before it)."""

from __future__ import annotations

from tests.conftest import orch


def test_a_step_that_goes_alone_runs_after_the_batched_ones_before_it(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "file").write_text("x\n")
    dest = tmp_path / "dest"
    (tmp_path / "inv").write_text("localhost ansible_connection=local\n")
    (tmp_path / "pb.yml").write_text(f"""
- hosts: all
  gather_facts: false
  tasks:
    - file: {{path: {dest}, state: directory}}
    - copy: {{src: {tmp_path}/src, dest: {dest}}}
    - file: {{path: {dest}, state: absent}}
    - file: {{path: {dest}, state: directory}}
    - copy: {{src: {tmp_path}/src/, dest: {dest}}}
""")
    res = orch("run", str(tmp_path / "pb.yml"), "-i", str(tmp_path / "inv"), "--runs-dir", str(tmp_path / "runs"),
               cwd=tmp_path, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
    assert sorted(p.name for p in dest.iterdir()) == ["file"]
