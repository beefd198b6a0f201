"""A step that cannot share its batch's round trip (a directory copy) runs after the steps before it."""

from __future__ import annotations

from tests.conftest import orch

PLAYBOOK = """\
- hosts: all
  gather_facts: false
  tasks:
    - file: {path: "{{ dest }}", state: absent}
    - copy: {src: tree, dest: "{{ dest }}"}
    - command: test -f {{ dest }}/tree/leaf
"""


def test_a_step_that_goes_alone_waits_for_the_batch_before_it(tmp_path):
    (tmp_path / "files" / "tree").mkdir(parents=True)
    (tmp_path / "files" / "tree" / "leaf").write_text("x")
    dest = tmp_path / "dest"
    (dest / "tree").mkdir(parents=True)  # the removal must happen first, or it takes the copy with it
    (tmp_path / "inv").write_text("localhost ansible_connection=local\n")
    (tmp_path / "pb.yml").write_text(PLAYBOOK)
    out = orch("run", str(tmp_path / "pb.yml"), "-i", str(tmp_path / "inv"), "-e", f"dest={dest}", "--no-color",
               "--runs-dir", str(tmp_path / "runs"), cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert (dest / "tree" / "leaf").read_text() == "x"
