"""Steps the controller does itself, or prepares before the agent runs them.

``debug``, ``set_fact``, ``assert``, ``fail``, ``include_vars``, ``pause``,
``group_by``/``add_host`` need no host. ``copy``/``template`` read and render
files here and send the bytes; ``fetch`` writes what the agent read;
``script`` sends a local script. Each returns a result dict like a module's.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import time
from typing import TYPE_CHECKING, Any

from orch.booleans import parse_bool
from orch.engine import copy_walk
from orch.engine.facts import variable_name_problem
from orch.engine.include_vars import include_vars
from orch.errors import HostFailure, OrchError, TemplateError, UndefinedVariableError
from orch.templating import OMIT
from orch.templating.trust import all_template, trusted_expression
from orch.yamlsrc import UnsafeText

if TYPE_CHECKING:
    from orch.engine.step import StepContext

INLINE_LIMIT = 16 * 1024  # smaller contents go with the first message; larger ones after a checksum check
STAGE_LIMIT = 8 * 1024 * 1024  # larger files go in chunks, streamed from disk, never whole in memory
CHUNK = 4 * 1024 * 1024


# The part of an undefined-value message before orch adds where it happened.
_UNDEFINED_REASON = re.compile(r" in '| in \"| \(while templating")


def debug(step: "StepContext", args: dict) -> dict:
    if int(args.get("verbosity") or 0) > step.worker.run.options.verbosity:
        return {"changed": False, "skipped": True, "skipped_reason": "Verbosity threshold not met."}
    if "var" in args:
        name = args["var"]
        if not isinstance(name, str):
            raise OrchError(f"argument 'var' is of type {type(name).__name__} and we were unable to convert to str: "
                            f"{name!r} is not a string and conversion is not allowed"[:500])
        written = step.task.args.get("var")
        if isinstance(name, UnsafeText) or (  # Ansible 2.19 evaluates no untrusted expression
                isinstance(written, str) and all_template(written) and not trusted_expression(name)):
            raise OrchError(f"Error while resolving `var` expression: untrusted template or expression {name!r}")
        try:
            value = step.templar.evaluate(str(name), step.vars)
        except TemplateError as exc:
            if not isinstance(exc, UndefinedVariableError):  # a filter failing fails the task, as in Ansible
                raise OrchError(f"Error while resolving `var` expression: {exc.message}") from None
            reason = _UNDEFINED_REASON.split(exc.message, maxsplit=1)[0]
            value = f"<< error 1 - {reason} >>"  # Ansible 2.19's placeholder, and its warning
            return {"changed": False, str(name): value, "warnings": [f"{reason} (in debug var {name!r})"]}
        if isinstance(value, str) and value == OMIT:
            return {"changed": False, str(name): "<<Omit>>", "warnings": [
                "The result of the `var` expression could not be omitted; a placeholder was used instead."]}
        return {"changed": False, str(name): value}
    return {"changed": False, "msg": args.get("msg", "Hello world!")}


def set_fact(step: "StepContext", args: dict) -> dict:
    facts = {k: v for k, v in args.items() if k not in ("cacheable", "_raw_params")}
    if not facts:
        raise OrchError("set_fact needs at least one variable (name: value)")
    for key in facts:
        problem = variable_name_problem(key)
        if problem:
            raise OrchError(f"set_fact: {problem}")
    cacheable = parse_bool(args.get("cacheable", False))
    if cacheable is None:
        raise OrchError(f"set_fact: cacheable must be a boolean, not {args['cacheable']!r}")
    # cacheable: Ansible makes them host facts too (the fact cache keeps them), besides set_fact's own
    return {"changed": False, "ansible_facts": facts, "_set_fact": True, "_cacheable": cacheable}


def _that(step: "StepContext", args: dict) -> tuple[Any, bool]:
    """``that`` as written: conditions are evaluated, not templated first (a template that names a list
    of conditions is the list), as Ansible's assert takes them; and whether it was such a template."""
    written = step.task.args
    if not isinstance(written, dict) or "that" not in written:
        return args.get("that"), False  # the arguments came from a template as a whole (``assert: "{{ item }}"``)
    that = written["that"]
    if isinstance(that, str) and all_template(that):
        try:
            listed = step.templar.template(that, step.vars)
        except TemplateError:
            return that, False
        return (listed, True) if isinstance(listed, list) else (that, False)
    return that, False


