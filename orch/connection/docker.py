"""docker: exec into a container over the Docker Engine API (docker SDK).

The exec runs without a TTY, so stdout and stderr come multiplexed in frames
of an 8-byte header (stream, size) and a payload; a reader thread splits them.
"""

from __future__ import annotations

import socket
import struct
import threading

from orch.connection.base import Connection, Process
from orch.errors import UnreachableError, UsageError

_clients: dict[str | None, object] = {}
_clients_lock = threading.Lock()


def api_client(base_url: str | None, timeout: float = 60):
    """One low-level client per daemon, shared by all hosts (it is thread-safe)."""
    import docker  # imported here: only docker hosts pay for it

    with _clients_lock:
        client = _clients.get(base_url)
        if client is None:
            try:
                if base_url:
                    client = docker.APIClient(base_url=base_url, timeout=timeout)
                else:
                    client = docker.APIClient(**docker.utils.kwargs_from_env(), timeout=timeout)
                client.ping()
            except Exception as exc:
                raise UnreachableError(f"cannot reach the Docker daemon at {base_url or 'DOCKER_HOST/default'}: {exc}") from None
            _clients[base_url] = client
        return client


class DockerProcess(Process):
    def __init__(self, client, exec_id: str, sock) -> None:
        self._client = client
        self._exec_id = exec_id
        self._raw = getattr(sock, "_sock", sock)
        self._stdout = bytearray()
        self._stderr = bytearray()
        self._cond = threading.Condition()
        self._eof = False
        threading.Thread(target=self._demux, daemon=True).start()

    def _recv_exact(self, size: int) -> bytes:
        data = bytearray()
        while len(data) < size:
            chunk = self._raw.recv(size - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return bytes(data)

    def _demux(self) -> None:
        try:
            while True:
                stream, size = struct.unpack(">BxxxL", self._recv_exact(8))
                payload = self._recv_exact(size)
                with self._cond:
                    (self._stderr if stream == 2 else self._stdout).extend(payload)
                    self._cond.notify_all()
        except (EOFError, OSError):
            pass
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def write(self, data: bytes) -> None:
        try:
            self._raw.sendall(data)
        except OSError:
            pass

    def readline(self) -> bytes:
        with self._cond:
            while True:
                end = self._stdout.find(b"\n")
                if end >= 0:
                    line = bytes(self._stdout[: end + 1])
                    del self._stdout[: end + 1]
                    return line
                if self._eof:
                    rest = bytes(self._stdout)
                    self._stdout.clear()
                    return rest
                self._cond.wait()

    def close_stdin(self) -> None:
        try:
            self._raw.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def wait(self, timeout: float | None = None) -> int | None:
        with self._cond:
            if not self._cond.wait_for(lambda: self._eof, timeout):
                return None
        info = self._client.exec_inspect(self._exec_id)
        return info.get("ExitCode")

    def stderr_text(self) -> str:
        with self._cond:
            return bytes(self._stderr).decode("utf-8", "replace")

    def kill(self) -> None:
        try:
            self._raw.close()
        except OSError:
            pass


class DockerConnection(Connection):
    """``ansible_host`` (or the inventory name) is the container; ``ansible_user`` the exec user."""

    transport = "docker"

    def __init__(self, host_name: str, options) -> None:
        super().__init__(host_name, options)
        self._client = None

    def open(self) -> None:
        if self._client is not None:
            return
        client = api_client(self.options.docker_host)
        import docker.errors

        try:
            state = client.inspect_container(self.options.address)["State"]
        except docker.errors.NotFound:
            raise UnreachableError(f"no such container {self.options.address!r}", host=self.host_name) from None
        except docker.errors.APIError as exc:
            raise UnreachableError(f"docker: {exc.explanation or exc}", host=self.host_name) from None
        if not state.get("Running"):
            raise UnreachableError(f"container {self.options.address!r} is not running ({state.get('Status')})",
                                   host=self.host_name)
        self._client = client

    def start(self, command: str, terminal: bool = False) -> Process:
        if terminal:
            raise UsageError("a password for su needs a terminal, which orch opens over ssh only; use sudo")
        self.open()
        import docker.errors

        try:
            exec_id = self._client.exec_create(
                self.options.address, ["/bin/sh", "-c", command], stdin=True, stdout=True, stderr=True,
                user=self.options.user or "",
            )["Id"]
            sock = self._client.exec_start(exec_id, socket=True)
        except docker.errors.APIError as exc:
            raise UnreachableError(f"docker exec failed: {exc.explanation or exc}", host=self.host_name) from None
        return DockerProcess(self._client, exec_id, sock)

    def close(self) -> None:
        self._client = None
