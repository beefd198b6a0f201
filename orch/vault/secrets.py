"""Where vault passwords come from, with Ansible's command-line meanings.

* ``--vault-password-file FILE``: the file's text, stripped; an executable file is run
  and its stdout is the password (a ``*-client`` script gets ``--vault-id LABEL``).
* ``--ask-vault-pass``: a prompt.
* ``--vault-id LABEL@SOURCE`` (repeatable): SOURCE is ``prompt`` or a file/script as above;
  a bare ``SOURCE`` means the label ``default``.
* ``ANSIBLE_VAULT_PASSWORD_FILE`` / ``ORCH_VAULT_PASSWORD_FILE``: a password file when no
  other source was given.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from typing import Callable

from orch.errors import Location, VaultError
from orch.vault.envelope import DEFAULT_ID

ENV_FILES = ("ORCH_VAULT_PASSWORD_FILE", "ANSIBLE_VAULT_PASSWORD_FILE")
_SCRIPT_TIMEOUT = 60


@dataclass(frozen=True)
class VaultSecret:
    label: str
    password: bytes = field(repr=False)  # never in a repr, a log line or a traceback's locals dump
    origin: str = ""


Prompt = Callable[[str], str]


def read_password_file(path: str, label: str = DEFAULT_ID) -> bytes:
    """A password file's stripped text, or an executable's stripped stdout."""
    path = os.path.expanduser(path)
    if not os.path.exists(path):
        raise VaultError("vault password file not found", location=Location(path))
    if os.path.isdir(path):
        raise VaultError("vault password file is a directory", location=Location(path))
    if os.access(path, os.X_OK):
        argv = [os.path.abspath(path)]
        stem = os.path.splitext(os.path.basename(path))[0]
        if stem.endswith("-client"):  # Ansible's vault-id client script convention
            argv += ["--vault-id", label]
        try:
            proc = subprocess.run(argv, capture_output=True, timeout=_SCRIPT_TIMEOUT, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise VaultError(f"vault password script failed: {exc}", location=Location(path)) from None
        if proc.returncode != 0:
            err = proc.stderr.decode("utf-8", "replace").strip()[:300]
            raise VaultError(f"vault password script exited with {proc.returncode}" + (f": {err}" if err else ""),
                             location=Location(path))
        password = proc.stdout.strip()
    else:
        try:
            with open(path, "rb") as fh:
                password = fh.read().strip()
        except OSError as exc:
            raise VaultError(f"cannot read vault password file: {exc.strerror}", location=Location(path)) from None
    if not password:
        raise VaultError("vault password file is empty", location=Location(path))
    return password


def parse_vault_id(spec: str) -> tuple[str, str]:
    """``label@source`` -> (label, source); ``source`` alone -> ('default', source)."""
    label, sep, source = spec.partition("@")
    if not sep:
        return DEFAULT_ID, spec
    if not label or not source:
        raise VaultError(f"--vault-id {spec!r}: expected LABEL@SOURCE (a file, a script or 'prompt')")
    return label, source


def collect_secrets(vault_ids: tuple[str, ...] | list[str] = (), password_files: tuple[str, ...] | list[str] = (),
                    ask: bool = False, prompt: Prompt | None = None,
                    environ: dict[str, str] | None = None) -> list[VaultSecret]:
    """Every secret the options name, in the order Ansible tries them."""
    env = os.environ if environ is None else environ
    secrets: list[VaultSecret] = []

    def ask_for(label: str) -> bytes:
        if prompt is None:
            raise VaultError("a vault password prompt needs a terminal")
        text = prompt("Vault password" + (f" ({label})" if label != DEFAULT_ID else "") + ": ")
        if not text:
            raise VaultError("empty vault password")
        return text.encode("utf-8")

    for spec in vault_ids:
        label, source = parse_vault_id(spec)
        if source == "prompt":
            secrets.append(VaultSecret(label, ask_for(label), "prompt"))
        else:
            secrets.append(VaultSecret(label, read_password_file(source, label), source))
    files = list(password_files)
    if not files and not vault_ids and not ask:
        files = [env[name] for name in ENV_FILES if env.get(name)][:1]
    for path in files:
        secrets.append(VaultSecret(DEFAULT_ID, read_password_file(path), path))
    if ask:
        secrets.append(VaultSecret(DEFAULT_ID, ask_for(DEFAULT_ID), "prompt"))
    return secrets
