"""sysctl: kernel parameters in a sysctl.conf file and, when asked, in the running kernel.

In a container /proc/sys is read-only: the file is still made right; a reload
that cannot apply becomes a warning, while ``sysctl_set: true`` (the user
asked for the live value) fails when it cannot be set.
"""

import os

from ..context import ModuleFailed
from ..sys_common import choice, opt_bool, plan_read, plan_write, read_text, record, text_diff, write_atomic
from .. import sys_sysctl


def _value(raw):
    if isinstance(raw, bool):
        return "1" if raw else "0"
    text = str(raw).strip()
    return {"yes": "1", "true": "1", "no": "0", "false": "0"}.get(text.lower(), text)


def run(ctx, args):
    name = str(args.get("name") or "").strip()
    if not name:
        raise ModuleFailed("missing required argument: name")
    state = choice(args, "state", ("present", "absent"), "present")
    if state == "present" and args.get("value") is None:
        raise ModuleFailed("value is required when state is present")
    value = _value(args.get("value")) if args.get("value") is not None else None
    path = str(args.get("sysctl_file") or "/etc/sysctl.conf")
    reload_ = opt_bool(args, "reload", True)
    sysctl_set = opt_bool(args, "sysctl_set", False)
    ignore = opt_bool(args, "ignoreerrors", False)
    before = plan_read(ctx, path)
    lines = (before or "").splitlines()
    new_lines = sys_sysctl.set_key(lines, name, value if state == "present" else None)
    file_change = new_lines != lines
    after = "".join(line + "\n" for line in new_lines)
    proc = sys_sysctl.proc_path(name)
    live = (read_text(proc) or "").strip() if os.path.exists(proc) else None
    live_change = sysctl_set and state == "present" and sys_sysctl.norm(live) != sys_sysctl.norm(value)
    result = {"name": name, "value": value, "state": state, "sysctl_file": path,
              "changed": file_change or live_change}
    warnings = []
    if live_change and (live is None or not os.access(proc, os.W_OK)):
        if not ignore:
            raise ModuleFailed("cannot set %s=%s in the running kernel: %s" % (
                name, value, "no such key" if live is None else "%s is read-only here (container?)" % proc))
        warnings.append("%s was not set in the running kernel" % name)
        live_change = False
        result["changed"] = file_change
    if ctx.diff and result["changed"]:
        result["diff"] = text_diff(before, after, path + " (before)", path + " (after)")
    if ctx.check or not result["changed"]:
        if result["changed"]:
            if file_change:
                plan_write(ctx, path, after)
            record(ctx, "sysctl", name, value if state == "present" else None)
        return dict(result, warnings=warnings) if warnings else result
    if file_change:
        write_atomic(path, after)
    if live_change:
        try:
            with open(proc, "w") as handle:
                handle.write(value)
        except OSError as exc:
            raise ModuleFailed("setting %s failed: %s" % (name, exc))
    if reload_ and file_change and state == "present":
        rc, out, err = ctx.run(["sysctl", "-p", path])
        if rc != 0:
            writable = os.access("/proc/sys", os.W_OK) and os.access(proc, os.W_OK)
            if writable and not ignore:
                raise ModuleFailed("Failed to reload sysctl: %s" % (err or out).strip(), rc=rc)
            warnings.append("%s is written but could not be applied now (%s)" % (
                path, "read-only /proc/sys" if not writable else (err or out).strip()))
    return dict(result, warnings=warnings) if warnings else result
