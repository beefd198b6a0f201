"""Bring lab hosts up and down, and write the inventories that reach them.

Each host is a container on the host network with its own hostname and
filesystem; its sshd listens only on its own loopback address 127.0.NET.I:22.
Host keys are generated here and put into the container, so the lab's
known_hosts is written before the first connection and checking stays strict.
"""

from __future__ import annotations

import hashlib
import io
import os
import socket
import subprocess
import tarfile
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

from orch.errors import OrchError, UsageError
from orch.lab.image import ensure_image, image_tag

LABEL = "orch.lab"
SSH_WAIT_SECONDS = 30


@dataclass(frozen=True)
class LabHost:
    name: str
    address: str
    container: str
    state: str = "unknown"
    init: str = "plain"


def orch_home() -> Path:
    return Path(os.environ.get("ORCH_HOME", "~/.orch")).expanduser()


def lab_dir(name: str) -> Path:
    return orch_home() / "labs" / name


def docker_client():
    import docker

    try:
        client = docker.from_env(timeout=120)
        client.ping()
    except Exception as exc:
        raise OrchError(f"cannot reach the Docker daemon ({exc}); is dockerd running?") from None
    return client


def _check_name(name: str) -> None:
    if not name or not all(c.isalnum() or c == "-" for c in name) or not name[0].isalpha():
        raise UsageError(f"lab name {name!r}: use letters, digits and '-', starting with a letter")


def default_net(name: str) -> int:
    """The third octet of the lab's addresses: 10 for 'lab', else stable per name."""
    if name == "lab":
        return 10
    return 30 + int(hashlib.sha256(name.encode()).hexdigest(), 16) % 200


def _containers(client, name: str | None = None):
    label = f"{LABEL}={name}" if name else LABEL
    return client.containers.list(all=True, filters={"label": label})


def status(name: str) -> list[LabHost]:
    client = docker_client()
    hosts = [LabHost(c.labels.get("orch.lab.host", c.name), c.labels.get("orch.lab.address", ""), c.name, c.status,
                     c.labels.get("orch.lab.init", "plain"))
             for c in _containers(client, name)]
    return sorted(hosts, key=lambda h: tuple(int(p) for p in h.address.split(".")) if h.address else ())


def _keygen(path: Path, comment: str) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
                   check=True, stdout=subprocess.DEVNULL)


