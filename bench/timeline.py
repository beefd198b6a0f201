"""Where an orch run spends its time: a phase timeline per host and a CPU profile per thread.

    python bench/timeline.py run bench/deploy.yml -i bench/.work/20/inventory.ini -f 20
    python bench/timeline.py --cpu run bench/deploy.yml -i ...    # plus cProfile of every worker thread

Any orch command line works (run, plan, exec). The timeline gives, for each phase, when the
first, the median and the last host reached it (seconds since start). ``--cpu`` profiles
with thread CPU time, not wall time: with 20 threads waiting on sockets a wall-clock
profile only shows waiting. Host-side CPU is not seen here; bench/README.md says how to
measure it through the containers' cgroups.
"""

from __future__ import annotations

import cProfile
import pstats
import statistics
import sys
import threading
import time

T0 = time.perf_counter()
_marks: dict[str, list[float]] = {}
_profiles: list[cProfile.Profile] = []
_lock = threading.Lock()


def _mark(name: str) -> None:
    with _lock:
        _marks.setdefault(name, []).append(time.perf_counter() - T0)


def _timed(cls, method: str, label: str, first_only=None) -> None:
    original = getattr(cls, method)

    def wrapper(self, *args, **kwargs):
        counted = first_only is None or first_only(self)
        if counted:
            _mark(label + " start")
        try:
            return original(self, *args, **kwargs)
        finally:
            if counted:
                _mark(label + " end")

    setattr(cls, method, wrapper)


def _profiled(cls, method: str) -> None:
    original = getattr(cls, method)

    def wrapper(self, *args, **kwargs):
        profile = cProfile.Profile(time.thread_time)
        profile.enable()
        try:
            return original(self, *args, **kwargs)
        finally:
            profile.disable()
            with _lock:
                _profiles.append(profile)

    setattr(cls, method, wrapper)


def main() -> None:
    cpu = "--cpu" in sys.argv
    argv = [a for a in sys.argv[1:] if a != "--cpu"]
    from orch.connection import session, ssh
    from orch.engine import play

    _timed(ssh.SSHConnection, "open", "connect", first_only=lambda conn: not conn._clients)
    _timed(session.AgentSession, "_await_ready", "agent ready")
    _timed(session.AgentSession, "_request", "request")
    _timed(session.AgentSession, "close", "close")
    if cpu:
        _profiled(play.PlayRun, "_run_host")
    main_profile = cProfile.Profile(time.thread_time)
    from orch.cli.main import main as orch_main

    sys.argv = ["orch", *argv]
    main_profile.enable()
    try:
        orch_main()
    except SystemExit:
        pass
    finally:
        main_profile.disable()
        _mark("end")
        _report(cpu, main_profile)


def _report(cpu: bool, main_profile: cProfile.Profile) -> None:
    out = sys.stderr
    print("\nphase                 hosts  first  median   last   (seconds since start)", file=out)
    for name, times in sorted(_marks.items(), key=lambda item: min(item[1])):
        print(f"{name:20s} {len(times):6d} {min(times):6.3f} {statistics.median(times):7.3f} {max(times):6.3f}",
              file=out)
    if not cpu:
        return
    print("\n== main thread, CPU", file=out)
    pstats.Stats(main_profile, stream=out).sort_stats("cumtime").print_stats(25)
    if _profiles:
        stats = pstats.Stats(_profiles[0], stream=out)
        for profile in _profiles[1:]:
            stats.add(profile)
        print("== host workers, CPU summed over threads", file=out)
        stats.sort_stats("cumtime").print_stats(40)


if __name__ == "__main__":
    main()
