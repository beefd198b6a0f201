"""A host's connection and its agent sessions, opened on first use.

One connection per host; one agent per (host, become user) for the whole run.
"""

from __future__ import annotations

import threading

from orch.connection import Connection, connection_for, options_for
from orch.connection.options import ConnectionOptions
from orch.connection.session import AgentSession


class HostConnection:
    def __init__(self, name: str, hostvars: dict, overrides: dict | None = None) -> None:
        self.name = name
        self.options: ConnectionOptions = options_for(name, hostvars, overrides)
        self._connection: Connection | None = None
        self._sessions: dict[tuple[bool, str], AgentSession] = {}
        self._lock = threading.Lock()

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            self._connection = connection_for(self.name, self.options)
            self._connection.open()
        return self._connection

    def session(self, become: bool | None = None, become_user: str | None = None,
                become_method: str | None = None, become_password: str | None = None) -> AgentSession:
        become = self.options.become if become is None else become
        user = (become_user or self.options.become_user) if become else ""
        key = (become, user)
        with self._lock:
            session = self._sessions.get(key)
            if session is None:
                session = AgentSession(
                    self.connection, become=become, become_user=user or "root",
                    become_method=become_method or self.options.become_method,
                    become_password=become_password if become_password is not None else self.options.become_password,
                )
                session.start(wait=False)  # its first request carries the ready wait
                self._sessions[key] = session
            return session

    def begin_close(self) -> None:
        """Ask the host's agents to quit; :meth:`close` waits for them."""
        for session in self._sessions.values():
            session.begin_close()

    def close(self) -> None:
        for session in self._sessions.values():
            session.close()
        self._sessions.clear()
        if self._connection is not None:
            self._connection.close()
            self._connection = None
