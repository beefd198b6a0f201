"""Where hosts that otherwise run freely must wait for each other.

Hosts run their tasks independently (no host waits for the slowest one at
every step, unlike Ansible's linear strategy). A task that reads other
hosts' variables (``hostvars``) waits here until every other active host of
the batch has reached at least the same point of the play, which is what
the linear strategy guarantees for it.
"""

from __future__ import annotations

import threading

DONE = (float("inf"),)


class Gate:
    def __init__(self, hosts: list[str]) -> None:
        self._positions: dict[str, tuple] = {name: (0,) for name in hosts}
        self._cond = threading.Condition()

    def at(self, host: str, position: tuple) -> None:
        with self._cond:
            self._positions[host] = position
            self._cond.notify_all()

    def leave(self, host: str) -> None:
        self.at(host, DONE)

    def wait_for_others(self, host: str, position: tuple) -> None:
        with self._cond:
            self._positions[host] = position
            self._cond.notify_all()
            self._cond.wait_for(lambda: all(p >= position for p in self._positions.values()))
