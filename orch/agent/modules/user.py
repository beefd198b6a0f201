"""user: local accounts with useradd/usermod/userdel, Ansible's semantics.

Groups named in ``group``/``groups`` must exist on the host or be planned
by an earlier step (overlay); check mode records the would-be user in the
overlay ("user", name) with its home, so authorized_key/cron can plan on it.
"""

import os
import re

from ..context import ModuleFailed
from ..sys_common import as_list, choice, opt_bool, read_text, record, run_ok, safe_name
from .. import ssh_keygen, sys_users

_FIELDS = ("uid", "group", "groups", "home", "shell", "comment")


def _useradd_default(key, fallback):
    for line in (read_text("/etc/default/useradd") or "").splitlines():
        k, sep, v = line.strip().partition("=")
        if sep and k == key and v:
            return v
    return fallback


def _resolve_group(ctx, name):
    found = sys_users.group(ctx, name)
    if found is None:
        raise ModuleFailed("Group %s does not exist" % name)
    return found


def _plan_new(ctx, name, args, system):
    """useradd argv and the user it would make."""
    argv = ["useradd"]
    user = {"name": name, "uid": None, "gid": None, "groups": [], "comment": "", "password": None}
    if args.get("uid") not in (None, ""):
        user["uid"] = int(args["uid"])
        argv += ["-u", str(user["uid"])] + (["-o"] if opt_bool(args, "non_unique", False) else [])
    new_group = None
    if args.get("group") not in (None, ""):
        g = _resolve_group(ctx, str(args["group"]))
        argv += ["-g", str(args["group"])]
        user["group"], user["gid"] = g["name"], g.get("gid")
    elif sys_users.group(ctx, name) is not None:
        # A group with the user's name exists: useradd must not try to create it.
        argv.append("-N")
        g = sys_users.group(ctx, _useradd_default("GROUP", "100")) or {"name": "users", "gid": 100}
        user["group"], user["gid"] = g["name"], g.get("gid")
    else:
        user["group"] = name
        new_group = {"name": name, "gid": None, "members": []}
    if args.get("groups") is not None:
        groups = [_resolve_group(ctx, g)["name"] for g in as_list(args["groups"])]
        user["groups"] = sorted(set(groups) - {user["group"]})
        if groups:
            argv += ["-G", ",".join(groups)]
    if args.get("comment") is not None:
        user["comment"] = str(args["comment"])
        argv += ["-c", user["comment"]]
    user["home"] = str(args.get("home") or os.path.join(_useradd_default("HOME", "/home"), name))
    if args.get("home"):
        argv += ["-d", user["home"]]
    user["shell"] = str(args.get("shell") or _useradd_default("SHELL", "/bin/sh"))
    if args.get("shell"):
        argv += ["-s", user["shell"]]
    if args.get("password") is not None:
        user["password"] = ("!%s" if opt_bool(args, "password_lock", False) else "%s") % args["password"]
        argv += ["-p", user["password"]]
    user["aging"] = {"expire": -1}  # useradd's shadow line: no expiry
    if args.get("expires") is not None:
        argv += sys_users.expires_words(float(args["expires"]), None)
        user["aging"] = {"expire": sys_users.expire_day(float(args["expires"]))}
    if args.get("password_expire_account_disable") is not None:
        argv += ["-f", str(int(args["password_expire_account_disable"]))]
    if system:
        argv.append("-r")
    create_home = opt_bool(args, "create_home", opt_bool(args, "createhome", True))
    argv.append("-m" if create_home else "-M")
    if create_home and args.get("skeleton"):
        argv += ["-k", str(args["skeleton"])]
    if create_home and args.get("umask") is not None:
        argv += ["-K", "UMASK=%s" % args["umask"]]
    for key in ("uid_min", "uid_max"):  # login.defs' values for this useradd only
        if args.get(key) is not None:
            argv += ["-K", "%s=%d" % (key.upper(), int(args[key]))]
    argv.append(name)
    return argv, user, new_group


