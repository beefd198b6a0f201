"""``orch exec``: one module on the hosts of a pattern, like ``ansible PATTERN -m``."""

from __future__ import annotations

import sys

import click

from orch.cli.common import ask_become_password, inventory_option, inventory_sources
from orch.cli.errors import exit_with
from orch.cli.vault_opts import install_vault, make_vault, reveal_inventory, vault_options


@click.command("exec")
@click.argument("pattern")
@inventory_option
@click.option("-m", "--module-name", "module", default="command", show_default=True)
@click.option("-a", "--args", "module_args", default="", help="Module arguments: k=v pairs or a free-form command.")
@click.option("-l", "--limit", help="Further limit the hosts with a pattern.")
@click.option("-f", "--forks", type=click.IntRange(1, 1000), default=25, show_default=True)
@click.option("-b", "--become", is_flag=True, default=None, help="Run as root (sudo) on the hosts.")
@click.option("--become-user", help="Run as this user (implies --become).")
@click.option("-K", "--ask-become-pass", is_flag=True)
@click.option("-u", "--user", help="Connect as this user.")
@click.option("-c", "--connection", help="Transport for all hosts: ssh, docker or local.")
@click.option("-T", "--timeout", type=float, help="Connection timeout in seconds.")
@click.option("-o", "--one-line", is_flag=True, help="One line per host.")
@click.option("--json", "as_json", is_flag=True, help="JSON-lines events on stdout.")
@click.option("--no-color", is_flag=True, help="No colours.")
@click.option("--runs-dir", metavar="DIR", help="Where the run record goes (default: .orch/runs).")
@vault_options
def exec_command(pattern, inventories, module, module_args, limit, forks, become, become_user, ask_become_pass,
                 user, connection, timeout, one_line, as_json, no_color=False, runs_dir=None,
                 vault_ids=(), vault_password_files=(), ask_vault_pass=False) -> None:
    """Run MODULE with ARGS on every host matching PATTERN, in parallel."""
    from orch.engine.adhoc import HostTarget, exit_code, run_adhoc
    from orch.events import EventBus
    from orch.inventory import load_inventory
    from orch.modules import registry
    from orch.modules.args import parse_module_args

    module = registry.get_info(module).name  # unknown module: exit 2 with a suggestion, before connecting
    args = parse_module_args(module, module_args)
    if registry.MODULES[module].spec is not None and module not in registry.CONTROLLER_MODULES:
        args = registry.validate_args(module, args)
    vault = install_vault(make_vault(vault_ids, vault_password_files, ask_vault_pass))
    inventory = load_inventory(inventory_sources(inventories))
    reveal_inventory(vault, inventory)  # vaulted connection vars (ansible_password, ...) in plain text
    hosts = inventory.select(pattern, limit=limit)
    if not hosts:
        click.echo(f"[WARNING]: no hosts matched pattern {pattern!r}", err=True)
        exit_with(0)
    overrides = {"ansible_user": user, "ansible_connection": connection, "ansible_timeout": timeout}
    if become or become_user:
        overrides["ansible_become"] = True
    if become_user:
        overrides["ansible_become_user"] = become_user
    bus = EventBus()
    vault.attach(bus.masker.remember)
    become_password = ask_become_password(ask_become_pass)
    if become_password:
        bus.masker.remember(become_password)
    if as_json:
        from orch.events.jsonlines import JsonLinesSink

        bus.sinks.append(JsonLinesSink(sys.stdout, kinds={"task_result", "summary"}))
    else:
        from orch.events.adhoc_console import AdhocConsoleSink

        from orch.events.consoles import wants_color

        bus.sinks.append(AdhocConsoleSink(sys.stdout, color=wants_color(no_color), one_line=one_line))
    from orch.events.recording import open_run_record

    targets = [HostTarget(h.name, h.vars) for h in hosts]
    with open_run_record(bus, "exec", sys.argv[1:], runs_dir=runs_dir) as record:
        results = run_adhoc(targets, module, args, bus, forks=forks, overrides=overrides,
                            become_password=become_password)
        record.finish(exit_code(results))
    exit_with(exit_code(results))
