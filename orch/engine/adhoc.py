"""Ad-hoc runs: one module on many hosts in parallel (``orch exec``).

Every host gets its own worker; an unreachable host or a failing module never
stops the others. Results go out as ``task_result`` events.
"""

from __future__ import annotations

import shlex
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from orch.connection import terminal
from orch.connection.become import wrap
from orch.engine.facts import prefixed
from orch.engine.hostconn import HostConnection
from orch.engine.results import status_of
from orch.errors import OrchError, UnreachableError
from orch.events import EventBus

NO_AGENT_MODULES = {"raw"}


@dataclass(frozen=True)
class HostTarget:
    name: str
    vars: dict




def raw_command(command: str, executable: str | None = None, become: bool = False, method: str = "sudo",
                user: str = "root", password: str | None = None, flags: str | None = None, exe: str | None = None,
                chdir: str | None = None) -> tuple[str, bytes]:
    """The line ``raw`` runs (and what to send first): ``executable -c`` around it, then become's wrapper."""
    if executable or become:  # become runs one program: the shell line goes through a shell
        command = f"{executable or '/bin/sh'} -c {shlex.quote(command)}"
    if not become:
        return command, b""
    return wrap(command, method, user, password, flags, exe, chdir)


def run_raw(host: HostConnection, command: str, stdin: bytes = b"", user: str | None = None) -> dict:
    """``raw``: a shell command over the bare connection (as ``user``, else the host's own), no Python needed."""
    start = time.time()
    res = host.connection_as(user).run(command, stdin=stdin, timeout=None)
    out, err = res.stdout.decode("utf-8", "replace"), res.stderr.decode("utf-8", "replace")
    result = {"changed": True, "rc": res.rc, "stdout": out, "stderr": err,
              "stdout_lines": out.splitlines(), "delta": round(time.time() - start, 3)}
    if res.rc != 0:
        result.update(failed=True, msg="non-zero return code")
    return result


def run_raw_su(connection, command: str, executable: str | None, step, password: str) -> dict:
    """``raw`` under su with a password: on a terminal (terminal.py), its output and errors together."""
    start = time.time()
    line = terminal.su_command(f"{executable or '/bin/sh'} -c {shlex.quote(command)}",
                               step.become_user or connection.options.become_user or "root",
                               step.become_flags or connection.options.become_flags or "", step.become_exe)
    proc, first = terminal.start(connection, line, password, step.su_prompts, host=connection.host_name)
    chunks = [first]
    while True:
        chunk = proc.read_some(3600)
        if not chunk:
            break
        chunks.append(chunk)
    rc = proc.wait(5)
    out = b"".join(chunks).decode("utf-8", "replace")
    result = {"changed": True, "rc": rc if rc is not None else -1, "stdout": out, "stderr": "",
              "stdout_lines": out.splitlines(), "delta": round(time.time() - start, 3)}
    if result["rc"] != 0:
        result.update(failed=True, msg="non-zero return code")
    return result


def run_on_host(target: HostTarget, module: str, args: dict, overrides: dict, become_password: str | None) -> dict:
    host = None
    try:
        host = HostConnection(target.name, target.vars, overrides)
        if module in NO_AGENT_MODULES:
            return run_raw(host, str(args.get("_raw_params", "")))
        session = host.session(become_password=become_password)
        result = session.run(module, args)
        if module == "setup" and "ansible_facts" in result:
            result["ansible_facts"] = prefixed(result["ansible_facts"])
        return result
    except UnreachableError as exc:
        return {"unreachable": True, "failed": True, "changed": False, "msg": exc.message}
    except OrchError as exc:
        return {"failed": True, "changed": False, "msg": exc.message}
    finally:
        if host is not None:
            host.close()


def run_adhoc(targets: list[HostTarget], module: str, args: dict, bus: EventBus, *, forks: int = 25,
              overrides: dict | None = None, become_password: str | None = None) -> dict[str, dict]:
    """Run ``module`` on every target; returns results by host name."""
    task = f"{module} {args.get('_raw_params', '')}".strip()
    bus.emit("run_started", command="exec", module=module, hosts=[t.name for t in targets])
    results: dict[str, dict] = {}

    def work(target: HostTarget) -> None:
        started = time.time()
        result = run_on_host(target, module, args, overrides or {}, become_password)
        results[target.name] = result
        bus.emit("task_result", host=target.name, task=task, status=status_of(result),
                 changed=bool(result.get("changed")), duration=round(time.time() - started, 3), result=result)

    with ThreadPoolExecutor(max_workers=max(1, min(forks, len(targets) or 1))) as pool:
        list(pool.map(work, targets))
    counts = {name: status_of(result) for name, result in results.items()}
    bus.emit("summary", hosts={name: {s: int(counts[name] == s) for s in
                                      ("ok", "changed", "unknown", "failed", "skipped", "unreachable")} for name in counts})
    return results


def exit_code(results: dict[str, dict]) -> int:
    """0 all ok, 4 some host unreachable, 1 some failed (unreachable wins, as Ansible's 4)."""
    statuses = {status_of(r) for r in results.values()}
    if "unreachable" in statuses:
        return 4
    if "failed" in statuses:
        return 1
    return 0
