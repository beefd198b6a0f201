"""ping: proves the agent runs; ``data: crash`` fails, as Ansible's does."""

from ..context import ModuleFailed


def run(ctx, args):
    data = args.get("data", "pong")
    if data == "crash":
        raise ModuleFailed("boom: ping asked to crash")
    return {"ping": data, "changed": False}
