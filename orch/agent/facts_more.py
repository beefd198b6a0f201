"""More facts for setup, one function per collector as Ansible's gather_subset names them.

Each function reads /proc, /sys or /etc once and returns plain values; a part the
host does not have gives Ansible's empty value for it, never an error.
"""

import json
import os
import platform
import stat
import subprocess
import time


def read(path, default=""):
    try:
        with open(path) as handle:
            return handle.read()
    except OSError:
        return default


def virtualization():
    """virtualization_type/role: a container (docker, podman, lxc) or a VM, as far as the host shows it."""
    guest = []
    kind = ""
    cgroup = read("/proc/1/cgroup")
    environ = read("/proc/1/environ").replace("\0", "\n")
    if os.path.exists("/.dockerenv") or "docker" in cgroup:
        kind = "docker"
    elif os.path.exists("/run/.containerenv") or "container=podman" in environ:
        kind = "podman"
    elif "lxc" in cgroup or "container=lxc" in environ:
        kind = "lxc"
    if kind:
        guest = ["container", kind]
    else:
        product = read("/sys/devices/virtual/dmi/id/product_name").strip()
        vendor = read("/sys/devices/virtual/dmi/id/sys_vendor").strip()
        for needle, name in (("KVM", "kvm"), ("QEMU", "kvm"), ("VirtualBox", "virtualbox"),
                             ("VMware", "VMware"), ("Xen", "xen"), ("Microsoft", "VirtualPC")):
            if needle in product or needle in vendor:
                kind = name
                guest = [name]
                break
    return {"virtualization_type": kind or "NA", "virtualization_role": "guest" if kind else "NA",
            "virtualization_tech_guest": guest, "virtualization_tech_host": []}


def date_time():
    now = time.time()
    local, utc = time.localtime(now), time.gmtime(now)
    micro = "%06d" % int((now % 1) * 1000000)
    return {"date_time": {
        "year": time.strftime("%Y", local), "month": time.strftime("%m", local),
        "weekday": time.strftime("%A", local), "weekday_number": time.strftime("%w", local),
        "weeknumber": time.strftime("%W", local), "day": time.strftime("%d", local),
        "hour": time.strftime("%H", local), "minute": time.strftime("%M", local),
        "second": time.strftime("%S", local), "epoch": str(int(now)), "epoch_int": str(int(now)),
        "date": time.strftime("%Y-%m-%d", local), "time": time.strftime("%H:%M:%S", local),
        "iso8601_micro": time.strftime("%Y-%m-%dT%H:%M:%S", utc) + "." + micro + "Z",
        "iso8601": time.strftime("%Y-%m-%dT%H:%M:%SZ", utc),
        "iso8601_basic": time.strftime("%Y%m%dT%H%M%S", local) + micro,
        "iso8601_basic_short": time.strftime("%Y%m%dT%H%M%S", local),
        "tz": time.strftime("%Z", local), "tz_dst": time.tzname[1] if len(time.tzname) > 1 else "",
        "tz_offset": time.strftime("%z", local),
    }}


def identity():
    facts = {"effective_user_id": os.geteuid(), "effective_group_id": os.getegid(),
             "real_user_id": os.getuid(), "real_group_id": os.getgid()}
    try:
        import pwd
        facts["user_gecos"] = pwd.getpwuid(os.getuid()).pw_gecos
    except (ImportError, KeyError):
        facts["user_gecos"] = ""
    return facts


def userspace():
    return {"userspace_bits": platform.architecture()[0].replace("bit", ""),
            "userspace_architecture": platform.machine()}


def cmdline():
    parsed = {}
    for word in read("/proc/cmdline").split():
        key, sep, value = word.partition("=")
        parsed[key] = value if sep else True
    return {"cmdline": parsed, "proc_cmdline": parsed}


def selinux():
    return {"selinux": {"status": "enabled" if os.path.isdir("/sys/fs/selinux") else "disabled"}}


def apparmor():
    return {"apparmor": {"status": "enabled" if os.path.isdir("/sys/kernel/security/apparmor") else "disabled"}}


def fips():
    return {"fips": read("/proc/sys/crypto/fips_enabled").strip() == "1"}


def dns():
    nameservers = [line.split()[1] for line in read("/etc/resolv.conf").splitlines()
                   if line.startswith("nameserver") and len(line.split()) > 1]
    return {"dns": {"nameservers": nameservers} if nameservers else {}}


def chroot():
    try:
        return {"is_chroot": os.stat("/").st_ino != os.stat("/proc/1/root/.").st_ino}
    except OSError:
        return {"is_chroot": False}


def loadavg():
    load = read("/proc/loadavg").split()
    return {"loadavg": {"1m": float(load[0]), "5m": float(load[1]), "15m": float(load[2])} if len(load) >= 3 else {}}


