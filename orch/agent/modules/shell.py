"""shell: like command, but the line goes through /bin/sh (or ``executable``)."""

from ..context import ModuleFailed
from .command import execute


def run(ctx, args):
    cmd = args.get("_raw_params") or args.get("cmd")
    if not cmd:
        raise ModuleFailed("no command given")
    return execute(ctx, args, cmd, shell=True, executable=args.get("executable") or "/bin/sh")
