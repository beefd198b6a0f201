"""``orch lab``: throw-away Debian hosts in Docker for trying playbooks."""

from __future__ import annotations

import click


@click.group("lab")
def lab_group() -> None:
    """Bring up, list and remove lab hosts (Debian containers reachable over SSH and Docker)."""


@lab_group.command("up")
@click.argument("count", type=int, default=3)
@click.option("--name", default="lab", show_default=True, help="Lab name; hosts are NAME1..NAMEn.")
@click.option("--net", type=click.IntRange(1, 254), help="Third octet of the hosts' 127.0.NET.I addresses.")
@click.option("--docker-socket", is_flag=True, help="Mount the machine's Docker socket into each host.")
@click.option("--init", "init", type=click.Choice(["plain", "systemd"]), default="plain", show_default=True,
              help="plain: sshd is the host's only process; systemd: systemd is PID 1 and runs real services.")
def up_command(count: int, name: str, net: int | None, docker_socket: bool, init: str) -> None:
    """Start COUNT hosts (default 3) and write the lab's inventories."""
    from orch.lab import lab

    hosts = lab.up(count, name=name, net=net, docker_socket=docker_socket, init=init,
                   log=lambda message: click.echo(message, err=True))
    for host in hosts:
        click.echo(f"{host.name}\t{host.address}\t{host.state}")
    directory = lab.lab_dir(name)
    click.echo(f"inventory (ssh):    {directory / 'inventory.yml'}")
    click.echo(f"inventory (docker): {directory / 'inventory-docker.yml'}")


@lab_group.command("down")
@click.option("--name", default="lab", show_default=True)
def down_command(name: str) -> None:
    """Remove the lab's hosts and files."""
    from orch.lab import lab

    click.echo(f"removed {lab.down(name)} host(s) of lab {name!r}")


@lab_group.command("status")
@click.option("--name", default="lab", show_default=True)
def status_command(name: str) -> None:
    """List the lab's hosts with their addresses and state."""
    from orch.lab import lab

    hosts = lab.status(name)
    if not hosts:
        click.echo(f"lab {name!r} has no hosts")
        return
    for host in hosts:
        click.echo(f"{host.name}\t{host.address}\t{host.state}\t{host.init}\t{host.container}")
    click.echo(f"inventory: {lab.lab_dir(name) / 'inventory.yml'}")


@lab_group.command("inventory")
@click.option("--name", default="lab", show_default=True)
@click.option("--docker", "over_docker", is_flag=True, help="The inventory that reaches hosts over the Docker API.")
def inventory_command(name: str, over_docker: bool) -> None:
    """Print the path of the lab's inventory."""
    from orch.lab import lab

    click.echo(lab.lab_dir(name) / ("inventory-docker.yml" if over_docker else "inventory.yml"))
