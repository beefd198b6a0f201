"""Settings from ansible.cfg, orch.toml and the environment, as defaults of the CLI options.

Precedence, highest first (the one place this is written down; README explains it):

1. command-line flags (``-i``, ``-f``, ``-u``, ``--runs-dir`` ...)
2. ``ORCH_*`` environment variables (``ORCH_INVENTORY``, ``ORCH_FORKS``, ``ORCH_REMOTE_USER``,
   ``ORCH_PRIVATE_KEY_FILE``, ``ORCH_HOST_KEY_CHECKING``, ``ORCH_ROLES_PATH``, ``ORCH_RUNS_DIR``,
   ``ORCH_HASH_BEHAVIOUR``)
3. ``ANSIBLE_*`` environment variables of the same settings (``ANSIBLE_INVENTORY``, ``ANSIBLE_FORKS`` ...)
4. ``orch.toml``: ``$ORCH_CONFIG``, else the nearest one from the current directory up
5. ``ansible.cfg`` ``[defaults]``, found as Ansible finds it: ``$ANSIBLE_CONFIG``, ``./ansible.cfg``,
   ``~/.ansible.cfg``, ``/etc/ansible/ansible.cfg`` (the first that exists, only that one)
6. orch's built-in defaults (forks 25, host key checking ``accept-new``)

Inventory variables (``ansible_user``, ``ansible_ssh_private_key_file``,
``ansible_host_key_checking``) still win over 2-6 for their hosts, as in Ansible.
Relative paths in a file are relative to that file's folder. Only commands that
use a setting load the files (``orch --version`` never reads them).
"""

from __future__ import annotations

import configparser
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orch.errors import ParseError

KEYS = ("inventory", "forks", "remote_user", "private_key_file", "host_key_checking", "roles_path", "runs_dir",
        "timeout", "hash_behaviour")
_PATHS = {"inventory", "private_key_file", "roles_path", "runs_dir"}
_ANSIBLE_ENV = {"inventory": "ANSIBLE_INVENTORY", "forks": "ANSIBLE_FORKS", "remote_user": "ANSIBLE_REMOTE_USER",
                "private_key_file": "ANSIBLE_PRIVATE_KEY_FILE", "host_key_checking": "ANSIBLE_HOST_KEY_CHECKING",
                "roles_path": "ANSIBLE_ROLES_PATH", "timeout": "ANSIBLE_TIMEOUT",
                "hash_behaviour": "ANSIBLE_HASH_BEHAVIOUR"}
# setting -> option name of the commands that target hosts
_OPTIONS = {"inventory": "inventories", "forks": "forks", "remote_user": "user", "runs_dir": "runs_dir",
            "timeout": "timeout"}
HOST_COMMANDS = ("run", "plan", "apply", "exec")


@dataclass
class Setting:
    value: Any
    source: str  # "ORCH_FORKS", "/srv/app/orch.toml", ...


def find_ansible_cfg() -> Path | None:
    env = os.environ.get("ANSIBLE_CONFIG")
    candidates = [Path(env).expanduser()] if env else []
    candidates += [Path("ansible.cfg"), Path("~/.ansible.cfg").expanduser(), Path("/etc/ansible/ansible.cfg")]
    return next((p.resolve() for p in candidates if p.is_file()), None)


def find_orch_toml() -> Path | None:
    env = os.environ.get("ORCH_CONFIG")
    if env:
        return Path(env).expanduser().resolve()
    here = Path.cwd().resolve()
    return next((d / "orch.toml" for d in (here, *here.parents) if (d / "orch.toml").is_file()), None)


def _path_value(key: str, value: Any, base: Path) -> Any:
    """Paths relative to the config file; inventory and roles_path are lists (',' and ':' separated)."""
    if isinstance(value, list):
        parts = [str(v) for v in value]
    elif key in ("inventory", "roles_path"):
        parts = str(value).split("," if key == "inventory" else os.pathsep)
    else:
        parts = [str(value)]
    resolved = [str((base / os.path.expanduser(p.strip())).resolve()) for p in parts if p.strip()]
    return resolved if key in ("inventory", "roles_path") else resolved[0]


