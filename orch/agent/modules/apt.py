"""apt: Debian packages, Ansible's semantics; apt-get runs only when something differs.

The installed state comes from ``dpkg-query``; check mode asks ``apt-get -s``
what an install/removal would do and records every package it would touch in
the overlay ("package", name) -> version or None, so later planned steps
(service, another apt) see the would-be state.
"""

import os
import time

from ..context import MISSING, ModuleFailed
from ..sys_common import as_list, opt_bool, safe_name
from .. import sys_apt

ENV = {"DEBIAN_FRONTEND": "noninteractive", "DEBCONF_NONINTERACTIVE_SEEN": "true", "LC_ALL": "C"}
STAMP = "/var/lib/apt/periodic/update-success-stamp"
_STATES = {"present": "present", "installed": "present", "latest": "latest", "absent": "absent", "removed": "absent"}


def _mtime(path):
    try:
        return int(os.stat(path).st_mtime)
    except OSError:
        return 0


def cache_time():
    """When the package lists were last updated (0: never, e.g. a fresh image without lists)."""
    try:
        if not any(n.endswith("_Packages") or n.endswith("_Packages.lz4") for n in os.listdir("/var/lib/apt/lists")):
            return 0
    except OSError:
        return 0
    return max(_mtime(STAMP), _mtime("/var/lib/apt/lists"))


def dpkg_states(ctx, names):
    if not names:
        return {}
    states = sys_apt.read_status(names)
    if states is not None:
        return states
    rc, out, err = ctx.run(["dpkg-query", "-W", "-f", sys_apt.DPKG_FORMAT] + list(names), env=ENV)
    return sys_apt.parse_dpkg_query(out)


def current_versions(ctx, names):
    """Installed version (or None) per name, read through the overlay."""
    states = dpkg_states(ctx, [n for n in names if ctx.overlay.get("package", n) is MISSING])
    out = {}
    for name in names:
        planned = ctx.overlay.get("package", name)
        out[name] = sys_apt.installed_version(states, name) if planned is MISSING else planned
    return out, states


def _apt_get(ctx, args, action, specs, simulate=False):
    argv = ["apt-get", "-y", "-q", "-o", "DPkg::Lock::Timeout=120"]
    if simulate:
        argv.append("-s")
    for opt in str(args.get("dpkg_options") or "force-confdef,force-confold").split(","):
        argv += ["-o", "Dpkg::Options::=--" + opt.strip()]
    recommends = opt_bool(args, "install_recommends")
    if recommends is not None and action == "install":
        argv += ["-o", "APT::Install-Recommends=" + ("true" if recommends else "false")]
    if args.get("default_release") and action == "install":
        argv += ["-t", str(args["default_release"])]
    if opt_bool(args, "allow_downgrade", False) and action == "install":
        argv.append("--allow-downgrades")
    if action == "remove" and opt_bool(args, "purge", False):
        argv.append("--purge")
    if action == "remove" and opt_bool(args, "autoremove", False):
        argv.append("--auto-remove")
    argv.append(action)
    argv += specs
    rc, out, err = ctx.run(argv, env=ENV)
    if rc != 0:
        verb = "simulate" if simulate else "run"
        raise ModuleFailed("failed to %s apt-get %s: %s" % (verb, action, (err or out).strip()),
                           rc=rc, stdout=out, stderr=err, cmd=argv)
    return out, err


def update_cache(ctx, args, result):
    valid = int(args.get("cache_valid_time") or 0)
    wanted = opt_bool(args, "update_cache", bool(valid))
    now = int(time.time())
    if not wanted or (valid and now - cache_time() < valid):
        return
    result["cache_updated"] = True
    refresh_lists(ctx)
    if not ctx.check:
        result["cache_update_time"] = cache_time()


def refresh_lists(ctx):
    """apt-get update (in a plan: later steps know the lists will change)."""
    if ctx.check:
        ctx.overlay.set("apt", "lists", "updated")  # later steps of the plan: lists not known yet
        return
    rc, out, err = ctx.run(["apt-get", "update", "-q", "-o", "DPkg::Lock::Timeout=120"], env=ENV)
    if rc != 0:
        raise ModuleFailed("Failed to update apt cache: %s" % (err or out).strip(), rc=rc, stdout=out, stderr=err)
    # apt-get update leaves the lists untouched when nothing changed upstream: keep our own stamp.
    os.makedirs(os.path.dirname(STAMP), exist_ok=True)
    with open(STAMP, "a"):
        os.utime(STAMP, None)


def candidates(ctx, names):
    rc, out, err = ctx.run(["apt-cache", "policy"] + list(names), env=ENV)
    return sys_apt.parse_policy(out)


def _deb_spec(ctx, path):
    rc, out, err = ctx.run(["dpkg-deb", "-f", path, "Package", "Version"], env=ENV)
    if rc != 0:
        raise ModuleFailed("cannot read %s: %s" % (path, err.strip()))
    fields = dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)
    return fields.get("Package"), fields.get("Version")


def plan(ctx, args, state, specs):
    """(action, apt specs, {name: wanted version or None}) for what differs."""
    names = [sys_apt.split_spec(s)[0] for s in specs]
    current, states = current_versions(ctx, names)
    todo, changes = [], {}
    if state == "absent":
        purge = opt_bool(args, "purge", False)
        for name in names:
            leftover = purge and states.get(name, ("",))[0] == "config-files"
            if current[name] is not None or leftover:
                todo.append(name)
                changes[name] = None
        return "remove", todo, changes, current
    latest = candidates(ctx, names) if state == "latest" else {}
    for spec in specs:
        name, version = sys_apt.split_spec(spec)
        if state == "latest" and version is None:
            if latest.get(name) is None and current[name] is None:
                raise ModuleFailed("No package matching '%s' is available" % name)
            if current[name] != latest.get(name) and latest.get(name) is not None:
                todo.append(spec)
                changes[name] = latest[name]
        elif not sys_apt.version_matches(current[name], version):
            if current[name] is None and version is None and _provided(ctx, name):
                continue  # a virtual package an installed one provides: apt-get would install nothing
            todo.append(spec)
            changes[name] = version
    return "install", todo, changes, current