def _plan_change(ctx, current, args):
    """usermod options (without the name) and the user after them."""
    opts, after = [], dict(current)
    if args.get("uid") not in (None, "") and int(args["uid"]) != current.get("uid"):
        after["uid"] = int(args["uid"])
        opts += ["-u", str(after["uid"])] + (["-o"] if opt_bool(args, "non_unique", False) else [])
    if args.get("group") not in (None, ""):
        g = _resolve_group(ctx, str(args["group"]))
        if g["name"] != current.get("group"):
            after["group"], after["gid"] = g["name"], g.get("gid")
            opts += ["-g", str(args["group"])]
    if args.get("groups") is not None:
        wanted = set(_resolve_group(ctx, g)["name"] for g in as_list(args["groups"])) - {after.get("group")}
        have = set(current.get("groups") or [])
        if opt_bool(args, "append", False):
            if not wanted <= have:
                after["groups"] = sorted(have | wanted)
                opts += ["-a", "-G", ",".join(sorted(wanted))]
        elif wanted != have:
            after["groups"] = sorted(wanted)
            opts += ["-G", ",".join(sorted(wanted))]
    if args.get("comment") is not None and str(args["comment"]) != current.get("comment"):
        after["comment"] = str(args["comment"])
        opts += ["-c", after["comment"]]
    if args.get("home") and str(args["home"]) != current.get("home"):
        after["home"] = str(args["home"])
        opts += ["-d", after["home"]] + (["-m"] if opt_bool(args, "move_home", False) else [])
    if args.get("shell") and str(args["shell"]) != current.get("shell"):
        after["shell"] = str(args["shell"])
        opts += ["-s", after["shell"]]
    aging = current.get("aging") or {}
    if args.get("expires") is not None:
        # No shadow line at all counts as day 0, as Ansible reads it: usermod then writes one.
        words = sys_users.expires_words(float(args["expires"]), aging.get("expire", 0))
        if words:
            after["aging"] = dict(aging, expire=sys_users.expire_day(float(args["expires"])))
            opts += words
    inactive = args.get("password_expire_account_disable")
    if inactive is not None and int(inactive) != aging.get("inactive"):
        after["aging"] = dict(after.get("aging") or aging, inactive=int(inactive))
        opts += ["-f", str(int(inactive))]
    update = choice(args, "update_password", ("always", "on_create"), "always")
    lock, hashed = opt_bool(args, "password_lock", None), current.get("password") or ""
    wanted = args.get("password")
    if wanted is not None and update == "always" and hashed.lstrip("!") != str(wanted).lstrip("!"):
        # a new hash, locked or not in the same usermod (as Ansible's: its -L/-U give way to -p)
        after["password"] = ("!%s" if lock else "%s") % wanted
        opts += ["-p", after["password"]]
    elif lock and not hashed.startswith("!"):
        after["password"] = "!" + hashed
        opts.append("-L")
    elif lock is False and hashed.startswith("!"):
        after["password"] = hashed[1:]
        opts.append("-U")
    return opts, after


# crypt(3)'s hash length by scheme (md5, sha256, sha512, yescrypt), and its alphabet
_HASH_LENGTHS = {"1": 22, "5": 43, "6": 86, "y": 43}
_NOT_CRYPT = re.compile(r"[^A-Za-z0-9./=]")
APPEND_WARNING = ("'append' is set, but no 'groups' are specified. Use 'groups' for appending new groups."
                  "This will change to an error in Ansible 2.14.")
PLAINTEXT_WARNING = ("The input password appears not to have been hashed. "
                     "The 'password' argument must be encrypted for this module to work properly.")


def looks_unhashed(password):
    """True for a password that cannot be a crypt(3) hash, which usermod would store as it is
    (Ansible warns then); '!' and '*' lock or disable the account and are fine."""
    if password in ("*", "!", "*************"):
        return False
    fields = password.split("$")
    if any(c in password for c in ":*!") or len(fields) < 3:
        return True
    digest = fields[-1]
    return bool(_NOT_CRYPT.search(digest)) or _HASH_LENGTHS.get(fields[1], len(digest)) != len(digest)


def _public(user):
    if user is None:
        return {"state": "absent"}
    return dict({k: user.get(k) for k in _FIELDS}, state="present")


def _make_home(user, skeleton=None):
    """Create a missing home like useradd -m would (skeleton files, owner), its mode as Ansible sets it."""
    home = user["home"]
    skeleton = skeleton or "/etc/skel"
    if os.path.isdir(skeleton):
        import shutil

        shutil.copytree(skeleton, home, symlinks=True)
    else:
        os.makedirs(home)
    mode = sys_users.home_mode(read_text("/etc/login.defs"))
    if mode is not None:
        os.chmod(home, mode)
    for root, dirs, files in os.walk(home):
        for entry in [root] + [os.path.join(root, x) for x in dirs + files]:
            os.lchown(entry, user["uid"], user["gid"])


