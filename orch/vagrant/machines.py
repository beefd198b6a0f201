"""The machines of a Vagrant project as an orch inventory.

One ``vagrant status --machine-readable`` and one ``vagrant ssh-config`` (run side by
side) describe every machine. Host keys are learned out of band: for the docker provider
they are read from each container through the Docker API and written to
``.vagrant/orch_known_hosts``, which the inventory names with ``orch_known_hosts_file``
while host key checking stays strict (``vagrant ssh-config`` says StrictHostKeyChecking
no; orch does not follow that).
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from orch.connection.hostkeys import known_host_name
from orch.vagrant import runner
from orch.vagrant.parse import SshEntry, groups_inventory, parse_ssh_config, parse_status
from orch.vagrant.project import Project

ALL_GROUP = "vagrant"  # every machine of the project is in this group too


@dataclass
class Machine:
    name: str
    state: str
    provider: str
    ssh: SshEntry | None = None

    @property
    def running(self) -> bool:
        return self.state == "running"


def read_machines(project: Project) -> list[Machine]:
    """Every machine the Vagrantfile defines, with its state and (when running) SSH data.

    One call of each, one after the other: run side by side, ``ssh-config`` now and then
    finds the machines locked by ``status`` and fails.
    """
    statuses = parse_status(runner.run(project.root, ["status", "--machine-readable"]).stdout)
    entries = {}
    if any(s.state == "running" for s in statuses.values()):
        # exits 1 at the first machine that is not running (require_running reports that)
        result = runner.run(project.root, ["ssh-config"], check=False)
        entries = parse_ssh_config(result.stdout)
        if result.returncode != 0 and all(s.state == "running" for s in statuses.values()):
            raise runner.VagrantFailed(f"`vagrant ssh-config` failed in {project.root} "
                                       f"(exit {result.returncode}):\n{runner.error_text(result)}")
    return [Machine(s.name, s.state, s.provider, entries.get(s.name)) for s in statuses.values()]


def require_running(project: Project, machines: list[Machine]) -> None:
    down = [m for m in machines if not m.running]
    if not machines:
        raise runner.MachineNotRunning(f"the Vagrantfile in {project.root} defines no machines")
    if down:
        listed = ", ".join(f"{m.name} ({m.state})" for m in down)
        raise runner.MachineNotRunning(f"Vagrant machine(s) not running: {listed}; "
                                       f"start them with: orch vagrant up {project.root}")
    missing = [m.name for m in machines if m.ssh is None]
    if missing:
        raise runner.VagrantFailed(f"`vagrant ssh-config` gave no SSH data for {', '.join(missing)}")


def docker_host_keys(project: Project, machines: list[Machine]) -> dict[str, list[str]]:
    """``{machine: ["type base64", ...]}`` read from the containers Vagrant created."""
    wanted = [m for m in machines if m.provider == "docker" and m.running]
    if not wanted:
        return {}
    from orch.lab.lab import docker_client

    client = docker_client()

    def read(machine: Machine) -> list[str]:
        id_file = project.data_dir / "machines" / machine.name / "docker" / "id"
        try:
            container = client.containers.get(id_file.read_text().strip())
            code, out = container.exec_run(["sh", "-c", "cat /etc/ssh/ssh_host_*_key.pub"])
        except Exception as exc:  # missing id file, container gone, API error
            raise runner.VagrantFailed(f"cannot read the host keys of Vagrant machine {machine.name} "
                                       f"from Docker: {exc}") from None
        keys = [" ".join(line.split()[:2]) for line in out.decode(errors="replace").splitlines()
                if len(line.split()) >= 2]
        if code != 0 or not keys:
            raise runner.VagrantFailed(f"Vagrant machine {machine.name} has no SSH host keys yet "
                                       f"(/etc/ssh/ssh_host_*_key.pub in its container)")
        return keys

    with ThreadPoolExecutor(max_workers=8) as pool:
        return dict(zip((m.name for m in wanted), pool.map(read, wanted)))


def write_known_hosts(project: Project, machines: list[Machine], keys: dict[str, list[str]]) -> None:
    """Replace the project's known_hosts with the current machines' keys (atomically)."""
    lines = []
    for machine in machines:
        if machine.ssh is None:
            continue
        name = known_host_name(machine.ssh.get("HostName") or machine.name, _port(machine.ssh))
        lines += [f"{name} {key}\n" for key in keys.get(machine.name, [])]
    _write(project.known_hosts, "".join(lines))


def _port(entry: SshEntry) -> int | None:
    port = entry.get("Port")
    return int(port) if port and port.isdigit() else None


def host_vars(project: Project, machine: Machine, key_known: bool) -> dict[str, Any]:
    ssh = machine.ssh
    assert ssh is not None
    hv: dict[str, Any] = {"ansible_host": ssh.get("HostName") or machine.name}
    if _port(ssh):
        hv["ansible_port"] = _port(ssh)
    if ssh.get("User"):
        hv["ansible_user"] = ssh.get("User")
    if ssh.identity_files:
        hv["ansible_ssh_private_key_file"] = ssh.identity_files[0]
    # keys accepted for other providers land in the project's file too, so a re-created
    # machine's new key is not refused as "changed" in the user's own known_hosts
    hv["orch_known_hosts_file"] = str(project.known_hosts)
    hv["ansible_host_key_checking"] = True if key_known else "accept-new"
    hv["vagrant_provider"] = machine.provider
    return hv


def inventory_data(project: Project, machines: list[Machine] | None = None) -> dict[str, Any]:
    """A YAML-inventory mapping of the running machines; refuses when one is not running."""
    machines = read_machines(project) if machines is None else machines
    require_running(project, machines)
    keys = docker_host_keys(project, machines)
    write_known_hosts(project, machines, keys)
    names = [m.name for m in machines]
    children: dict[str, Any] = {ALL_GROUP: {"hosts": {m.name: host_vars(project, m, m.name in keys)
                                                      for m in machines}}}
    top: dict[str, Any] = {"children": children}
    for name, body in groups_inventory(project.groups, names, project.sidecar_origin()).items():
        target = top if name == "all" else children.setdefault(name, {})
        for section, values in body.items():
            target.setdefault(section, {}).update(values)
    # plain types (the sidecar's YAML gives str/dict subclasses that carry locations)
    return json.loads(json.dumps({"all": top}))


def write_inventory(project: Project, data: dict[str, Any]) -> Path:
    header = (f"# Generated by orch from `vagrant status` and `vagrant ssh-config` in {project.root}.\n"
              "# Host keys: orch_known_hosts_file (read from the machines through Docker).\n")
    _write(project.inventory_file, header + yaml.safe_dump(data, sort_keys=False))
    return project.inventory_file


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(tmp, path)


def remove_generated(project: Project) -> None:
    for path in (project.known_hosts, project.inventory_file):
        try:
            path.unlink()
        except FileNotFoundError:
            pass
