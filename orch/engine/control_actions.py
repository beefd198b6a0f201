"""Controller-side actions roles use: wait_for_connection, set_stats, validate_argument_spec, assemble,
and ``ansible._protomatter.debug`` (ansible-core's test helper).

Each takes the step and its validated arguments and returns a result dict like a module's.
"""

from __future__ import annotations

import base64
import os
import re
import threading
import time
from typing import TYPE_CHECKING, Any

from orch.agent.modules.assemble import join_fragments
from orch.engine.argspec import validate
from orch.engine.facts import variable_name_problem
from orch.errors import HostFailure, OrchError

if TYPE_CHECKING:
    from orch.engine.step import StepContext


def wait_for_connection(step: "StepContext", args: dict) -> dict:
    """Retry connecting and a ping through the agent until it answers (after a reboot, say)."""
    if step.check:
        return {"changed": False, "skipped": True, "msg": "wait_for_connection does not run in check mode"}
    start = time.time()  # elapsed counts the delay too, as Ansible's does
    time.sleep(args["delay"])
    problem = ""
    fresh = False
    while True:
        try:
            if fresh:
                _drop_connection(step)
            answer = step.worker.session_for(step).run("ping", {})
            if answer.get("ping") == "pong":
                return {"changed": False, "elapsed": round(time.time() - start)}
            problem = answer.get("msg", "no answer to ping")
        except OrchError as exc:  # unreachable, agent start failed, connection dropped
            problem = str(exc)
        fresh = True  # the next try starts from a new connection: the old one may be dead
        if time.time() - start + args["sleep"] > args["timeout"]:
            return {"failed": True, "changed": False, "elapsed": round(time.time() - start),
                    "msg": f"timed out waiting for the host to answer: {problem}"}
        time.sleep(args["sleep"])


def _drop_connection(step: "StepContext") -> None:
    state = step.worker.state
    if state.connection is not None:
        try:
            state.connection.close()
        except Exception:  # closing a dead connection may fail in any way; it is gone either way
            pass
        state.connection = None


class CustomStats:
    """set_stats data of a run: per host, or for the run (``_run``), aggregated as Ansible does."""

    def __init__(self) -> None:
        self.data: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def update(self, host: str, values: dict, aggregate: bool) -> None:
        with self._lock:
            mine = self.data.setdefault(host, {})
            for key, value in values.items():
                old = mine.get(key)
                if not aggregate or key not in mine or not isinstance(value, type(old)):
                    if aggregate and key in mine:
                        continue  # Ansible keeps the first value when the types differ
                    mine[key] = value
                elif isinstance(value, dict):
                    mine[key] = _merged(old, value)
                else:
                    mine[key] = old + value


def _merged(old: dict, new: dict) -> dict:
    out = dict(old)
    for key, value in new.items():
        out[key] = _merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def set_stats(step: "StepContext", args: dict) -> dict:
    data = args["data"]
    for key in data:
        problem = variable_name_problem(key)
        if problem:
            return {"failed": True, "changed": False, "msg": f"set_stats: {problem}"}
    stats = {"data": data, "per_host": args["per_host"], "aggregate": args["aggregate"]}
    step.worker.run.pb.custom_stats.update(step.host_name if args["per_host"] else "_run", data, args["aggregate"])
    return {"changed": False, "ansible_stats": stats}


def validate_argument_spec(step: "StepContext", args: dict) -> dict:
    spec = args["argument_spec"]
    provided = args.get("provided_arguments") or {}
    # Values come from the task's variables too, for the options the spec names.
    values = {name: step.vars[name] for name in spec if name in step.vars}
    values = step.templar.template(values, step.vars) if values else {}
    values.update(provided)
    result: dict[str, Any] = {"changed": False, "validate_args_context": args.get("validate_args_context") or {}}
    problems = validate(spec, values)
    if problems:
        result.update(failed=True, msg="argument validation failed:\n" + "\n".join(problems),
                      argument_errors=problems, argument_spec_data=spec)
        return result
    result["msg"] = "The arg spec validation passed"
    return result


def assemble(step: "StepContext", args: dict) -> dict:
    """Fragments of a directory joined in name order into one file; ``remote_src: false`` reads them here."""
    if args["remote_src"]:
        return step.agent_run("assemble", args)
    folder = step.find_file(str(args["src"]), "files", allow_dir=True)
    if not os.path.isdir(folder):
        raise HostFailure(f"assemble: src {args['src']!r} is not a directory", location=step.task.location,
                          task=step.task_name)
    try:
        content = join_fragments(folder, args.get("regexp"), args.get("delimiter"), args["ignore_hidden"],
                                 newline_after_delimiter=True)
    except re.error as exc:
        raise HostFailure(f"assemble: invalid regexp {args.get('regexp')!r}: {exc}", location=step.task.location,
                          task=step.task_name) from None
    wire = {k: v for k, v in args.items() if k not in ("src", "remote_src", "regexp", "delimiter", "ignore_hidden",
                                                       "decrypt")}
    # Assembled files are small: the bytes go with the step (no checksum round trip first).
    result = step.agent_run("copy", dict(wire, _content_b64=base64.b64encode(content).decode()))
    if result.get("diff"):  # assemble's one diff, not copy's list (as the agent's assemble does)
        result["diff"] = result["diff"][0]
    return result


def protomatter_debug(step: "StepContext", args: dict) -> dict:
    """Each expression's value, evaluated without failing on undefined values: those become their message
    in the result and a warning each (ansible-core's own tests use it)."""
    from orch.templating.undefined import OrchUndefined, undefined_message

    expressions = args["expression"]
    if not isinstance(expressions, list) or not all(isinstance(e, str) for e in expressions):
        raise OrchError("ansible._protomatter.debug: 'expression' must be a list of strings")
    results, warnings = [], []
    for expression in expressions:
        value = step.templar.evaluate_lenient(expression, step.vars)
        if isinstance(value, OrchUndefined):
            warnings.append(undefined_message(value))
            value = f"<< {warnings[-1]} >>"
        results.append(value)
    return {"changed": False, "expression_result": results, **({"warnings": warnings} if warnings else {})}


CONTROL_ACTIONS = {
    "wait_for_connection": wait_for_connection, "set_stats": set_stats,
    "validate_argument_spec": validate_argument_spec, "ansible._protomatter.debug": protomatter_debug,
}
PREPARED = {"assemble": assemble}
