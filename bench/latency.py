"""Slow network: the same no-op runs through relays that add a round-trip time.

    python bench/latency.py --rtt 50 --hosts 5

Every host is reached through bench/latency_proxy.py on its own loopback address
(127.0.96.I), which holds each chunk for half the RTT each way. Reports the no-op
run of each tool with and without the added latency, and the growth per task.
Writes bench/LATENCY.md.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

import run as bench

HERE = Path(__file__).resolve().parent
TASKS = 20  # steps in deploy.yml


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rtt", type=float, default=50)
    parser.add_argument("--hosts", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from orch.lab import lab

    bench.venv("ansible")
    bench.venv("pyinfra")
    lab.down(bench.LAB)  # exactly args.hosts hosts, whatever an earlier run left
    hosts = lab.up(args.hosts, name=bench.LAB, net=bench.NET)
    directory = lab.lab_dir(bench.LAB)
    key, known = directory / "id_ed25519", directory / "known_hosts"
    relays = [f"127.0.96.{i + 1}:22={h.address}:22" for i, h in enumerate(hosts)]
    proxy = subprocess.Popen([sys.executable, str(HERE / "latency_proxy.py"), str(args.rtt), *relays],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert proxy.stdout.readline().strip() == "ready"
        slow_known = bench.WORK / "slow_known_hosts"
        slow_known.parent.mkdir(parents=True, exist_ok=True)
        lines = known.read_text().splitlines()
        slow_known.write_text("".join(line.replace(h.address + " ", f"127.0.96.{i + 1} ", 1) + "\n"
                                      for i, h in enumerate(hosts) for line in lines if line.startswith(h.address + " ")))
        fast = bench.write_inventories(hosts, bench.WORK / "fast", key, known)
        slow_hosts = [lab.LabHost(h.name, f"127.0.96.{i + 1}", h.container) for i, h in enumerate(hosts)]
        slow = bench.write_inventories(slow_hosts, bench.WORK / "slow", key, slow_known)
        rows = []
        for label, (ini, py), kh in (("0 ms", fast, known), (f"{args.rtt:g} ms", slow, slow_known)):
            env = {**bench.ANSIBLE_ENV, "ANSIBLE_SSH_ARGS": f"-o UserKnownHostsFile={kh} -o ControlMaster=auto "
                                                            "-o ControlPersist=60s"}
            floor = [sys.executable, str(HERE / "floor.py"), str(key), str(kh), *[h.address for h in
                                                                                   (hosts if ini == fast[0] else slow_hosts)]]
            row = {"floor": statistics.median(bench.measure(floor)["wall"] for _ in range(args.repeat))}
            for tool, commands in bench.tools(ini, py, max(args.hosts, 5), kh).items():
                bench.measure(commands["run"], env)  # converge first: this is about the no-op run
                row[tool] = statistics.median(bench.measure(commands["run"], env)["wall"] for _ in range(args.repeat))
                print(label, tool, round(row[tool], 2), flush=True)
            rows.append((label, row))
    finally:
        proxy.terminate()
        lab.down(bench.LAB)
    (fast_label, fast_row), (slow_label, slow_row) = rows
    lines = [f"# No-op runs over a {args.rtt:g} ms round trip", "",
             f"{args.hosts} lab hosts, each reached through `latency_proxy.py` (added delay each way, "
             f"RTT {args.rtt:g} ms); median of {args.repeat}. Produced by `python bench/latency.py`.", "",
             f"| tool | no-op, 0 ms | no-op, {slow_label} | growth | growth per task ({TASKS} tasks) | in RTTs per task |",
             "|---|---|---|---|---|---|"]
    for tool in ("floor", "orch", "ansible", "pyinfra"):
        growth = slow_row[tool] - fast_row[tool]
        per_task = growth / TASKS
        lines.append(f"| {tool} | {fast_row[tool]:.2f} s | {slow_row[tool]:.2f} s | {growth:+.2f} s | "
                     f"{per_task * 1000:+.0f} ms | {per_task * 1000 / args.rtt:.2f} |")
    (HERE / "LATENCY.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
