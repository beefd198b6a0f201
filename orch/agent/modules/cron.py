"""cron: manage jobs (and environment lines) in a user's crontab or an /etc/cron.d file.

Jobs carry Ansible's ``#Ansible: NAME`` marker so existing Ansible-managed
crontabs are read and kept as they are. Plans: the would-be text is kept in
the overlay ("cron_text", target) and each job as ("cron", "user:name").
"""

import os
import pwd

from ..context import MISSING, ModuleFailed
from ..sys_common import choice, opt_bool, plan_read, plan_write, record, safe_name, text_diff, write_atomic
from .. import sys_cron, sys_users


def _me():
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return str(os.geteuid())


def _crontab_argv(user):
    return ["crontab"] + (["-u", user] if user != _me() else [])


def _read_crontab(ctx, user):
    if sys_users.host_user(user) is None:
        if ctx.check and sys_users.user(ctx, user) is not None:
            return ""  # a user planned by an earlier step has an empty crontab
        raise ModuleFailed("user %s does not exist" % user)
    rc, out, err = ctx.run(_crontab_argv(user) + ["-l"])
    if rc == 0:
        return out
    if "no crontab" in (err + out).lower():
        return ""
    if rc == 127:
        if ctx.check and ctx.overlay.get("package", "cron") not in (MISSING, None):
            return ""
        raise ModuleFailed("crontab is not installed on this host (install the cron package)")
    raise ModuleFailed("crontab -l failed (rc=%d): %s" % (rc, err.strip()))


def _target(args, user):
    cron_file = args.get("cron_file")
    if cron_file == "/etc/crontab":  # Ansible's refusal: the system table has a format of its own
        raise ModuleFailed("Will not manage /etc/crontab via cron_file, see documentation.")
    if cron_file:
        path = str(cron_file) if os.path.isabs(str(cron_file)) else os.path.join("/etc/cron.d", str(cron_file))
        return "file:" + path, path
    return "user:" + user, None


def _one_line(args):
    # A newline in a name (the '#Ansible: NAME' comment), a job or a time field would write a second,
    # live crontab line: a job nobody asked for.
    for key in ("name", "job", "value", "minute", "hour", "day", "month", "weekday", "special_time"):
        value = args.get(key)
        if value is not None and any(c in str(value) for c in "\n\r\0"):
            raise ModuleFailed("cron %s must be one line, got %r" % (key, str(value)))


def run(ctx, args):
    _one_line(args)
    state = choice(args, "state", ("present", "absent"), "present")
    name = args.get("name")
    name = None if name is None else str(name)
    env = opt_bool(args, "env", False)
    user = safe_name(args.get("user") or ("root" if args.get("cron_file") else _me()), "user", slash_ok=False)
    special = args.get("special_time")
    if special is not None and str(special) not in sys_cron.SPECIALS:
        raise ModuleFailed("special_time must be one of: %s" % ", ".join(sys_cron.SPECIALS))
    key, path = _target(args, user)
    planned = ctx.overlay.get("cron_text", key)
    if planned is not MISSING:
        before = planned
    elif path:
        before = plan_read(ctx, path)
    else:
        before = _read_crontab(ctx, user)
    lines = sys_cron.lines_of(before)
    result = {"changed": False}
    remove_file = False
    if path and state == "absent" and name is None:
        remove_file = before is not None
        new_lines = []
    elif name is None:
        raise ModuleFailed("missing required argument: name")
    elif env:
        value = None if state == "absent" else str(args.get("job") if args.get("job") is not None else args.get("value", ""))
        new_lines = sys_cron.set_env(lines, name, value, args.get("insertafter"), args.get("insertbefore"))
    else:
        entry = None
        if state == "present":
            job = args.get("job")
            if job is None:
                existing = sys_cron.get_job(lines, name)
                if existing is None:
                    raise ModuleFailed("You must specify 'job' to install a new cron job or variable")
                job = existing.lstrip("#").split(None, 5 if not existing.lstrip("#").startswith("@") else 1)[-1]
            entry = sys_cron.job_line(
                str(job), *(str(args.get(k) if args.get(k) is not None else "*")
                            for k in ("minute", "hour", "day", "month", "weekday")),
                special_time=special, disabled=opt_bool(args, "disabled", False),
                user=user if path else None)
        new_lines = sys_cron.set_job(lines, name, entry)
        record(ctx, "cron", "%s:%s" % (user, name), None if entry is None else {
            "job": args.get("job"), "line": entry, "disabled": opt_bool(args, "disabled", False), "file": path})
    after = sys_cron.text_of(new_lines)
    if path and new_lines != lines and not any(line.strip() for line in new_lines):
        remove_file = True  # an /etc/cron.d file with nothing (or only blank lines) left goes away
    changed = new_lines != lines or remove_file
    result.update(changed=changed, jobs=sys_cron.jobs(new_lines), envs=sys_cron.envs(new_lines))
    if path:
        result["cron_file"] = path
    if changed and ctx.diff:
        label = path or "crontab for user %s" % user
        result["diff"] = text_diff(before, "" if remove_file else after, label + " (before)", label + " (after)")
    if not changed:
        return result
    if ctx.check:
        ctx.overlay.set("cron_text", key, None if remove_file else after)
        if path:
            plan_write(ctx, path, None if remove_file else after, 0o644, 0, 0)
    elif remove_file:
        os.unlink(path)
    elif path:
        write_atomic(path, after, mode=0o644, uid=0, gid=0)
    else:
        rc, out, err = ctx.run(_crontab_argv(user) + ["-"], stdin=after)
        if rc != 0:
            raise ModuleFailed("crontab failed (rc=%d): %s" % (rc, err.strip()), rc=rc, stderr=err)
    return result
