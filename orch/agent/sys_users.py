"""Users and groups as the host has them, seen through the plan overlay.

A user is a dict: name, uid, gid, group (name), groups (supplementary names),
home, shell, comment, password (hash or None), aging (shadow's min, max, warn, inactive and
expire days; -1 where empty). A group: name, gid, members.
Overlay kinds: ("user", name) and ("group", name); ``None`` means absent.
A planned user/group may have ``uid``/``gid`` None (allocated at apply time).
"""

from __future__ import annotations

import grp
import pwd
import re
import time

from .context import MISSING
from .sys_common import read_text


def host_group(name):
    try:
        g = grp.getgrgid(int(name)) if str(name).isdigit() else grp.getgrnam(str(name))
    except (KeyError, OverflowError):
        return None
    return {"name": g.gr_name, "gid": g.gr_gid, "members": list(g.gr_mem)}


def group(ctx, name):
    """A group by name or gid: the overlay first, then the host."""
    name = str(name)
    if not name.isdigit():
        value = ctx.overlay.get("group", name)
        if value is not MISSING:
            return value
        return host_group(name)
    gid = int(name)
    for planned in ctx.overlay.items("group").values():
        if planned and planned.get("gid") == gid:
            return planned
    found = host_group(name)
    if found and ctx.overlay.get("group", found["name"]) is None:
        return None  # planned for removal
    return found


AGING = ("min", "max", "warn", "inactive", "expire")  # shadow's fields 4 to 8, in days


def _shadow(name):
    """(hash, aging) of the user's /etc/shadow line, or (None, {}) without one."""
    for line in (read_text("/etc/shadow") or "").splitlines():
        fields = line.split(":")
        if fields[0] == name and len(fields) > 1:
            days = (fields[3:8] + [""] * 5)[:5]
            return fields[1], {key: int(v) if v.lstrip("-").isdigit() else -1 for key, v in zip(AGING, days)}
    return None, {}


def host_user(name):
    try:
        p = pwd.getpwnam(name)
    except KeyError:
        return None
    primary = host_group(str(p.pw_gid))
    password, aging = _shadow(name)
    groups = sorted(g.gr_name for g in grp.getgrall() if name in g.gr_mem and g.gr_gid != p.pw_gid)
    return {"name": p.pw_name, "uid": p.pw_uid, "gid": p.pw_gid,
            "group": primary["name"] if primary else str(p.pw_gid), "groups": groups,
            "home": p.pw_dir, "shell": p.pw_shell, "comment": p.pw_gecos,
            "password": password, "aging": aging}


def user(ctx, name):
    value = ctx.overlay.get("user", name)
    if value is not MISSING:
        return value
    found = host_user(name)
    if found is not None:
        # Supplementary groups an earlier planned step would remove are gone.
        found["groups"] = [g for g in found["groups"] if ctx.overlay.get("group", g) is not None]
    return found


def home_of(ctx, name):
    """A user's home (planned or real) or None when the user does not exist."""
    found = user(ctx, name)
    return found["home"] if found else None


def ids_of(ctx, name):
    """(uid, gid) of a user: real numbers, or None for what is only planned."""
    try:
        p = pwd.getpwnam(name)
        return p.pw_uid, p.pw_gid
    except KeyError:
        return None, None


def home_mode(login_defs):
    """The mode of a home made for an existing user, as Ansible's user module picks it from login.defs'
    text (None: no such file): HOME_MODE first, else the last UMASK before it, else 0755."""
    if login_defs is None:
        return None
    mode = 0o755
    for line in login_defs.splitlines():
        match = re.match(r"^HOME_MODE\s+(\d+)$", line)
        if match:
            return int(match.group(1), 8)
        match = re.match(r"^UMASK\s+(\d+)$", line)
        if match:
            mode = 0o777 & ~int(match.group(1), 8)
    return mode


def expires_words(wanted, current_days):
    """useradd/usermod ``-e`` words for Ansible's ``expires`` (seconds since the epoch; negative: never)
    against shadow's expire day (-1: none; None: a new account); [] when it already holds.
    As Ansible's: dates compare by day, in UTC."""
    if wanted is None:
        return []
    if wanted < 0:
        return ["-e", ""] if current_days is None or current_days >= 0 else []
    day = time.gmtime(wanted)
    if current_days is None or current_days < 0 or time.gmtime(current_days * 86400)[:3] != day[:3]:
        return ["-e", time.strftime("%Y-%m-%d", day)]
    return []


def expire_day(wanted):
    """The expire day shadow holds after ``expires_words``."""
    return -1 if wanted < 0 else int(wanted // 86400)


def chage_words(wanted, aging):
    """chage options for password_expire_min/max/warn (``wanted``: key -> days or None) that differ."""
    words = []
    for key, flag in (("min", "-m"), ("max", "-M"), ("warn", "-W")):
        if wanted.get(key) is not None and int(wanted[key]) != aging.get(key):
            words += [flag, str(int(wanted[key]))]
    return words

