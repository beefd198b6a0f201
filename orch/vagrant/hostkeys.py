"""Host keys of a project's machines, learned without turning checking off.

- docker provider: read from each container through the Docker API;
- libvirt provider: read from the VM's serial console log, where the machine prints its
  keys at first boot between ``-----BEGIN SSH HOST KEY KEYS-----`` and ``-----END ...``
  (orch's box does; so do cloud-init images). The log is written by QEMU on this host,
  not sent over the network, so it is as trustworthy as the VM itself;
- otherwise: ``accept-new`` into the project's own known_hosts. The first connection
  records the key and a changed key is refused. Each recorded key is tied to Vagrant's id
  of the machine (``.vagrant/machines/NAME/PROVIDER/id``): when the machine is re-created
  (new id) its old keys are dropped, so the new VM is not refused as "changed".
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from orch.connection.hostkeys import known_host_name
from orch.vagrant import runner
from orch.vagrant.project import Project

if TYPE_CHECKING:
    from orch.vagrant.machines import Machine

BEGIN, END = "-----BEGIN SSH HOST KEY KEYS-----", "-----END SSH HOST KEY KEYS-----"
_KEY = re.compile(r"((?:ssh|ecdsa|sk)-[\w@.-]+) (AAAA[A-Za-z0-9+/]+=*)")
VIRSH_TIMEOUT = 15


def machine_id(project: Project, machine: Machine) -> str | None:
    """Vagrant's id of the machine (container id, libvirt domain UUID); None when not created."""
    try:
        return (project.data_dir / "machines" / machine.name / machine.provider / "id").read_text().strip() or None
    except OSError:
        return None


def learn_keys(project: Project, machines: list[Machine]) -> dict[str, list[str]]:
    """``{machine: ["type base64", ...]}`` for the machines whose keys can be read out of band."""
    keys = docker_host_keys(project, machines)
    keys.update(console_host_keys(project, machines))
    return keys


def docker_host_keys(project: Project, machines: list[Machine]) -> dict[str, list[str]]:
    """Keys read from the containers Vagrant's docker provider created."""
    wanted = [m for m in machines if m.provider == "docker" and m.running]
    if not wanted:
        return {}
    from orch.lab.lab import docker_client

    client = docker_client()

    def read(machine: Machine) -> list[str]:
        try:
            container = client.containers.get(machine_id(project, machine) or "")
            code, out = container.exec_run(["sh", "-c", "cat /etc/ssh/ssh_host_*_key.pub"])
        except Exception as exc:  # missing id file, container gone, API error
            raise runner.VagrantFailed(f"cannot read the host keys of Vagrant machine {machine.name} "
                                       f"from Docker: {exc}") from None
        keys = parse_key_lines(out.decode(errors="replace"))
        if code != 0 or not keys:
            raise runner.VagrantFailed(f"Vagrant machine {machine.name} has no SSH host keys yet "
                                       f"(/etc/ssh/ssh_host_*_key.pub in its container)")
        return keys

    with ThreadPoolExecutor(max_workers=8) as pool:
        return dict(zip((m.name for m in wanted), pool.map(read, wanted)))


def console_host_keys(project: Project, machines: list[Machine]) -> dict[str, list[str]]:
    """Keys a libvirt VM printed on its serial console (a file on this host); {} where none."""
    wanted = [(m, machine_id(project, m)) for m in machines if m.provider == "libvirt" and m.running]
    wanted = [(m, domain) for m, domain in wanted if domain]
    if not wanted or shutil.which("virsh") is None:
        return {}

    def read(item: tuple[Machine, str]) -> list[str]:
        path = console_log_path(item[1])
        try:
            text = Path(path).read_text(errors="replace") if path else ""
        except OSError:  # not readable by this user: fall back to accept-new
            return []
        return console_keys(text)

    with ThreadPoolExecutor(max_workers=8) as pool:
        found = dict(zip((m.name for m, _ in wanted), pool.map(read, wanted)))
    return {name: keys for name, keys in found.items() if keys}


def console_log_path(domain: str) -> str | None:
    """The file a libvirt domain's serial console writes to (``<serial type='file'>``)."""
    uri = os.environ.get("LIBVIRT_DEFAULT_URI") or "qemu:///system"
    try:
        result = subprocess.run(["virsh", "-c", uri, "dumpxml", domain], capture_output=True, text=True,
                                stdin=subprocess.DEVNULL, timeout=VIRSH_TIMEOUT)
        devices = ET.fromstring(result.stdout).find("devices") if result.returncode == 0 else None
    except (OSError, subprocess.TimeoutExpired, ET.ParseError):
        return None
    for serial in devices.findall("serial") if devices is not None else []:
        source = serial.find("source")
        if serial.get("type") == "file" and source is not None and source.get("path"):
            return source.get("path")
    return None


def console_keys(text: str) -> list[str]:
    """The keys of the last BEGIN/END block of a console log (boot noise may share its lines)."""
    start = text.rfind(BEGIN)
    if start < 0:
        return []
    end = text.find(END, start)
    return parse_key_lines(text[start + len(BEGIN):end]) if end > 0 else []


def parse_key_lines(text: str) -> list[str]:
    return [f"{kind} {blob}" for kind, blob in _KEY.findall(text.replace("\r", ""))]


def update_known_hosts(project: Project, machines: list[Machine], keys: dict[str, list[str]]) -> None:
    """Rewrite the project's known_hosts: learned keys, plus keys accepted earlier for machines
    that are still the same machine (same Vagrant id); a re-created machine starts afresh."""
    recorded = _read_ids(project)
    old = _read_lines(project.known_hosts)
    lines: list[str] = []
    ids: dict[str, str] = {}
    for machine in machines:
        if machine.ssh is None:
            continue
        name = known_host_name(machine.ssh.get("HostName") or machine.name, port_of(machine))
        current = machine_id(project, machine) or ""
        if machine.name in keys:
            lines += [f"{name} {key}\n" for key in keys[machine.name]]
        elif current and recorded.get(machine.name) == current:
            lines += [line for line in old if line.split(" ", 1)[0] == name]
        ids[machine.name] = current
    write_private(project.known_hosts, "".join(lines))
    write_private(project.host_ids, json.dumps(ids, indent=1) + "\n")


def port_of(machine: Machine) -> int | None:
    port = machine.ssh.get("Port") if machine.ssh else None
    return int(port) if port and port.isdigit() else None


def _read_ids(project: Project) -> dict[str, str]:
    try:
        data = json.loads(project.host_ids.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _read_lines(path: Path) -> list[str]:
    try:
        return [line if line.endswith("\n") else line + "\n" for line in path.read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    except OSError:
        return []


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner reads, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(tmp, path)
