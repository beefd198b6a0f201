"""Services: systemd when it is PID 1's manager, else SysV init scripts (service/update-rc.d).

Shared by the service, systemd and systemd_service modules. The overlay kind
("service", name) holds {"state": "started"/"stopped", "enabled": bool}.
"""

from __future__ import annotations

import glob
import os
import subprocess
import tempfile

from . import fsview
from .context import MISSING, ModuleFailed
from .sys_common import choice, opt_bool, run_ok, safe_name


def has_systemd():
    return os.path.isdir("/run/systemd/system")


class SysV:
    kind = "sysv"

    def __init__(self, ctx, name):
        self.ctx, self.name = ctx, name
        self.script = os.path.join("/etc/init.d", name)

    def exists(self):
        # Through the plan: an init script a template step would write makes the service exist.
        return fsview.lookup(self.ctx, self.script, follow=True).state == "file"

    def running(self, pattern=None):
        if pattern:
            return _ps_matches(pattern)
        rc, out, err = self.ctx.run(["service", self.name, "status"])
        if rc == 127:
            rc, out, err = self.ctx.run([self.script, "status"])
        return rc == 0

    def enabled(self):
        return bool(glob.glob("/etc/rc[2345].d/S[0-9][0-9]%s" % glob.escape(self.name)))

    def action(self, verb):
        rc, out, err = run_detached(self.ctx, ["service", self.name, verb])
        if rc == 127:
            rc, out, err = run_detached(self.ctx, [self.script, verb])
        if rc != 0:
            raise ModuleFailed("Unable to %s service %s: %s" % (verb, self.name, (err or out).strip()),
                               rc=rc, stdout=out, stderr=err)

    def set_enabled(self, enable):
        if not glob.glob("/etc/rc[0-6S].d/[SK][0-9][0-9]%s" % glob.escape(self.name)):
            run_ok(self.ctx, ["update-rc.d", self.name, "defaults"], "update-rc.d")
        run_ok(self.ctx, ["update-rc.d", self.name, "enable" if enable else "disable"], "update-rc.d")

    def daemon_reload(self):
        return None

    def status(self):
        return {"running": self.running()}


def enabled_from(rc, out):
    """Ansible's reading of ``systemctl is-enabled``: enabled-runtime, indirect and alias units are
    enabled by asking again."""
    return rc == 0 and out.strip() not in ("enabled-runtime", "indirect", "alias")


class Systemd:
    kind = "systemd"

    def __init__(self, ctx, name):
        self.ctx = ctx
        self.name = name if "." in name or "@" in name else name

    def show(self):
        rc, out, err = self.ctx.run(["systemctl", "show", self.name, "--no-pager"])
        return parse_show(out) if rc == 0 else {}  # offline, systemctl fails and prints defaults

    def exists(self):
        if self.show().get("LoadState") not in (None, "not-found"):
            return True
        # In a plan, a unit file an earlier step would write makes the service exist
        # (the daemon-reload that would load it does not run in check mode).
        return bool(self.ctx.check) and self.planned_unit()

    def planned_unit(self):
        unit = self.name if "." in self.name else self.name + ".service"
        return any(fsview.lookup(self.ctx, os.path.join(d, unit)).planned is not None
                   for d in ("/etc/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system"))

    def running(self, pattern=None):
        rc, out, err = self.ctx.run(["systemctl", "is-active", self.name])
        return out.strip() in ("active", "activating", "reloading")

    def enabled(self):
        return enabled_from(*self.ctx.run(["systemctl", "is-enabled", self.name, "-l"])[:2])

    def action(self, verb):
        run_ok(self.ctx, ["systemctl", verb, self.name], "systemctl %s" % verb)

    def set_enabled(self, enable):
        run_ok(self.ctx, ["systemctl", "enable" if enable else "disable", self.name], "systemctl")

    def daemon_reload(self):
        run_ok(self.ctx, ["systemctl", "daemon-reload"], "systemctl daemon-reload")

    def status(self):
        return self.show()


def parse_show(text):
    """``systemctl show`` output as a dict of stripped values; an Exec* value opening with ``{`` goes
    on over lines up to the one that ends with ``}`` (as Ansible reads it)."""
    found, key, value = {}, None, []
    for line in text.splitlines():
        if key is not None:
            value.append(line)
            if line.rstrip().endswith("}"):
                found[key], key = "\n".join(value).strip(), None
            continue
        name, sep, rest = line.partition("=")
        if not sep:
            continue
        if name.startswith("Exec") and rest.lstrip().startswith("{") and not rest.rstrip().endswith("}"):
            key, value = name, [rest]
        else:
            found[name] = rest.strip()
    return found


