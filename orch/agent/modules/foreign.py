"""An Ansible module orch has no native code for, run from its own source (see ../foreign.py)."""

from .. import foreign


def run(ctx, args):
    found = foreign.package(args)
    if isinstance(found, list):
        # Not a failure of the module: the controller sends these and asks again.
        return {"failed": True, "changed": False, "_needs": found,
                "msg": "the host lacks parts of module %s" % args.get("name")}
    entry, manifest = found
    params = dict(args.get("params") or {})
    params["_ansible_check_mode"] = bool(ctx.check)
    params["_ansible_diff"] = bool(ctx.diff)
    return foreign.execute(entry, manifest, params, ctx.env)
