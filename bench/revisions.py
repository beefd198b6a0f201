"""Did a change make orch slower? orch at two git revisions, on the same lab hosts, runs interleaved.

    python bench/revisions.py --base c9f49b4 [--head HEAD] [--sizes 20] [--repeat 5]

Each revision is checked out into bench/.work/rev-<sha>/ and run from there with this venv's
Python (the revision's tree first on sys.path), as bytecode, on this checkout's bench/deploy.yml. The two alternate run by run (base,
head, head, base, ...), so load from anything else on the machine falls on both alike. Timed, as
bench/run.py does: the first run on reset hosts, the no-op run, the dry run (`orch plan`).
Results go to bench/REVISIONS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402  (bench/ is a folder of scripts, not a package)

KINDS = ("first", "noop", "dry")


def checkout(rev: str) -> tuple[str, Path]:
    """The revision's full sha and a copy of its tree (made once, reused)."""
    sha = subprocess.run(["git", "rev-parse", "--verify", f"{rev}^{{commit}}"], cwd=bench.ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()
    tree = bench.WORK / f"rev-{sha[:12]}"
    if not tree.exists():  # the revision's files only (git archive), not a worktree the repository keeps
        tree.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", sha], cwd=bench.ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "orch")], check=True, capture_output=True)
    return sha, tree


def commands(tree: Path, ini: Path, forks: int) -> dict[str, list[str]]:
    orch = [sys.executable, "-m", "orch"]
    book = str(bench.HERE / "deploy.yml")  # one workload; only orch's revision varies
    run = orch + ["run", book, "-i", str(ini), "-f", str(forks)]
    return {"run": run, "dry": orch + ["plan", book, "-i", str(ini), "-f", str(forks)]}


def measure_size(n: int, repeat: int, trees: dict[str, Path]) -> dict[str, dict[str, list[float]]]:
    from orch.lab import lab

    hosts = lab.up(n, name=bench.LAB, net=bench.NET)[:n]
    directory = lab.lab_dir(bench.LAB)
    ini, _ = bench.write_inventories(hosts, bench.WORK / str(n), directory / "id_ed25519", directory / "known_hosts")
    figures: dict[str, dict[str, list[float]]] = {rev: {kind: [] for kind in KINDS} for rev in trees}
    order = list(trees)
    for round_ in range(repeat):
        for rev in (order if round_ % 2 == 0 else order[::-1]):
            tree = trees[rev]
            env = {"PYTHONPATH": str(tree)}
            cmds = commands(tree, ini, max(n, 5))
            bench.reset(ini)
            for kind, cmd in (("first", cmds["run"]), ("noop", cmds["run"]), ("dry", cmds["dry"])):
                figures[rev][kind].append(bench.measure(cmd, env)["wall"])
            print(f"  {n} hosts {rev[:10]}: " + " ".join(f"{k} {figures[rev][k][-1]:.2f}s" for k in KINDS), flush=True)
    return figures


def report(results: dict, names: dict[str, str], repeat: int) -> str:
    base, head = list(names)
    lines = ["# orch against an earlier orch", "",
             f"Wall seconds, median (min–max) of {repeat} interleaved runs of `bench/deploy.yml` on the same lab "
             f"hosts ({os.cpu_count()} cores), base `{names[base]}` ({base[:10]}) and head `{names[head]}` "
             f"({head[:10]}). Produced by `python bench/revisions.py --base {names[base]} --head {names[head]}`.", "",
             "| hosts | run | base | head | head / base |", "|---|---|---|---|---|"]
    for n, figures in results.items():
        for kind in KINDS:
            b, h = figures[base][kind], figures[head][kind]
            lines.append(f"| {n} | {kind} | {statistics.median(b):.2f} ({min(b):.2f}–{max(b):.2f}) "
                         f"| {statistics.median(h):.2f} ({min(h):.2f}–{max(h):.2f}) "
                         f"| {statistics.median(h) / statistics.median(b):.2f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--head", default="HEAD")
    parser.add_argument("--sizes", default="20")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", default=str(bench.HERE / "REVISIONS.md"))
    args = parser.parse_args()
    names, trees = {}, {}
    for rev in (args.base, args.head):
        sha, tree = checkout(rev)
        names[sha], trees[sha] = rev, tree
    if len(trees) != 2:
        raise SystemExit("--base and --head are the same revision")
    from orch.lab import lab

    lab.down(bench.LAB)
    results = {}
    try:
        for n in [int(s) for s in args.sizes.split(",")]:
            print(f"{n} hosts", flush=True)
            results[n] = measure_size(n, args.repeat, trees)
            Path(args.out).write_text(report(results, names, args.repeat))
    finally:
        lab.down(bench.LAB)
    print(Path(args.out).read_text())


if __name__ == "__main__":
    main()
