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
    current = sys_users.group(ctx, name)
    result = {"name": name, "state": state, "system": system}
    argv = None
    if state == "absent":
        if current is not None:
            argv = ["groupdel", name]
            after = None
    elif current is None:
        argv = ["groupadd"] + (["-g", str(gid)] if gid is not None else []) + (["-r"] if system else []) + [name]
        if gid is not None and sys_users.group(ctx, str(gid)) is not None:
            raise ModuleFailed("gid %d is already used by group %s" % (gid, sys_users.group(ctx, str(gid))["name"]))
        after = {"name": name, "gid": gid, "members": []}
    elif gid is not None and current.get("gid") != gid:
        argv = ["groupmod", "-g", str(gid), name]
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


def _describe(group):
    if group is None:
        return {"state": "absent"}
    return {"state": "present", "gid": group.get("gid")}
