"""systemd_service (alias systemd): systemctl on systemd hosts.

On a host where systemd is not running (containers) orch falls back to the
SysV backend with a warning instead of failing: the unit's init script is
what the host actually runs. ``masked`` needs systemd.
"""

import os

from ..context import ModuleFailed
from ..sys_common import opt_bool, run_ok
from .. import sys_service


_ENABLED_STATES = ("enabled", "enabled-runtime", "linked", "linked-runtime", "masked", "masked-runtime", "static",
                   "indirect", "disabled", "generated", "transient")


def run(ctx, args):
    args = dict(args)
    if args.get("unit") and not args.get("name"):
        args["name"] = args["unit"]
    scope = str(args.get("scope") or "system")
    if scope != "system":
        raise ModuleFailed("systemd: scope=%s is not supported by orch" % scope)
    masked = opt_bool(args, "masked")
    if args.get("state") is None and args.get("enabled") is None and masked is None:
        # daemon_reload (or daemon_reexec) alone: no unit is needed
        return _reload_only(ctx, args)
    if not sys_service.has_systemd():
        if masked is not None:
            raise ModuleFailed("masked needs systemd, which is not running on this host")
        result = sys_service.manage(ctx, args, False)
        result.setdefault("warnings", []).append("systemd is not running on this host; used its init script")
        return result
    name = str(args.get("name") or "")
    # Ansible returns the unit's properties as they were before the step
    status = sys_service.Systemd(ctx, name).show() if name else {}
    result = {"name": args.get("name"), "changed": False, "status": status}
    if name and "ActiveState" not in status and _offline(ctx):
        return _offline_unit(ctx, args, name, result)
    if masked is not None:
        rc, out, err = ctx.run(["systemctl", "is-enabled", name])
        is_masked = out.strip() == "masked"
        if is_masked != masked:
            result["changed"] = True
            if not ctx.check:
                action = "mask" if masked else "unmask"
                rc, out, err = ctx.run(["systemctl", action, name])
                if rc != 0:
                    if status.get("LoadState") in (None, "not-found"):
                        raise ModuleFailed("Could not find the requested service %s: host" % name)
                    raise ModuleFailed("Failed to %s the service (%s): %s" % (action, name, err.strip()))
    if args.get("state") is None and args.get("enabled") is None and not opt_bool(args, "daemon_reload", False):
        return result
    managed = sys_service.manage(ctx, args, True)
    managed["changed"] = managed["changed"] or result["changed"]
    managed["status"] = status
    return managed


def _offline(ctx):
    """systemctl told to work without the manager (SYSTEMD_OFFLINE=1, as in a chroot)."""
    return str(ctx.env.get("SYSTEMD_OFFLINE", os.environ.get("SYSTEMD_OFFLINE", ""))) == "1"


def _offline_unit(ctx, args, name, result):
    """As Ansible does offline: the unit files decide what exists and is enabled; a state cannot be
    known, so it is left alone with a warning."""
    rc, out, err = ctx.run(["systemctl", "is-enabled", name])
    known = out.strip() in _ENABLED_STATES or ctx.run(["systemctl", "list-unit-files", name])[0] == 0
    if not known:
        raise ModuleFailed("Could not find the requested service %s: host" % name)
    enabled = opt_bool(args, "enabled")
    if enabled is not None:
        now = sys_service.enabled_from(*ctx.run(["systemctl", "is-enabled", name, "-l"])[:2])
        result["enabled"] = enabled
        if now != enabled:
            result["changed"] = True
            if not ctx.check:
                run_ok(ctx, ["systemctl", "enable" if enabled else "disable", name], "systemctl")
    if args.get("state") is not None:
        result["state"] = args["state"]
        result["warnings"] = ["Target is a chroot or systemd is offline. This can lead to false positives or "
                              "prevent the init system tools from working."]
    return result


def _reload_only(ctx, args):
    result = {"name": args.get("name"), "changed": False, "status": {}}
    verbs = [v for v in ("daemon_reload", "daemon_reexec") if opt_bool(args, v, False)]
    if not sys_service.has_systemd():
        result["warnings"] = ["%s ignored: systemd is not running on this host" % ", ".join(verbs)]
        return result
    if not ctx.check:
        for verb in verbs:
            run_ok(ctx, ["systemctl", verb.replace("_", "-")], "systemctl %s" % verb.replace("_", "-"))
    return result
