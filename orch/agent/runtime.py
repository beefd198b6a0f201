"""The agent's main loop: read a request per line, answer a result per line.

Requests are JSON objects ``{"id": n, "op": ..., ...}``; every request gets
exactly one answer ``{"id": n, ...}``. Ops:

- ``hello``: who and where the agent runs (user, python, pid).
- ``run``: one module step ``{"module", "args", "check", "diff"}``; with ``timeout``
  (``{"seconds", "period"}``) the module is stopped when the seconds run out.
- ``batch``: several steps in one round trip; stops after the first failed step
  unless the step says ``ignore_errors``, and answers the results so far.
- ``quit``: answer, then exit.

A module is ``orch.agent.modules.NAME`` with ``run(ctx, args) -> dict``. The
result follows Ansible's contract: ``changed``, ``failed``, ``msg``, ``diff``
plus module-specific keys.
"""

from __future__ import annotations

import importlib
import json
import os
import sys

from .context import Context, ModuleFailed
from .timeouts import TimedOut, alarm


def _protocol_streams():
    """Keep the real stdin/stdout for the protocol and point fds 0/1 elsewhere.

    Commands run by modules inherit fds 0 and 1; if they could read our stdin
    or write to our stdout they would corrupt the conversation.
    """
    proto_in = os.fdopen(os.dup(0), "rb", buffering=1 << 16)  # buffered: requests can be megabytes
    proto_out = os.fdopen(os.dup(1), "wb", buffering=0)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    os.close(devnull)
    sys.stdin = open(os.devnull)
    sys.stdout = sys.stderr
    return proto_in, proto_out


class Agent:
    def __init__(self) -> None:
        self.modules = {}
        self.state = {}  # per-run memory shared by steps (plan overlay, caches)

    def module(self, name: str):
        mod = self.modules.get(name)
        if mod is None:
            if not name.replace("_", "").isalnum():
                raise ModuleFailed("bad module name %r" % name)
            try:
                mod = importlib.import_module("orch.agent.modules." + name)
            except ImportError:
                raise ModuleFailed("module %r is not available in the agent" % name)
            self.modules[name] = mod
        return mod

    def run_step(self, step: dict) -> dict:
        expect = step.get("expect")
        if expect is not None:
            return self._guarded(step, expect)
        result = self._run_once(step, bool(step.get("check")))
        if step.get("check"):
            result["_fingerprint"] = fingerprint(result)
        return result

    def _guarded(self, step: dict, expect: str) -> dict:
        """Apply a saved plan's step: check first, refuse if the host is not as planned."""
        checked = self._run_once(step, True)
        if "_needs" in checked:
            return checked  # a foreign module's sources first (the controller asks again)
        # Earlier steps were really applied: the next check must see the host, not predictions.
        self.state.pop("overlay", None)
        now = fingerprint(checked)
        if now != expect:
            checked.update(failed=True, drift=True, changed=False, _fingerprint=now,
                           msg="the host changed since the plan: this step would now do something else")
            return checked
        if not checked.get("changed") or checked.get("failed"):
            checked["_fingerprint"] = now
            return checked  # nothing to do, exactly as planned
        return self._run_once(step, False)

    def _run_once(self, step: dict, check: bool) -> dict:
        ctx = Context(self, check=check, diff=bool(step.get("diff")), env=step.get("environment") or {},
                      overlay=step.get("overlay", True))
        limit = step.get("timeout") or {}
        try:
            with alarm(limit.get("seconds")):
                result = self.module(step["module"]).run(ctx, step.get("args") or {})
        except TimedOut:
            period = limit.get("period")
            result = {"msg": "Task failed: Timed out after %s second(s)." % period, "timedout": {"period": period},
                      "failed": True}
        except ModuleFailed as exc:
            result = dict(exc.result, failed=True, msg=exc.msg)
        except Exception as exc:  # a bug in a module must not kill the agent
            import traceback  # here, not at the top: every import is paid by every agent start

            trace = traceback.format_exc()
            result = {"failed": True, "rc": 1, "exception": trace, "module_stdout": "", "module_stderr": trace,
                      "msg": "Task failed: Module failed: %s" % _brief(exc)}
        result.setdefault("changed", False)
        result.setdefault("failed", False)
        return result

    def handle(self, request: dict) -> dict:
        op = request.get("op")
        if op == "run":
            return {"result": self.run_step(request)}
        if op == "batch":
            results = []
            for step in request.get("steps", []):
                result = self.run_step(step)
                results.append(result)
                if result.get("failed") and (not step.get("ignore_errors") or "_needs" in result):
                    break  # _needs: the controller sends what a foreign module lacks, then the rest
            return {"results": results}
        if op == "stage":
            return stage(request)
        if op == "hello":
            return {"python": list(sys.version_info[:3]), "uid": os.getuid(), "pid": os.getpid(),
                    "user": _user_name()}
        if op == "quit":
            return {"bye": True}
        return {"error": "unknown op %r" % op}


def _brief(exc: BaseException) -> str:
    """An exception and the ones it came from in one line, as Ansible words a module's crash."""
    parts = []
    while exc is not None and len(parts) < 10:
        parts.append(str(exc) or type(exc).__name__)
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    return ": ".join(parts)


_VOLATILE = ("start", "end", "delta", "invocation", "warnings", "backup_file", "backup")


def fingerprint(result: dict) -> str:
    """What a check decided, and on which state (its diff): equal fingerprints, same decision."""
    from .files import sha1  # the builtin sha1: OpenSSL's hashlib costs every planning agent its import

    kept = {k: result.get(k) for k in ("changed", "unknown", "skipped", "failed", "diff", "msg")
            if k not in _VOLATILE}
    text = json.dumps(kept, sort_keys=True, default=str)
    return sha1(text.encode("utf-8", "surrogateescape"))


def stage(request: dict) -> dict:
    """Append a chunk of a large file to a private temp file (0600) that a later copy step uses."""
    import base64
    import tempfile

    path = request.get("path")
    if not path:
        directory = request.get("dir")
        if not directory or not os.path.isdir(directory):
            directory = tempfile.gettempdir()
        fd, path = tempfile.mkstemp(dir=directory, prefix=".orch-stage-")
        os.close(fd)
    with open(path, "ab") as handle:
        handle.write(base64.b64decode(request.get("data") or ""))
    return {"path": path}


def _user_name() -> str:
    try:
        import pwd
        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return str(os.getuid())


def main() -> None:
    proto_in, proto_out = _protocol_streams()
    agent = Agent()
    # The ready line carries what "hello" answers, so starting costs no extra round trip.
    ready = dict(ready=True, **agent.handle({"op": "hello"}))  # "ready" first: the controller checks the prefix
    proto_out.write(json.dumps(ready).encode() + b"\n")
    while True:
        line = proto_in.readline()
        if not line:
            return
        try:
            request = json.loads(line)
        except ValueError:
            proto_out.write(b'{"error": "bad request line"}\n')
            continue
        answer = agent.handle(request)
        answer["id"] = request.get("id")
        proto_out.write(json.dumps(answer, default=str).encode() + b"\n")
        if request.get("op") == "quit":
            return
