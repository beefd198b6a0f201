"""ssh: fabric/paramiko, honouring ~/.ssh/config, keys, agent and ProxyJump."""

from __future__ import annotations

import logging
import socket
import threading
from pathlib import Path

import paramiko

from orch.connection.base import Connection, Process
from orch.connection.hostkeys import configure_client, known_host_name
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
        self._conn = None

    def _known_hosts(self, ssh_config: dict) -> Path:
        path = self.options.known_hosts_file or ssh_config.get("userknownhostsfile", "~/.ssh/known_hosts")
        return Path(str(path).split()[0]).expanduser()

    def _fabric_connection(self):
        import fabric  # imported here: only ssh hosts pay for it

        opts = self.options
        connect_kwargs = {"banner_timeout": opts.timeout, "auth_timeout": opts.timeout}
        if opts.private_key_file:
            connect_kwargs["key_filename"] = str(Path(opts.private_key_file).expanduser())
        if opts.password:
            connect_kwargs["password"] = opts.password
        config = None
        if opts.ssh_config_file:
            config = fabric.Config(runtime_ssh_path=str(Path(opts.ssh_config_file).expanduser()))
        gateway = None
        if opts.proxy_jump:
            # ProxyJump given in ansible_ssh_common_args: the jump host uses the same key.
            jump_kwargs = {k: v for k, v in connect_kwargs.items() if k == "key_filename"}
            gateway = fabric.Connection(opts.proxy_jump, connect_timeout=opts.timeout, config=config,
                                        connect_kwargs=jump_kwargs)
        conn = fabric.Connection(
            opts.address, user=opts.user, port=opts.port, connect_timeout=opts.timeout,
            connect_kwargs=connect_kwargs, config=config, gateway=gateway,
        )
        self._secure(conn)
        return conn

    def _secure(self, conn) -> None:
        """Replace fabric's trust-any-key client (fabric #2071) by a checking one."""
        conn.client = paramiko.SSHClient()
        known_hosts = self._known_hosts(conn.ssh_config)
        configure_client(conn.client, self.options.host_key_checking, known_hosts)
        if conn.gateway is not None and not isinstance(conn.gateway, str):
            self._secure(conn.gateway)

    def open(self) -> None:
        if self._conn is not None:
            return
        try:
            conn = self._fabric_connection()
            if conn.gateway is None:
                conn.connect_kwargs["sock"] = _open_socket(conn.host, conn.port, self.options.timeout)
            conn.open()
            conn.transport.set_keepalive(KEEPALIVE_SECONDS)
        except UnreachableError:
            raise
        except Exception as exc:  # paramiko raises many kinds; all mean "unreachable"
            raise UnreachableError(_describe(exc, self.options.timeout), host=self.host_name) from None
        self._conn = conn

    def start(self, command: str) -> Process:
        self.open()
        try:
            channel = self._conn.transport.open_session(timeout=self.options.timeout)
            channel.exec_command(command)
        except Exception as exc:
            raise UnreachableError(_describe(exc), host=self.host_name) from None
        return SSHProcess(channel)

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None

    @property
    def known_host_name(self) -> str:
        return known_host_name(self.options.address, self.options.port)
