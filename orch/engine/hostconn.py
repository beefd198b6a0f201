"""A host's connections and their agent sessions, opened on first use.

One connection per (host, remote user) and one agent per (host, remote user, become user)
for the whole run. The host's own user (inventory, play, command line) is the usual one;
a task's ``remote_user`` (or its ``ansible_user``) opens another, with the same options.
"""

from __future__ import annotations

import dataclasses
import threading

from orch.connection import Connection, connection_for, options_for
from orch.connection.options import USER_VARS, ConnectionOptions
from orch.connection.session import AgentSession


class HostConnection:
    def __init__(self, name: str, hostvars: dict, overrides: dict | None = None) -> None:
        self.name = name
        self.options: ConnectionOptions = options_for(name, hostvars, overrides)
        # A user set in the host's variables beats a task's remote_user keyword (Ansible's precedence).
        self.user_from_vars = any(hostvars.get(var) not in (None, "") for var in USER_VARS)
        self._connections: dict[str | None, Connection] = {}
        self._sessions: dict[tuple[str | None, bool, str], AgentSession] = {}
        self._lock = threading.Lock()

    def _user_key(self, user: str | None) -> str | None:
        # The local transport has no login user; the host's own user is the usual connection.
        if not user or self.options.transport == "local" or user == self.options.user:
            return None
        return str(user)

    def connection_as(self, user: str | None = None) -> Connection:
        """The open connection that logs in as ``user`` (None: the host's own user)."""
        key = self._user_key(user)
        with self._lock:
            connection = self._connections.get(key)
            if connection is None:
                options = self.options if key is None else dataclasses.replace(self.options, user=key)
                connection = connection_for(self.name, options)
                connection.open()
                self._connections[key] = connection
            return connection

    @property
    def connection(self) -> Connection:
        return self.connection_as(None)

    def session(self, become: bool | None = None, become_user: str | None = None,
                become_method: str | None = None, become_password: str | None = None,
                remote_user: str | None = None, become_flags: str | None = None, become_exe: str | None = None,
                sudo_chdir: str | None = None, su_prompts=None) -> AgentSession:
        become = self.options.become if become is None else become
        user = (become_user or self.options.become_user) if become else ""
        method = become_method or self.options.become_method
        password = become_password if become_password is not None else self.options.become_password
        # Each way of becoming gets its own agent: a task with other flags or a wrong password never
        # borrows one that a right one started.
        prompts = tuple(su_prompts) if isinstance(su_prompts, (list, tuple)) else su_prompts
        how = (method, password, become_flags, become_exe, sudo_chdir, prompts) if become else ()
        key = (self._user_key(remote_user), become, user, how)
        connection = self.connection_as(remote_user)
        with self._lock:
            session = self._sessions.get(key)
            if session is None:
                session = AgentSession(connection, become=become, become_user=user or "root", become_method=method,
                                       become_password=password, become_flags=become_flags, become_exe=become_exe,
                                       sudo_chdir=sudo_chdir, su_prompts=su_prompts)
                session.start(wait=False)  # its first request carries the ready wait
                self._sessions[key] = session
            return session

    def begin_close(self) -> None:
        """Ask the host's agents to quit; :meth:`close` waits for them."""
        for session in list(self._sessions.values()):
            session.begin_close()

    def close(self) -> None:
        for session in list(self._sessions.values()):
            session.close()
        self._sessions.clear()
        connections, self._connections = self._connections, {}
        for connection in connections.values():
            connection.close()
