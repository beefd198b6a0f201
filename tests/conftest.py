"""Shared fixtures. The lab is one session fixture: built once, shared by all tests."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

TEST_LAB = os.environ.get("ORCH_TEST_LAB", "orchtest")
TEST_NET = int(os.environ.get("ORCH_TEST_NET", "77"))
# The systemd lab (hosts with systemd as PID 1) takes the next address block unless told.
SYSTEMD_NET = int(os.environ.get("ORCH_TEST_SYSTEMD_NET", str(TEST_NET + 1)))


def orch(*args: str, env: dict | None = None, cwd: str | Path | None = None, timeout: float = 300,
         input: str | None = None) -> subprocess.CompletedProcess:
    """Run the real ``orch`` command line (the console script of this environment)."""
    exe = shutil.which("orch", path=os.path.dirname(sys.executable)) or shutil.which("orch")
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=timeout, cwd=cwd, input=input,
                          env={**os.environ, **(env or {})})


def interruptible() -> None:
    """preexec_fn for a command a test interrupts as Ctrl-C would: a suite started in the
    background (`cmd &`) hands its children SIGINT ignored, and Python then keeps ignoring it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def docker_available() -> bool:
    try:
        import docker

        docker.from_env().ping()
        return True
    except Exception:
        return False


def need_docker() -> None:
    """Skip the test without a Docker engine (fail it in CI)."""
    if not docker_available():
        if os.environ.get("CI"):
            pytest.fail("CI needs a Docker engine for the lab")
        pytest.skip("no Docker engine")


@pytest.fixture(scope="session")
def orch_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("orch-home")
    os.environ["ORCH_HOME"] = str(home)
    return home


@pytest.fixture(scope="session")
def lab(orch_home):
    """A 3-host lab for the whole session; removed at the end (ORCH_TEST_KEEP_LAB=1 keeps it)."""
    need_docker()
    from orch.lab import lab as lab_mod

    lab_mod.down(TEST_LAB)
    hosts = lab_mod.up(3, name=TEST_LAB, net=TEST_NET, docker_socket=True)
    directory = lab_mod.lab_dir(TEST_LAB)
    yield LabInfo(hosts, directory / "inventory.yml", directory / "inventory-docker.yml", directory)
    if not os.environ.get("ORCH_TEST_KEEP_LAB"):
        lab_mod.down(TEST_LAB)


@pytest.fixture(scope="session")
def systemd_lab(orch_home):
    """A 4-host lab whose hosts run systemd as PID 1 (real services); removed at the end like ``lab``."""
    need_docker()
    from orch.lab import lab as lab_mod

    name = f"{TEST_LAB}-sd"
    lab_mod.down(name)
    hosts = lab_mod.up(4, name=name, net=SYSTEMD_NET, init="systemd")
    directory = lab_mod.lab_dir(name)
    yield LabInfo(hosts, directory / "inventory.yml", directory / "inventory-docker.yml", directory)
    if not os.environ.get("ORCH_TEST_KEEP_LAB"):
        lab_mod.down(name)


@contextlib.contextmanager
def private_lab(name: str, count: int, net: int):
    """A lab of its own for tests that break or load hosts; yields (hosts, lab directory)."""
    need_docker()
    from orch.lab import lab as lab_mod

    lab_mod.down(name)
    hosts = lab_mod.up(count, name=name, net=net)
    try:
        yield hosts, lab_mod.lab_dir(name)
    finally:
        lab_mod.down(name)


class LabInfo:
    def __init__(self, hosts, ssh_inventory: Path, docker_inventory: Path, directory: Path) -> None:
        self.hosts = hosts
        self.names = [h.name for h in hosts]
        self.ssh_inventory = ssh_inventory
        self.docker_inventory = docker_inventory
        self.directory = directory
        self.key = directory / "id_ed25519"
        self.known_hosts = directory / "known_hosts"

    def address(self, name: str) -> str:
        return next(h.address for h in self.hosts if h.name == name)

    def container(self, name: str) -> str:
        return next(h.container for h in self.hosts if h.name == name)


@pytest.fixture(params=["ssh", "docker"])
def lab_inventory(request, lab) -> Path:
    """The lab's inventory over each transport in turn."""
    return lab.ssh_inventory if request.param == "ssh" else lab.docker_inventory
