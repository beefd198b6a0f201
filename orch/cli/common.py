"""Options and helpers shared by commands that target hosts."""

from __future__ import annotations

import os

import click

from orch.errors import UsageError


def inventory_option(func):
    return click.option("-i", "--inventory", "inventories", multiple=True, metavar="INV",
                        help="Inventory file, directory or 'h1,h2,' list (repeatable).")(func)


def inventory_sources(given: tuple[str, ...]) -> list[str]:
    """-i values, else ORCH_INVENTORY / ANSIBLE_INVENTORY (comma-separated paths)."""
    if given:
        return list(given)
    env = os.environ.get("ORCH_INVENTORY") or os.environ.get("ANSIBLE_INVENTORY")
    if env:
        return [part for part in env.split(",") if part] if not env.endswith(",") else [env]
    for candidate in ("inventory", "inventory.yml", "inventory.ini", "hosts"):
        if os.path.exists(candidate):
            return [candidate]
    raise UsageError("no inventory: pass -i INVENTORY (or set ORCH_INVENTORY)")


def show_inventory_warnings(inv) -> None:
    """What the inventory warned about while loading or matching (Ansible's [WARNING] lines), once."""
    for message in inv.warnings:
        click.echo(f"WARNING: {message}", err=True)
    inv.warnings.clear()


def ask_become_password(ask: bool) -> str | None:
    if ask:
        return click.prompt("BECOME password", hide_input=True, err=True)
    return os.environ.get("ORCH_BECOME_PASSWORD")