def assert_(step: "StepContext", args: dict) -> dict:
    if "that" not in args:
        raise OrchError("assert: missing required arguments: that")
    conditions, listed = _that(step, args)
    conditions = conditions if isinstance(conditions, list) else [conditions]
    for condition in conditions:
        if condition is None or (isinstance(condition, str) and not condition.strip()):
            raise OrchError("assert: Empty conditional expressions are not allowed")
        if isinstance(condition, (dict, list)):  # e.g. an unquoted "a == {'k': 1}" that YAML read as a mapping
            raise OrchError(f"assert: each condition must be an expression (a string), got {condition!r}"[:300])
        if not step.templar.is_true(condition, step.vars, location=step.task.location, task=step.task_name):
            msg = args.get("fail_msg", args.get("msg", "Assertion failed"))
            return {"changed": False, "failed": True, "assertion": condition, "evaluated_to": False, "msg": msg}
    result = {"changed": False, "msg": args.get("success_msg", "All assertions passed")}
    if listed or any(isinstance(c, str) and all_template(c) for c in conditions):
        result["deprecations"] = [{"msg": "a condition should not be surrounded by templating delimiters "
                                          "({{ }}): write the expression alone", "version": "2.23"}]
    return result


def fail(step: "StepContext", args: dict) -> dict:
    return {"changed": False, "failed": True, "msg": args.get("msg", "Failed as requested from task")}


def pause(step: "StepContext", args: dict) -> dict:
    seconds = float(args.get("seconds", 0) or 0) + 60 * float(args.get("minutes", 0) or 0)
    if not step.check:
        time.sleep(seconds)
    return {"changed": False, "delta": seconds, "echo": True}


def _file_bytes(step: "StepContext", args: dict, subdir: str) -> tuple[bytes, str]:
    src = args.get("src")
    path = step.find_file(str(src), subdir)
    try:
        with open(path, "rb") as handle:
            return handle.read(), path
    except OSError as exc:
        raise HostFailure(f"cannot read {path}: {exc.strerror}") from None


def _wire(args: dict, content: bytes, inline: bool) -> dict:
    """The copy/template step as the agent takes it: checksum, and the bytes when inline."""
    wire = {k: v for k, v in args.items() if k != "content"}
    wire["_checksum"] = hashlib.sha1(content).hexdigest()
    if inline:
        wire["_content_b64"] = base64.b64encode(content).decode()
    return wire


def send_content(step: "StepContext", module: str, args: dict, content: bytes) -> dict:
    """copy/template to the agent: content inline when small, else checksum first."""
    if len(content) <= INLINE_LIMIT or step.diff:
        return step.agent_run(module, _wire(args, content, inline=True))
    wire = _wire(args, content, inline=False)
    result = step.agent_run(module, wire)
    if result.get("needs_content"):
        wire["_content_b64"] = base64.b64encode(content).decode()
        result = step.agent_run(module, wire)
    return result


def _rendered(step: "StepContext", args: dict) -> tuple[dict, bytes]:
    """(args, the rendered bytes) of a template step; ``mode: preserve`` becomes the template's mode."""
    if not args.get("src"):
        raise OrchError("template needs 'src'")
    raw, path = _file_bytes(step, args, "templates")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise HostFailure(f"template {path} is not UTF-8 text") from None
    content = step.render_template_file(text, path, args).encode(args.get("output_encoding") or "utf-8")
    return _preserved(args, path), content


def _preserved(args: dict, source: str) -> dict:
    """``mode: preserve``: the controller-side source file's mode."""
    if args.get("mode") != "preserve":
        return args
    return dict(args, mode="%04o" % (os.stat(source).st_mode & 0o7777))


def template(step: "StepContext", args: dict) -> dict:
    return send_content(step, "template", *_rendered(step, args))


