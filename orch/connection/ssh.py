"""ssh: paramiko, honouring ssh_config (ssh_config.py), keys, agent, ProxyJump and ProxyCommand.

paramiko directly, not fabric: fabric's Connection re-reads its own config files for every
host and brings invoke along; orch needs neither (measured in bench/).
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from pathlib import Path

from orch.connection import ssh_config
from orch.connection.base import Connection, Process
from orch.connection.hostkeys import configure_client, known_host_name
from orch.connection.paramiko_import import paramiko
from orch.errors import UnreachableError

KEEPALIVE_SECONDS = 15
# paramiko logs transport errors itself; they reach the user once, translated, as UnreachableError.
logging.getLogger("paramiko").addHandler(logging.NullHandler())
logging.getLogger("paramiko").propagate = False
_QUICKACK = getattr(socket, "TCP_QUICKACK", None)


class _QuickAckSocket(socket.socket):
    """A TCP socket that acknowledges at once (Linux TCP_QUICKACK, re-armed after each read).

    sshd leaves Nagle on for sessions without a tty; with the client's delayed ACK
    that stalls each new channel's first exchange by 40 ms. Acking at once removes it.
    """

    def recv(self, size: int, *flags: int) -> bytes:
        data = super().recv(size, *flags)
        try:
            self.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
        except OSError:
            pass
        return data


def _open_socket(host: str, port: int, timeout: float) -> socket.socket:
    last: OSError | None = None
    for family, kind, proto, _, address in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        sock = (_QuickAckSocket if _QUICKACK is not None else socket.socket)(family, kind, proto)
        sock.settimeout(timeout)
        try:
            sock.connect(address)
        except OSError as exc:
            sock.close()
            last = exc
            continue
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock
    raise last or OSError(f"cannot resolve {host}")


class SSHProcess(Process):
    def __init__(self, channel: paramiko.Channel) -> None:
        self._channel = channel
        self._stdout = channel.makefile("rb")
        self._stderr = bytearray()
        self._lock = threading.Lock()

    def write(self, data: bytes) -> None:
        try:
            self._channel.sendall(data)
        except (OSError, paramiko.SSHException):
            pass  # the reader sees EOF and reports what the host said

    def readline(self) -> bytes:
        try:
            return self._stdout.readline()
        except (OSError, paramiko.SSHException):
            return b""

    def close_stdin(self) -> None:
        try:
            self._channel.shutdown_write()
        except (OSError, paramiko.SSHException):
            pass

    def wait(self, timeout: float | None = None) -> int | None:
        if not self._channel.status_event.wait(timeout):
            return None
        return self._channel.recv_exit_status()

    def stderr_text(self) -> str:
        with self._lock:
            while self._channel.recv_stderr_ready():
                self._stderr += self._channel.recv_stderr(65536)
        return bytes(self._stderr).decode("utf-8", "replace")

    def kill(self) -> None:
        self._channel.close()

    def read_some(self, timeout: float) -> bytes | None:
        # Read from the channel itself: only before the first readline (its buffer would hold the rest).
        if not self._channel.recv_ready():
            if self._channel.eof_received or self._channel.closed:
                return b""
            deadline = time.monotonic() + timeout
            while not self._channel.recv_ready():
                if self._channel.eof_received or self._channel.closed:
                    return b""
                if time.monotonic() >= deadline:
                    return None
                time.sleep(0.02)
        return self._channel.recv(65536)


def _describe(exc: BaseException, timeout: float | None = None) -> str:
    if isinstance(exc, paramiko.BadHostKeyException):
        return (f"host key for {exc.hostname} has CHANGED (expected {exc.expected_key.get_name()} "
                f"{exc.expected_key.fingerprint}, got {exc.key.fingerprint}); refusing to connect. "
                "If the host was really reinstalled, remove its old key from known_hosts")
    if isinstance(exc, paramiko.AuthenticationException):
        return f"authentication failed: {exc}"
    if isinstance(exc, paramiko.ssh_exception.NoValidConnectionsError):
        reasons = {e.strerror or str(e) for e in exc.errors.values()}
        return "cannot connect: " + "; ".join(sorted(reasons))
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "connection timed out"
    if isinstance(exc, paramiko.SSHException) and ("banner" in str(exc) or "No existing session" in str(exc)):
        return (f"timed out: the host accepted the connection but sent no SSH greeting within {timeout:g} s"
                if timeout else "the host accepted the connection but sent no SSH greeting")
    if isinstance(exc, OSError):
        return f"cannot connect: {exc.strerror or exc}"
    return f"ssh error: {exc}"


class SSHConnection(Connection):
    transport = "ssh"

    def __init__(self, host_name: str, options) -> None:
        super().__init__(host_name, options)
        self._clients: list[paramiko.SSHClient] = []  # jump hosts first, the target last

    @property
    def ssh_transport(self) -> paramiko.Transport:
        """The open transport to the target (for channels of other kinds, e.g. Docker's socket)."""
        self.open()
        return self._clients[-1].get_transport()

    def _endpoints(self) -> list[ssh_config.Endpoint]:
        """Every server to log in to, in order: the ProxyJump hops, then the target."""
        opts = self.options
        config = ssh_config.lookup(opts.address, opts.ssh_config_file)
        target = ssh_config.endpoint(opts.address, config, user=opts.user, port=opts.port,
                                     key_file=opts.private_key_file, known_hosts=opts.known_hosts_file)
        hops = []
        # ProxyJump given in ansible_ssh_common_args: the jump hosts also get the host's key.
        for alias, user, port in ssh_config.jump_hops(opts.proxy_jump or config.get("proxyjump")):
            hop_config = ssh_config.lookup(alias, opts.ssh_config_file)
            hops.append(ssh_config.endpoint(alias, hop_config, user=user, port=port, key_file=opts.private_key_file,
                                            known_hosts=opts.known_hosts_file))
        return [*hops, target]

    def _login(self, point: ssh_config.Endpoint, sock, is_target: bool) -> paramiko.SSHClient:
        opts = self.options
        client = paramiko.SSHClient()
        self._clients.append(client)  # closed by close(), also when this login fails
        configure_client(client, opts.host_key_checking, Path(point.known_hosts))
        client.connect(point.hostname, point.port, username=point.user, sock=sock,
                       key_filename=list(point.key_files) or None,
                       password=opts.password if is_target else None,
                       timeout=opts.timeout, banner_timeout=opts.timeout, auth_timeout=opts.timeout)
        return client

    def open(self) -> None:
        if self._clients:
            return
        try:
            points = self._endpoints()
            first = points[0]
            if len(points) == 1 and first.proxy_command:  # ProxyJump, when given, wins over ProxyCommand
                sock = paramiko.ProxyCommand(first.proxy_command)
            else:
                sock = _open_socket(first.hostname, first.port, self.options.timeout)
            for index, point in enumerate(points):
                client = self._login(point, sock, is_target=index == len(points) - 1)
                if index + 1 < len(points):
                    following = points[index + 1]
                    sock = client.get_transport().open_channel(
                        "direct-tcpip", (following.hostname, following.port), ("127.0.0.1", 0),
                        timeout=self.options.timeout)
            self._clients[-1].get_transport().set_keepalive(KEEPALIVE_SECONDS)
        except UnreachableError as exc:
            self.close()
            exc.host = exc.host or self.host_name
            raise
        except Exception as exc:  # paramiko raises many kinds; all mean "unreachable"
            self.close()
            raise UnreachableError(_describe(exc, self.options.timeout), host=self.host_name) from None

    def start(self, command: str, terminal: bool = False) -> Process:
        self.open()
        try:
            channel = self._clients[-1].get_transport().open_session(timeout=self.options.timeout)
            if terminal:
                channel.get_pty(term="dumb", width=0, height=0)
            channel.exec_command(command)
        except Exception as exc:
            raise UnreachableError(_describe(exc), host=self.host_name) from None
        return SSHProcess(channel)

    def close(self) -> None:
        clients, self._clients = self._clients, []
        for client in reversed(clients):  # the target first, then the hops it went through
            client.close()

    @property
    def known_host_name(self) -> str:
        return known_host_name(self.options.address, self.options.port)
