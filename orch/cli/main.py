"""The ``orch`` command: a click group whose subcommands load lazily.

Each command group lives in its own module under ``orch.cli`` and is imported
only when invoked, so ``orch --version`` or ``orch exec`` never pay for the
imports of ``orch run``.
"""

from __future__ import annotations

import importlib
import sys

import click

from orch import __version__

# command name -> "module:attribute"
COMMANDS = {
    "exec": "orch.cli.exec_cmd:exec_command",
    "inventory": "orch.cli.inventory_cmd:inventory_group",
    "lab": "orch.cli.lab_cmd:lab_group",
    "run": "orch.cli.run_cmd:run_command",
    "plan": "orch.cli.plan_cmd:plan_command",
    "check": "orch.cli.check_cmd:check_command",
    "apply": "orch.cli.plan_cmd:apply_command",
    "vault": "orch.cli.vault_cmd:vault_group",
    "runs": "orch.cli.runs_cmd:runs_group",
    "init": "orch.cli.init_cmd:init_command",
    "config": "orch.cli.config_cmd:config_command",
    "vagrant": "orch.cli.vagrant_cmd:vagrant_group",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.commands:
            return self.commands[name]
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:  # command not built yet
                return None
            raise
        return getattr(module, attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="orch")
@click.option("--debug", is_flag=True, envvar="ORCH_DEBUG", help="Show tracebacks of errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """orch: run Ansible playbooks fast, with plans you can trust."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    if ctx.invoked_subcommand in ("run", "plan", "apply", "exec", "runs"):
        from orch.config import apply_to  # ansible.cfg / orch.toml / ORCH_* as option defaults

        apply_to(ctx, ctx.invoked_subcommand)


def main(argv: list[str] | None = None) -> None:
    from orch.cli.errors import run_cli

    sys.exit(run_cli(cli, argv))
