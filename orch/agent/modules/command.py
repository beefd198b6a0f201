"""command: run a program without a shell (argv), Ansible's semantics.

``creates``/``removes`` make it idempotent; without them a step always
reports ``changed`` and, in check mode, cannot know what it would do, so it
answers ``unknown`` rather than pretending it was skipped.
"""

import glob
import os
import shlex
import time

from .. import fsview
from ..context import ModuleFailed, expand_user_vars

_GLOB = set("*?[")
def expand_vars(argv, env):
    """``$NAME``/``${NAME}`` and ``~`` in each argument, as Ansible's command does (unknown names stay)."""
    return [expand_user_vars(arg, env) for arg in argv]


def argv_of(args):
    if args.get("argv"):
        if args.get("_raw_params"):
            raise ModuleFailed("use either a free-form command or argv, not both")
        return [str(a) for a in args["argv"]]
    raw = args.get("_raw_params") or args.get("cmd")
    if not raw:
        raise ModuleFailed("no command given")
    try:
        return shlex.split(raw)
    except ValueError as exc:
        raise ModuleFailed("cannot split command line %r: %s" % (raw, exc))


def _path(pattern, chdir):
    path = pattern if os.path.isabs(pattern) or not chdir else os.path.join(chdir, pattern)
    return os.path.expanduser(path)


def guard(ctx, args, chdir=None):
    """Resolve creates/removes (through the plan in check mode): a skip result, or None."""
    def exists(pattern):
        path = _path(pattern, chdir)
        if _GLOB.isdisjoint(path):
            return fsview.lookup(ctx, path).exists
        return bool(glob.glob(path))

    creates, removes = args.get("creates"), args.get("removes")
    if args.get("_script"):  # the script action: Ansible reports its guard as a skip
        if creates and exists(creates):
            return {"changed": False, "skipped": True, "msg": "%s exists, matching creates option" % creates}
        if removes and not exists(removes):
            return {"changed": False, "skipped": True, "msg": "%s does not exist, matching removes option" % removes}
        return None
    if creates and exists(creates):
        return {"changed": False, "rc": 0, "stdout": "", "stderr": "",
                "msg": "Did not run command since '%s' exists" % creates}
    if removes and not exists(removes):
        return {"changed": False, "rc": 0, "stdout": "", "stderr": "",
                "msg": "Did not run command since '%s' does not exist" % removes}
    return None


def execute(ctx, args, cmd, shell=False, executable=None, expanded=None):
    """Run ``cmd`` (``expanded``: its argv after $NAME expansion; results show ``cmd`` as written)."""
    chdir = args.get("chdir")
    if chdir and not ctx.check and not os.path.isdir(chdir):  # (a plan's earlier steps may create it)
        return {"failed": True, "changed": False, "cmd": cmd, "rc": None,
                "msg": "Unable to change directory before execution: [Errno 2] No such file or directory: %r" % chdir}
    skipped = guard(ctx, args, chdir)
    if skipped is not None:
        skipped["cmd"] = cmd
        return skipped
    if ctx.check:
        creates, removes = args.get("creates"), args.get("removes")
        if not ctx.planning:  # Ansible's check mode: the command is skipped unless a guard vouches for it
            if args.get("_script"):  # Ansible's script action words it its own way
                return {"changed": True} if creates or removes else \
                    {"changed": False, "skipped": True, "msg": "Check mode is not supported for this task."}
            result = {"changed": bool(creates or removes), "rc": 0, "cmd": cmd,
                      "msg": "Command would have run if not in check mode"}
            return result if creates or removes else dict(result, skipped=True)
        if creates or removes:
            # The guard says it would run; later steps see what it is meant to leave behind.
            if creates and _GLOB.isdisjoint(creates):
                fsview.record_file(ctx, _path(creates, chdir))
            if removes and _GLOB.isdisjoint(removes):
                fsview.record_absent(ctx, _path(removes, chdir))
            return {"changed": True, "cmd": cmd, "msg": "would run (its creates/removes guard says so)"}
        # Without creates/removes nothing tells us what the command would do (nor later steps).
        ctx.overlay.set("host", "unknown_commands", True)
        return {"changed": True, "unknown": True, "cmd": cmd, "msg": "would run (effect unknown in check mode)"}
    stdin = args.get("stdin")
    if stdin is not None and args.get("stdin_add_newline", True):
        stdin = str(stdin) + "\n"
    start = time.time()
    try:
        rc, out, err = ctx.run(expanded or cmd, shell=shell, cwd=chdir, stdin=stdin, executable=executable,
                               start_errors=True)
    except OSError as exc:  # Ansible's shape: its errno as rc, no output, the command as one line
        return {"failed": True, "changed": False, "rc": exc.errno, "stdout": "", "stderr": "",
                "stdout_lines": [], "stderr_lines": [], "msg": "Error executing command.", "exception": str(exc),
                "cmd": cmd if isinstance(cmd, str) else " ".join(shlex.quote(a) for a in cmd)}
    end = time.time()
    if args.get("strip_empty_ends", True):
        out, err = out.rstrip("\r\n"), err.rstrip("\r\n")
    result = {
        "changed": True, "cmd": cmd, "rc": rc, "stdout": out, "stderr": err,
        "stdout_lines": out.splitlines(), "stderr_lines": err.splitlines(),
        "start": _stamp(start), "end": _stamp(end), "delta": _delta(end - start),
    }
    if rc != 0:
        result["failed"] = True
        result["msg"] = "non-zero return code"
    return result


def _stamp(t):
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t)) + (".%06d" % ((t % 1) * 1e6))


def _delta(seconds):
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return "%d:%02d:%09.6f" % (hours, minutes, secs)


def run(ctx, args):
    argv = argv_of(args)
    expanded = None
    if args.get("expand_argument_vars", True):
        expanded = expand_vars(argv, dict(os.environ, **{str(k): str(v) for k, v in ctx.env.items()}))
    result = execute(ctx, args, argv, expanded=expanded)
    if args.get("executable"):  # only shell uses it; Ansible's command ignores it and says so
        result.setdefault("warnings", []).append(
            "As of Ansible 2.4, the parameter 'executable' is no longer supported with the 'command' module. "
            "Not using '%s'." % args["executable"])
    return result
