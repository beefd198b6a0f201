"""Turn errors into messages and exit codes; tracebacks only with --debug."""

from __future__ import annotations

import sys

import click

from orch.cli.exit_codes import for_error, for_interrupt
from orch.errors import OrchError


def run_cli(cli: click.Group, argv: list[str] | None) -> int:
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        # Without standalone mode click returns the code of an Exit instead of raising it.
        code = cli.main(args=argv, prog_name="orch", standalone_mode=False)
    except OrchError as exc:
        if debug:
            raise
        click.echo(f"ERROR: {exc}", err=True)
        return for_error(exc)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return for_interrupt()
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code  # bad command-line words: 2, as argparse gives for ansible-playbook
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return for_interrupt()
    return code if isinstance(code, int) else 0


def exit_with(code: int) -> None:
    """Commands end with this to give a non-zero status without raising an error."""
    raise click.exceptions.Exit(code)
