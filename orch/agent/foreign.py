"""Ansible modules run from their own source, inside the agent's interpreter.

The controller sends a package: a manifest ``{import name: (is_package, sha1)}`` naming the
module and its module_utils. Sources are kept by hash, in memory and in
``~/.cache/orch/modules/`` (0700; files 0600, used only when the agent's user owns them and
no one else can write them), with their compiled code per Python version; a host asks only
for the hashes it has never seen. The module runs in a forked child, as ``__main__``, with
Ansible's contract: arguments in ``basic._ANSIBLE_ARGS``, one JSON object out on stdout, exit
status. The parent keeps the module_utils it imported, so the next module starts warm; the
child's ``sys.exit``, chdir, umask and globals die with it.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import signal
import sys
from importlib.machinery import ModuleSpec

_SOURCES = {}   # sha1 -> source text
_CODES = {}     # sha1 -> code object
_PACKAGES = {}  # package key -> (entry, manifest)
_LOADED = {}    # import name -> sha1 of what this process imported under that name
_state = {"site": False, "cache": None}


def _cache_dir():
    """The host-side module cache, or None when it cannot be used safely."""
    if _state["cache"] is None:
        _state["cache"] = ""
        if getattr(sys.modules.get("__main__"), "CACHE", True) is False:
            return None  # orch_agent_cache: false
        try:
            import pwd

            home = os.environ.get("XDG_CACHE_HOME") or os.path.join(pwd.getpwuid(os.getuid()).pw_dir, ".cache")
            folder = os.path.join(home, "orch", "modules")
            os.makedirs(folder, mode=0o700, exist_ok=True)
            st = os.stat(folder)
            if st.st_uid == os.getuid() and not st.st_mode & 0o022:
                _state["cache"] = folder
        except Exception:  # no home, read-only home: run without a cache
            pass
    return _state["cache"] or None


def _safe_open(path):
    try:
        handle = open(path, "rb")
    except OSError:
        return None
    st = os.fstat(handle.fileno())
    if st.st_uid != os.getuid() or st.st_mode & 0o022:
        handle.close()
        return None
    return handle


def _write(path, data):
    try:
        tmp = "%s.%d" % (path, os.getpid())
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        pass


def have(digest):
    if digest in _SOURCES or digest in _CODES:
        return True
    folder = _cache_dir()
    if folder is None:
        return False
    handle = _safe_open(os.path.join(folder, digest + ".py"))
    if handle is None:
        return False
    with handle:
        data = handle.read()
    if hashlib.sha1(data).hexdigest() != digest:
        return False
    _SOURCES[digest] = data.decode("utf-8", "surrogateescape")
    return True


def store(sources):
    """Keep sources the controller sent (checked against their names)."""
    folder = _cache_dir()
    for digest, text in sources.items():
        data = text.encode("utf-8", "surrogateescape")
        if hashlib.sha1(data).hexdigest() != digest:
            continue
        _SOURCES[digest] = text
        if folder is not None:
            _write(os.path.join(folder, digest + ".py"), data)


def _code(digest, name):
    code = _CODES.get(digest)
    if code is not None:
        return code
    folder = _cache_dir()
    compiled = os.path.join(folder, "%s.%s.code" % (digest, sys.implementation.cache_tag)) if folder else None
    if compiled:
        handle = _safe_open(compiled)
        if handle is not None:
            with handle:
                try:
                    code = marshal.loads(handle.read())
                except Exception:
                    code = None
    if code is None:
        if not have(digest):
            raise ImportError("orch: no source for %s (%s)" % (name, digest))
        code = compile(_SOURCES[digest], _origin(name, False), "exec", dont_inherit=True)
        if compiled:
            _write(compiled, marshal.dumps(code))
    _CODES[digest] = code
    return code


def _origin(name, is_pkg):
    parts = name.split(".")
    return "/orch-modules/" + "/".join(parts + ["__init__"] if is_pkg else parts) + ".py"


class Importer:
    """Serves the names of the current package from the hash store."""

    def __init__(self):
        self.names = {}

    def find_spec(self, name, path=None, target=None):
        entry = self.names.get(name)
        if entry is None:
            return None
        spec = ModuleSpec(name, self, origin=_origin(name, entry[0]), is_package=entry[0])
        spec.has_location = True
        return spec

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        name = module.__name__
        _LOADED[name] = self.names[name][1]
        exec(self.get_code(name), module.__dict__)

    def get_code(self, name):
        return _code(self.names[name][1], name)

    def get_source(self, name):
        if name not in self.names:  # linecache asks for "__main__" while the module runs as a script
            spec = getattr(sys.modules.get(name), "__spec__", None)
            name = getattr(spec, "name", name)
        entry = self.names.get(name)
        return _SOURCES.get(entry[1]) if entry and have(entry[1]) else None

    def is_package(self, name):
        return self.names[name][0]


_IMPORTER = Importer()


def _prepare():
    """Once per agent: the host's site-packages (the agent starts with -S), the importer."""
    if not _state["site"]:
        _state["site"] = True
        try:
            import site

            site.main()  # python3-apt and the like live there; modules import them
        except Exception:
            pass
        sys.meta_path.insert(0, _IMPORTER)