def _copy_content(step: "StepContext", args: dict) -> tuple[dict, bytes] | None:
    """(args, bytes) of a copy whose content comes from the controller; None for remote or dir copies."""
    if args.get("remote_src") or (args.get("src") is None and "content" not in args):
        return None
    if "content" in args and args.get("src") is None:
        content = args["content"]
        if not isinstance(content, str):
            import json

            content = json.dumps(content, indent=4)
        return args, str(content).encode("utf-8")
    path = step.find_file(str(args["src"]), "files", allow_dir=True)
    if os.path.isdir(path):
        return None
    raw = copy_walk.read_source(path, step.templar, args.get("decrypt", True) is not False)
    return _preserved(args, path), raw


def _send_large_file(step: "StepContext", args: dict, path: str) -> dict:
    """Checksum first; only when the host's file differs, the bytes in chunks to a staged temp file."""
    wire = {k: v for k, v in args.items() if k != "content"}
    wire["_checksum"] = _sha1_of(path)
    result = step.agent_run("copy", wire)
    if not result.get("needs_content"):
        return result
    session = step.worker.session_for(step)
    staged = None
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            answer = session.request("stage", path=staged, dir=os.path.dirname(str(args.get("dest", ""))),
                                     data=base64.b64encode(block).decode())
            staged = answer["path"]
    return step.agent_run("copy", dict(wire, _staged=staged))


def copy_args_problem(args: dict) -> str | None:
    """What Ansible's copy action says of its arguments before it does anything, in its order."""
    src, content, dest = args.get("src"), args.get("content"), args.get("dest")
    if not src and content is None:
        return "src (or content) is required"
    if not dest:
        return "dest is required"
    if src and content is not None:
        return "src and content are mutually exclusive"
    if content is not None and str(dest).endswith("/"):
        return "can not use content with a dir as dest"
    return None


def copy(step: "StepContext", args: dict) -> dict:
    problem = copy_args_problem(args)
    if problem:
        raise OrchError(problem)
    if args.get("src") is not None and "content" not in args and not args.get("remote_src") and not step.diff:
        path = step.find_file(str(args["src"]), "files", allow_dir=True)
        if os.path.isfile(path) and os.path.getsize(path) > STAGE_LIMIT and not copy_walk.is_vaulted(path):
            return _send_large_file(step, _preserved(args, path), path)
    found = _copy_content(step, args)
    if found is not None:
        return send_content(step, "copy", *found)
    if args.get("remote_src") or (args.get("src") is None and "content" not in args):
        return step.agent_run("copy", args)
    src = str(args["src"])
    return _copy_dir(step, args, step.find_file(src, "files", allow_dir=True), src.endswith("/"))


def batch_step(step: "StepContext", module: str, args: dict) -> tuple[str, dict] | None:
    """The one agent step a task becomes, when it can go in a batch; None when it cannot.

    Batchable: plain agent modules, and copy/template whose content is small enough to
    travel inline (one message, no checksum round trip).
    """
    if step.task.async_val:
        return None  # a background job: orch/engine/async_tasks.py
    if step.task.foreign is not None:
        from orch.foreign import runner

        return runner.AGENT_MODULE, runner.agent_step(step, args)
    if module in CONTROLLER_ACTIONS or module in ("fetch", "script", "raw", "assemble"):
        return None
    if module == "template":
        wired_args, content = _rendered(step, args)
        return ("template", _wire(wired_args, content, inline=True)) if len(content) <= INLINE_LIMIT else None
    if module == "copy":
        if copy_args_problem(args):
            return None  # fails alone, as copy() says
        found = _copy_content(step, args)
        if found is None:
            return ("copy", args) if args.get("remote_src") else None
        wired_args, content = found
        return ("copy", _wire(wired_args, content, inline=True)) if len(content) <= INLINE_LIMIT else None
    return module, args


def _copy_dir(step: "StepContext", args: dict, path: str, contents_only: bool) -> dict:
    """A directory ``src``: its tree goes over in one message (without a trailing '/', the dir itself);
    links stay links where Ansible keeps them (copy_walk.py)."""
    base = path.rstrip("/")
    tree = copy_walk.walk(base, "" if contents_only else os.path.basename(base),
                          local_follow=args.get("local_follow", True) is not False)
    files = []
    for source, rel in tree.files:
        content = copy_walk.read_source(source, step.templar, args.get("decrypt", True) is not False)
        files.append({"path": rel, "_checksum": hashlib.sha1(content).hexdigest(),
                      "_content_b64": base64.b64encode(content).decode()})
    dirs = tree.dirs
    wire = {k: v for k, v in args.items() if k not in ("src", "content")}
    wire.update(_files=files, _dirs=dirs)
    if tree.links:
        wire["_links"] = [{"path": rel, "target": target} for target, rel in tree.links]
    return step.agent_run("copy", wire)


