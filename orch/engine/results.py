"""Task results: status, masking, loop aggregation."""

from __future__ import annotations

from typing import Any

from orch.templating.trust import trusted_template
from orch.yamlsrc import LocStr, UnsafeText

NO_TRACEBACK = "(no traceback: the task failed without an exception)"
CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result"


def skip_on(templar: Any, conditions: list[Any], variables: dict, location: Any, task: str) -> dict | None:
    """The result of a task whose ``when`` does not hold, naming the condition that was false as
    Ansible does (``false_condition``); None when every condition holds."""
    for condition in conditions or []:
        if not templar.is_true(condition, variables, location=location, task=task):
            return {"changed": False, "skipped": True, "skip_reason": "Conditional result was False",
                    "false_condition": condition}
    return None


def is_failed(result: dict[str, Any]) -> bool:
    """As Ansible judges a result: an evaluated ``failed_when`` decides, even over retries that ran out."""
    if "failed_when_result" in result:
        return bool(result["failed_when_result"])
    return bool(result.get("failed"))


def status_of(result: dict[str, Any]) -> str:
    if result.get("unreachable"):
        return "unreachable"
    if is_failed(result):
        return "failed"
    if result.get("skipped"):
        return "skipped"
    if result.get("unknown"):
        return "unknown"  # check mode: the step would run, its effect cannot be known
    return "changed" if result.get("changed") else "ok"


def censor(result: dict[str, Any]) -> dict[str, Any]:
    kept = {k: result[k] for k in ("changed", "failed", "skipped", "unreachable", "unknown") if k in result}
    kept["censored"] = CENSORED
    return kept


def aggregate(results: list[dict[str, Any]]) -> dict[str, Any]:
    """A looped task's result: Ansible's ``results`` list with rolled-up flags."""
    out: dict[str, Any] = {"results": results, "changed": any(r.get("changed") for r in results),
                           "msg": "All items completed"}
    if any(is_failed(r) for r in results):
        out["failed"] = True
        out["msg"] = "One or more items failed"
    if results and all(r.get("skipped") for r in results):
        out["skipped"] = True
        out["msg"] = "All items skipped"
    if any(r.get("unknown") for r in results):
        out["unknown"] = True
    if any(r.get("unreachable") for r in results):
        out["unreachable"] = True
    if not results:
        out["skipped"] = True
        out["skipped_reason"] = "No items in the list"
    return out


def public(result: dict[str, Any]) -> dict[str, Any]:
    """The result without orch's internal transfer keys."""
    return {k: v for k, v in result.items() if not k.startswith("_")}


def registered(result: dict[str, Any]) -> dict[str, Any]:
    """A result as ``register`` keeps it: data, never templated again (a command's output with
    ``{{`` in it, an error message quoting a template), as in Ansible."""
    kept = public(result)
    if "failed" not in kept and not kept.get("skipped") and "results" not in kept:
        kept["failed"] = False  # Ansible sets it on every result that ran (`r.failed` is defined)
    if kept.get("failed") and "exception" not in kept and not kept.get("results"):
        kept["exception"] = NO_TRACEBACK  # Ansible 2.19: a failed result always has one
    if isinstance(kept.get("results"), list):  # and so has each failed item of a loop
        kept["results"] = [{**item, "exception": NO_TRACEBACK}
                           if isinstance(item, dict) and item.get("failed") and "exception" not in item else item
                           for item in kept["results"]]
    return unsafe(kept)


def unsafe(value: Any) -> Any:
    """``value`` with every string in it marked never to be templated; text written in the playbook
    with nothing to template (a loop's item as it was given) stays trusted, as Ansible keeps it."""
    if isinstance(value, str) and not isinstance(value, UnsafeText):
        kept = isinstance(value, LocStr) and not trusted_template(value)
        return value if kept else UnsafeText(value)
    if isinstance(value, dict):
        return {unsafe(k): unsafe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unsafe(v) for v in value]
    return value