def _stale(manifest):
    """Imported names whose source differs in this package (two collections' module_utils)."""
    return [name for name, digest in _LOADED.items() if name in manifest and manifest[name][1] != digest]


def _preload(manifest, entry):
    """Import the module_utils here, in the agent, so every later child finds them loaded."""
    for name in sorted(manifest):
        if name == entry or name in sys.modules or not name.startswith("ansible.module_utils."):
            continue
        try:
            __import__(name)
        except BaseException:  # an optional import; the module itself reports what it needs
            sys.modules.pop(name, None)


def package(args):
    """(entry, manifest) for a run request, or a list of what the host lacks."""
    key = args.get("package")
    manifest = args.get("manifest")
    if args.get("sources"):
        store(args["sources"])
    if manifest is None:
        known = _PACKAGES.get(key)
        if known is None:
            return ["manifest"]
        return known
    manifest = {name: (bool(v[0]), v[1]) for name, v in manifest.items()}
    missing = sorted({digest for _, digest in manifest.values() if not have(digest)})
    if missing:
        return missing
    _PACKAGES[key] = (args["entry"], manifest)
    return _PACKAGES[key]


def execute(entry, manifest, params, env, timeout=None):
    """Run one module; its result as Ansible's action plugin would see it."""
    import tempfile

    _prepare()
    _IMPORTER.names.update(manifest)
    _preload(manifest, entry)
    stale = _stale(manifest)
    payload = json.dumps({"ANSIBLE_MODULE_ARGS": params}).encode("utf-8", "surrogateescape")
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child ends in os._exit
        _child(entry, manifest, payload, env, out, err, stale)
    try:
        status = os.waitpid(pid, 0)[1]
    except BaseException:  # the task's timeout (or the agent ending): the module must not outlive it
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        out.close()
        err.close()
        raise
    rc = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -os.WTERMSIG(status)
    out.seek(0)
    err.seek(0)
    stdout = out.read().decode("utf-8", "replace")
    stderr = err.read().decode("utf-8", "replace")
    out.close()
    err.close()
    return result_of(stdout, stderr, rc)


def _child(entry, manifest, payload, env, out, err, stale):
    code, message = 1, ""
    try:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        sys.stdout = open(1, "w", closefd=False)
        sys.stderr = open(2, "w", closefd=False)
        for name in stale:
            sys.modules.pop(name, None)
        os.environ.update({str(k): str(v) for k, v in env.items()})
        import runpy

        from ansible.module_utils import basic

        basic._ANSIBLE_ARGS = payload
        basic._ANSIBLE_PROFILE = "legacy"
        runpy.run_module(entry, init_globals={"_module_fqn": entry, "_modlib_path": "/orch-modules"},
                         run_name="__main__", alter_sys=True)
        message = "orch: the module returned without reporting a result (exit_json/fail_json)\n"
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            message = "%s\n" % exc.code
    except Exception as first:  # as Ansible 2.19's module runner: a failed result that names the exception
        _report_exception(first)
    except BaseException as first:
        message = _traceback_text(first)
    finally:
        try:
            if message:
                sys.stderr.write(message)
            import atexit

            atexit._run_exitfuncs()  # AnsibleModule removes its temp folder there
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _traceback_text(first):
    try:
        import traceback

        return traceback.format_exc()
    except BaseException as exc:  # formatting itself failed: say both
        return "%r (and while formatting its traceback: %r)\n" % (first, exc)


def _report_exception(exc):
    """The result Ansible's controller makes of a module's unhandled exception (its traceback kept)."""
    text = str(exc) or type(exc).__name__
    sys.stdout.write("\n" + json.dumps({"failed": True, "msg": "Task failed: Module failed: %s" % text,
                                        "exception": _traceback_text(exc)}) + "\n")


# Set in an async job's worker process (one job each): there, as Ansible's async_wrapper writes it,
# what the module wrote to stderr is part of its result.
IN_ASYNC_JOB = False


def result_of(stdout, stderr, rc):
    """The module's JSON, with what surrounds it kept as warnings, or a failure naming the output."""
    start, offset = -1, 0
    for line in stdout.splitlines(True):
        if line.lstrip().startswith("{"):
            start = offset
            break
        offset += len(line)
    end = stdout.rfind("}")
    if start >= 0 and end > start:
        try:
            result = json.loads(stdout[start:end + 1])
        except ValueError:
            result = None
        if isinstance(result, dict):
            junk = (stdout[:start] + stdout[end + 1:]).strip()
            if junk:
                result.setdefault("warnings", []).append("Module invocation had junk after the JSON data: %s" % junk)
            if rc and "failed" not in result:
                result["failed"] = True
            if stderr.strip() and result.get("failed"):
                result.setdefault("module_stderr", stderr)
            if stderr and IN_ASYNC_JOB:
                result["stderr"] = stderr
            return result
    return {"failed": True, "changed": False, "rc": rc, "module_stdout": stdout, "module_stderr": stderr,
            "msg": "MODULE FAILURE: see stdout/stderr for the exact error"}
