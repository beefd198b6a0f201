"""git: clone or update a checkout to a branch, tag or commit; returns before/after.

The remote's commit comes from ``git ls-remote`` (no fetch), so check mode
knows the would-be ``after`` sha and records it as ("git", dest).
"""

import os
import re

from ..context import MISSING, ModuleFailed
from ..sys_common import opt_bool, safe_name

ENV = {"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_SSH_COMMAND": "ssh -o BatchMode=yes"}
SHA = re.compile(r"^[0-9a-fA-F]{40}$")


class Git:
    def __init__(self, ctx, executable, dest):
        self.ctx, self.exe, self.dest = ctx, executable, dest

    def run(self, *argv, **kwargs):
        cwd = kwargs.pop("cwd", self.dest)
        rc, out, err = self.ctx.run([self.exe] + list(argv), cwd=cwd, env=ENV)
        if rc != 0 and not kwargs.get("ok_fail"):
            raise ModuleFailed("Failed to run git %s: %s" % (argv[0], (err or out).strip()), rc=rc,
                               cmd=[self.exe] + list(argv), stdout=out, stderr=err)
        return rc, out.strip()

    def head(self):
        rc, out = self.run("rev-parse", "HEAD", ok_fail=True)
        return out if rc == 0 else None


def ls_remote(git, repo):
    """{ref: sha} of the remote, with 'HEAD->' giving the default branch's ref."""
    rc, out = git.run("ls-remote", "--symref", repo, cwd="/", ok_fail=False)
    refs = {}
    for line in out.splitlines():
        left, _, ref = line.partition("\t")
        if left.startswith("ref: "):
            refs["HEAD->"] = left[5:]
        else:
            refs[ref] = left
    return refs


def resolve(refs, version):
    """(sha or None, kind) of a version on the remote: kind is branch, tag, sha or unknown."""
    if version == "HEAD":
        branch = refs.get("HEAD->", "")
        return refs.get("HEAD"), ("branch:" + branch[len("refs/heads/"):]) if branch else "sha"
    if SHA.match(version):
        return version.lower(), "sha"
    if "refs/heads/" + version in refs:
        return refs["refs/heads/" + version], "branch:" + version
    if "refs/tags/" + version in refs:
        return refs.get("refs/tags/%s^{}" % version) or refs["refs/tags/" + version], "tag"
    return None, "unknown"


def run(ctx, args):
    repo, dest = args.get("repo") or args.get("name"), args.get("dest")
    if not repo or not dest:
        raise ModuleFailed("missing required arguments: repo, dest")
    repo, dest = str(repo), os.path.abspath(os.path.expanduser(str(dest)))
    version = safe_name(args.get("version") or "HEAD", "version")
    safe_name(repo, "repo")
    force, bare = opt_bool(args, "force", False), opt_bool(args, "bare", False)
    update, clone = opt_bool(args, "update", True), opt_bool(args, "clone", True)
    depth = int(args["depth"]) if args.get("depth") else None
    remote = str(args.get("remote") or "origin")
    git = Git(ctx, str(args.get("executable") or "git"), dest)
    planned = ctx.overlay.get("git", dest)
    present = planned is not MISSING or os.path.exists(os.path.join(dest, "HEAD" if bare else ".git"))
    result = {"changed": False, "before": None, "after": None}
    refs = ls_remote(git, repo)
    target, kind = resolve(refs, version)
    if kind == "unknown" and not re.match(r"^[0-9a-fA-F]{4,39}$", version):
        raise ModuleFailed("Failed to find version %s in %s" % (version, repo))
    if not present:
        if not clone:
            return result
        result.update(changed=True, after=target)
        if ctx.check:
            ctx.overlay.set("git", dest, target)
            return result
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        argv = ["clone", "--origin", remote] + (["--bare"] if bare else [])
        if depth:
            argv += ["--depth", str(depth)]
            if kind.startswith("branch:") or kind == "tag":
                argv += ["--branch", version if kind == "tag" else kind[7:]]
        git.run(*(argv + [repo, dest]), cwd="/")
        if not bare and kind in ("sha", "unknown", "tag") and version != "HEAD":
            if depth and kind != "tag":
                git.run("fetch", "--depth", str(depth), remote, version)
            git.run("checkout", "--force", version)
        result["after"] = git.head()
        return result
    before = planned if planned is not MISSING else git.head()
    result["before"] = before
    if planned is MISSING and not bare:
        rc, dirty = git.run("status", "--porcelain", "--untracked-files=no")
        if dirty and not force:
            raise ModuleFailed("Local modifications exist in the destination: %s (force=no)." % dest, before=before)
    else:
        dirty = ""
    if planned is MISSING:
        rc, url = git.run("remote", "get-url", remote, ok_fail=True)
        if rc == 0 and url != repo:
            result.update(changed=True, remote_url_changed=True)
            if not ctx.check:
                git.run("remote", "set-url", remote, repo)
    if not update:
        result["after"] = before
        return result
    if target is not None and target == before and not dirty:
        result["after"] = before
        return result
    result.update(changed=True, after=target)
    if ctx.check:
        ctx.overlay.set("git", dest, target)
        return result
    fetch = ["fetch", "--tags", "--force"] + (["--depth", str(depth)] if depth else []) + [remote]
    refspec = "+refs/heads/*:refs/heads/*" if bare else "+refs/heads/*:refs/remotes/%s/*" % remote
    git.run(*(fetch + [refspec]))
    if kind in ("sha", "unknown") and target is None or (kind == "sha" and depth):
        git.run("fetch", remote, version, ok_fail=True)
    if not bare:
        if kind.startswith("branch:"):
            branch = kind[7:]
            git.run("checkout", "--force", "-B", branch, "%s/%s" % (remote, branch))
        else:
            git.run("checkout", "--force", version)
    result["after"] = git.head()
    result["changed"] = result["after"] != before or bool(dirty) or result.get("remote_url_changed", False)
    return result
