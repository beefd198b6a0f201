"""Transports: how orch reaches a host (ssh, docker, local)."""

from __future__ import annotations

from orch.connection.base import CommandResult, Connection, Process
from orch.connection.options import ConnectionOptions, options_for


def connection_for(host_name: str, options: ConnectionOptions) -> Connection:
    """A new, not yet opened connection of the host's transport."""
    if options.transport == "local":
        from orch.connection.local import LocalConnection

        return LocalConnection(host_name, options)
    if options.transport == "docker":
        from orch.connection.docker import DockerConnection

        return DockerConnection(host_name, options)
    from orch.connection.ssh import SSHConnection

    return SSHConnection(host_name, options)


__all__ = ["CommandResult", "Connection", "ConnectionOptions", "Process", "connection_for", "options_for"]
