"""Users and groups as the host has them, seen through the plan overlay.

A user is a dict: name, uid, gid, group (name), groups (supplementary names),
home, shell, comment, password (hash or None). A group: name, gid, members.
Overlay kinds: ("user", name) and ("group", name); ``None`` means absent.
A planned user/group may have ``uid``/``gid`` None (allocated at apply time).
"""

from __future__ import annotations

import grp
import pwd
import re

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


def _shadow_hash(name):
    text = read_text("/etc/shadow")
    if text is None:
        return None
    for line in text.splitlines():
        fields = line.split(":")
        if fields[0] == name and len(fields) > 1:
            return fields[1]
    return None


def host_user(name):
    try:
        p = pwd.getpwnam(name)
    except KeyError:
        return None
    primary = host_group(str(p.pw_gid))
    groups = sorted(g.gr_name for g in grp.getgrall() if name in g.gr_mem and g.gr_gid != p.pw_gid)
    return {"name": p.pw_name, "uid": p.pw_uid, "gid": p.pw_gid,
            "group": primary["name"] if primary else str(p.pw_gid), "groups": groups,
            "home": p.pw_dir, "shell": p.pw_shell, "comment": p.pw_gecos,
            "password": _shadow_hash(name)}


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
