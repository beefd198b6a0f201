"""hostname: set the host's name in /etc/hostname and in the running kernel.

In a container the kernel hostname usually cannot change (no CAP_SYS_ADMIN
in its UTS namespace). Ansible would fail there; orch still makes
/etc/hostname right, reports that as the change, and warns that the running
name stays as it is (a real host or VM changes both). Changing only what is
possible keeps a second run unchanged and check mode exact.
"""

import os
import shutil
import socket

from ..context import ModuleFailed
from ..sys_common import plan_read, plan_write, read_text, record

PATH = "/etc/hostname"
CAP_SYS_ADMIN = 21


def can_set_kernel_name():
    for line in (read_text("/proc/self/status") or "").splitlines():
        if line.startswith("CapEff:"):
            return bool(int(line.split()[1], 16) >> CAP_SYS_ADMIN & 1)
    return os.geteuid() == 0


def _facts(name):
    short, _, domain = name.partition(".")
    return {"ansible_hostname": short, "ansible_nodename": name, "ansible_fqdn": name, "ansible_domain": domain}


def run(ctx, args):
    name = str(args.get("name") or "").strip()
    if not name:
        raise ModuleFailed("missing required argument: name")
    if any(c.isspace() for c in name) or len(name) > 253 or name.startswith("-") or "/" in name:
        raise ModuleFailed("invalid hostname %r" % name)
    use = str(args.get("use") or "debian")
    if use not in ("debian", "systemd", "generic", "auto"):
        raise ModuleFailed("hostname: use=%s is not supported by orch" % use)
    planned = ctx.overlay.get("hostname", "name", None)
    file_now = planned if planned is not None else (plan_read(ctx, PATH) or "").strip()
    kernel_now = planned if planned is not None else socket.gethostname()
    file_change = file_now != name
    kernel_change = kernel_now != name
    settable = can_set_kernel_name()
    result = {"name": name, "changed": file_change or (kernel_change and settable),
              "ansible_facts": _facts(name)}
    if kernel_change and not settable:
        result["warnings"] = ["the running hostname stays %r: this host (a container?) may not change it; "
                              "%s says %r" % (kernel_now, PATH, name)]
        result["ansible_facts"] = dict(_facts(name), ansible_hostname=kernel_now.split(".")[0],
                                       ansible_nodename=kernel_now)
    if ctx.diff and result["changed"]:
        result["diff"] = {"before": "hostname = %s\n" % (file_now if file_change else kernel_now),
                          "after": "hostname = %s\n" % name}
    if not result["changed"]:
        return result
    if ctx.check:
        record(ctx, "hostname", "name", name)
        if file_change:
            plan_write(ctx, PATH, name + "\n")
        return result
    if file_change:
        # Written in place: Docker bind-mounts /etc/hostname, so a rename over it fails.
        with open(PATH, "w") as handle:
            handle.write(name + "\n")
    if kernel_change and settable:
        tool = ["hostnamectl", "set-hostname", name] if os.path.isdir("/run/systemd/system") and shutil.which(
            "hostnamectl") else ["hostname", name]
        rc, out, err = ctx.run(tool)
        if rc != 0:
            raise ModuleFailed("Command failed rc=%d, out=%s, err=%s" % (rc, out, err), rc=rc)
    return result