def fetch(step: "StepContext", args: dict) -> dict:
    src, dest = args.get("src"), args.get("dest")
    if not src or not dest:
        raise OrchError("fetch needs 'src' and 'dest'")
    result = step.agent_run("fetch", {"src": src})
    if result.get("failed"):
        return result
    if result.get("file_missing"):
        if str(args.get("fail_on_missing", True)).lower() in ("true", "yes", "1"):
            return {"failed": True, "changed": False, "msg": f"the remote file does not exist: {src}"}
        return {"changed": False, "msg": "the remote file does not exist, not transferring, ignored", "file": src}
    flat = str(args.get("flat", False)).lower() in ("true", "yes", "1")
    if flat:
        local = str(dest) if not str(dest).endswith("/") else os.path.join(str(dest), os.path.basename(str(src)))
    else:
        local = os.path.join(str(dest), step.host_name, str(src).lstrip("/"))
    local = os.path.join(step.playbook_dir, local) if not os.path.isabs(local) else local
    content = base64.b64decode(result.get("_content_b64", ""))
    checksum = hashlib.sha1(content).hexdigest()
    before = _sha1_of(local)
    changed = before != checksum
    if changed and not step.check:
        os.makedirs(os.path.dirname(local) or ".", exist_ok=True)
        tmp = f"{local}.orch-tmp-{os.getpid()}"
        with open(tmp, "wb") as handle:
            handle.write(content)
        os.replace(tmp, local)
    return {"changed": changed, "checksum": checksum, "dest": local, "remote_checksum": result.get("checksum"),
            "file": src}


def _sha1_of(path: str) -> str | None:
    try:
        digest = hashlib.sha1()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError:
        return None


def script(step: "StepContext", args: dict) -> dict:
    """Send a local script's text and run it through the host's shell (or ``executable``)."""
    raw = str(args.get("_raw_params") or args.get("cmd") or "")
    if not raw:
        raise OrchError("script needs a script path")
    import shlex

    words = shlex.split(raw)
    path = step.find_file(words[0], "files")
    with open(path, "rb") as handle:
        body = handle.read()
    executable = args.get("executable")
    if not executable:
        first = body.split(b"\n", 1)[0]
        executable = first[2:].decode().strip() if first.startswith(b"#!") else "/bin/sh"
    command = {"_raw_params": " ".join([executable, "-s", "--", *map(shlex.quote, words[1:])])
               if executable.endswith("sh") else f"{executable} - " + " ".join(map(shlex.quote, words[1:])),
               "stdin": body.decode("utf-8", "replace"), "stdin_add_newline": False, "_script": True}
    for key in ("creates", "removes", "chdir"):
        if args.get(key):
            command[key] = args[key]
    return step.agent_run("shell", command)


CONTROLLER_ACTIONS = {
    "debug": debug, "set_fact": set_fact, "assert": assert_, "fail": fail, "pause": pause,
    "include_vars": include_vars,  # orch.engine.include_vars
}
PREPARED_ACTIONS = {"template": template, "copy": copy, "fetch": fetch, "script": script}

# docker_* modules run here with the docker SDK (the agent is stdlib only): orch/docker/.
from orch.docker.actions import DOCKER_ACTIONS  # noqa: E402

CONTROLLER_ACTIONS.update(DOCKER_ACTIONS)

from orch.engine.inventory_actions import add_host, group_by  # noqa: E402

CONTROLLER_ACTIONS.update(group_by=group_by, add_host=add_host)

from orch.engine.control_actions import CONTROL_ACTIONS, PREPARED  # noqa: E402

CONTROLLER_ACTIONS.update(CONTROL_ACTIONS)
PREPARED_ACTIONS.update(PREPARED)
