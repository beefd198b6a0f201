"""Run one integration target with one engine, the way ansible-test runs it.

A fresh copy of the targets folder per run (in a temporary folder whose name
has ansible-test's non-ASCII suffix), ansible-test's inventory (``testhost`` in
``testgroup``, reached over SSH), environment and wrapper playbook. The
engine is chosen by PATH: ``ansible-playbook`` is either ansible-core's or the
shim that runs ``orch run``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from runme import ENV, SETUP, SKIP, STEP, Item, translate
from sdist import CACHE, VERSION, aliases

BIN = Path(sys.executable).parent  # the venv with ansible-core and orch
SHIM = Path(__file__).resolve().parent / "shim"
SUFFIX = "-\u00c5\u00d1\u015a\u00cc\u03b2\u0141\u00c8"  # ansible-test's temp folder suffix


@dataclass
class StepResult:
    line: int
    command: str
    rc: int
    seconds: float
    strict: bool
    failure: str = ""


@dataclass
class RunResult:
    target: str
    engine: str
    status: str  # pass | fail | timeout | not run
    seconds: float = 0.0
    failure: str = ""
    steps: list[StepResult] = field(default_factory=list)
    not_run: list[dict] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, text: str) -> "RunResult":
        data = json.loads(text)
        data["steps"] = [StepResult(**s) for s in data["steps"]]
        return cls(**data)


@dataclass(frozen=True)
class Host:
    name: str
    address: str
    key_file: str


def inventory_text(host: Host) -> str:
    """ansible-test's POSIX inventory for an SSH target host."""
    variables = {
        "ansible_connection": "ssh", "ansible_pipelining": "yes", "ansible_python_interpreter": "/usr/bin/python3",
        "ansible_host": host.address, "ansible_port": 22, "ansible_user": "root",
        "ansible_ssh_private_key_file": host.key_file,
        "ansible_ssh_extra_args": "-o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no",
    }
    return "[testgroup]\ntesthost " + " ".join(f"{k}={v!r}" for k, v in variables.items()) + "\n"


def locales() -> Path:
    """en_US.UTF-8, which ansible-test's containers have and targets set (tags' list-tasks output),
    compiled once from this machine's locale sources; C.UTF-8 is built into glibc."""
    folder = CACHE / "locale"
    if not (folder / "en_US.UTF-8").is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["localedef", "-i", "en_US", "-f", "UTF-8", str(folder / "en_US.UTF-8")], check=True,
                       capture_output=True)
    return folder


def environment(engine: str, source: Path, output_dir: Path, inventory: Path, config: Path,
                target_aliases: list[str]) -> dict[str, str]:
    """ansible-test's environment for an integration target (junit callback and coverage left out)."""
    path = f"{BIN}{os.pathsep}{os.environ.get('PATH', os.defpath)}"
    if engine == "orch":
        path = f"{SHIM}{os.pathsep}{path}"
    env = {
        "LC_ALL": "C.UTF-8", "LOCPATH": str(locales()), "PATH": path, "HOME": os.environ.get("HOME", "/root"),
        "ANSIBLE_PYTHON_MODULE_RLIMIT_NOFILE": "1024", "ANSIBLE_FORCE_COLOR": "false",
        "ANSIBLE_FORCE_HANDLERS": "true", "ANSIBLE_HOST_PATTERN_MISMATCH": "error", "ANSIBLE_INVENTORY": "/dev/null",
        "ANSIBLE_DEPRECATION_WARNINGS": "false", "ANSIBLE_HOST_KEY_CHECKING": "false",
        "ANSIBLE_RETRY_FILES_ENABLED": "false", "ANSIBLE_CONFIG": str(config), "ANSIBLE_DEVEL_WARNING": "false",
        "PAGER": "/bin/cat", "ANSIBLE_PYTHON_INTERPRETER": "/set/ansible_python_interpreter/in/inventory",
        "ANSIBLE_TEST_CI": "", "ANSIBLE_TEST_COVERAGE": "", "ANSIBLE_TEST_ANSIBLE_VERSION": VERSION,
        "OUTPUT_DIR": str(output_dir), "INVENTORY_PATH": str(inventory),
        "COMPAT_ORCH": str(BIN / "orch"),
    }
    library = source / "test" / "support" / "integration" / "plugins" / "modules"
    env["ANSIBLE_LIBRARY"] = str(library) if library.is_dir() else "/dev/null"
    if any(a.startswith("non_local/") for a in target_aliases):
        env["ANSIBLE_TEST_REMOTE_INTERPRETER"] = ""
    for alias in target_aliases:  # env/set/NAME/VALUE
        parts = alias.split("/")
        if parts[:2] == ["env", "set"] and len(parts) >= 4:
            env[parts[2]] = "/".join(parts[3:])
    return env


