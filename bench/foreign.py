"""Foreign modules: orch vs ansible-core vs Ansible with Mitogen, 20 tasks on N hosts.

    python bench/foreign.py --hosts 20 --repeat 3

`foreign.yml` is 20 tasks of ansible-core modules orch has no native code for (getent, find,
known_hosts, debconf, dpkg_selections, yum_repository, service_facts, mount_facts), which orch
runs from their own source (docs/modules.md). Each tool gets fresh hosts' first run and a second
run that changes nothing; ansible-core and Mitogen (strategy mitogen_linear) come from their
pinned venvs (bench/peers). Per task on the host: the lab containers' CPU time (cgroup cpuacct)
during orch's second run, divided by tasks x hosts. Writes bench/FOREIGN.md. Figures, not tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as base  # noqa: E402  (bench/run.py: venvs, inventories, measure)

HERE = base.HERE
LAB = os.environ.get("ORCH_BENCH_FOREIGN_LAB", "fm-x")
NET = int(os.environ.get("ORCH_BENCH_FOREIGN_NET", "102"))
BOOK = HERE / "foreign.yml"
TASKS = 20
RESET = ("rm -rf /srv/benchf; mkdir -p /srv/benchf; echo 'sudo install' | dpkg --set-selections; "
         "echo 'tzdata install' | dpkg --set-selections; "
         "echo 'tzdata tzdata/Areas select Etc' | debconf-set-selections; true")


def _reset(ini: Path) -> None:
    subprocess.run(base.orch_cmd("exec", "all", "-i", str(ini), "-m", "shell", "-a", RESET), check=True,
                   capture_output=True, cwd=str(base.ROOT))


def _host_cpu(containers: list[str]) -> float:
    """CPU seconds the lab containers used so far (cgroup v1 cpuacct)."""
    total = 0
    for name in containers:
        cid = subprocess.run(["docker", "inspect", "-f", "{{.Id}}", name], capture_output=True, text=True).stdout.strip()
        path = Path(f"/sys/fs/cgroup/cpuacct/docker/{cid}/cpuacct.usage")
        total += int(path.read_text()) if path.exists() else 0
    return total / 1e9


def _mitogen_env() -> dict:
    site = next((base.VENVS / "mitogen" / "lib").glob("python3*/site-packages"))
    return {"ANSIBLE_STRATEGY_PLUGINS": str(site / "ansible_mitogen" / "plugins" / "strategy"),
            "ANSIBLE_STRATEGY": "mitogen_linear"}


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default=str(HERE / "FOREIGN.md"))
    args = parser.parse_args()
    ansible_bin, mitogen_bin = base.venv("ansible"), base.venv("mitogen")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(base.ROOT / "orch")], check=True,
                   capture_output=True)
    from orch.lab import lab

    lab.down(LAB)
    hosts = lab.up(args.hosts, name=LAB, net=NET)[:args.hosts]
    try:
        directory = lab.lab_dir(LAB)
        key, known = directory / "id_ed25519", directory / "known_hosts"
        ini, _ = base.write_inventories(hosts, base.WORK / f"foreign-{args.hosts}", key, known)
        forks = str(max(args.hosts, 5))
        ssh = {**base.ANSIBLE_ENV, "ANSIBLE_SSH_ARGS": f"-o UserKnownHostsFile={known} -o ControlMaster=auto "
                                                       "-o ControlPersist=60s"}
        tools = {
            "orch": (base.orch_cmd("run", str(BOOK), "-i", str(ini), "-f", forks), {}),
            "ansible-core": ([str(ansible_bin / "ansible-playbook"), "-i", str(ini), "-f", forks, str(BOOK)], ssh),
            "mitogen": ([str(mitogen_bin / "ansible-playbook"), "-i", str(ini), "-f", forks, str(BOOK)],
                        {**ssh, **_mitogen_env()}),
        }
        base.measure([sys.executable, str(HERE / "floor.py"), str(key), str(known), *[h.address for h in hosts]])
        figures: dict[str, dict[str, list[float]]] = {}
        loads: list[str] = []
        for _ in range(args.repeat):
            for tool, (command, env) in tools.items():
                _reset(ini)
                first = base.measure(command, env)["wall"]
                noop = base.measure(command, env)["wall"]
                figures.setdefault(tool, {"first": [], "noop": []})
                figures[tool]["first"].append(first)
                figures[tool]["noop"].append(noop)
                loads.append(_load())
                print(f"{tool}: first {first:.2f}s, no-op {noop:.2f}s (load {loads[-1]})", flush=True)
        containers = [h.container for h in hosts]
        before = _host_cpu(containers)
        base.measure(tools["orch"][0])
        per_task_ms = (_host_cpu(containers) - before) * 1000 / (TASKS * len(hosts))
        Path(args.out).write_text(_report(figures, args, per_task_ms, loads))
    finally:
        lab.down(LAB)
    print(Path(args.out).read_text())


def _report(figures: dict, args, per_task_ms: float, loads: list[str]) -> str:
    def med(tool: str, kind: str) -> float:
        return statistics.median(figures[tool][kind])

    lines = [f"# Foreign modules: {TASKS} tasks on {args.hosts} hosts", "",
             f"`python bench/foreign.py --hosts {args.hosts} --repeat {args.repeat}`: wall seconds, median "
             f"(min-max) of {args.repeat} runs, on lab hosts of this machine ({os.cpu_count()} cores, shared with "
             "the lab and, while measured, with other work: load averages (1, 5, 15 min) after each pair of "
             f"runs: {'; '.join(loads)}). Playbook: `bench/foreign.yml`.", "",
             "| tool | first run | no-op run |", "|---|---|---|"]
    for tool, f in figures.items():
        cells = [f"{statistics.median(f[k]):.2f} ({min(f[k]):.2f}-{max(f[k]):.2f})" for k in ("first", "noop")]
        lines.append(f"| {tool} | {cells[0]} | {cells[1]} |")
    lines += ["", "| run | ansible-core / orch | mitogen / orch |", "|---|---|---|"]
    for kind in ("first", "noop"):
        o = med("orch", kind)
        lines.append(f"| {kind} | {med('ansible-core', kind) / o:.1f}x | {med('mitogen', kind) / o:.1f}x |")
    lines += ["", f"Host CPU per task (orch, no-op run, all lab containers): {per_task_ms:.1f} ms "
                  f"({TASKS} tasks x {args.hosts} hosts)."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
