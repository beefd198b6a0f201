"""What a module gets to work with: check/diff flags and safe helpers."""

from __future__ import annotations

import os
import re


class ModuleFailed(Exception):
    """Raised by a module to fail its step with a message (and extra result keys)."""

    def __init__(self, msg: str, **result) -> None:
        super().__init__(msg)
        self.msg = msg
        self.result = result


_SBIN = ("/usr/local/sbin", "/usr/sbin", "/sbin")
_VAR = re.compile(r"\$(\w+|\{[^}]*\})", re.ASCII)


def expand_user_vars(text: str, env) -> str:
    """``$NAME``/``${NAME}`` from ``env`` (unknown names stay), then ``~``: what Ansible does to a
    ``type: path`` argument and to each word of ``command``."""
    if "$" in text:
        def value(match):
            name = match.group(1)
            return env.get(name[1:-1] if name.startswith("{") else name, match.group(0))

        text = _VAR.sub(value, text)
    return os.path.expanduser(text) if text.startswith("~") else text
MISSING = object()  # "the overlay says nothing about this": look at the real host


class Overlay:
    """What earlier steps of a plan would have done, so later checks see it.

    Only check mode writes here; a real run changes the host itself. Keys are
    (kind, name), e.g. ("file", "/etc/app.conf"), ("user", "deploy"),
    ("package", "nginx"), ("service", "nginx"); values are whatever the
    module of that kind records (``None`` conventionally means "absent").
    """

    def __init__(self) -> None:
        self._items = {}

    def get(self, kind, key, default=MISSING):
        return self._items.get((kind, key), default)

    def set(self, kind, key, value) -> None:
        self._items[(kind, key)] = value

    def delete(self, kind, key) -> None:
        """Forget what the plan said about this thing: the host itself is the truth again."""
        self._items.pop((kind, key), None)

    def items(self, kind):
        return {key: value for (k, key), value in self._items.items() if k == kind}

    def clear(self) -> None:
        self._items.clear()


class HostView:
    """The overlay as a step that really runs sees it: empty, the host is the truth.

    A ``check_mode: true`` task of a real run records its prediction, and a later real
    step must not take it for the host (Ansible's check mode leaves nothing behind).
    A real change still makes an earlier prediction about the same thing stale.
    """

    def __init__(self, overlay: Overlay) -> None:
        self._overlay = overlay

    def get(self, kind, key, default=MISSING):
        return default

    def set(self, kind, key, value) -> None:
        pass

    def delete(self, kind, key) -> None:
        self._overlay.delete(kind, key)

    def items(self, kind):
        return {}

    def clear(self) -> None:
        self._overlay.clear()


class Context:
    def __init__(self, agent, check: bool = False, diff: bool = False, env=None, overlay: bool = True) -> None:
        self.agent = agent
        self.check = check
        self.diff = diff
        self.env = env or {}
        # Without the run's overlay (Ansible's check mode), a step's predictions live only as long as it.
        self._own_overlay = None if overlay else Overlay()

    def path(self, value) -> str:
        """A ``type: path`` argument as Ansible's modules read it, with the host's (and the task's) environment."""
        return expand_user_vars(str(value), dict(os.environ, **{str(k): str(v) for k, v in self.env.items()}))

    @property
    def planning(self) -> bool:
        """A check in a plan (``orch plan``): later checks see its predictions; else Ansible's check mode."""
        return self._own_overlay is None

    @property
    def state(self) -> dict:
        """Per-agent memory shared by steps (caches)."""
        return self.agent.state

    @property
    def overlay(self):
        """The plan overlay (see :class:`Overlay`); outside check mode a :class:`HostView` of it."""
        if self._own_overlay is not None:
            return self._own_overlay
        overlay = self.agent.state.get("overlay")
        if overlay is None:
            overlay = self.agent.state["overlay"] = Overlay()
        return overlay if self.check else HostView(overlay)

    def run(self, argv, shell: bool = False, cwd=None, stdin=None, env=None, executable=None, start_errors=False):
        """Run a command without a shell (argv) unless ``shell``; returns (rc, stdout, stderr).

        A program that cannot be started gives a shell's rc and message, or, with ``start_errors``,
        its OSError (the command module reports it as Ansible's does)."""
        full_env = dict(os.environ)
        # Like Ansible's get_bin_path: a login user's PATH often lacks the sbin dirs (useradd, service).
        path = full_env.get("PATH", "/usr/bin:/bin").split(":")
        full_env["PATH"] = ":".join(path + [d for d in _SBIN if d not in path])
        full_env.update({k: str(v) for k, v in self.env.items()})
        if env:
            full_env.update({k: str(v) for k, v in env.items()})
        from .procs import run_process  # here, not at the top: a run without commands never pays for it

        try:
            rc, out, err = run_process(argv, shell=shell, cwd=cwd, env=full_env, executable=executable,
                                       stdin=stdin.encode() if isinstance(stdin, str) else stdin)
        except OSError as exc:
            if start_errors:
                raise
            return _start_failure(exc, argv, cwd)
        return rc, _text(out), _text(err)


def _start_failure(exc: OSError, argv, cwd):
    """A shell's rc and message for a program that could not be started."""
    if isinstance(exc, FileNotFoundError):
        return 127, "", "%s: %s" % (exc.filename or argv[0], exc.strerror)
    if isinstance(exc, PermissionError):
        return 126, "", "%s: %s" % (exc.filename or argv[0], exc.strerror)
    if isinstance(exc, NotADirectoryError):
        return 1, "", "%s: %s" % (cwd, exc.strerror)
    raise exc


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")
