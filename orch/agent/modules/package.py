"""package: the generic package module; orch dispatches to apt on Debian-family hosts."""

import os
import shutil

from ..context import ModuleFailed
from . import apt


def _manager(args):
    use = str(args.get("use") or "auto")
    if use not in ("auto", "apt"):
        raise ModuleFailed("package: use=%s is not supported by orch (only apt)" % use)
    if os.path.exists("/etc/debian_version") and shutil.which("apt-get"):
        return "apt"
    raise ModuleFailed("package: this host has no apt (Debian family); orch's package module supports apt only")


def run(ctx, args):
    _manager(args)
    apt_args = {k: v for k, v in args.items() if k != "use"}
    return apt.run(ctx, apt_args)