def run_detached(ctx, argv):
    """Run an init script with output in a file, not a pipe: a daemon that keeps
    the inherited stdout open would otherwise hold us until it exits."""
    env = dict(os.environ)
    env.update({k: str(v) for k, v in ctx.env.items()})
    with tempfile.TemporaryFile() as out:
        try:
            rc = subprocess.call(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env)
        except OSError as exc:
            return 127, "", str(exc)
        out.seek(0)
        return rc, out.read().decode("utf-8", "replace"), ""


def _ps_matches(pattern):
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as handle:
                cmdline = handle.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if pattern in cmdline:
            return True
    return False


def _packages_pending(ctx):
    return any(v is not None for v in ctx.overlay.items("package").values())


def _init_running(ctx):
    """Would a package's postinst start its service? (invoke-rc.d blocks without an init system.)"""
    policy = "/usr/sbin/policy-rc.d"
    if os.path.exists(policy):
        return False  # conservative: images that ship one usually deny (exit 101)
    if has_systemd():
        return True
    rc, out, err = ctx.run(["runlevel"])
    return rc == 0 and out.strip()[-1:].isdigit()


def current(ctx, backend, pattern=None):
    """(exists, {"state", "enabled"}) read through the overlay."""
    planned = ctx.overlay.get("service", backend.name)
    if planned is not MISSING:
        return planned is not None, planned
    if backend.exists():
        return True, {"state": "started" if backend.running(pattern) else "stopped", "enabled": backend.enabled()}
    if ctx.check and _packages_pending(ctx):
        # A package planned earlier may ship this service; Debian starts it on install
        # when an init system runs, and enables it in any case.
        return None, {"state": "started" if _init_running(ctx) else "stopped", "enabled": True}
    return False, None


def manage(ctx, args, use_systemd=None):
    name = args.get("name")
    if not name:
        raise ModuleFailed("missing required argument: name")
    name = safe_name(name, "service name", slash_ok=False)
    state = choice(args, "state", ("started", "stopped", "restarted", "reloaded"))
    enabled = opt_bool(args, "enabled")
    daemon_reload = opt_bool(args, "daemon_reload", False)
    systemd = has_systemd() if use_systemd is None else use_systemd
    backend = Systemd(ctx, name) if systemd else SysV(ctx, name)
    result = {"name": name, "changed": False}
    warnings = []
    if daemon_reload:
        if systemd:
            if not ctx.check:
                backend.daemon_reload()
        else:
            warnings.append("daemon_reload ignored: systemd is not running on this host")
    if state is None and enabled is None:
        if daemon_reload:
            return dict(result, warnings=warnings) if warnings else result
        raise ModuleFailed("one of the following is required: state, enabled")
    exists, now = current(ctx, backend, args.get("pattern"))
    if now is None:
        raise ModuleFailed("Could not find the requested service %s: host" % name)
    if exists is None:
        warnings.append("service %s is not on the host yet; assuming a package planned earlier provides it" % name)
    after = dict(now)
    actions = []
    if state == "started" and now["state"] != "started":
        actions.append("start")
    elif state == "stopped" and now["state"] != "stopped":
        actions.append("stop")
    elif state == "restarted":
        actions.append("restart" if now["state"] == "started" else "start")
    elif state == "reloaded":
        actions.append("reload" if now["state"] == "started" else "start")
    if state:
        after["state"] = "stopped" if state == "stopped" else "started"
    if enabled is not None and bool(now["enabled"]) != enabled:
        after["enabled"] = enabled
    changed = bool(actions) or after["enabled"] != now["enabled"]
    result.update(changed=changed, state=after["state"], enabled=after["enabled"])
    if ctx.diff and changed:
        result["diff"] = {"before": dict(now), "after": dict(after)}
    if ctx.check:
        if changed:
            ctx.overlay.set("service", name, after)
    elif changed:
        if after["enabled"] != now["enabled"]:
            backend.set_enabled(after["enabled"])
        for verb in actions:
            backend.action(verb)
        result["status"] = backend.status()
    if warnings:
        result["warnings"] = warnings
    return result
