"""The package people install: `python -m build` makes an sdist and, from it, a wheel; the wheel
installs into a clean venv (dependencies from uv.lock) and runs: `orch --version`, `orch lab up 1`,
a playbook against that host, twice (the second run changes nothing)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.conftest import docker_available

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PKG_LAB = "pkgtest"
PKG_NET = int(os.environ.get("ORCH_PKG_NET", "96"))
PLAYBOOK = """\
- hosts: all
  gather_facts: false
  tasks:
    - copy: {content: "installed from a wheel\\n", dest: /tmp/orch-wheel-check, mode: "0640"}
    - command: cat /tmp/orch-wheel-check
      register: shown
      changed_when: false
    - assert: {that: ["shown.stdout == 'installed from a wheel'"]}
"""


def _uv() -> str:
    uv = os.environ.get("ORCH_UV") or shutil.which("uv")
    if not uv:
        if os.environ.get("CI"):
            pytest.fail("ORCH_UV is not set: run the tests through scripts/test.sh")
        pytest.skip("uv not found (scripts/bootstrap.sh installs it and sets ORCH_UV)")
    return uv


def _run(*args: str, **kw) -> subprocess.CompletedProcess:
    out = subprocess.run(args, capture_output=True, text=True, timeout=600, **kw)
    assert out.returncode == 0, f"{args}: exit {out.returncode}\n{out.stdout}\n{out.stderr}"
    return out


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """sdist and wheel; the wheel is built from the unpacked sdist, so the sdist must be complete."""
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT))
    return out


def test_sdist_and_wheel_carry_the_package(dist):
    sdist, = dist.glob("orch-*.tar.gz")
    wheel, = dist.glob("orch-*-py3-none-any.whl")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"LICENSE", "README.md", "pyproject.toml", "orch/agent/runtime.py"} <= names
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "orch/agent/modules/copy.py" in names and "orch/cli/main.py" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "License-Expression: Apache-2.0" in metadata
    assert "Project-URL: Source," in metadata and "Classifier: Programming Language :: Python :: 3" in metadata
    assert "Provides-Extra: ansible" in metadata


def test_wheel_installs_and_runs_a_playbook(dist, tmp_path):
    if not docker_available():
        if os.environ.get("CI"):
            pytest.fail("CI needs a Docker engine for the lab")
        pytest.skip("no Docker engine")
    uv = _uv()
    venv = tmp_path / "venv"
    _run(uv, "venv", "--quiet", "--python", "python3", str(venv), env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"})
    requirements = tmp_path / "requirements.txt"
    exported = _run(uv, "export", "--quiet", "--locked", "--no-emit-project", "--no-dev", "--format",
                    "requirements-txt", "--project", str(ROOT))
    requirements.write_text(exported.stdout)
    python = str(venv / "bin" / "python")
    _run(uv, "pip", "install", "--quiet", "--python", python, "-r", str(requirements))
    wheel, = dist.glob("orch-*-py3-none-any.whl")
    _run(uv, "pip", "install", "--quiet", "--python", python, "--no-deps", str(wheel))

    # The installed orch, run from a folder outside the checkout, must not see the checkout.
    env = {**os.environ, "ORCH_HOME": str(tmp_path / "home"), "PYTHONPATH": ""}
    orch = str(venv / "bin" / "orch")
    where = _run(python, "-c", "import orch; print(orch.__file__)", cwd=tmp_path, env=env).stdout
    assert where.startswith(str(venv)), where
    assert "0.1.0" in _run(orch, "--version", cwd=tmp_path, env=env).stdout
    _run(orch, "lab", "up", "1", "--name", PKG_LAB, "--net", str(PKG_NET), cwd=tmp_path, env=env)
    try:
        inventory = _run(orch, "lab", "inventory", "--name", PKG_LAB, cwd=tmp_path, env=env).stdout.strip()
        (tmp_path / "site.yml").write_text(PLAYBOOK)
        first = _run(orch, "run", "site.yml", "-i", inventory, cwd=tmp_path, env=env).stdout
        second = _run(orch, "run", "site.yml", "-i", inventory, cwd=tmp_path, env=env).stdout
        assert "changed=1" in first and "failed=0" in first, first
        assert "changed=0" in second and "failed=0" in second, second
    finally:
        subprocess.run([orch, "lab", "down", "--name", PKG_LAB], capture_output=True, cwd=tmp_path, env=env,
                       timeout=120)