def wrapper_playbook(name: str, output_dir: Path, target_aliases: list[str]) -> str:
    """The play ansible-test writes for a role target."""
    gather = True
    if "gather_facts/no/" in [a + "/" if not a.endswith("/") else a for a in target_aliases]:
        gather = False
    play = {"hosts": "testhost", "gather_facts": gather, "vars_files": [], "vars": {"output_dir": str(output_dir)},
            "roles": [name]}
    return json.dumps([play], indent=4, sort_keys=True)


_TASK = re.compile(r"^(TASK|HANDLER|RUNNING HANDLER) \[(?P<name>.*)\]")
_FAIL = re.compile(r"^(fatal|failed): \[[^\]]+\][^=]*=> (?P<rest>.*)$|^(fatal|failed): \[[^\]]+\]: (?P<rest2>.*)$")
_ERROR = re.compile(r"^(\[ERROR\]:|ERROR!|ERROR:|Traceback|error:|usage:|shim:)\s*(?P<rest>.*)")


def _short(text: str, limit: int = 220) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def first_failure(output: str, strip: str = "") -> str:
    """One line: the first task that failed (not ignored) and its message, or the first error.

    ``strip``: a path prefix to leave out (the run's temporary folder), also where JSON escaped it.
    """
    return _short(_first_failure(output).replace(strip, "") if strip else _first_failure(output))


def _first_failure(output: str) -> str:
    lines = output.splitlines()
    task = ""
    for i, line in enumerate(lines):
        match = _TASK.match(line)
        if match:
            task = match["name"]
            continue
        match = _FAIL.match(line)
        if match:
            follow = "\n".join(lines[i + 1:i + 40])
            block_end = follow.find("\n\n")
            if "...ignoring" in (follow if block_end < 0 else follow[:block_end]):
                continue
            rest = match["rest"] or match["rest2"] or ""
            msg = rest
            if rest.startswith("{"):
                body = rest
                j = i + 1
                while True:
                    try:
                        data = json.loads(body)
                        msg = str(data.get("msg") or data.get("stderr") or data.get("module_stderr") or rest)
                        if data.get("assertion"):
                            msg = f"{msg}: {data['assertion']}"
                        break
                    except ValueError:
                        if j >= len(lines) or j > i + 400:
                            break
                        body += "\n" + lines[j]
                        j += 1
            return f"{task}: {msg}" if task else msg
        match = _ERROR.match(line.strip())
        if match:
            rest = match["rest"] or " ".join(lines[i + 1:i + 3])
            return rest
    tail = [line for line in lines if line.strip()][-1:] or [""]
    return tail[0]


