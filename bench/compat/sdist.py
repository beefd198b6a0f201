"""ansible-core's source distribution (it carries the integration tests) and the target list."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tarfile
import venv
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
VERSION = "2.19.14"


def source_tree(version: str = VERSION, log=print) -> Path:
    """The extracted sdist (downloaded once into the cache with pip)."""
    root = CACHE / f"ansible_core-{version}"
    if (root / "test" / "integration" / "targets").is_dir():
        return root
    CACHE.mkdir(parents=True, exist_ok=True)
    archive = CACHE / f"ansible_core-{version}.tar.gz"
    if not archive.exists():
        log(f"downloading the ansible-core {version} sdist with pip")
        subprocess.run([_pip_python(), "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-q",
                        "-d", str(CACHE), f"ansible-core=={version}"], check=True)
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if m.name.split("/")[1:2] == ["test"]]
        tar.extractall(CACHE, members=members, filter="tar")
    return root


def _pip_python() -> str:
    """A Python with pip: this one, or a venv of its own in the cache (uv's venvs have no pip;
    `venv` seeds one from ensurepip, offline)."""
    if importlib.util.find_spec("pip") is not None:
        return sys.executable
    tool = CACHE / "pip-venv"
    if not (tool / "bin" / "python").exists():
        venv.create(tool, with_pip=True)
    return str(tool / "bin" / "python")


@dataclass(frozen=True)
class Target:
    name: str
    run: bool
    note: str  # why it is excluded, or what to know about it


_LINE = re.compile(r"^(?P<skip>-)?\s*(?P<name>[\w.\-]+)\s*(?:#\s*(?P<note>.*))?$")


def read_targets(path: Path) -> list[Target]:
    """``name  # note`` runs the target; ``-name  # reason`` lists it as not run."""
    targets = []
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            raise SystemExit(f"{path}:{number}: expected 'name  # note' or '-name  # reason', got {raw!r}")
        targets.append(Target(match["name"], not match["skip"], (match["note"] or "").strip()))
    return targets


def aliases(targets_dir: Path, name: str) -> list[str]:
    path = targets_dir / name / "aliases"
    if not path.exists():
        return []
    return [line.split("#")[0].strip() for line in path.read_text().splitlines() if line.split("#")[0].strip()]
