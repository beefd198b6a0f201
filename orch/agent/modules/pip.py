"""pip: Python packages in the host's interpreter or a virtualenv, Ansible's semantics.

State comes from ``pip list --format=json`` in the target environment; pip
runs only for what differs. Like Ansible, ``latest``, ``requirements`` and
``forcereinstall`` cannot be predicted exactly: check mode says changed
(with ``unknown``); their real runs compare ``pip freeze`` before/after.
"""

import json
import os
import shlex
import shutil
import sys

from ..context import ModuleFailed
from ..sys_common import as_list, choice, opt_bool, safe_name
from .. import sys_pip

ENV = {"PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONIOENCODING": "utf-8"}


def _pip(ctx, args, venv):
    if args.get("executable"):
        exe = shlex.split(str(args["executable"]))
        if not os.path.isabs(exe[0]) and not shutil.which(exe[0]):
            raise ModuleFailed("Unable to find pip executable %s" % exe[0])
        return exe
    if venv:
        return [os.path.join(venv, "bin", "pip")]
    rc, out, err = ctx.run([sys.executable, "-m", "pip", "--version"], env=ENV)
    if rc == 0:
        return [sys.executable, "-m", "pip"]
    found = shutil.which("pip3")
    if found:
        return [found]
    raise ModuleFailed("Unable to find any of pip3 to use.  pip needs to be installed.")


def _make_venv(ctx, args, venv, chdir):
    command = shlex.split(str(args.get("virtualenv_command") or "virtualenv"))
    if not shutil.which(command[0]) and not os.path.isabs(command[0]):
        raise ModuleFailed("Failed to find required executable %s" % command[0])
    if opt_bool(args, "virtualenv_site_packages", False):
        command.append("--system-site-packages")
    if args.get("virtualenv_python") and "venv" not in command:
        command += ["-p", str(args["virtualenv_python"])]
    rc, out, err = ctx.run(command + [venv], cwd=chdir)
    if rc != 0:
        raise ModuleFailed("Failed to create virtualenv %s: %s" % (venv, (err or out).strip()),
                           cmd=command + [venv], stdout=out, stderr=err)
    return out, err


def installed(ctx, pip, chdir):
    rc, out, err = ctx.run(pip + ["list", "--format=json"], cwd=chdir, env=ENV)
    if rc != 0:
        raise ModuleFailed("Unable to list installed packages: %s" % (err or out).strip(), cmd=pip + ["list"])
    try:
        return {sys_pip.normalize(p["name"]): p["version"] for p in json.loads(out or "[]")}
    except ValueError:
        raise ModuleFailed("pip list did not answer JSON: %s" % out[:200])


def _freeze(ctx, pip, chdir):
    return ctx.run(pip + ["freeze", "--all"], cwd=chdir, env=ENV)[1]


def run(ctx, args):
    names = [safe_name(n, "package name") for n in as_list(args.get("name"))]
    requirements = args.get("requirements")
    if not names and not requirements:
        raise ModuleFailed("one of the following is required: name, requirements")
    state = choice(args, "state", ("present", "absent", "latest", "forcereinstall"), "present")
    version = args.get("version")
    if version is not None:
        if len(names) != 1:
            raise ModuleFailed("version is incompatible with a list of names")
        names = ["%s==%s" % (names[0], version)]
    chdir = str(args["chdir"]) if args.get("chdir") else None
    venv = os.path.expanduser(str(args["virtualenv"])) if args.get("virtualenv") else None
    if venv and chdir and not os.path.isabs(venv):
        venv = os.path.join(chdir, venv)
    extra = shlex.split(str(args["extra_args"])) if args.get("extra_args") else []
    result = {"changed": False, "name": names, "version": version, "requirements": requirements,
              "virtualenv": venv, "state": state}
    venv_missing = venv is not None and not os.path.exists(os.path.join(venv, "bin", "activate"))
    if venv_missing:
        result["changed"] = True
        if ctx.check:
            return dict(result, unknown=bool(names) and state != "absent") if state != "absent" else result
        _make_venv(ctx, args, venv, chdir)
    pip = _pip(ctx, args, venv)
    have = installed(ctx, pip, chdir)
    if state == "absent":
        todo = [n for n in names if sys_pip.split_req(n)[0] in have]
        argv = pip + ["uninstall", "-y"] + extra + todo
    elif state == "present" and not requirements:
        try:
            todo = [n for n in names if not sys_pip.satisfied(have.get(sys_pip.split_req(n)[0]), sys_pip.split_req(n)[1])]
        except ValueError as exc:
            raise ModuleFailed(str(exc))
        argv = pip + ["install"] + extra + todo
    else:
        todo = names or ["-r"]
        argv = pip + ["install"] + (["-U"] if state == "latest" else []) + (
            ["--force-reinstall"] if state == "forcereinstall" else []) + extra + (
            ["-r", str(requirements)] if requirements else []) + names
    result["cmd"] = argv
    if not todo:
        return result
    if ctx.check:
        exact = state in ("present", "absent") and not requirements
        result.update(changed=True)
        if not exact:
            result["unknown"] = True
        return result
    before = _freeze(ctx, pip, chdir)
    rc, out, err = ctx.run(argv, cwd=chdir, env=ENV)
    result.update(stdout=out, stderr=err)
    if rc != 0:
        raise ModuleFailed("Error installing/removing packages with pip (rc=%d): %s" % (rc, (err or out).strip()[-2000:]),
                           **result)
    if state in ("present", "absent") and not requirements:
        result["changed"] = True
    else:
        result["changed"] = result["changed"] or state == "forcereinstall" or _freeze(ctx, pip, chdir) != before
    return result
