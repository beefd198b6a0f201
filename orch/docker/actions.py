"""The docker_* steps, dispatched by orch.engine.actions (they run here, not in the agent).

Each entry imports its module on first use, so runs without docker steps never
import the docker SDK.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from orch.engine.step import StepContext

_WHERE = {
    "docker_container": "container", "docker_image": "image", "docker_network": "network",
    "docker_volume": "volume", "docker_container_exec": "exec",
}


def _lazy(name: str, module: str) -> Callable[["StepContext", dict], dict]:
    def run(step: "StepContext", args: dict) -> dict:
        return getattr(importlib.import_module(f"orch.docker.modules.{module}"), name)(step, args)

    run.__name__ = name
    return run


DOCKER_ACTIONS = {name: _lazy(name, module) for name, module in _WHERE.items()}
