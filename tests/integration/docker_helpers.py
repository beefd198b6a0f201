"""Shared bits of the Docker tests: a clean slate of orchtest-dk-* objects, run helpers."""

from __future__ import annotations

import json

from tests.conftest import orch

PREFIX = "orchtest-dk-"


def cleanup() -> None:
    """Remove every container, image, network and volume named orchtest-dk-*."""
    import docker

    client = docker.from_env()
    for container in client.containers.list(all=True, filters={"name": PREFIX}):
        container.remove(force=True)
    for network in client.networks.list(names=[PREFIX]):
        if network.name.startswith(PREFIX):
            network.remove()
    for volume in client.volumes.list():
        if volume.name.startswith(PREFIX):
            volume.remove(force=True)
    for image in client.images.list():
        for tag in image.tags:
            if tag.startswith(PREFIX):
                client.images.remove(tag, force=True)


def run(playbook, *args, cwd=None):
    """``orch run --json``: (process, task results, recap)."""
    res = orch("run", str(playbook), "--json", *map(str, args), cwd=cwd)
    events = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    summary = [e for e in events if e["event"] == "summary"]
    return res, [e for e in events if e["event"] == "task_result"], summary[-1]["hosts"] if summary else {}


def changed(results, statuses=("changed",)) -> list[tuple[str, str]]:
    return sorted((e["host"], e["task"]) for e in results if e["status"] in statuses)