def _tar(files: list[tuple[str, bytes, int, int]], dir_mode: int = 0o700) -> bytes:
    """A tar of (path, content, mode, uid) with parent directories owned alike."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        seen = set()
        for path, content, mode, uid in files:
            parent = os.path.dirname(path)
            if parent not in seen:
                info = tarfile.TarInfo(parent)
                info.type, info.mode, info.uid, info.gid = tarfile.DIRTYPE, dir_mode, uid, uid
                tar.addfile(info)
                seen.add(parent)
            info = tarfile.TarInfo(path)
            info.size, info.mode, info.uid, info.gid = len(content), mode, uid, uid
            tar.addfile(info, io.BytesIO(content))
    return buf.getvalue()


def _wait_for_ssh(address: str, deadline: float) -> None:
    while True:
        try:
            with socket.create_connection((address, 22), timeout=1) as sock:
                if sock.recv(4) == b"SSH-":
                    return
        except OSError:
            pass
        if time.time() > deadline:
            raise OrchError(f"sshd on {address}:22 did not answer within {SSH_WAIT_SECONDS}s")
        time.sleep(0.1)


def _container_spec(host: str, address: str, init: str) -> tuple[dict, list[tuple[str, bytes, int, int]]]:
    """How a host's container runs, and the extra files it needs, per init kind.

    plain: sshd is the only process (under docker's tiny init). systemd: systemd is
    PID 1 in an unprivileged container and starts sshd itself, which listens on the
    host's address through a drop-in.
    """
    if init == "plain":
        command = (f"grep -q ' {host}$' /etc/hosts || echo '{address} {host}' >> /etc/hosts; mkdir -p /run/sshd && "
                   f"exec /usr/sbin/sshd -D -e -o ListenAddress={address} -o HostKey=/etc/ssh/ssh_host_ed25519_key")
        return {"command": ["/bin/sh", "-c", command], "init": True}, []
    drop_in = f"ListenAddress {address}\nHostKey /etc/ssh/ssh_host_ed25519_key\n".encode()
    spec = {
        "command": ["/sbin/init"],
        # systemd needs a writable /run and its cgroup hierarchy; "container" tells it where it runs.
        "tmpfs": {"/run": "", "/run/lock": ""},
        "environment": {"container": "docker"},
        "extra_hosts": {host: address},
        "stop_signal": "SIGRTMIN+3",
    }
    return spec, [("etc/ssh/sshd_config.d/orch-lab.conf", drop_in, 0o644, 0)]


def _wait_for_systemd(container, deadline: float) -> str:
    """Wait until systemd finished booting; 'running' or 'degraded' (a unit failed), else an error."""
    while True:
        code, out = container.exec_run(["systemctl", "is-system-running"])
        state = out.decode(errors="replace").strip()
        if state in ("running", "degraded"):
            return state
        if time.time() > deadline:
            raise OrchError(f"systemd in {container.name} did not finish booting within {SSH_WAIT_SECONDS}s "
                            f"(systemctl is-system-running: {state or code})")
        time.sleep(0.2)


def _start_host(client, image: str, lab: str, host: str, address: str, user_key: bytes,
                docker_socket: bool, init: str, shared: tuple[str, ...] = ()) -> bytes:
    """Create and start one host; returns its public host key line."""
    with tempfile.TemporaryDirectory() as tmp:
        key = Path(tmp) / "ssh_host_ed25519_key"
        _keygen(key, f"root@{host}")
        host_priv, host_pub = key.read_bytes(), key.with_suffix(".pub").read_bytes()
    orch_uid = 1000  # the image's first user
    spec, extra_files = _container_spec(host, address, init)
    volumes = {"/var/run/docker.sock": {"bind": "/var/run/docker.sock", "mode": "rw"}} if docker_socket else {}
    if init == "systemd":
        volumes["/sys/fs/cgroup"] = {"bind": "/sys/fs/cgroup", "mode": "ro"}
    volumes.update({path: {"bind": path, "mode": "rw"} for path in shared})
    container = client.containers.create(
        image, name=f"orch-{lab}-{host}", hostname=host, network_mode="host",
        labels={LABEL: lab, "orch.lab.host": host, "orch.lab.address": address, "orch.lab.init": init},
        volumes=volumes, **spec,
    )
    container.put_archive("/", _tar([
        ("etc/ssh/ssh_host_ed25519_key", host_priv, 0o600, 0),
        ("etc/ssh/ssh_host_ed25519_key.pub", host_pub, 0o644, 0),
        ("root/.ssh/authorized_keys", user_key, 0o600, 0),
        ("home/orch/.ssh/authorized_keys", user_key, 0o600, orch_uid),
        ("home/ops/.ssh/authorized_keys", user_key, 0o600, orch_uid + 1),
    ]))
    if extra_files:
        container.put_archive("/", _tar(extra_files, dir_mode=0o755))
    container.start()
    return host_pub


def _record_host_keys(known: Path, new: list[tuple[str, str]], keys: list[bytes]) -> None:
    """Write the new hosts' keys, replacing any left from an earlier host at the same address
    (containers gone with the engine's state while the lab folder stayed)."""
    addresses = {address.encode() for _, address in new}
    kept = [line for line in (known.read_bytes().splitlines() if known.exists() else [])
            if line.split(b" ", 1)[0] not in addresses]
    for (_, address), pub in zip(new, keys):
        key_type, key_b64 = pub.split()[:2]
        kept.append(b"%s %s %s" % (address.encode(), key_type, key_b64))
    known.write_bytes(b"".join(line + b"\n" for line in kept))


INIT_KINDS = ("plain", "systemd")


def up(count: int, name: str = "lab", net: int | None = None, docker_socket: bool = False,
       log=lambda message: None, init: str = "plain", shared: tuple[str, ...] = ()) -> list[LabHost]:
    """Make the lab have ``count`` running hosts (adding to an existing lab).

    ``init``: "plain" (sshd alone) or "systemd" (systemd as PID 1, real services).
    ``shared``: controller folders new hosts see at the same path (a controller
    that is also the target, as in ansible-test's containers).
    """
    _check_name(name)
    if not 1 <= count <= 250:
        raise UsageError("a lab has 1 to 250 hosts")
    if init not in INIT_KINDS:
        raise UsageError(f"--init {init!r}: use one of {', '.join(INIT_KINDS)}")
    client = docker_client()
    image = ensure_image(client, log)
    directory = lab_dir(name)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    key_path = directory / "id_ed25519"
    if not key_path.exists():
        _keygen(key_path, f"orch-lab-{name}")
    net = net if net is not None else default_net(name)
    _check_net_free(client, name, net)
    existing = {c.labels.get("orch.lab.host"): c for c in _containers(client, name)}
    _check_same_init(name, existing.values(), init)
    for container in existing.values():
        if container.status != "running":
            container.start()
    wanted = [(f"{name}{i}", f"127.0.{net}.{i}") for i in range(1, count + 1)]
    new = [(host, address) for host, address in wanted if host not in existing]
    user_key = key_path.with_suffix(".pub").read_bytes()
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = list(pool.map(lambda ha: _start_host(client, image, name, ha[0], ha[1], user_key, docker_socket,
                                                          init, shared), new))
    _record_host_keys(directory / "known_hosts", new, keys)
    deadline = time.time() + SSH_WAIT_SECONDS
    for host, address in wanted:
        _wait_for_ssh(address, deadline)
    if init == "systemd":
        for container in _containers(client, name):
            _wait_for_systemd(container, deadline)
    hosts = status(name)
    write_inventories(name, hosts)
    return hosts


def _check_same_init(name: str, containers, init: str) -> None:
    for container in containers:
        has = container.labels.get("orch.lab.init", "plain")
        if has != init:
            raise UsageError(f"lab {name!r} runs its hosts with --init {has}; take it down first, or use another --name")


def _check_net_free(client, name: str, net: int) -> None:
    prefix = f"127.0.{net}."
    for container in _containers(client):
        if container.labels.get(LABEL) != name and container.labels.get("orch.lab.address", "").startswith(prefix):
            raise UsageError(f"addresses {prefix}* are used by lab {container.labels.get(LABEL)!r}; pick --net")


def groups_for(names: list[str]) -> dict[str, list[str]]:
    """Lab groups: all hosts in ``lab``; the last host of 2+ is ``db``, the others ``web``."""
    if len(names) >= 2:
        return {"lab": names, "web": names[:-1], "db": names[-1:]}
    return {"lab": names, "web": names, "db": []}


def write_inventories(name: str, hosts: list[LabHost]) -> tuple[Path, Path]:
    """inventory.yml reaches the hosts over SSH, inventory-docker.yml over the Docker API."""
    directory = lab_dir(name)
    names = [h.name for h in hosts]
    groups = groups_for(names)
    ssh_vars = {
        "ansible_user": "root",
        "ansible_ssh_private_key_file": str(directory / "id_ed25519"),
        "orch_known_hosts_file": str(directory / "known_hosts"),
        "ansible_host_key_checking": True,
        "ansible_python_interpreter": "/usr/bin/python3",
    }
    docker_vars = {"ansible_connection": "docker", "ansible_python_interpreter": "/usr/bin/python3"}
    for common in (ssh_vars, docker_vars):
        common["orch_lab_image"] = image_tag()  # a local base image (python3) to build FROM, nothing pulled
    paths = []
    for filename, common, host_vars in (
        ("inventory.yml", ssh_vars, {h.name: {"ansible_host": h.address} for h in hosts}),
        ("inventory-docker.yml", docker_vars, {h.name: {"ansible_host": h.container, "lab_address": h.address}
                                               for h in hosts}),
    ):
        children = {group: {"hosts": {n: (host_vars[n] if group == "lab" else None) for n in members}}
                    for group, members in groups.items() if members}
        document = {"all": {"vars": common, "children": children}}
        path = directory / filename
        tmp = path.with_suffix(".tmp")
        tmp.write_text(f"# written by 'orch lab up' for lab {name!r}\n" + yaml.safe_dump(document, sort_keys=False))
        tmp.replace(path)
        paths.append(path)
    return paths[0], paths[1]


def down(name: str = "lab") -> int:
    """Remove the lab's containers and files; returns how many hosts went."""
    _check_name(name)
    client = docker_client()
    containers = _containers(client, name)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda c: c.remove(force=True), containers))
    directory = lab_dir(name)
    for filename in ("inventory.yml", "inventory-docker.yml", "known_hosts", "id_ed25519", "id_ed25519.pub"):
        (directory / filename).unlink(missing_ok=True)
    try:
        directory.rmdir()
    except OSError:
        pass
    return len(containers)
