"""A task's ``timeout`` on the host: the module is interrupted when its time is up.

The agent runs modules in its main thread, so a SIGALRM handler can raise into whatever the
module waits on (a child's output, a fork's exit); those waits stop their children on the way
out (``subprocess.run`` kills its process, the foreign runner its fork).
"""

import contextlib
import signal


_ACTIVE = []  # the alarm in force (one at most: the agent runs one step at a time)


def active():
    """Whether the step being run has a timeout (its commands then get a process group to kill)."""
    return bool(_ACTIVE)


class TimedOut(BaseException):
    """Raised by the alarm; a BaseException so that no module's ``except Exception`` swallows it."""


@contextlib.contextmanager
def alarm(seconds):
    if not seconds or seconds <= 0:
        yield
        return

    def expired(_signum, _frame):
        raise TimedOut()

    previous = signal.signal(signal.SIGALRM, expired)
    _ACTIVE.append(seconds)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        _ACTIVE.pop()
