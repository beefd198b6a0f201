"""Tag selection with Ansible's special tags (always, never, tagged, untagged, all)."""

from __future__ import annotations

from collections.abc import Iterable


def task_selected(task_tags: Iterable[str], only_tags: Iterable[str] | None = None,
                  skip_tags: Iterable[str] | None = None) -> bool:
    """Should a task with ``task_tags`` (effective, inherited ones included) run?

    ``only_tags`` is ``--tags`` (default ``all``), ``skip_tags`` is ``--skip-tags``.
    """
    tags = set(task_tags) or {"untagged"}
    only = set(only_tags or ()) or {"all"}
    skip = set(skip_tags or ())
    if "always" in tags:
        run = True
    elif "all" in only and "never" not in tags:
        run = True
    elif not tags.isdisjoint(only):
        run = True
    elif "tagged" in only and tags != {"untagged"} and "never" not in tags:
        run = True
    else:
        run = False
    if run and skip:
        if "all" in skip:
            run = "always" in tags and "always" not in skip
        elif not tags.isdisjoint(skip):
            run = False
        elif "tagged" in skip and tags != {"untagged"}:
            run = False
    return run


def normalize_tags(value: object) -> list[str]:
    """``tags: a,b`` / ``tags: [a, b]`` / ``tags: 5`` -> list of strings."""
    if value is None:
        return []
    if isinstance(value, str):
        return [t.strip() for t in value.split(",") if t.strip()]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            out.extend(normalize_tags(item))
        return out
    raise TypeError(type(value).__name__)
