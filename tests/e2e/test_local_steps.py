"""Steps over the local connection, where the controller does part of the work: their order
(batching.py) and the shape of their results."""

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


def test_diffs_have_the_shape_of_ansibles_actions(tmp_path):
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "a").write_text("A\n")
    (tmp_path / "inv").write_text("localhost ansible_connection=local\n")
    (tmp_path / "pb.yml").write_text(f"""
- hosts: all
  gather_facts: false
  diff: true
  tasks:
    - {{assemble: {{src: {tmp_path}/parts, dest: {tmp_path}/joined, remote_src: false}}, register: joined}}
    - {{copy: {{content: "C", dest: {tmp_path}/c}}, register: copied}}
    - assert:
        that:
          - joined.diff.after == 'A\\n'
          - copied.diff[0].after == 'C' and copied.diff[0].after_header == '{tmp_path}/c'
""")
    res = orch("run", str(tmp_path / "pb.yml"), "-i", str(tmp_path / "inv"), "--runs-dir", str(tmp_path / "runs"),
               cwd=tmp_path, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