def read_ansible_cfg(path: Path) -> dict[str, Any]:
    parser = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(";", "#"))
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as exc:
        raise ParseError(f"{path}: {exc}") from None
    if not parser.has_section("defaults"):
        return {}
    section = parser["defaults"]
    out: dict[str, Any] = {}
    for key, names in (("inventory", ("inventory", "hostfile")), ("forks", ("forks",)),
                       ("remote_user", ("remote_user",)), ("private_key_file", ("private_key_file",)),
                       ("host_key_checking", ("host_key_checking",)), ("roles_path", ("roles_path",)),
                       ("timeout", ("timeout",)), ("hash_behaviour", ("hash_behaviour",))):
        for name in names:
            if section.get(name):
                out[key] = section.get(name)
                break
    return out


def ini_value(section: str, key: str) -> tuple[str, str] | None:
    """A setting of ansible.cfg (any section) and the file's path; None when it is not set."""
    path = find_ansible_cfg()
    if path is None:
        return None
    parser = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(";", "#"))
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return None
    if parser.has_option(section, key):
        return parser.get(section, key), str(path)
    return None


def ansible_setting(env: str, key: str, section: str = "defaults") -> str | None:
    """An Ansible setting the engine reads where it is used: ``env`` (an ANSIBLE_* variable), else ansible.cfg."""
    if os.environ.get(env):
        return os.environ[env]
    found = ini_value(section, key)
    return found[0] if found else None


def read_orch_toml(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        with open(path, "rb") as stream:
            data = tomllib.load(stream)
    except OSError as exc:
        raise ParseError(f"{path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ParseError(f"{path}: {exc}") from None
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise ParseError(f"{path}: unknown setting(s) {', '.join(unknown)} (known: {', '.join(KEYS)})")
    return data


def load_settings() -> dict[str, Setting]:
    """Every setting found, with where it came from (lowest layers first, higher ones replace)."""
    settings: dict[str, Setting] = {}
    for finder, reader in ((find_ansible_cfg, read_ansible_cfg), (find_orch_toml, read_orch_toml)):
        path = finder()
        if path is None:
            continue
        for key, value in reader(path).items():
            settings[key] = Setting(_path_value(key, value, path.parent) if key in _PATHS else value, str(path))
    for key in KEYS:
        for var in (_ANSIBLE_ENV.get(key), f"ORCH_{key.upper()}"):
            if var and os.environ.get(var):
                settings[key] = Setting(os.environ[var], var)
    for key in ("forks", "timeout"):
        if key in settings:
            try:
                settings[key].value = (int if key == "forks" else float)(settings[key].value)
            except (TypeError, ValueError):
                raise ParseError(f"{settings[key].source}: {key} must be a number, "
                                 f"not {settings[key].value!r}") from None
    return settings


def default_map(settings: dict[str, Setting]) -> dict[str, dict[str, Any]]:
    """click's ``default_map`` for the commands that target hosts."""
    defaults: dict[str, Any] = {}
    for key, option in _OPTIONS.items():
        setting = settings.get(key)
        if setting is None:
            continue
        if key == "inventory":
            if setting.source.endswith("_INVENTORY"):
                continue  # the commands read these variables themselves (and split lists like Ansible)
            value = setting.value if isinstance(setting.value, list) else [setting.value]
            defaults[option] = tuple(str(v) for v in value)
        else:
            defaults[option] = setting.value
    return {command: dict(defaults) for command in HOST_COMMANDS}


def export_environment(settings: dict[str, Setting]) -> None:
    """Settings the lower layers read from the environment, for this process only."""
    for key in ("private_key_file", "host_key_checking", "roles_path", "hash_behaviour"):
        setting = settings.get(key)
        if setting is None or setting.source.startswith(("ORCH_", "ANSIBLE_")):
            continue  # already in the environment
        value = setting.value
        if isinstance(value, list):
            value = os.pathsep.join(value) if key == "roles_path" else value[0]
        os.environ[f"ORCH_{key.upper()}"] = str(value)


def apply_to(ctx: Any, command: str | None) -> None:
    """Called by the ``orch`` group before a subcommand starts: only host commands and ``runs`` read files."""
    if command not in (*HOST_COMMANDS, "runs"):
        return
    settings = load_settings()
    if not settings:
        return
    mapping = default_map(settings)
    if command == "runs":
        runs_dir = mapping["run"].get("runs_dir")
        if runs_dir is None:
            return
        sub = {"runs_dir": runs_dir}
        mapping = {"runs": {**sub, "show": sub, "report": sub, "drift": sub}}
    else:
        export_environment(settings)
    ctx.default_map = {**(ctx.default_map or {}), **mapping}
