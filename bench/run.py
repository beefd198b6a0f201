"""Benchmark orch against ansible-core and pyinfra on the same lab hosts.

    python bench/run.py --sizes 1,5,20 --repeat 3

Installs ansible-core and pyinfra into their own venvs (bench/.venvs), starts a
lab of N hosts, and times for each tool the first run on fresh hosts, the second
run (nothing to change) and the dry run, plus the floor (paramiko connecting to
every host and running `true`). Writes bench/RESULTS.md. Figures, not tests.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENVS = HERE / ".venvs"
WORK = HERE / ".work"
LAB = os.environ.get("ORCH_BENCH_LAB", "bench")
NET = int(os.environ.get("ORCH_BENCH_NET", "90"))
RESET = ("rm -rf /opt/benchapp /etc/default/benchapp; userdel benchapp 2>/dev/null; groupdel benchapp 2>/dev/null; "
         "sed -i '/BENCHAPP_HOME/d' /etc/environment; sed -i '/managed host/d' /etc/motd 2>/dev/null; true")


def venv(name: str) -> Path:
    """The peer's own venv, installed exactly from bench/peers/NAME.txt (pinned, with hashes)."""
    path = VENVS / name
    locked = HERE / "peers" / f"{name}.txt"
    stamp = path / ".installed-from"
    if not stamp.exists() or stamp.read_text() != locked.read_text():
        shutil.rmtree(path, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
        subprocess.run([str(path / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", "--require-hashes",
                        "-r", str(locked)], check=True)
        stamp.write_text(locked.read_text())
    return path / "bin"


def orch_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "orch", *args]


def write_inventories(hosts, directory: Path, key: Path, known: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    ini = directory / "inventory.ini"
    lines = ["[bench]"] + [f"{h.name} ansible_host={h.address}" for h in hosts]
    lines += ["", "[all:vars]", "ansible_user=root", f"ansible_ssh_private_key_file={key}",
              f"orch_known_hosts_file={known}", "ansible_python_interpreter=/usr/bin/python3"]
    ini.write_text("\n".join(lines) + "\n")
    py = directory / "inventory.py"
    data = {"ssh_user": "root", "ssh_key": str(key), "ssh_known_hosts_file": str(known),
            "ssh_strict_host_key_checking": "yes"}
    py.write_text("bench = [\n" + "".join(f"    ({h.address!r}, {data!r}),\n" for h in hosts) + "]\n")
    return ini, py


def measure(command: list[str], env: dict | None = None) -> dict:
    proc = subprocess.run([sys.executable, str(HERE / "measure.py"), *command], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=str(HERE))
    result = json.loads(proc.stderr.strip().splitlines()[-1])
    if result["rc"] != 0:
        raise SystemExit(f"failed ({result['rc']}): {' '.join(command)}\n{proc.stderr[-3000:]}")
    return result


def reset(ini: Path) -> None:
    subprocess.run(orch_cmd("exec", "all", "-i", str(ini), "-m", "shell", "-a", RESET), check=True,
                   capture_output=True, cwd=str(ROOT))


def tools(ini: Path, py: Path, forks: int, known: Path) -> dict[str, dict[str, list[str]]]:
    ansible_bin, pyinfra_bin = VENVS / "ansible" / "bin", VENVS / "pyinfra" / "bin"
    book = str(HERE / "deploy.yml")
    ansible = [str(ansible_bin / "ansible-playbook"), "-i", str(ini), "-f", str(forks), book]
    pyinfra = [str(pyinfra_bin / "pyinfra"), "-y", "--parallel", str(forks), str(py), str(HERE / "pyinfra_deploy.py")]
    orch = orch_cmd("run", book, "-i", str(ini), "-f", str(forks))
    return {
        "orch": {"run": orch, "dry": orch_cmd("plan", book, "-i", str(ini), "-f", str(forks))},
        "ansible": {"run": ansible, "dry": ansible + ["--check"]},
        "pyinfra": {"run": pyinfra, "dry": pyinfra + ["--dry"]},
    }


ANSIBLE_ENV = {"ANSIBLE_HOST_KEY_CHECKING": "True", "ANSIBLE_NOCOLOR": "1"}


def bench_size(n: int, repeat: int) -> dict:
    from orch.lab import lab

    hosts = lab.up(n, name=LAB, net=NET)[:n]  # the lab may be bigger from an earlier size
    directory = lab.lab_dir(LAB)
    key, known = directory / "id_ed25519", directory / "known_hosts"
    ini, py = write_inventories(hosts, WORK / str(n), key, known)
    env = {**ANSIBLE_ENV, "ANSIBLE_SSH_ARGS": f"-o UserKnownHostsFile={known} -o ControlMaster=auto "
                                              "-o ControlPersist=60s"}
    figures: dict = {}
    floor = [sys.executable, str(HERE / "floor.py"), str(key), str(known), *[h.address for h in hosts]]
    measure(floor)  # warm-up, not counted: the hosts just started (every tool's no-op runs warm too)
    figures["floor"] = {"noop": [measure(floor) for _ in range(repeat)]}
    for tool, commands in tools(ini, py, max(n, 5), known).items():
        first, noop, dry = [], [], []
        for _ in range(repeat):
            reset(ini)
            first.append(measure(commands["run"], env))
            noop.append(measure(commands["run"], env))
            dry.append(measure(commands["dry"], env))
            print(f"  {n} hosts {tool}: first {first[-1]['wall']:.2f}s noop {noop[-1]['wall']:.2f}s "
                  f"dry {dry[-1]['wall']:.2f}s", flush=True)
        figures[tool] = {"first": first, "noop": noop, "dry": dry}
    return figures


def cell(samples: list[dict] | None) -> str:
    if not samples:
        return ""
    walls = [s["wall"] for s in samples]
    return f"{statistics.median(walls):.2f} ({min(walls):.2f}–{max(walls):.2f})"


def median(samples: list[dict] | None) -> float | None:
    return statistics.median(s["wall"] for s in samples) if samples else None


def report(results: dict, repeat: int) -> str:
    lines = ["# orch vs ansible-core vs pyinfra", "",
             f"Wall seconds, median (min–max) of {repeat} runs, on lab hosts of this machine "
             f"({os.cpu_count()} cores). Peak MB: largest process's resident memory. "
             "Produced by `python bench/run.py`.", "",
             "| hosts | tool | first run | no-op run | dry run | peak MB |", "|---|---|---|---|---|---|"]
    for n, figures in results.items():
        for tool in ("floor", "orch", "ansible", "pyinfra"):
            f = figures.get(tool)
            if not f:
                continue
            peak = max(s["peak_mb"] for key in f for s in f[key])
            lines.append(f"| {n} | {tool} | {cell(f.get('first'))} | {cell(f.get('noop'))} | {cell(f.get('dry'))} "
                         f"| {peak:.0f} |")
    lines += ["", "| hosts | run | ansible / orch | pyinfra / orch | orch / floor |", "|---|---|---|---|---|"]
    for n, figures in results.items():
        for kind in ("first", "noop", "dry"):
            o = median(figures["orch"][kind])
            a, p = median(figures["ansible"][kind]), median(figures["pyinfra"][kind])
            floor = median(figures["floor"]["noop"]) if kind == "noop" else None
            lines.append(f"| {n} | {kind} | {a / o:.1f}x | {p / o:.1f}x | "
                         f"{'' if floor is None else f'{o / floor:.1f}x'} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1,5,20")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default=str(HERE / "RESULTS.md"))
    args = parser.parse_args()
    venv("ansible")
    venv("pyinfra")
    # Like the other tools' installs, orch runs from bytecode (an editable install has none).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "orch")], check=True, capture_output=True)
    from orch.lab import lab

    lab.down(LAB)  # fresh hosts: the first runs start from nothing
    results = {}
    try:
        for n in [int(s) for s in args.sizes.split(",")]:
            print(f"{n} hosts", flush=True)
            results[n] = bench_size(n, args.repeat)
            Path(args.out).write_text(report(results, args.repeat))
    finally:
        lab.down(LAB)
    print(Path(args.out).read_text())


if __name__ == "__main__":
    main()