def _run(command: str, cwd: Path, env: dict[str, str], deadline: float, log) -> tuple[int, str, float]:
    started = time.monotonic()
    timeout = max(1.0, deadline - started)
    proc = subprocess.Popen(["bash", "-c", command], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
        rc = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        rc = -9
    text = out.decode(errors="replace")
    log.write(f"$ {command}\n{text}\n[rc={rc}]\n\n")
    return rc, text, time.monotonic() - started


def plan(name: str, targets_dir: Path) -> tuple[list[Item], str]:
    """The target's items and the folder they run in (relative to the integration folder)."""
    script = targets_dir / name / "runme.sh"
    if script.exists():
        return translate(script.read_text()), f"targets/{name}"
    return [Item(STEP, 0, f"ansible-playbook {name}-wrapper.yml -i inventory")], "."


def run_setup_targets(names: list[str], source: Path, env: dict[str, str], integration: Path, log) -> None:
    """ansible-test's setup/always and setup/once targets, always with ansible-core (preparation, not a test)."""
    for setup in names:
        script = integration / "targets" / setup / "runme.sh"
        if script.exists():
            _run(f"bash {script}", script.parent, env, time.monotonic() + 300, log)


def run_target(name: str, engine: str, source: Path, host: Host, prepare_host, timeout: float,
               expected: list[int] | None = None) -> RunResult:
    """Run every step of ``name`` with ``engine`` ('ansible' or 'orch') against ``host``."""
    started = time.monotonic()
    deadline = started + timeout
    work_root = CACHE / "work" / engine
    work_root.mkdir(parents=True, exist_ok=True)
    logs = CACHE / "logs" / engine
    logs.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{name}-", suffix=SUFFIX, dir=work_root))
    result = RunResult(name, engine, "pass")
    try:
        integration = work / "test" / "integration"
        shutil.copytree(source / "test" / "integration" / "targets", integration / "targets", symlinks=True)
        inventory, config = integration / "inventory", integration / "integration.cfg"
        inventory.write_text(inventory_text(host))
        config.write_text("")
        output_dir = work / "output_dir"
        output_dir.mkdir()
        prepare_host(str(output_dir))
        target_aliases = aliases(integration / "targets", name)
        env = environment(engine, source, output_dir, inventory, config, target_aliases)
        items, folder = plan(name, integration / "targets")
        cwd = (integration / folder).resolve()
        env["ANSIBLE_PLAYBOOK_DIR"] = str(cwd)
        if folder == ".":
            env["ANSIBLE_ROLES_PATH"] = str(integration / "targets")
            (integration / f"{name}-wrapper.yml").write_text(wrapper_playbook(name, output_dir, target_aliases))
        with open(logs / f"{name}.log", "w") as log:
            setups = [a.split("/")[2] for a in target_aliases if a.startswith(("setup/always/", "setup/once/"))]
            if setups:
                base_env = environment("ansible", source, output_dir, inventory, config, target_aliases)
                run_setup_targets(setups, source, base_env, integration, log)
            preamble: list[str] = []
            for item in items:
                if item.kind == SKIP:
                    result.not_run.append({"line": item.line, "text": item.text.splitlines()[0][:160],
                                           "reason": item.reason})
                    continue
                if item.kind == ENV:
                    preamble.append(item.text)
                    continue
                body = "\n".join(["set -e", *preamble, item.text])
                if item.kind == SETUP:
                    _run(body, cwd, env, deadline, log)
                    continue
                rc, output, seconds = _run(body, cwd, env, deadline, log)
                step = StepResult(item.line, item.text.splitlines()[0][:200], rc, round(seconds, 1), item.strict)
                index = len(result.steps)
                want = 0 if item.strict else (expected[index] if expected and index < len(expected) else None)
                if rc == -9:
                    step.failure = f"timed out after {timeout:.0f}s"
                elif want is not None and rc != want:
                    step.failure = first_failure(output, f"{integration}/") or f"exit {rc}"
                    if not item.strict:
                        step.failure = f"exit {rc}, ansible-core {want}: {step.failure}"
                result.steps.append(step)
                if step.failure and result.status == "pass":
                    result.status = "timeout" if rc == -9 else "fail"
                    where = f"runme.sh:{item.line}: " if item.line else ""
                    result.failure = _short(where + step.failure)
                if step.failure:
                    break  # runme.sh runs under `set -e`: the first failure ends the test
        if not result.steps:
            result.status = "not run"
            result.failure = "no ansible-playbook line of runme.sh could be run as it is"
    except Exception as exc:  # a harness problem for this target, not the engine's
        result.status, result.failure = "error", _short(f"harness: {type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result.seconds = round(time.monotonic() - started, 1)
    return result
