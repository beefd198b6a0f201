"""async_status: the state of a job started by ``async`` (``mode: cleanup`` removes its file)."""

from ..async_jobs import status
from ..context import ModuleFailed


def run(ctx, args):
    jid = args.get("jid")
    if not jid:
        raise ModuleFailed("missing required argument: jid")
    mode = args.get("mode") or "status"
    if mode not in ("status", "cleanup"):
        raise ModuleFailed("value of mode must be one of: status, cleanup, got: %s" % mode)
    if ctx.check:
        result = status(str(jid), "status", args.get("_async_dir"))
        if result.get("msg") == "could not find job":
            # The job's task ran in check mode too, so it was never started: nothing to tell.
            return {"changed": False, "unknown": True, "ansible_job_id": jid,
                    "msg": "the job was not started (check mode): its state is unknown"}
        return result
    return status(str(jid), mode, args.get("_async_dir"))
