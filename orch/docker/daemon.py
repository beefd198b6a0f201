"""Which Docker daemon a docker_* step manages, and what a plan knows about it.

The daemon is the ``docker_host`` argument when given, else the target host's own:
- ``ansible_connection=local``: the controller's (``DOCKER_HOST`` or the default socket);
- ``ansible_connection=docker``: the daemon that runs that container (``ansible_docker_host``);
- ssh: the host's socket, reached over the host's own SSH connection (sshsock.py).
A ``unix://PATH`` docker_host on an SSH host names a socket *on that host*, as it does
for Ansible's community.docker modules (which run on the target).

In check mode nothing changes; what a step would have made is remembered per daemon
(by the daemon's ID, so two hosts reaching one daemon share it) for later steps of the
same run, like the agent's plan overlay.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orch.errors import UnreachableError

if TYPE_CHECKING:
    from orch.engine.step import StepContext

DEFAULT_SOCKET = "/var/run/docker.sock"
_lock = threading.Lock()
_ssh_clients: dict[tuple[str, int], Any] = {}
_ids: dict[int, str] = {}
_plans: "weakref.WeakKeyDictionary[Any, dict[str, Plan]]" = weakref.WeakKeyDictionary()


@dataclass
class Plan:
    """What earlier check-mode steps of this run would have left on one daemon."""

    containers: dict[str, dict | None] = field(default_factory=dict)  # name -> planned inspect (None: removed)
    images: dict[str, str | None] = field(default_factory=dict)  # name:tag -> planned id (None: removed)
    networks: dict[str, dict | None] = field(default_factory=dict)
    volumes: dict[str, dict | None] = field(default_factory=dict)


@dataclass
class Daemon:
    client: Any  # docker.APIClient
    url: str
    plan: Plan | None  # set in check mode


def _connection_options(step: "StepContext"):
    worker = step.worker
    if step.delegate_to is not None:
        return worker.run.delegate_connection(step.delegate_to)
    return worker.state.connection or worker.run.connect(worker.state)


def _ssh_client(host_conn, path: str):
    from orch.docker.sshsock import ssh_api_client

    ssh = host_conn.connection  # opens (and checks the host key) like any other step
    transport = ssh.ssh_transport
    key = (host_conn.name + ":" + path, id(transport))
    with _lock:
        client = _ssh_clients.get(key)
    if client is None:
        try:
            client = ssh_api_client(transport, path)
        except UnreachableError as exc:
            raise UnreachableError(exc.message, host=host_conn.name) from None
        except Exception as exc:  # the SDK's errors: the daemon did not answer as one
            raise UnreachableError(f"Docker daemon at {path} on {host_conn.name}: {exc}",
                                   host=host_conn.name) from None
        with _lock:
            _ssh_clients[key] = client
    return client


def client_for(step: "StepContext", docker_host: str | None) -> tuple[Any, str]:
    from orch.connection.docker import api_client

    host_conn = _connection_options(step)
    transport = host_conn.options.transport
    if docker_host and (transport != "ssh" or not str(docker_host).startswith("unix://")):
        return api_client(str(docker_host)), str(docker_host)
    if transport == "local":
        return api_client(None), "local"
    if transport == "docker":
        return api_client(host_conn.options.docker_host), host_conn.options.docker_host or "local"
    path = str(docker_host)[len("unix://"):] if docker_host else DEFAULT_SOCKET
    return _ssh_client(host_conn, path), f"ssh://{host_conn.name}{path}"


def daemon_id(client) -> str:
    with _lock:
        known = _ids.get(id(client))
    if known is None:
        known = str(client.info().get("ID") or id(client))
        with _lock:
            _ids[id(client)] = known
    return known


def daemon_for(step: "StepContext", args: dict) -> Daemon:
    client, url = client_for(step, args.get("docker_host"))
    plan = None
    if step.check:
        ident = daemon_id(client)
        with _lock:
            plan = _plans.setdefault(step.worker.run.pb, {}).setdefault(ident, Plan())
    return Daemon(client, url, plan)
