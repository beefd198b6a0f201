"""Helpers shared by the docker_* modules: errors, image references, truthiness."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from orch.errors import HostFailure

_TRUE = {"true", "yes", "on", "1", "y"}


def flag(value: Any, default: bool = False) -> bool:
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() in _TRUE
    return bool(value)


def image_ref(name: str, tag: str | None = None) -> str:
    """``name:tag`` as the daemon names it: ``latest`` when no tag is given (digests kept)."""
    name = str(name)
    if "@" in name:
        return name
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        return name
    return f"{name}:{tag or 'latest'}"


@contextmanager
def docker_errors(what: str) -> Iterator[None]:
    """Translate the SDK's errors into a failed step that says what was being done."""
    import docker.errors
    import requests.exceptions

    try:
        yield
    except docker.errors.APIError as exc:
        raise HostFailure(f"{what}: {exc.explanation or exc}") from None
    except docker.errors.DockerException as exc:
        raise HostFailure(f"{what}: {exc}") from None
    except requests.exceptions.RequestException as exc:
        raise HostFailure(f"{what}: the Docker daemon did not answer ({exc})") from None


def not_found(call, *args, **kwargs) -> Any:
    """``call(...)``, or None when the daemon says the object does not exist."""
    import docker.errors

    try:
        return call(*args, **kwargs)
    except docker.errors.NotFound:
        return None
    except docker.errors.ImageNotFound:
        return None
