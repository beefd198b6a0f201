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

from .. import facts_more
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
    return {
        "distribution": name,
        "distribution_version": version,
        "distribution_major_version": version.split(".")[0] if version else "",
        "distribution_release": rel.get("VERSION_CODENAME", ""),
        "os_family": family,
        "pkg_mgr": _PKG_MGRS.get(family, "unknown"),
    }


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
    comm = _read("/proc/1/comm").strip()
    if comm == "systemd" or os.path.isdir("/run/systemd/system"):
        return "systemd"
    return comm or "unknown"


def _user():
    uid = os.getuid()
    facts = {"user_uid": uid, "user_gid": os.getgid()}
    try:
        import pwd
        entry = pwd.getpwuid(uid)
        facts.update(user_id=entry.pw_name, user_dir=entry.pw_dir, user_shell=entry.pw_shell)
    except (ImportError, KeyError):
        facts["user_id"] = str(uid)
    return facts


def _subsets(wanted):
    """The optional parts gather_subset asks for: 'all', names, '!name' (min is always gathered)."""
    words = wanted if isinstance(wanted, list) else [w.strip() for w in str(wanted or "all").split(",")]
    chosen = set()
    for word in words:
        word = str(word).strip()
        if word == "all":
            chosen.update(facts_more.SUBSETS)
        elif word == "!all":
            chosen.clear()
        elif word.startswith("!"):
            chosen.discard(word[1:])
        elif word in facts_more.SUBSETS:
            chosen.add(word)
        elif word not in ("min", "!min"):
            raise ModuleFailed("gather_subset: unknown subset %r (known: all, min, %s)"
                               % (word, ", ".join(facts_more.SUBSETS)))
    return chosen


def gather(subsets=facts_more.SUBSETS):
    uname = os.uname()
    fqdn = socket.getfqdn()
    hostname = uname.nodename.split(".")[0]
    facts = {
        "hostname": hostname,
        "nodename": uname.nodename,
        "fqdn": fqdn,
        "domain": fqdn.partition(".")[2],
        "system": uname.sysname,
        "kernel": uname.release,
        "kernel_version": uname.version,
        "architecture": uname.machine,
        "machine": uname.machine,
        "python_version": platform.python_version(),
        "python": {"executable": sys.executable, "version": {
            "major": sys.version_info[0], "minor": sys.version_info[1], "micro": sys.version_info[2]}},
        "service_mgr": _service_mgr(),
        "machine_id": _read("/etc/machine-id").strip(),
        "env": dict(os.environ),
        "module_setup": True,
    }
    facts.update(_distribution())
    facts.update(_user())
    facts.update(facts_more.identity())
    facts.update(facts_more.platform_more())
    facts.update(facts_more.date_time())
    if "hardware" in subsets:
        facts.update(_memory())
        facts.update(facts_more.hardware())
        facts["processor_vcpus"] = os.cpu_count() or 1
    if "network" in subsets:
        facts["default_ipv4"] = _default_ipv4()
        facts.update(facts_more.network(_interface_ipv4))
    if "virtual" in subsets:
        facts.update(facts_more.virtualization())
    return facts


def run(ctx, args):
    wanted = args.get("gather_subset") or ["all"]
    facts = gather(_subsets(wanted))
    facts["gather_subset"] = wanted if isinstance(wanted, list) else [str(wanted)]
    wanted = args.get("filter")
    if wanted:
        import fnmatch
        patterns = wanted if isinstance(wanted, list) else [p.strip() for p in str(wanted).split(",")]
        facts = {k: v for k, v in facts.items()
                 if any(fnmatch.fnmatch(k, p) or fnmatch.fnmatch("ansible_" + k, p) for p in patterns)}
    return {"changed": False, "ansible_facts": facts}
