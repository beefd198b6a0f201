"""Ansible's fact cache: facts kept between runs, read back into the hosts' variables.

Set as Ansible sets it: ``ANSIBLE_CACHE_PLUGIN`` / ansible.cfg ``[defaults] fact_caching``
(``memory``, the default, keeps nothing between runs; ``jsonfile`` keeps a file per host),
``fact_caching_connection`` (the folder), ``fact_caching_prefix`` and ``fact_caching_timeout``
(seconds, 0 never expires; default a day), each also as ``ANSIBLE_CACHE_PLUGIN_CONNECTION``,
``_PREFIX``, ``_TIMEOUT``. The files are Ansible 2.19's: ``PREFIX`` + ``s1_`` + host name,
holding ``{"__payload__": "<the facts as JSON>"}``, so orch and ansible-playbook share a cache.
What is cached is what Ansible caches: gathered facts and module facts under their
``ansible_`` names, and ``set_fact`` with ``cacheable: true``.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from typing import Any

from orch.config import ansible_setting, ini_value
from orch.engine.facts import namespaced, prefixed
from orch.errors import OrchError

_SCHEMA = "s1_"  # Ansible's cache schema mark in every key: caches of other schemas lie side by side
_PAYLOAD = "__payload__"
_DEFAULT_TIMEOUT = 86400
_DEFAULT_PREFIX = ""  # jsonfile's own default (the "ansible_facts" of the base setting is for other plugins)


class FactCacheError(OrchError):
    """The fact cache is set up in a way orch cannot use (a plugin it lacks, no folder)."""

    exit_code = 2


class JsonFileCache:
    def __init__(self, folder: str, prefix: str, timeout: float) -> None:
        self.folder = folder
        self.prefix = prefix
        self.timeout = timeout

    def _path(self, host: str) -> str:
        return os.path.join(self.folder, f"{self.prefix}{_SCHEMA}{host}")

    def get(self, host: str) -> dict[str, Any] | None:
        """The host's cached facts; None when there are none or they expired."""
        path = self._path(host)
        try:
            if self.timeout and time.time() - os.stat(path).st_mtime > self.timeout:
                return None
            with open(path, encoding="utf-8") as stream:
                data = json.load(stream)
            facts = json.loads(data[_PAYLOAD])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise FactCacheError(f"fact cache file {path} cannot be read ({exc}); remove it or run with "
                                 "--flush-cache") from None
        return untagged(facts) if isinstance(facts, dict) else None

    def set(self, host: str, facts: dict[str, Any]) -> None:
        path = self._path(host)
        payload = json.dumps({_PAYLOAD: json.dumps(facts, default=str)})
        handle, temporary = tempfile.mkstemp(dir=self.folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(payload)
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except OSError as exc:
            raise FactCacheError(f"cannot write the fact cache file {path}: {exc.strerror}") from None
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)

    def delete(self, host: str) -> None:
        try:
            os.remove(self._path(host))
        except FileNotFoundError:
            pass


def untagged(value: Any) -> Any:
    """Values as Ansible's cache stores tagged data (``{"value": ..., "tags": [...], "__ansible_type": ...}``)
    given back as the plain values they carry."""
    if isinstance(value, dict):
        if "__ansible_type" in value and "value" in value:
            return untagged(value["value"])
        return {key: untagged(item) for key, item in value.items()}
    if isinstance(value, list):
        return [untagged(item) for item in value]
    return value


def configured(warn: Callable[[str], None]) -> JsonFileCache | None:
    """The fact cache the settings ask for; None for ``memory`` (nothing kept between runs)."""
    plugin = (ansible_setting("ANSIBLE_CACHE_PLUGIN", "fact_caching") or "memory").strip()
    short = plugin.removeprefix("ansible.builtin.")
    if short == "memory":
        return None
    if short != "jsonfile":
        raise FactCacheError(f"fact cache plugin {plugin!r} is not supported by orch (it has 'jsonfile' and "
                             "'memory'): set fact_caching / ANSIBLE_CACHE_PLUGIN to one of those")
    folder = os.environ.get("ANSIBLE_CACHE_PLUGIN_CONNECTION")  # set but empty: the current folder, as Ansible
    if folder is None:
        found = ini_value("defaults", "fact_caching_connection")
        folder = found[0] if found else None
    if folder is None:
        # As Ansible: a warning, and facts are kept for this run only.
        warn("the 'jsonfile' fact cache needs a folder (fact_caching_connection, "
             "ANSIBLE_CACHE_PLUGIN_CONNECTION): facts are not kept after this run")
        return None
    folder = os.path.expanduser(os.path.expandvars(folder)) or "."
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise FactCacheError(f"cannot make the fact cache folder {folder}: {exc.strerror}") from None
    raw_timeout = ansible_setting("ANSIBLE_CACHE_PLUGIN_TIMEOUT", "fact_caching_timeout")
    try:
        timeout = float(raw_timeout) if raw_timeout not in (None, "") else _DEFAULT_TIMEOUT
    except ValueError:
        raise FactCacheError(f"fact_caching_timeout must be a number of seconds, not {raw_timeout!r}") from None
    prefix = ansible_setting("ANSIBLE_CACHE_PLUGIN_PREFIX", "fact_caching_prefix")
    return JsonFileCache(folder, _DEFAULT_PREFIX if prefix is None else prefix, timeout)


def load_into(cache: JsonFileCache | None, state: Any) -> None:
    """A host's cached facts as it starts the run: in ``ansible_facts`` (without the ``ansible_``
    prefix) and as variables under the names they were cached with, as Ansible injects them."""
    found = cache.get(state.name) if cache is not None else None
    if found:
        state.cached_facts.update(found)
        state.facts.update(namespaced(found))
        state.fact_vars.update(found)


def store(cache: JsonFileCache | None, state: Any, facts: dict, plain: dict | None, as_given: bool) -> None:
    """New facts of a host: in ``ansible_facts`` without the ``ansible_`` prefix, as variables with
    it (and ``plain`` names as given), or every name as given (``as_given``); the cache keeps them."""
    names = namespaced(facts)
    state.facts.update(names)
    named = dict(facts) if as_given else {**prefixed(names), **(plain or {})}
    state.fact_vars.update(named)
    remember(cache, state, named)


def remember(cache: JsonFileCache | None, state: Any, facts: dict[str, Any]) -> None:
    """New facts of a host (under their Ansible names) added to what its cache holds."""
    state.cached_facts.update(facts)
    if cache is not None:
        cache.set(state.name, state.cached_facts)


def forget(cache: JsonFileCache | None, name: str) -> None:
    if cache is not None:
        cache.delete(name)
