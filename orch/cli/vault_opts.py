"""Vault options shared by ``orch run``, ``orch exec`` and ``orch vault``, and the run-time wiring."""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

import click

VAULT_KWARGS = ("vault_ids", "vault_password_files", "ask_vault_pass")

vault_option_list = [
    click.option("--vault-id", "vault_ids", multiple=True, metavar="LABEL@SOURCE",
                 help="A vault password: LABEL@FILE, LABEL@SCRIPT or LABEL@prompt (repeatable)."),
    click.option("--vault-password-file", "--vault-pass-file", "vault_password_files", multiple=True,
                 metavar="FILE", help="Vault password file, or a script printing it (repeatable)."),
    click.option("-J", "--ask-vault-pass", "--ask-vault-password", "ask_vault_pass", is_flag=True,
                 help="Ask for the vault password."),
]


def vault_options(func):
    for option in reversed(vault_option_list):
        func = option(func)
    return func


def _prompt(text: str) -> str:
    return click.prompt(text.rstrip(": "), hide_input=True, err=True, default="", show_default=False)


def make_vault(vault_ids=(), vault_password_files=(), ask_vault_pass=False):
    from orch.vault import Vault, collect_secrets

    return Vault(collect_secrets(vault_ids, vault_password_files, ask_vault_pass, prompt=_prompt))


def pop_vault(kwargs: dict[str, Any]):
    """Take the vault options out of a command's kwargs and build the Vault."""
    return make_vault(*(kwargs.pop(k, None) or d for k, d in zip(VAULT_KWARGS, ((), (), False))))


def install_vault(vault):
    """Make ``vault`` the one this process decrypts with (a CLI process runs one command)."""
    from orch import yamlsrc

    yamlsrc.set_vault(vault)
    return vault


def vault_templar(vault):
    from orch.templating import Templar

    return Templar(vault=vault.templar_hook)


@contextlib.contextmanager
def vault_installed(vault) -> Iterator[Any]:
    """Vaulted YAML read inside the block (also by the engine, at run time) is decrypted by ``vault``."""
    from orch import yamlsrc

    previous = yamlsrc.set_vault(vault)
    try:
        yield vault
    finally:
        yamlsrc.set_vault(previous)


def reveal_inventory(vault, inventory, strict: bool = False) -> None:
    """Decrypt ``!vault`` values in host variables up front: connection settings
    (``ansible_password``, ``ansible_become_password``) are read without templating.

    As in Ansible, a ``!vault`` value no given secret opens fails only where it is used;
    ``strict`` checks every one loaded so far instead, before connecting."""
    vault.check_pending(check=strict)
    for host in inventory.hosts.values():
        host.vars = vault.reveal(host.vars, lenient=not strict)