def run(ctx, args):
    name = args.get("name")
    if not name:
        raise ModuleFailed("missing required argument: name")
    name = safe_name(name, "user name", slash_ok=False)
    args = dict(args)
    for key in ("shell", "home"):  # paths to Ansible: ~ and $VARS expand on the host
        if args.get(key) not in (None, ""):
            args[key] = os.path.expanduser(os.path.expandvars(str(args[key])))
    for key in ("group", "shell", "home"):
        if args.get(key) not in (None, ""):
            safe_name(args[key], key)
    for g in as_list(args.get("groups")):
        safe_name(g, "group name", slash_ok=False)
    state = choice(args, "state", ("present", "absent"), "present")
    for key in ("umask", "uid_min", "uid_max"):  # useradd -K settings, which luseradd lacks (Ansible's check)
        if opt_bool(args, "local", False) and args.get(key) is not None:
            raise ModuleFailed("'%s' can not be used with 'local'" % key)
    system = opt_bool(args, "system", False)
    current = sys_users.user(ctx, name)
    warnings = [APPEND_WARNING] if args.get("groups") is None and opt_bool(args, "append", False) else []
    if state == "absent":
        result = {"name": name, "state": "absent", "force": opt_bool(args, "force", False),
                  "remove": opt_bool(args, "remove", False)}
        if warnings:
            result["warnings"] = warnings
        if current is None:
            return dict(result, changed=False)
        if ctx.diff:
            result["diff"] = {"before": _public(current), "after": _public(None)}
        if not ctx.check:
            argv = ["userdel"] + (["-r"] if result["remove"] else []) + (["-f"] if result["force"] else [])
            rc, out, err = ctx.run(argv + [name])
            # userdel -r exits 12 when only the mail spool/home was missing: the user is gone.
            if rc != 0 and not (rc == 12 and sys_users.host_user(name) is None):
                raise ModuleFailed("userdel failed (rc=%d): %s" % (rc, err.strip()), rc=rc, stderr=err)
        record(ctx, "user", name, None)
        return dict(result, changed=True)

    create_home = opt_bool(args, "create_home", opt_bool(args, "createhome", True))
    result = {"name": name, "state": "present", "system": system, "create_home": create_home,
              "append": opt_bool(args, "append", False), "move_home": opt_bool(args, "move_home", False)}
    if warnings:
        result["warnings"] = warnings
    if args.get("password") is not None:
        result["password"] = "NOT_LOGGING_PASSWORD"
        if looks_unhashed(str(args["password"])):
            result.setdefault("warnings", []).append(PLAINTEXT_WARNING)
    if current is None:
        argv, after, new_group = _plan_new(ctx, name, args, system)
        changed, make_home = True, False
    else:
        opts, after = _plan_change(ctx, current, args)
        argv = ["usermod"] + opts + [name] if opts else None
        new_group = None
        # Ansible creates a missing home of an existing user when create_home is on.
        make_home = (create_home and current.get("uid") is not None and "-m" not in opts
                     and after["home"] != "/nonexistent" and not os.path.isdir(after["home"]))
        changed = bool(argv) or make_home
    expiry = {key: args.get("password_expire_" + key) for key in ("min", "max", "warn")}
    chage = sys_users.chage_words(expiry, (after.get("aging") or {}) if current is not None else {})
    if current is not None and chage:  # a new account is a change already; its days are known after useradd
        changed = True
        after["aging"] = dict(after.get("aging") or {}, **{k: int(v) for k, v in expiry.items() if v is not None})
    if ctx.diff and changed:
        result["diff"] = {"before": _public(current), "after": _public(after)}
    if changed and ctx.check:
        record(ctx, "user", name, after)
        if new_group is not None:
            record(ctx, "group", name, new_group)
    elif changed:
        if argv:
            run_ok(ctx, argv, argv[0])
        after = sys_users.host_user(name)
        chage = sys_users.chage_words(expiry, after.get("aging") or {})
        if chage:
            run_ok(ctx, ["chage"] + chage + [name], "chage")
        if make_home:
            _make_home(after, args.get("skeleton"))
    if opt_bool(args, "generate_ssh_key", False):
        keyed, keys, warnings = ssh_keygen.generate(ctx, args, after)
        changed = changed or keyed
        result.update(keys)
        if warnings:
            result.setdefault("warnings", []).extend(warnings)
    for key in ("uid", "home", "shell", "comment"):
        result[key] = after.get(key)
    result["group"] = after.get("gid")
    result["groups"] = ",".join(after.get("groups") or [])
    return dict(result, changed=changed)
