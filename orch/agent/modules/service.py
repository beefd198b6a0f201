"""service: start/stop/restart/reload and enable services (systemd or SysV init scripts).

The backend follows the host: systemctl when systemd manages it, else
``service NAME ...`` and ``update-rc.d`` (containers without an init system).
"""

from ..context import ModuleFailed
from .. import sys_service


def run(ctx, args):
    use = str(args.get("use") or "auto")
    if use not in ("auto", "systemd", "sysvinit", "service"):
        raise ModuleFailed("service: use=%s is not supported by orch (auto, systemd, sysvinit)" % use)
    forced = {"systemd": True, "sysvinit": False, "service": False}.get(use)
    return sys_service.manage(ctx, args, forced)
