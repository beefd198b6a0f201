"""``orch check PLAYBOOK``: the load-time checks in strict mode, without an inventory or a host.

Beyond what ``orch run`` refuses before connecting (bad YAML, keywords, structure), it
refuses what a run only warns about: modules found nowhere and arguments a native module
does not take (orch/playbook/problems.py). Exit 0 clean, 2 with file:line otherwise.
"""

from __future__ import annotations

import click

from orch.cli.vault_opts import install_vault, pop_vault, vault_options


@click.command("check")
@click.argument("playbook", type=click.Path(dir_okay=False))
@click.option("-e", "--extra-vars", "extra_vars", multiple=True, help="k=v, @file.yml or JSON.")
@vault_options
def check_command(playbook, extra_vars, **kwargs) -> None:
    """Check PLAYBOOK strictly (a lint): every task must name a module orch can run."""
    from orch.cli.run_cmd import parse_extra_vars
    from orch.playbook import load_playbook
    from orch.playbook.model import iter_tasks

    install_vault(pop_vault(kwargs))
    book = load_playbook(playbook, extra_vars=parse_extra_vars(extra_vars), strict=True)
    tasks = sum(len(list(iter_tasks(p.pre_tasks + p.tasks + p.post_tasks + p.handlers))) for p in book.plays)
    click.echo(f"{playbook}: ok ({len(book.plays)} play(s), {tasks} task(s))")

