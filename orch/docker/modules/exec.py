"""docker_container_exec: run a command in a running container (always a change, like command)."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from orch.docker.daemon import daemon_for
from orch.docker.modules.common import docker_errors, flag
from orch.errors import HostFailure

if TYPE_CHECKING:
    from orch.engine.step import StepContext


def docker_container_exec(step: "StepContext", args: dict) -> dict:
    container = str(args.get("container") or "")
    argv = args.get("argv")
    command = args.get("command")
    if not container or not (argv or command):
        raise HostFailure("docker_container_exec needs 'container' and 'command' or 'argv'")
    cmd = [str(a) for a in argv] if argv else shlex.split(str(command))
    if step.check:
        return {"changed": True, "unknown": True, "msg": "would run (effect unknown in check mode)"}
    daemon = daemon_for(step, args)
    client = daemon.client
    with docker_errors(f"exec in {container}"):
        exec_id = client.exec_create(container, cmd, stdout=True, stderr=True, user=args.get("user") or "",
                                     workdir=args.get("chdir"), privileged=flag(args.get("privileged")),
                                     environment={str(k): str(v) for k, v in (args.get("env") or {}).items()} or None)["Id"]
        if flag(args.get("detach")):
            client.exec_start(exec_id, detach=True)
            return {"changed": True, "exec_id": exec_id}
        out, err = client.exec_start(exec_id, demux=True)
        rc = client.exec_inspect(exec_id).get("ExitCode")
    strip = flag(args.get("strip_empty_ends"), True)
    stdout = (out or b"").decode("utf-8", "replace")
    stderr = (err or b"").decode("utf-8", "replace")
    if strip:
        stdout, stderr = stdout.rstrip("\r\n"), stderr.rstrip("\r\n")
    result = {"changed": True, "stdout": stdout, "stderr": stderr, "rc": rc,
              "stdout_lines": stdout.splitlines(), "stderr_lines": stderr.splitlines()}
    if rc:
        result.update(failed=True, msg=f"non-zero return code {rc}")
    return result
