"""group: make a local group exist (with a gid) or not, Ansible's semantics.

Check mode records the would-be group in the overlay ("group", name) so a
later ``user: group=NAME`` plans against it instead of failing.
"""

from ..context import ModuleFailed
from ..sys_common import choice, opt_bool, record, run_ok, safe_name
from .. import sys_users


def run(ctx, args):
    name = args.get("name")
    if not name:
        raise ModuleFailed("missing required argument: name")
    name = safe_name(name, "group name", slash_ok=False)
    state = choice(args, "state", ("present", "absent"), "present")
    gid = args.get("gid")
    gid = int(gid) if gid not in (None, "") else None
    system = opt_bool(args, "system", False)
    local, non_unique, force = (opt_bool(args, key, False) for key in ("local", "non_unique", "force"))
    limits = _limits(args, local, force, non_unique, gid)
    tool = "lgroup" if local else "group"  # local: libuser's tools, the local files only
    current = sys_users.group(ctx, name)
    result = {"name": name, "state": state, "system": system}
    argv = None
    same_gid = ["-o"] if non_unique else []
    if state == "absent":
        if current is not None:
            argv = [tool + "del"] + (["-f"] if force else []) + [name]
            after = None
    elif current is None:
        argv = [tool + "add"] + (["-g", str(gid)] + same_gid if gid is not None else []) + (["-r"] if system else [])
        argv += limits + [name]
        holder = sys_users.group(ctx, str(gid)) if gid is not None and not non_unique else None
        if holder is not None:
            raise ModuleFailed("GID '%d' already exists with group '%s'" % (gid, holder["name"]))
        after = {"name": name, "gid": gid, "members": []}
    elif gid is not None and current.get("gid") != gid:
        argv = [tool + "mod", "-g", str(gid)] + same_gid + [name]
        after = dict(current, gid=gid)
    if argv is None:
        if current is not None:
            result["gid"] = current.get("gid")
        return dict(result, changed=False)
    if ctx.diff:
        result["diff"] = {"before": _describe(current), "after": _describe(after)}
    if ctx.check:
        record(ctx, "group", name, after)
        if after is not None:
            result["gid"] = after.get("gid")
        return dict(result, changed=True)
    run_ok(ctx, argv, argv[0])
    if after is not None:
        result["gid"] = sys_users.host_group(name)["gid"]
    return dict(result, changed=True)


def _limits(args, local, force, non_unique, gid):
    """groupadd's -K options for gid_min/gid_max, after Ansible's checks of the options together."""
    if non_unique and gid is None:
        raise ModuleFailed("non_unique is True but all of the following are missing: gid")
    if force and local:
        raise ModuleFailed("force is not a valid option for local, force=True and local=True are mutually exclusive")
    limits = []
    for key, setting in (("gid_min", "GID_MIN"), ("gid_max", "GID_MAX")):
        if args.get(key) not in (None, ""):
            if local:
                raise ModuleFailed("'%s' can not be used with 'local'" % key)
            limits += ["-K", "%s=%d" % (setting, int(args[key]))]
    return limits


def _describe(group):
    if group is None:
        return {"state": "absent"}
    return {"state": "present", "gid": group.get("gid")}