def _provided(ctx, name):
    if ctx.overlay.get("package", name) is not MISSING:
        return False
    return bool(sys_apt.installed_providers(sys_apt.status_text(), name))


def _lists_may_change(ctx):
    """In a plan: an earlier step would update the package lists, change apt's sources, or run a
    command whose effect is unknown; what apt can install is then not known yet."""
    if ctx.overlay.get("apt", "lists", None) or ctx.overlay.get("host", "unknown_commands", None):
        return True
    return any(path.startswith("/etc/apt/") for path in ctx.overlay.items("file"))


def _describe(versions):
    return "".join("%s: %s\n" % (n, v if v is not None else "(absent)") for n, v in sorted(versions.items()))


def run(ctx, args):
    state = _STATES.get(str(args.get("state") or "present"))
    if state is None:
        raise ModuleFailed("state %r is not supported by orch's apt (present, latest, absent)" % args.get("state"))
    upgrade = str(args.get("upgrade") or "no").lower()
    if upgrade not in ("no", "false"):
        raise ModuleFailed("apt: upgrade=%s is not supported by orch" % upgrade)
    specs = [safe_name(s, "package name") for s in as_list(args.get("name") or args.get("pkg") or args.get("package"))]
    for spec in specs:  # apt-get would read 'a && b | c' as a pattern and match other packages
        if any(c.isspace() for c in spec):
            raise ModuleFailed("invalid package name %r" % spec)
    if args.get("default_release"):
        safe_name(args["default_release"], "default_release")
    result = {"cache_updated": False, "cache_update_time": cache_time(), "changed": False}
    update_cache(ctx, args, result)
    never_fetched = (state != "absent" and not result["cache_updated"] and cache_time() == 0
                     and opt_bool(args, "update_cache") is not False)
    if never_fetched and (args.get("deb") or state == "latest"):
        refresh_lists(ctx)  # the .deb's dependencies, or the latest versions, come from the lists
    deb = args.get("deb")
    if deb:
        name, version = _deb_spec(ctx, str(deb))
        installed = current_versions(ctx, [name])[0][name]
        if installed != version:
            specs_to_run, action, changes, current = [os.path.abspath(str(deb))], "install", {name: version}, {name: installed}
        else:
            specs_to_run, action, changes, current = [], "install", {}, {name: installed}
    elif specs:
        action, specs_to_run, changes, current = plan(ctx, args, state, specs)
        if specs_to_run and never_fetched:
            # Lists never fetched (a fresh image) and something to install: Ansible's apt, on a host
            # without python3-apt, runs apt-get update first, so the install finds its package.
            # Nothing to install: no update, as on a host whose lists Ansible fetched before.
            refresh_lists(ctx)
            action, specs_to_run, changes, current = plan(ctx, args, state, specs)
    else:
        if opt_bool(args, "autoremove", False):
            return _autoremove(ctx, args, result)
        result["changed"] = result["cache_updated"]
        return result
    if not specs_to_run:
        return result
    result["changed"] = True
    if ctx.check:
        try:
            out, err = _apt_get(ctx, args, action, specs_to_run, simulate=True)
        except ModuleFailed:
            if action != "install" or not (result["cache_updated"] or _lists_may_change(ctx)):
                raise
            if not result["cache_updated"]:
                # An earlier step changes what apt knows: the run may well succeed, the plan cannot tell.
                result.update(unknown=True, msg="would install %s after earlier steps change the package "
                              "lists: not known yet" % ", ".join(specs_to_run))
            # The lists are stale (or empty) and the step would refresh them first:
            # plan the install with its version unknown rather than fail the plan.
            out = ""
            result["warnings"] = ["package lists would be updated first; versions are not known yet"]
        simulated = sys_apt.parse_simulation(out)
        for pkg, version in simulated.items():
            ctx.overlay.set("package", pkg, version)
        after = dict(current)
        for name in changes:
            after[name] = (simulated.get(name, changes[name]) or "?") if action == "install" else None
            ctx.overlay.set("package", name, after[name])
    else:
        out, err = _apt_get(ctx, args, action, specs_to_run)
        result.update(stdout=out, stderr=err, stdout_lines=out.splitlines(), stderr_lines=err.splitlines())
        states = dpkg_states(ctx, list(current))
        after = {n: sys_apt.installed_version(states, n) for n in current}
    if ctx.diff:
        before = {n: current[n] for n in changes}
        result["diff"] = {"before": _describe(before), "after": _describe({n: after[n] for n in changes})}
    return result


def _autoremove(ctx, args, result):
    argv = ["apt-get", "-y", "-q", "-s" if ctx.check else "-q", "autoremove"]
    if opt_bool(args, "purge", False):
        argv.insert(-1, "--purge")
    rc, out, err = ctx.run(argv, env=ENV)
    if rc != 0:
        raise ModuleFailed("apt-get autoremove failed: %s" % (err or out).strip(), rc=rc)
    removed = sys_apt.parse_simulation(out) if ctx.check else {}
    changed = bool(removed) if ctx.check else ("Removing " in out)
    for pkg in removed:
        ctx.overlay.set("package", pkg, None)
    result.update(changed=changed or result["cache_updated"], stdout=out, stderr=err)
    return result

