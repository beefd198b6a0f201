"""authorized_key: add/remove SSH keys in a user's authorized_keys file.

Reads through the overlay: ("authorized_key", user) holds the would-be file
lines of a planned step, and a planned user ("user", name) gives the home,
so ``user`` + ``authorized_key`` plan cleanly before the user exists.
"""

import os
import urllib.request

from ..context import ModuleFailed
from ..sys_common import (choice, safe_name, opt_bool, plan_isdir, plan_mkdir, plan_read, plan_write, record, text_diff,
                          write_atomic)
from .. import sys_keys, sys_users


def _key_text(key, validate_certs):
    if str(key).startswith(("http://", "https://")):
        import ssl
        context = None if validate_certs else ssl._create_unverified_context()
        try:
            with urllib.request.urlopen(str(key), timeout=30, context=context) as resp:
                return resp.read().decode("utf-8", "replace")
        except Exception as exc:
            raise ModuleFailed("Error getting key from: %s: %s" % (key, exc))
    return str(key)


def run(ctx, args):
    user, key = args.get("user"), args.get("key")
    if not user or key is None:
        raise ModuleFailed("missing required arguments: user, key")
    user = safe_name(user, "user", slash_ok=False)
    state = choice(args, "state", ("present", "absent"), "present")
    exclusive = opt_bool(args, "exclusive", False)
    manage_dir = opt_bool(args, "manage_dir", True)
    validate_certs = opt_bool(args, "validate_certs", True)
    home = sys_users.home_of(ctx, user)
    if home is None:
        raise ModuleFailed("Either user must exist or you must provide full path to key file in check mode"
                           if ctx.check else "Failed to lookup user %s" % user)
    path = os.path.expanduser(str(args["path"])) if args.get("path") else os.path.join(home, ".ssh", "authorized_keys")
    if args.get("path") and str(args["path"]).startswith("~"):
        path = os.path.join(home, str(args["path"])[2:])
    try:
        keys = sys_keys.wanted_keys(_key_text(key, validate_certs), args.get("key_options"), args.get("comment"))
    except ValueError as exc:
        raise ModuleFailed(str(exc))
    before = plan_read(ctx, path)
    lines = (before or "").splitlines()
    new_lines = sys_keys.merge(lines, keys, state, exclusive)
    after = "".join(line + "\n" for line in new_lines)
    changed = new_lines != lines
    result = {"user": user, "key": str(key), "key_options": args.get("key_options"), "keyfile": path,
              "path": args.get("path"), "manage_dir": manage_dir, "state": state, "exclusive": exclusive,
              "comment": args.get("comment"), "validate_certs": validate_certs, "changed": changed}
    if changed and ctx.diff:
        result["diff"] = text_diff(before, after, path + " (before)", path + " (after)")
    if not changed:
        return result
    if ctx.check:
        uid, gid = sys_users.ids_of(ctx, user)
        if manage_dir and not plan_isdir(ctx, os.path.dirname(path)):
            plan_mkdir(ctx, os.path.dirname(path), 0o700, uid, gid)
        plan_write(ctx, path, after, 0o600, uid if manage_dir else None, gid if manage_dir else None)
        record(ctx, "authorized_key", user, new_lines)
        return result
    uid, gid = sys_users.ids_of(ctx, user)
    directory = os.path.dirname(path)
    if not os.path.isdir(directory):
        if not manage_dir:
            raise ModuleFailed("directory %s does not exist (manage_dir is off)" % directory)
        os.makedirs(directory, 0o700)
        if uid is not None:
            os.chown(directory, uid, gid)
    write_atomic(path, after, mode=0o600, uid=uid if manage_dir else None, gid=gid if manage_dir else None)
    return result
