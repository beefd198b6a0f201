"""user's generate_ssh_key: an SSH key pair for the account, made with ssh-keygen as Ansible does.

A passphrase goes to ssh-keygen's prompts through a terminal of its own, never on its command
line (where any local user could read it).
"""

import os
import select
import socket
import time

from .context import ModuleFailed

PROMPTS = (b"Enter passphrase", b"Enter same passphrase again")


def key_path(args, home):
    path = str(args.get("ssh_key_file") or os.path.join(".ssh", "id_%s" % (args.get("ssh_key_type") or "rsa")))
    return path if os.path.isabs(path) else os.path.join(home or "/", path)


def generate(ctx, args, user):
    """(changed, result keys, warnings) for a user's key pair; ``user`` as sys_users gives it."""
    path = key_path(args, user.get("home"))
    public, warnings, force = path + ".pub", [], bool(args.get("force"))
    exists = {p: os.path.exists(p) for p in (path, public)}
    for what, name in (("private", path), ("public", public)):
        if exists[name] and not force:
            warnings.append('Found existing ssh key %s file "%s", no force, so skipping ssh-keygen generation'
                            % (what, name))
            return False, _describe(ctx, path), warnings
        if exists[name]:
            warnings.append('Overwriting existing ssh key %s file "%s"' % (what, name))
    if ctx.check:
        return True, {"ssh_key_file": path}, warnings
    directory = os.path.dirname(path)
    if not os.path.isdir(directory):
        try:
            os.mkdir(directory, 0o700)
            os.chown(directory, user["uid"], user["gid"])
        except OSError as exc:
            raise ModuleFailed("Failed to create %s: %s" % (directory, exc.strerror or exc), name=user["name"])
    for name in (path, public):
        if exists[name]:
            os.unlink(name)
    argv = ["ssh-keygen", "-t", str(args.get("ssh_key_type") or "rsa")]
    if int(args.get("ssh_key_bits") or 0) > 0:
        argv += ["-b", str(int(args["ssh_key_bits"]))]
    argv += ["-C", str(args.get("ssh_key_comment") or "ansible-generated on %s" % socket.gethostname()), "-f", path]
    passphrase = args.get("ssh_key_passphrase")
    if passphrase is None:
        rc, out, err = ctx.run(argv + ["-N", ""])
    else:
        rc, out, err = _with_passphrase(argv, str(passphrase))
    if rc != 0:
        raise ModuleFailed((err or out).strip() or "ssh-keygen failed (rc=%d)" % rc, name=user["name"], rc=rc)
    for name in (path, public):
        os.chown(name, user["uid"], user["gid"])
    return True, _describe(ctx, path), warnings


def _describe(ctx, path):
    """ssh_fingerprint, ssh_key_file and ssh_public_key, as Ansible's result gives them."""
    rc, out, err = ctx.run(["ssh-keygen", "-l", "-f", path])
    try:
        with open(path + ".pub") as handle:
            public = handle.read().strip()
    except OSError:
        public = None
    return {"ssh_fingerprint": (out if rc == 0 else err).strip(), "ssh_key_file": path, "ssh_public_key": public}


def _with_passphrase(argv, passphrase, timeout=120):
    """Run ssh-keygen on a terminal of its own, answering its two passphrase prompts."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child becomes ssh-keygen
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    output, answered, deadline = b"", 0, time.time() + timeout
    try:
        while time.time() < deadline:
            if not select.select([fd], [], [], 1)[0]:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the terminal closed: ssh-keygen is done
                break
            if not chunk:
                break
            output += chunk
            if answered < len(PROMPTS) and PROMPTS[answered] in output:
                os.write(fd, passphrase.encode() + b"\r")
                answered += 1
        else:
            os.kill(pid, 9)
    finally:
        os.close(fd)
        status = os.waitpid(pid, 0)[1]
    rc = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1
    text = output.decode("utf-8", "replace")
    return rc, text, "" if rc == 0 else text
