"""Run ansible-core's integration targets with ansible-core and with orch; write RESULTS.md.

    python bench/compat/run.py                     # every target of targets.txt
    python bench/compat/run.py --targets copy,file # some
    python bench/compat/run.py --orch-only         # reuse the cached ansible-core results

Each run of a target gets a fresh lab host (lab ``ct``, 127.0.121.x), first
ansible-core (the baseline, cached per version and target), then orch; orch is
only run where ansible-core passes. See README.md.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from execute import Host, RunResult, run_target  # noqa: E402
from labhosts import HostPool, compat_image  # noqa: E402
from report import write_results  # noqa: E402
from sdist import CACHE, VERSION, read_targets, source_tree  # noqa: E402


def _cached(engine: str, name: str) -> Path:
    folder = CACHE / ("baseline" if engine == "ansible" else "orch") / VERSION
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.json"


def _run_on_fresh_host(pool: HostPool, name: str, engine: str, source: Path, timeout: float,
                       expected: list[int] | None = None) -> RunResult:
    host_name = pool.acquire()
    try:
        host = Host(host_name, pool.addresses[host_name], pool.key_file)
        prepare = lambda path: pool.exec(host_name, ["mkdir", "-p", path])  # noqa: E731  output_dir on both sides
        return run_target(name, engine, source, host, prepare, timeout, expected)
    finally:
        pool.release(host_name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--targets", help="comma-separated target names (default: all of targets.txt)")
    parser.add_argument("--orch-only", action="store_true", help="reuse cached ansible-core results")
    parser.add_argument("--jobs", type=int, default=3, help="targets run at once (default 3)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per target and engine (default 900)")
    parser.add_argument("--lab", default="ct", help="lab name (default ct)")
    parser.add_argument("--net", type=int, default=121, help="third octet of the lab's addresses (default 121)")
    parser.add_argument("--reverse", action="store_true",
                        help="targets in reverse order (a second run on another --lab/--net meets the first halfway)")
    parser.add_argument("--report-only", action="store_true", help="rewrite RESULTS.md from the cached results")
    parser.add_argument("--no-report", action="store_true", help="do not rewrite RESULTS.md (--targets never does)")
    args = parser.parse_args(argv)

    listed = read_targets(HERE / "targets.txt")
    chosen = [t for t in listed if t.run]
    if args.targets:
        wanted = args.targets.split(",")
        unknown = sorted(set(wanted) - {t.name for t in listed})
        if unknown:
            parser.error(f"not in targets.txt: {', '.join(unknown)}")
        chosen = [t for t in listed if t.name in wanted]
    if args.report_only:
        print(write_results(listed, HERE / "RESULTS.md", "python bench/compat/run.py --report-only", None, args.jobs))
        return 0
    if args.reverse:
        chosen.reverse()
    started = time.monotonic()
    source = source_tree()
    work = CACHE / "work"
    work.mkdir(parents=True, exist_ok=True)
    # Each run's output_dir lives under `work`, seen at the same path by the lab hosts: ansible-test's
    # own containers are controller and target at once, and targets rely on it.
    pool = HostPool(args.lab, args.net, args.jobs, compat_image(), shared=(str(work),))
    lock = threading.Lock()
    done = [0]

    def one(name: str) -> None:
        for attempt in (1, 2):  # a lab problem for one target must not end the run; it gets a second try
            try:
                return measure(name)
            except Exception as exc:
                with lock:
                    print(f"{name}: harness error (try {attempt}): {type(exc).__name__}: {exc}", flush=True)

    def measure(name: str) -> None:
        baseline_file = _cached("ansible", name)
        if args.orch_only and baseline_file.exists():
            baseline = RunResult.from_json(baseline_file.read_text())
        else:
            baseline = _run_on_fresh_host(pool, name, "ansible", source, args.timeout)
            baseline_file.write_text(baseline.to_json())
        if baseline.status == "pass":
            expected = [s.rc for s in baseline.steps]
            orch = _run_on_fresh_host(pool, name, "orch", source, args.timeout, expected)
            _cached("orch", name).write_text(orch.to_json())
        else:
            _cached("orch", name).unlink(missing_ok=True)
            orch = None
        with lock:
            done[0] += 1
            print(f"[{done[0]}/{len(chosen)}] {name}: ansible-core {baseline.status} ({baseline.seconds}s)"
                  + (f", orch {orch.status} ({orch.seconds}s) {orch.failure}" if orch else ""), flush=True)

    try:
        with ThreadPoolExecutor(max_workers=args.jobs) as workers:
            list(workers.map(one, [t.name for t in chosen]))
    finally:
        pool.close()
    elapsed = time.monotonic() - started
    command = "python bench/compat/run.py" + (f" --targets {args.targets}" if args.targets else "") \
        + (" --orch-only" if args.orch_only else "")
    if not args.no_report and not args.targets:
        summary = write_results(listed, HERE / "RESULTS.md", command, elapsed, args.jobs)
        print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
