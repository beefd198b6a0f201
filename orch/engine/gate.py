"""Where hosts that otherwise run freely must wait for each other.

Hosts run their tasks independently (no host waits for the slowest one at
every step, unlike Ansible's linear strategy). A task that reads other
hosts' variables (``hostvars``) waits here until every other active host of
the batch has reached at least the same point of the play, which is what
the linear strategy guarantees for it.

With fewer forks than hosts, hosts wait for a worker thread in the batch's
order (the pool's queue): a host not started yet holds no one up, and each
host that finishes lets the next one in.
"""

from __future__ import annotations

import threading

DONE = (float("inf"),)


class Gate:
    def __init__(self, hosts: list[str], slots: int | None = None) -> None:
        self._order = list(hosts)
        self._started = min(len(hosts), slots if slots is not None else len(hosts))
        self._positions: dict[str, tuple | None] = {
            name: (0,) if index < self._started else None for index, name in enumerate(hosts)}
        self._cond = threading.Condition()

    def at(self, host: str, position: tuple) -> None:
        with self._cond:
            self._positions[host] = position
            self._cond.notify_all()

    def leave(self, host: str) -> None:
        self.at(host, DONE)

    def finished(self, host: str) -> None:
        """The host's thread is done: the next host in the queue gets it."""
        with self._cond:
            self._positions[host] = DONE
            if self._started < len(self._order):
                self._positions[self._order[self._started]] = (0,)
                self._started += 1
            self._cond.notify_all()

    def wait_for_others(self, host: str, position: tuple) -> None:
        with self._cond:
            self._positions[host] = position
            self._cond.notify_all()
            self._cond.wait_for(lambda: all(p >= position for p in self._positions.values() if p is not None))

    def first_at(self, position: tuple) -> str | None:
        """The first host, in the batch's order, that stands at ``position``."""
        with self._cond:
            return next((name for name in self._order if self._positions[name] == position), None)

    def stands_at(self, host: str, position: tuple) -> bool:
        with self._cond:
            return self._positions.get(host) == position

    def past(self, host: str, position: tuple) -> bool:
        """The host has gone beyond ``position`` (or is done)."""
        with self._cond:
            found = self._positions.get(host)
            return found is not None and found > position

    def gone(self, host: str) -> bool:
        with self._cond:
            return self._positions.get(host) == DONE
