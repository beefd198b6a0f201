"""Lab hosts can see a controller folder at the same path (the compat harness's output_dir)."""

from __future__ import annotations

import pytest

from tests.conftest import docker_available

pytestmark = pytest.mark.skipif(not docker_available(), reason="no Docker engine")


def test_shared_folder_is_seen_at_the_same_path_by_new_hosts(tmp_path, orch_home):
    from orch.lab import lab

    shared = tmp_path / "out-\u00c5\u00d1"
    shared.mkdir()
    (shared / "from-controller").write_text("hello\n")
    name = "ct-x"
    lab.down(name)
    try:
        hosts = lab.up(1, name=name, net=122, shared=(str(shared),))
        container = lab.docker_client().containers.get(hosts[0].container)
        code, out = container.exec_run(["sh", "-c", f"cat '{shared}/from-controller' && echo host > '{shared}/from-host'"])
        assert (code, out) == (0, b"hello\n")
        assert (shared / "from-host").read_text() == "host\n"
        plain = lab.up(2, name=name, net=122)  # later hosts of the lab get no mount unless asked
        second = lab.docker_client().containers.get(plain[1].container)
        assert second.exec_run(["test", "-e", str(shared)]).exit_code == 1
    finally:
        lab.down(name)
