"""setup: gather facts in one pass from /proc, /etc and the stdlib.

Facts are returned without the ``ansible_`` prefix under ``ansible_facts`` (short
on the wire); the controller adds it to the result, as Ansible's setup has it.
"""

import fcntl
import os
import platform
import socket
import struct
import sys

from .. import facts_more, facts_select
from ..context import ModuleFailed


_read = facts_more.read


def _os_release():
    info = {}
    for line in _read("/etc/os-release").splitlines():
        key, sep, value = line.partition("=")
        if sep:
            info[key.strip()] = value.strip().strip('"')
    return info


_FAMILIES = {
    "debian": "Debian", "ubuntu": "Debian", "raspbian": "Debian", "linuxmint": "Debian",
    "centos": "RedHat", "rhel": "RedHat", "fedora": "RedHat", "rocky": "RedHat", "almalinux": "RedHat",
    "amzn": "RedHat", "ol": "RedHat", "alpine": "Alpine", "arch": "Archlinux", "opensuse": "Suse",
    "sles": "Suse", "opensuse-leap": "Suse", "gentoo": "Gentoo",
}
_PKG_MGRS = {"Debian": "apt", "RedHat": "dnf", "Alpine": "apk", "Archlinux": "pacman", "Suse": "zypper"}


def _distribution():
    rel = _os_release()
    dist_id = rel.get("ID", platform.system().lower())
    version = rel.get("VERSION_ID", "")
    if dist_id == "debian":
        # /etc/debian_version has the point release (12.5), os-release only the major.
        version = _read("/etc/debian_version").strip() or version
    family = _FAMILIES.get(dist_id) or _FAMILIES.get(rel.get("ID_LIKE", "").split(" ")[0], rel.get("NAME", dist_id))
    name = rel.get("NAME", dist_id).split(" ")[0]
    if dist_id == "rhel":
        name = "RedHat"
    facts = {
        "distribution": name,
        "distribution_version": version,
        "distribution_major_version": version.split(".")[0] if version else "",
        "distribution_release": rel.get("VERSION_CODENAME", ""),
        "os_family": family,
        "pkg_mgr": _PKG_MGRS.get(family, "unknown"),
    }
    if version.count(".") >= 1:
        facts["distribution_minor_version"] = version.split(".")[1]
    return facts


def _memory():
    mem = facts_more.meminfo()
    return {"memtotal_mb": mem.get("MemTotal", 0), "memfree_mb": mem.get("MemFree", 0),
            "swaptotal_mb": mem.get("SwapTotal", 0), "swapfree_mb": mem.get("SwapFree", 0)}


def _interface_ipv4(name):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        packed = fcntl.ioctl(sock.fileno(), 0x8915, struct.pack("256s", name[:15].encode()))  # SIOCGIFADDR
        return socket.inet_ntoa(packed[20:24])
    except OSError:
        return None
    finally:
        sock.close()


def _default_ipv4():
    for line in _read("/proc/net/route").splitlines()[1:]:
        fields = line.split()
        if len(fields) > 2 and fields[1] == "00000000":
            gateway = socket.inet_ntoa(struct.pack("<L", int(fields[2], 16)))
            address = _interface_ipv4(fields[0])
            return {"interface": fields[0], "gateway": gateway, "address": address or ""}
    return {}


def _service_mgr():
    if facts_more.systemd_runs():
        return "systemd"
    return _read("/proc/1/comm").strip() or "unknown"


def _user():
    uid = os.getuid()
    facts = {"user_uid": uid, "user_gid": os.getgid()}
    try:
        import pwd
        entry = pwd.getpwuid(uid)
        facts.update(user_id=entry.pw_name, user_dir=entry.pw_dir, user_shell=entry.pw_shell)
    except (ImportError, KeyError):
        facts["user_id"] = str(uid)
    facts.update(facts_more.identity())
    return facts


def _platform():
    uname = os.uname()
    fqdn = socket.getfqdn()
    facts = {
        "hostname": uname.nodename.split(".")[0], "nodename": uname.nodename, "fqdn": fqdn,
        "domain": fqdn.partition(".")[2], "system": uname.sysname, "kernel": uname.release,
        "kernel_version": uname.version, "architecture": uname.machine, "machine": uname.machine,
        "python_version": platform.python_version(), "machine_id": _read("/etc/machine-id").strip(),
    }
    facts.update(facts_more.userspace())
    return facts


def _python():
    info = sys.version_info
    return {"python": {
        "version": {"major": info[0], "minor": info[1], "micro": info[2], "releaselevel": info[3], "serial": info[4]},
        "version_info": list(info), "executable": sys.executable, "has_sslcontext": True,
        "type": sys.implementation.name}}


def _hardware():
    facts = _memory()
    facts.update(facts_more.hardware())
    facts["processor_vcpus"] = os.cpu_count() or 1
    return facts


def _network():
    facts = {"default_ipv4": _default_ipv4()}
    facts.update(facts_more.network(_interface_ipv4))
    return facts


def _nothing():
    return {}


# One function per collector of facts_select.COLLECTORS, in the order they are gathered.
_COLLECTORS = (
    ("platform", _platform),
    ("distribution", lambda: {k: v for k, v in _distribution().items() if k != "pkg_mgr"}),
    ("lsb", lambda: {"lsb": {}}),
    ("selinux", facts_more.selinux),
    ("apparmor", facts_more.apparmor),
    ("chroot", facts_more.chroot),
    ("fips", facts_more.fips),
    ("python", _python),
    ("caps", _nothing),  # Ansible reads these with capsh, which hosts rarely have
    ("pkg_mgr", lambda: {"pkg_mgr": _distribution()["pkg_mgr"]}),
    ("service_mgr", lambda: {"service_mgr": _service_mgr()}),
    ("cmdline", facts_more.cmdline),
    ("date_time", facts_more.date_time),
    ("env", lambda: {"env": dict(os.environ)}),
    ("loadavg", facts_more.loadavg),
    ("ssh_pub_keys", facts_more.ssh_pub_keys),
    ("user", _user),
    ("systemd", facts_more.systemd),
    ("dns", facts_more.dns),
    ("hardware", _hardware),
    ("network", _network),
    ("virtual", facts_more.virtualization),
)


def gather(collectors=facts_select.COLLECTORS, fact_path="/etc/ansible/facts.d"):
    facts = {}
    for name, collect in _COLLECTORS:
        if name in collectors:
            facts.update(collect())
    if "local" in collectors:
        facts["local"] = facts_more.local_facts(fact_path)
    return facts


def _filtered(facts, wanted):
    import fnmatch
    patterns = wanted if isinstance(wanted, list) else [p.strip() for p in str(wanted).split(",")]
    return {k: v for k, v in facts.items()
            if any(fnmatch.fnmatch(k, p) or fnmatch.fnmatch("ansible_" + k, p) for p in patterns)}


def run(ctx, args):
    # gather_timeout is accepted; every collector here reads local files and ends quickly.
    wanted = args.get("gather_subset") or ["all"]
    try:
        collectors = facts_select.collectors(wanted)
    except ValueError as exc:
        raise ModuleFailed(str(exc))
    facts = gather(collectors, args.get("fact_path") or "/etc/ansible/facts.d")
    facts["gather_subset"] = facts_select.words(wanted)
    facts["module_setup"] = True
    if args.get("filter"):
        facts = _filtered(facts, args["filter"])
    if "env" in facts and ctx.env:  # the task's environment is the module's, as in Ansible
        facts["env"] = dict(facts["env"], **{str(k): str(v) for k, v in ctx.env.items()})
    return {"changed": False, "ansible_facts": facts}
