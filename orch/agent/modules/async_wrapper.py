"""async_wrapper: start a module as a background job (the ``async`` keyword); see ../async_jobs.py."""

from ..async_jobs import start
from ..context import ModuleFailed


def run(ctx, args):
    module = args.get("module")
    if not isinstance(module, str) or module in ("async_wrapper", "async_status"):
        raise ModuleFailed("async_wrapper needs the module to run")
    ctx.agent.module(module)  # an unknown module fails now, not silently in the background
    return start(ctx.agent, module, args.get("args") or {}, ctx.env, float(args.get("timeout") or 0) or 3600.0,
                 args.get("async_dir"), check=ctx.check)
