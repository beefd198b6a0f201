"""``orch vagrant``: bring a Vagrant project's machines up, configure them all in one run."""

from __future__ import annotations

import time

import click

from orch.cli.errors import exit_with
from orch.cli.run_cmd import playbook_options

_DIR = click.argument("directory", required=False, default=".", metavar="[DIR]")


def _log(message: str) -> None:
    click.echo(message, err=True)


@click.group("vagrant")
def vagrant_group() -> None:
    """Vagrant test machines: up, provision (one parallel orch run), status, inventory, destroy.

    DIR is the Vagrant project (the directory of the Vagrantfile; default: the current one).
    """


def _provision(project, inventory_path, playbook: str, inventories, as_json: bool, kwargs) -> int:
    from orch.cli.run_cmd import execute_playbook

    def as_plan(book, inventory, options, bus):
        # provision --check previews a provisioning as `orch plan` does: later checks see what earlier
        # ones would create (a user in a group made a step before), unlike Ansible's check mode
        options.plan_overlay = bool(options.check)

    start = time.monotonic()
    code = execute_playbook(playbook, (str(inventory_path), *inventories), as_json, setup=as_plan, **kwargs)
    _log(f"orch: provisioned the machines of {project.root} with {playbook} in {time.monotonic() - start:.1f}s")
    return code


def _inventory(project):
    from orch.vagrant.machines import inventory_data, read_machines, write_inventory

    machines = read_machines(project)
    return machines, write_inventory(project, inventory_data(project, machines))


def _preflight(project) -> None:
    """Fail fast (exit 2) on a missing Vagrant, provider plugin or libvirt daemon."""
    from orch.vagrant import runner
    from orch.vagrant.parse import parse_status
    from orch.vagrant.prereq import check_libvirtd

    # a provider plugin that is not installed fails this call already
    statuses = parse_status(runner.run(project.root, ["status", "--machine-readable"], what="status").stdout)
    if any(s.provider == "libvirt" for s in statuses.values()):
        check_libvirtd()


@vagrant_group.command("up")
@_DIR
@click.option("--provision", "playbook", type=click.Path(dir_okay=False, exists=True),
              help="Then run this playbook on all machines at once (one orch run).")
@playbook_options
def up_command(directory: str, playbook: str | None, inventories, as_json: bool, **kwargs) -> None:
    """Build the project's images, `vagrant up`, write the inventory, optionally provision."""
    from orch.vagrant import runner
    from orch.vagrant.project import build_images, open_project

    project = open_project(directory)
    start = time.monotonic()
    _preflight(project)
    build_images(project, _log)
    runner.run(project.root, ["up"], stream=True, what="up")
    machines, path = _inventory(project)
    for machine in machines:
        assert machine.ssh is not None
        _log(f"{machine.name}\t{machine.state}\t{machine.ssh.get('HostName')}:{machine.ssh.get('Port')}")
    _log(f"orch: {len(machines)} machine(s) up in {time.monotonic() - start:.1f}s; inventory: {path}")
    if playbook:
        exit_with(_provision(project, path, playbook, inventories, as_json, kwargs))


@vagrant_group.command("provision")
@click.argument("playbook", type=click.Path(dir_okay=False, exists=True))
@_DIR
@playbook_options
def provision_command(playbook: str, directory: str, inventories, as_json: bool, **kwargs) -> None:
    """Run PLAYBOOK on every machine of the project in one parallel orch run."""
    from orch.vagrant.project import open_project

    project = open_project(directory)
    _, path = _inventory(project)
    exit_with(_provision(project, path, playbook, inventories, as_json, kwargs))


@vagrant_group.command("destroy")
@_DIR
def destroy_command(directory: str) -> None:
    """`vagrant destroy -f`, and remove orch's generated inventory and known_hosts."""
    from orch.vagrant import runner
    from orch.vagrant.machines import remove_generated
    from orch.vagrant.project import open_project

    project = open_project(directory)
    runner.run(project.root, ["destroy", "-f"], stream=True, what="destroy -f")
    remove_generated(project)
    click.echo(f"destroyed the machines of {project.root}")


@vagrant_group.command("status")
@_DIR
def status_command(directory: str) -> None:
    """Each machine's state and provider (one `vagrant status` call)."""
    from orch.vagrant import runner
    from orch.vagrant.parse import parse_status
    from orch.vagrant.project import open_project

    project = open_project(directory)
    result = runner.run(project.root, ["status", "--machine-readable"], what="status")
    for machine in parse_status(result.stdout).values():
        click.echo(f"{machine.name}\t{machine.state}\t{machine.provider}")


@vagrant_group.command("inventory")
@_DIR
@click.option("--path", "only_path", is_flag=True, help="Print only the path of the written inventory file.")
def inventory_command(directory: str, only_path: bool) -> None:
    """Print the project's inventory (also written to .vagrant/orch_inventory.yml)."""
    from orch.vagrant.project import open_project

    project = open_project(directory)
    _, path = _inventory(project)
    click.echo(str(path) if only_path else path.read_text(), nl=only_path)
