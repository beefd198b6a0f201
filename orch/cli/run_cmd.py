"""``orch run PLAYBOOK``: run a playbook, as ``ansible-playbook`` does."""

from __future__ import annotations

import os
import sys

import click

from orch.cli.common import ask_become_password, inventory_option, inventory_sources, show_inventory_warnings
from orch.cli.errors import exit_with
from orch.cli.exit_codes import for_hosts
from orch.cli.resume_opts import resume_option
from orch.cli.vault_opts import install_vault, pop_vault, reveal_inventory, vault_option_list, vault_templar
from orch.errors import UsageError


def parse_extra_vars(values: tuple[str, ...]) -> dict:
    """``-e k=v``, ``-e @file.yml``, ``-e '{json}'``; later ones win."""
    from orch.playbook.kv import parse_kv
    from orch.yamlsrc import load_file, loads

    merged: dict = {}
    for value in values:
        text = value.strip()
        if text.startswith("@"):
            data = load_file(text[1:])
        elif text.startswith("{") or text.startswith("---"):
            data = loads(text, "<extra vars>")
        else:
            data = parse_kv(text)
        if not isinstance(data, dict):
            raise UsageError(f"extra vars {value!r} must be a mapping")
        merged.update(data)
    return merged


def run_options(limit, tags, skip_tags, extra_vars, forks, check, diff, become, become_user, become_method,
                ask_become_pass, user, connection, timeout, start_at_task, verbose, force_handlers, flush_cache=False):
    from orch.engine.options import RunOptions

    split = lambda values: [t.strip() for v in values for t in v.split(",") if t.strip()]  # noqa: E731
    return RunOptions(
        limit=limit, tags=split(tags), skip_tags=split(skip_tags), extra_vars=parse_extra_vars(extra_vars),
        forks=forks, check=check, diff=diff, become=True if (become or become_user) else None,
        become_user=become_user, become_method=become_method,
        become_password=ask_become_password(ask_become_pass), remote_user=user, connection=connection,
        timeout=timeout, start_at_task=start_at_task, verbosity=verbose, force_handlers=force_handlers,
        flush_cache=flush_cache,
    )


def playbook_options(func):
    options = [
        inventory_option,
        click.option("-l", "--limit"),
        click.option("-t", "--tags", multiple=True, help="Only tasks with these tags (comma-separated)."),
        click.option("--skip-tags", multiple=True),
        click.option("-e", "--extra-vars", "extra_vars", multiple=True, help="k=v, @file.yml or JSON."),
        click.option("-f", "--forks", type=click.IntRange(1, 1000), default=25, show_default=True),
        click.option("-C", "--check", is_flag=True, help="Change nothing; report what would change."),
        click.option("-D", "--diff", is_flag=True, help="Show the differences of changed files."),
        click.option("-b", "--become", is_flag=True),
        click.option("--become-user"),
        click.option("--become-method"),
        click.option("-K", "--ask-become-pass", is_flag=True),
        click.option("-u", "--user"),
        click.option("-c", "--connection"),
        click.option("-T", "--timeout", type=float),
        click.option("--start-at-task"),
        click.option("-v", "--verbose", count=True),
        click.option("--force-handlers", is_flag=True),
        click.option("--flush-cache", is_flag=True, help="Forget the fact cache's facts of the inventory's hosts first."),
        click.option("--json", "as_json", is_flag=True, help="JSON-lines events on stdout."),
        *vault_option_list,
        click.option("--no-color", is_flag=True, help="Plain lines, no colours, no live view."),
        click.option("--runs-dir", metavar="DIR", help="Where the run record goes (default: .orch/runs)."),
        click.option("--strict", is_flag=True,
                     help="Refuse tasks that cannot run as written (modules found nowhere), as orch check does."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.command("run")
@click.argument("playbook", type=click.Path(dir_okay=False), required=False)
@playbook_options
@resume_option
def run_command(playbook, inventories, as_json, resume=None, **kwargs) -> None:
    """Run PLAYBOOK against the hosts of the inventory (or continue one: --resume FILE)."""
    from orch.cli import resume_opts

    playbook, inventories = resume_opts.prepare(resume, playbook, inventories, kwargs)
    remaining: dict = {}
    code = execute_playbook(playbook, inventories, as_json, remaining=remaining, **kwargs)
    resume_opts.after(code, playbook, inventories, kwargs, resume, remaining)
    exit_with(code)


def execute_playbook(playbook, inventories, as_json, *, runs_dir=None, no_color=False, command="run",
                     setup=None, outcome=None, strict=False, remaining=None, **kwargs) -> int:
    """Load, run and record a playbook. ``setup(book, inventory, options, bus)`` may adjust the
    run before it starts (plan/apply use it); ``outcome(states)`` may replace the exit code;
    ``remaining`` (a dict) gets the hosts a resume must still do."""
    from orch.engine.playbook_run import PlaybookRun
    from orch.events import EventBus
    from orch.inventory import load_inventory
    from orch.playbook import load_playbook

    vault = install_vault(pop_vault(kwargs))  # before -e @file.yml and every vars file is read
    options = run_options(**kwargs)
    book = load_playbook(playbook, extra_vars=options.extra_vars, strict=strict)
    warn_problems(book)
    inventory = load_inventory(inventory_sources(inventories),
                               extra_vars_dirs=[os.path.dirname(os.path.abspath(playbook))])
    show_inventory_warnings(inventory)
    reveal_inventory(vault, inventory, strict)  # --strict: every !vault value loaded so far opens, before connecting
    bus = EventBus()
    vault.attach(bus.masker.remember)
    if options.become_password:
        bus.masker.remember(options.become_password)
    from orch.events.consoles import add_run_console
    from orch.events.recording import open_run_record

    show_diff = options.diff
    if setup is not None:
        setup(book, inventory, options, bus)
    console = add_run_console(bus, book, as_json=as_json, no_color=no_color, verbosity=options.verbosity,
                              show_diff=show_diff)
    with console, open_run_record(bus, command, sys.argv[1:], playbook=playbook, runs_dir=runs_dir) as record:
        pb = PlaybookRun(book, inventory, options, bus, templar=vault_templar(vault))
        states = pb.run()
        if remaining is not None:
            remaining.update(pb.remaining)
        code = outcome(states) if outcome is not None else run_exit_code(states)
        record.finish(code)
    return code


def warn_problems(book) -> None:
    """Warnings of the load (a module_defaults group's bad metadata), then one short warning for
    tasks that fail if reached (orch/playbook/problems.py)."""
    from orch.playbook.problems import problems, warning

    for play in book.plays:
        for text in play.warnings:
            click.echo(f"[WARNING]: {text}", err=True)
    found = problems(book)
    if found:
        click.echo(warning(found), err=True)


def run_exit_code(states) -> int:
    """0 ok, 1 a task failed (2 under ORCH_EXIT_CODES=ansible), 4 some host unreachable."""
    return for_hosts(states)
