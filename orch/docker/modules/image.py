"""docker_image: build from a local context, tag, remove; pull only when asked.

``source: build`` builds with the docker SDK from a context directory on the
controller (relative paths are looked for like ``files/``), sent to the host's
daemon; an existing ``name:tag`` is kept unless ``force_source``. ``source: local``
only checks the image is there. Nothing is pulled unless ``source: pull``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from orch.docker.daemon import daemon_for
from orch.docker.modules.common import docker_errors, flag, image_ref, not_found
from orch.errors import HostFailure

if TYPE_CHECKING:
    from orch.engine.step import StepContext

PLANNED = "planned:"


def _context_dir(step: "StepContext", path: str) -> str:
    path = os.path.expanduser(str(path))
    candidates = [path] if os.path.isabs(path) else [os.path.join(d, path) for d in step.search_dirs("files")]
    for candidate in candidates:
        if os.path.isdir(candidate):
            return candidate
    raise HostFailure(f"build context {path!r} not found (looked in {', '.join(candidates[:4])})")


def _build(step: "StepContext", client, ref: str, build: dict) -> tuple[str, list[str]]:
    context = _context_dir(step, build.get("path") or ".")
    log: list[str] = []
    image_id = None
    stream = client.build(path=context, dockerfile=build.get("dockerfile"), tag=ref, rm=True, decode=True,
                          pull=flag(build.get("pull")), nocache=flag(build.get("nocache")),
                          buildargs={str(k): str(v) for k, v in (build.get("args") or {}).items()} or None,
                          labels={str(k): str(v) for k, v in (build.get("labels") or {}).items()} or None,
                          network_mode=build.get("network"), target=build.get("target"))
    for chunk in stream:
        if "error" in chunk:
            tail = "".join(log[-10:]).strip()
            raise HostFailure(f"building {ref} failed: {chunk['error'].strip()}" + (f"\n{tail}" if tail else ""))
        if chunk.get("stream"):
            log.append(chunk["stream"])
        if (chunk.get("aux") or {}).get("ID"):
            image_id = chunk["aux"]["ID"]
    return image_id or client.inspect_image(ref)["Id"], log


def docker_image(step: "StepContext", args: dict) -> dict:
    if not args.get("name"):
        raise HostFailure("docker_image needs 'name'")
    ref = image_ref(args["name"], args.get("tag"))
    state = str(args.get("state") or "present")
    daemon = daemon_for(step, args)
    plan = daemon.plan
    with docker_errors(f"image {ref}"):
        if plan is not None and ref in plan.images:
            current = {"Id": plan.images[ref]} if plan.images[ref] else None
        else:
            current = not_found(daemon.client.inspect_image, ref)
        if state == "absent":
            if current is None:
                return {"changed": False, "image": {}, "actions": []}
            if plan is not None:
                plan.images[ref] = None
            else:
                daemon.client.remove_image(ref, force=flag(args.get("force_absent")))
            return {"changed": True, "image": {}, "actions": [f"Removed image {ref}"]}
        source = args.get("source")
        force = flag(args.get("force_source"))
        result: dict = {"changed": False, "actions": []}
        if current is None or (force and source in ("build", "pull")):
            if source == "build":
                if plan is not None:
                    plan.images[ref] = PLANNED + ref
                    result.update(changed=True, actions=[f"Built image {ref} from {args.get('build', {}).get('path')}"])
                else:
                    new_id, log = _build(step, daemon.client, ref, args.get("build") or {})
                    changed = current is None or current.get("Id") != new_id
                    result.update(changed=changed, stdout="".join(log),
                                  actions=[f"Built image {ref}"] if changed else [])
            elif source == "pull":
                if plan is not None:
                    plan.images[ref] = PLANNED + ref
                    result.update(changed=True, actions=[f"Pulled image {ref}"])
                else:
                    repository, tag = ref.rsplit(":", 1)
                    daemon.client.pull(repository, tag=tag)
                    new = daemon.client.inspect_image(ref)
                    result.update(changed=current is None or current.get("Id") != new["Id"],
                                  actions=[f"Pulled image {ref}"])
            elif current is None:
                raise HostFailure(f"image {ref} is not on the daemon ({daemon.url}); "
                                  "set source: build (with build.path) or source: pull")
        if args.get("repository"):
            result["changed"] |= _tag(daemon, ref, image_ref(args["repository"], args.get("tag")), result)
        if plan is None:
            result["image"] = not_found(daemon.client.inspect_image, ref) or {}
        else:
            result["image"] = current if current and not str(current.get("Id", "")).startswith(PLANNED) else {}
        return result


def _tag(daemon, ref: str, target: str, result: dict) -> bool:
    """Tag ``ref`` as ``target``; a change only when target names another image."""
    plan = daemon.plan
    source_id = plan.images.get(ref) if plan is not None and ref in plan.images else \
        (not_found(daemon.client.inspect_image, ref) or {}).get("Id")
    target_id = plan.images.get(target) if plan is not None and target in plan.images else \
        (not_found(daemon.client.inspect_image, target) or {}).get("Id")
    if source_id is not None and source_id == target_id:
        return False
    result["actions"].append(f"Tagged image {ref} as {target}")
    if plan is not None:
        plan.images[target] = source_id
    else:
        repository, tag = target.rsplit(":", 1)
        daemon.client.tag(ref, repository, tag=tag)
    return True
