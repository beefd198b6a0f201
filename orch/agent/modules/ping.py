"""ping: proves the agent runs; ``data: crash`` raises, as Ansible's does (a module crash)."""


def run(ctx, args):
    data = args.get("data", "pong")
    if data == "crash":
        raise Exception("boom")
    return {"ping": data, "changed": False}
