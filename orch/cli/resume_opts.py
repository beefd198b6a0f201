"""``orch run --resume FILE``: the resume file a failed run leaves, and continuing from it.

The file (``.orch/resume-<playbook stem>.json`` next to the playbook) holds the
playbook, the inventory sources, the ``-e`` arguments as given and tags of the run, and the hosts still to
do (orch/engine/resume.py says which). ``--resume`` runs the same playbook limited to
those hosts; ``-i``/``-e``/``-l`` given with it refine the recorded ones. A resumed run
that succeeds removes the file; one that fails again rewrites it.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import click

from orch.errors import UsageError

resume_option = click.option("--resume", "resume", metavar="FILE", type=click.Path(dir_okay=False),
                             help="Continue a failed run from its resume file (its remaining hosts).")


def resume_path(playbook: str) -> Path:
    path = Path(playbook).resolve()
    return path.parent / ".orch" / f"resume-{path.stem}.json"


def _read(path: str) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read resume file {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise UsageError(f"resume file {path} is not JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("hosts"), list) or not data.get("playbook"):
        raise UsageError(f"{path} is not an orch resume file")
    return data


def prepare(resume: str | None, playbook: str | None, inventories: tuple, kwargs: dict) -> tuple[str, tuple]:
    """Apply a resume file to the run's arguments (``kwargs`` is changed in place)."""
    if not resume:
        if not playbook:
            raise UsageError("orch run needs a PLAYBOOK (or --resume FILE)")
        return playbook, inventories
    data = _read(resume)
    if not data["hosts"]:
        raise UsageError(f"resume file {resume} names no hosts: nothing to continue")
    playbook = playbook or data["playbook"]
    inventories = inventories or tuple(data.get("inventories") or ())
    kwargs["extra_vars"] = (*(data.get("extra_vars") or ()), *kwargs.get("extra_vars", ()))
    hosts = ":".join(data["hosts"])
    kwargs["limit"] = f"{hosts}:&{kwargs['limit']}" if kwargs.get("limit") else hosts
    for key in ("tags", "skip_tags"):
        if not kwargs.get(key) and data.get(key):
            kwargs[key] = tuple(data[key])
    click.echo(f"resuming {playbook} on {len(data['hosts'])} host(s): {', '.join(data['hosts'])}", err=True)
    return playbook, inventories


def after(code: int, playbook: str, inventories: tuple, kwargs: dict, resumed: str | None,
          remaining: dict[str, list[str]]) -> None:
    """Write (or clear) the resume file once the run has ended (``remaining``: PlaybookRun.remaining)."""
    from orch.cli.common import inventory_sources

    if kwargs.get("check"):
        return  # a plan changes nothing: there is nothing to resume
    path = resume_path(playbook)
    hosts = [h for key in ("failed", "unreachable", "not_reached") for h in remaining.get(key, [])]
    if code == 0 or not hosts:
        if resumed and code == 0:
            Path(resumed).unlink(missing_ok=True)
        return
    sources = [os.path.abspath(s) if os.path.exists(s) else s for s in inventory_sources(inventories)]
    data = {"version": 1, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "playbook": os.path.abspath(playbook), "inventories": sources,
            # -e as given (an @file stays a path): decrypted secrets never land in this file
            "extra_vars": [f"@{os.path.abspath(e.strip()[1:])}" if e.strip().startswith("@") else e
                           for e in kwargs.get("extra_vars") or ()],
            "tags": list(kwargs.get("tags") or ()), "skip_tags": list(kwargs.get("skip_tags") or ()),
            "hosts": hosts, **remaining}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        click.echo(f"could not write the resume file {path}: {exc.strerror}", err=True)
        return
    click.echo(f"{len(hosts)} host(s) left to do; continue with: orch run --resume {path}", err=True)
