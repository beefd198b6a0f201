"""``orch inventory``: list, select and explain what an Ansible inventory holds."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click
import yaml

from orch.cli.common import show_inventory_warnings
from orch.errors import UsageError

_inventory_option = click.option(
    "-i", "--inventory", "inventories", multiple=True, metavar="INV",
    help="Inventory file, directory or 'h1,h2,' list (repeatable). "
         "Default: $ORCH_INVENTORY, $ANSIBLE_INVENTORY, else ./inventory or ./hosts.")


def default_sources(given: tuple[str, ...]) -> list[str]:
    """The -i values, or the defaults; env vars may hold comma-separated paths like Ansible's."""
    if given:
        return list(given)
    for var in ("ORCH_INVENTORY", "ANSIBLE_INVENTORY"):
        value = os.environ.get(var)
        if value:
            # a value that is a host list 'h1,h2,' stays whole; else it is a list of paths
            parts = [p for p in value.split(",") if p]
            if all(os.path.exists(p) for p in parts):
                return parts
            return [value]
    for name in ("inventory", "hosts"):
        if os.path.exists(name):
            return [name]
    raise UsageError("no inventory: pass -i INVENTORY (or set ORCH_INVENTORY)")


def _load(inventories: tuple[str, ...]) -> Any:
    from orch.cli.vault_opts import make_vault, vault_installed
    from orch.inventory import load_inventory

    with vault_installed(make_vault()):  # vaulted group_vars/host_vars open with $ORCH_/$ANSIBLE_VAULT_PASSWORD_FILE
        inv = load_inventory(default_sources(inventories))
    show_inventory_warnings(inv)
    return inv


@click.group("inventory")
def inventory_group() -> None:
    """Show the hosts, groups and variables of an Ansible inventory."""


@inventory_group.command("list")
@_inventory_option
@click.option("--json", "as_json", is_flag=True, help="Exactly `ansible-inventory --list` JSON.")
def list_command(inventories: tuple[str, ...], as_json: bool) -> None:
    """Show all groups and hosts."""
    inv = _load(inventories)
    if as_json:
        click.echo(json.dumps(inv.to_ansible_list(), sort_keys=True, indent=4, default=str))
        return
    lines: list[str] = []

    def walk(group: Any, depth: int) -> None:
        pad = "  " * depth
        lines.append(f"{pad}@{group.name}:")
        for child in group.children:
            walk(child, depth + 1)
        if group.name != "all":
            lines.extend(f"{pad}  {h.name}" for h in group.hosts)

    walk(inv.groups["all"], 0)
    click.echo("\n".join(lines))


@inventory_group.command("hosts")
@click.argument("pattern", default="all")
@_inventory_option
@click.option("-l", "--limit", default=None, help="Further limit to hosts matching this pattern (or @file).")
def hosts_command(pattern: str, inventories: tuple[str, ...], limit: str | None) -> None:
    """Print the hosts matching PATTERN, one per line, in inventory order."""
    inv = _load(inventories)
    hosts = inv.select(pattern, limit)
    show_inventory_warnings(inv)
    if not hosts:
        # like `ansible PATTERN --list-hosts`: no match is a warning, not a failure
        click.echo(f"WARNING: no hosts match pattern {pattern!r}" + (f" with limit {limit!r}" if limit else ""),
                   err=True)
    for h in hosts:
        click.echo(h.name)


@inventory_group.command("vars")
@click.argument("host")
@_inventory_option
@click.option("--explain", is_flag=True, help="Show where each variable comes from and what it overrode.")
def vars_command(host: str, inventories: tuple[str, ...], explain: bool) -> None:
    """Print the variables of HOST as YAML (merged by Ansible's precedence)."""
    inv = _load(inventories)
    if host not in inv.hosts:
        raise UsageError(f"no host named {host!r} in the inventory")
    if not explain:
        text = yaml.safe_dump(_plain(inv.hosts[host].vars), sort_keys=True, default_flow_style=False)
        click.echo(text.rstrip() if inv.hosts[host].vars else "{}")
        return
    for ex in inv.explain(host):
        click.echo(f"{ex.name}: {_inline(ex.value)}")
        click.echo(f"    from {ex.source}")
        for src, value in ex.overridden:
            click.echo(f"    overrides {_inline(value)} from {src}")


def _plain(value: Any) -> Any:
    # LocStr & co. are str subclasses that safe_dump refuses; give it plain types
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _inline(value: Any) -> str:
    return json.dumps(_plain(value), default=str, ensure_ascii=False)


__all__ = ["inventory_group", "default_sources", "Path"]
