"""URL, UUID and date filters."""

from __future__ import annotations

import datetime
import time
import uuid
from typing import Any
from urllib.parse import unquote_plus, urlsplit as _urlsplit

from orch.errors import TemplateError

_URL_PARTS = ("fragment", "hostname", "netloc", "password", "path", "port", "query", "scheme", "username")
# Ansible's own namespace for to_uuid, so that the same string gives the same UUID with both.
_ANSIBLE_NAMESPACE = uuid.UUID("361E6D51-FAEC-444A-9079-341386DA8E2E")


def urldecode(value: Any) -> str:
    return unquote_plus(str(value))


def urlsplit(value: Any, query: str = "") -> Any:
    """The parts of a URL as a dict, or the one part ``query`` names."""
    parsed = _urlsplit(str(value))
    parts = {name: getattr(parsed, name) for name in _URL_PARTS}
    if not query:
        return parts
    if query not in parts:
        raise TemplateError(f"urlsplit: unknown URL component: {query}")
    return parts[query]


def to_uuid(value: Any, namespace: Any = _ANSIBLE_NAMESPACE) -> str:
    if not isinstance(namespace, uuid.UUID):
        try:
            namespace = uuid.UUID(namespace)
        except (AttributeError, TypeError, ValueError) as exc:
            raise TemplateError(f"Invalid value '{namespace}' for 'namespace': {exc}") from None
    return str(uuid.uuid5(namespace, str(value)))


def strftime(fmt: Any, second: Any = None, utc: bool = False) -> str:
    """Format a time (seconds since the epoch, now by default) with time.strftime."""
    if second is not None:
        try:
            second = float(second)
        except (TypeError, ValueError):
            raise TemplateError(f"Invalid value for epoch value ({second})") from None
    return time.strftime(str(fmt), (time.gmtime if utc else time.localtime)(second))


def to_datetime(value: Any, format: str = "%Y-%m-%d %H:%M:%S") -> datetime.datetime:
    return datetime.datetime.strptime(str(value), format)


FILTERS = {
    "urldecode": urldecode,
    "urlsplit": urlsplit,
    "to_uuid": to_uuid,
    "strftime": strftime,
    "to_datetime": to_datetime,
}