def systemd_runs():
    """systemd is the host's init (PID 1 says so, or it left its runtime folder)."""
    return read("/proc/1/comm").strip() == "systemd" or os.path.isdir("/run/systemd/system")


def systemd():
    """systemd's version and compile-time features, where systemd runs the host (as Ansible gives them)."""
    if not systemd_runs():
        return {}
    try:
        proc = subprocess.run(["systemctl", "--version"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              universal_newlines=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return {}
    lines = proc.stdout.splitlines()
    words = lines[0].split() if lines else []
    if proc.returncode != 0 or len(words) < 2 or not words[1].isdigit():
        return {}
    return {"systemd": {"version": int(words[1]), "features": lines[1].strip() if len(lines) > 1 else ""}}


def ssh_pub_keys():
    """The host's public SSH keys, from the first folder that has any."""
    for folder in ("/etc/ssh", "/etc/openssh", "/etc"):
        facts = {}
        for kind in ("dsa", "rsa", "ecdsa", "ed25519"):
            fields = read("%s/ssh_host_%s_key.pub" % (folder, kind)).split()
            if len(fields) >= 2:
                facts["ssh_host_key_%s_public" % kind] = fields[1]
                facts["ssh_host_key_%s_public_keytype" % kind] = fields[0]
        if facts:
            return facts
    return {}


def local_facts(fact_path):
    """``ansible_local``: each NAME.fact of fact_path, run when executable, read as JSON or else INI."""
    import configparser
    import glob
    local = {}
    for path in sorted(glob.glob(os.path.join(fact_path, "*.fact"))):
        name = os.path.basename(path)[:-len(".fact")]
        try:
            if os.stat(path).st_mode & stat.S_IXUSR:
                proc = subprocess.run([path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                if proc.returncode != 0:
                    local[name] = "fact script %s failed (rc %d): %s" % (path, proc.returncode,
                                                                       proc.stderr.decode(errors="replace"))
                    continue
                text = proc.stdout.decode()
            else:
                text = read(path)
        except (OSError, UnicodeDecodeError) as exc:
            local[name] = "cannot read fact %s: %s" % (path, exc)
            continue
        try:
            local[name] = json.loads(text)
            continue
        except ValueError:
            pass
        parser = configparser.ConfigParser()
        try:
            parser.read_string(text)
            local[name] = {section: dict(parser.items(section)) for section in parser.sections()}
        except configparser.Error as exc:
            local[name] = "fact %s is neither JSON nor INI: %s" % (path, exc)
    return local


def meminfo():
    """/proc/meminfo in MB, by field name."""
    mem = {}
    for line in read("/proc/meminfo").splitlines():
        key, _, rest = line.partition(":")
        parts = rest.split()
        if parts:
            mem[key] = int(parts[0]) // 1024
    return mem


def hardware():
    mem = meminfo()
    total, free = mem.get("MemTotal", 0), mem.get("MemFree", 0)
    nocache_free = free + mem.get("Buffers", 0) + mem.get("Cached", 0)
    cpus = os.cpu_count() or 1
    sockets = {line.split(":")[1].strip() for line in read("/proc/cpuinfo").splitlines()
               if line.startswith("physical id")}
    uptime = read("/proc/uptime").split()
    return {
        "memory_mb": {"real": {"total": total, "free": free, "used": total - free},
                      "nocache": {"free": nocache_free, "used": total - nocache_free},
                      "swap": {"total": mem.get("SwapTotal", 0), "free": mem.get("SwapFree", 0),
                               "used": mem.get("SwapTotal", 0) - mem.get("SwapFree", 0),
                               "cached": mem.get("SwapCached", 0)}},
        "processor_count": max(len(sockets), 1),
        "processor_cores": cpus // max(len(sockets), 1),
        "processor_nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus,
        "processor_threads_per_core": 1,
        "uptime_seconds": int(float(uptime[0])) if uptime else 0,
    }


def network(ipv4_of):
    """interfaces, one fact per interface, all_ipv4_addresses; ``ipv4_of(name)`` reads an interface's address."""
    names = sorted(os.listdir("/sys/class/net")) if os.path.isdir("/sys/class/net") else []
    facts = {"interfaces": names, "all_ipv4_addresses": []}
    for name in names:
        base = "/sys/class/net/" + name
        address = ipv4_of(name)
        flags = int(read(base + "/flags", "0x0").strip() or "0x0", 16)
        entry = {"device": name, "active": bool(flags & 1), "promisc": bool(flags & 0x100),
                 "macaddress": read(base + "/address").strip(),
                 "mtu": int(read(base + "/mtu", "0").strip() or 0),
                 "type": "loopback" if name == "lo" else "ether"}
        if address:
            entry["ipv4"] = {"address": address}
            if not address.startswith("127."):
                facts["all_ipv4_addresses"].append(address)
        facts[name.replace("-", "_").replace(".", "_")] = entry
    return facts

