"""The Docker API of an SSH host, over that host's own SSH connection.

A ``direct-streamlocal@openssh.com`` channel (OpenSSH's ``ssh -L local:/remote.sock``)
is opened on the paramiko transport orch already has for the host, so the host's
key, user, ProxyJump and, above all, orch's host-key checking (known_hosts per host,
StrictHostKeyChecking meanings) apply unchanged; nothing is installed on the host and
no docker CLI is needed anywhere. The docker SDK's own ``ssh://`` support opens a
second SSH connection that reads only ``~/.ssh`` and rejects unknown keys, so it is
not used. Each HTTP connection of the SDK's pool is one channel.
"""

from __future__ import annotations

import threading
import time

import requests.adapters
import urllib3
import urllib3.connection
import urllib3.connectionpool
from paramiko.common import cMSG_CHANNEL_OPEN

from orch.connection.paramiko_import import paramiko
from orch.errors import UnreachableError

_STREAMLOCAL = "direct-streamlocal@openssh.com"


def open_streamlocal(transport: paramiko.Transport, path: str, timeout: float = 30) -> paramiko.Channel:
    """A channel to the unix socket ``path`` on the server.

    paramiko's ``open_channel`` only writes the extra fields of the tcpip and x11 kinds,
    so the open request (RFC 4254 §5.1 plus OpenSSH's PROTOCOL §2.4: socket path, a
    reserved string and a reserved uint32) is built here on the transport's own channel
    bookkeeping.
    """
    if not transport.is_active():
        raise UnreachableError("the SSH connection is closed")
    with transport.lock:
        window = transport._sanitize_window_size(None)
        packet = transport._sanitize_packet_size(None)
        chanid = transport._next_channel()
        message = paramiko.Message()
        message.add_byte(cMSG_CHANNEL_OPEN)
        message.add_string(_STREAMLOCAL)
        message.add_int(chanid)
        message.add_int(window)
        message.add_int(packet)
        message.add_string(path)
        message.add_string("")
        message.add_int(0)
        channel = paramiko.Channel(chanid)
        transport._channels.put(chanid, channel)
        event = transport.channel_events[chanid] = threading.Event()
        transport.channels_seen[chanid] = True
        channel._set_transport(transport)
        channel._set_window(window, packet)
    transport._send_user_message(message)
    deadline = time.time() + timeout
    while not event.wait(0.1):
        if not transport.is_active() or time.time() > deadline:
            break
    opened = transport._channels.get(chanid)
    if opened is None or not event.is_set():
        reason = transport.get_exception() or "refused or timed out"
        raise UnreachableError(f"cannot reach the Docker socket {path} over SSH ({reason}); "
                               "is dockerd running there and AllowStreamLocalForwarding on?")
    return opened


class _ChannelHTTPConnection(urllib3.connection.HTTPConnection):
    def __init__(self, transport: paramiko.Transport, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._transport, self._path = transport, path

    def connect(self) -> None:
        channel = open_streamlocal(self._transport, self._path)
        channel.settimeout(self.timeout if isinstance(self.timeout, (int, float)) else None)
        self.sock = channel


class _ChannelPool(urllib3.connectionpool.HTTPConnectionPool):
    def __init__(self, transport: paramiko.Transport, path: str, timeout: float, maxsize: int) -> None:
        super().__init__("localhost", timeout=timeout, maxsize=maxsize)
        self._transport, self._path, self._timeout = transport, path, timeout

    def _new_conn(self):
        return _ChannelHTTPConnection(self._transport, self._path, self._timeout)


class StreamLocalAdapter(requests.adapters.HTTPAdapter):
    def __init__(self, transport: paramiko.Transport, path: str, timeout: float = 60, maxsize: int = 4) -> None:
        self._pool = _ChannelPool(transport, path, timeout, maxsize)
        super().__init__()

    def get_connection(self, url, proxies=None):
        return self._pool

    def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):
        return self._pool

    def request_url(self, request, proxies):
        return request.path_url

    def close(self) -> None:
        super().close()
        self._pool.close()


def ssh_api_client(transport: paramiko.Transport, path: str, timeout: float = 60):
    """A docker ``APIClient`` whose requests go to ``path`` on the SSH server."""
    import docker

    # A unix base URL only selects the http+docker:// scheme; the adapter is replaced
    # before any request, and the API version is asked of the remote daemon.
    client = docker.APIClient(base_url="unix:///var/run/docker.sock", version="1.41", timeout=timeout)
    adapter = StreamLocalAdapter(transport, path, timeout)
    client.mount("http+docker://", adapter)
    client.base_url = "http+docker://ssh"  # the SDK then reads attach/exec streams off the channel
    client._custom_adapter = adapter
    client._version = client._retrieve_server_version()
    return client
