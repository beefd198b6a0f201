"""``orch plan`` (a dry run you can save) and ``orch apply PLAN`` (exactly that, or refuse)."""

from __future__ import annotations

import json
import sys

import click

from orch.cli.errors import exit_with
from orch.cli.run_cmd import execute_playbook, playbook_options, run_exit_code


@click.command("plan")
@click.argument("playbook", type=click.Path(dir_okay=False))
@playbook_options
@click.option("-o", "--out", "out", type=click.Path(dir_okay=False), help="Save the plan to apply it later.")
@click.option("--detailed-exitcode", is_flag=True, help="Exit 0 no changes, 2 changes, 1 error.")
@click.option("--record", is_flag=True, help="Kept for scripts: every plan is recorded in the run history (orch runs drift).")
def plan_command(playbook, inventories, as_json, out, detailed_exitcode, record, **kwargs) -> None:
    """Predict what 'orch run PLAYBOOK' would change, changing nothing."""
    from orch.cli.common import inventory_sources
    from orch.engine import plan
    from orch.events.plan_summary import PlanSummarySink

    recorder = plan.PlanRecorder()
    summary = PlanSummarySink(sys.stdout)
    made: dict = {}
    kwargs["check"] = True  # the console still shows diffs only with --diff (execute_playbook keeps the flag)

    def setup(book, inventory, options, bus):
        options.diff = True  # the agent always diffs, so a plan's fingerprints cover the content
        options.plan_recorder = recorder
        options.plan_overlay = True
        made["identity"] = plan.identity(book, inventory, options)
        made["options"] = options
        if not as_json:
            bus.sinks.append(summary)

    def outcome(states) -> int:
        code = run_exit_code(states)
        if out and code == 0:
            plan.save(out, playbook, inventory_sources(inventories), made["options"], made["identity"], recorder)
            click.echo(f"plan saved to {out}; apply it with: orch apply {out}", err=True)
        if detailed_exitcode:
            if code != 0:
                return 1
            return 2 if _has_changes(recorder) else 0
        return code

    exit_with(execute_playbook(playbook, inventories, as_json, command="plan", setup=setup, outcome=outcome,
                               **kwargs))


def _has_changes(recorder) -> bool:
    return any(step["status"] in ("changed", "unknown") for steps in recorder.hosts.values() for step in steps.values())


@click.command("apply")
@click.argument("plan_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--allow-drift", is_flag=True, help="Apply even where a host changed since the plan.")
@click.option("-f", "--forks", type=click.IntRange(1, 1000), default=25, show_default=True)
@click.option("-K", "--ask-become-pass", is_flag=True)
@click.option("-v", "--verbose", count=True)
@click.option("-D", "--diff", is_flag=True)
@click.option("--json", "as_json", is_flag=True)
@click.option("--no-color", is_flag=True)
@click.option("--runs-dir", metavar="DIR")
def apply_command(plan_file, allow_drift, forks, ask_become_pass, verbose, diff, as_json, no_color, runs_dir) -> None:
    """Apply a saved plan exactly; refuse hosts that changed since it was made (exit 3)."""
    from orch.engine import plan

    document = plan.load(plan_file)
    saved = document["options"]

    def setup(book, inventory, options, bus):
        plan.check_identity(document["identity"], plan.identity(book, inventory, options))
        options.diff = True  # the same agent diffs as when planning, so fingerprints compare
        options.plan_overlay = True  # and its checks predict as the plan's did (not Ansible's check mode)
        if not allow_drift:
            options.plan_guard = plan.PlanGuard(document["hosts"])

    def outcome(states) -> int:
        drifted = {name: state.drifted for name, state in sorted(states.items()) if state.drifted}
        if drifted:
            where = "; ".join(f"{host} at task {task!r}" for host, task in drifted.items())
            click.echo(f"ERROR: refused on {where}: the host changed since the plan (the failed step shows "
                       "what it would do now); make a new plan, or use --allow-drift", err=True)
            return 3
        return run_exit_code(states)

    code = execute_playbook(
        document["playbook"], tuple(document["inventory"]), as_json, command="apply", setup=setup,
        outcome=outcome, runs_dir=runs_dir, no_color=no_color,
        limit=saved.get("limit"), tags=tuple(saved.get("tags") or ()), skip_tags=tuple(saved.get("skip_tags") or ()),
        extra_vars=(json.dumps(saved.get("extra_vars") or {}),), forks=forks, check=False, diff=diff,
        become=False, become_user=None, become_method=None, ask_become_pass=ask_become_pass, user=None,
        connection=None, timeout=None, start_at_task=None, verbose=verbose, force_handlers=False,
    )
    exit_with(code)
