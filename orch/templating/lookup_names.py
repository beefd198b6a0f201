"""Lookups that answer with names: ``varnames`` (variables) and ``inventory_hostnames`` (hosts)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from orch.errors import OrchError, TemplateError

if TYPE_CHECKING:  # pragma: no cover
    from orch.templating.templar import Templar


def lookup_varnames(ctx: Any, templar: "Templar", terms: list, **_: Any) -> list:
    """The names of the variables (not Jinja's globals) that each regular expression finds, as ``re.search``."""
    names = list(ctx.parent._frame.variables)
    out: list[str] = []
    for term in terms:
        if not isinstance(term, str):
            raise TemplateError(f"lookup('varnames'): Invalid setting identifier, {term!r} is not a string, "
                                f"it is a {type(term).__name__}")
        try:
            pattern = re.compile(term)
        except re.error as exc:
            raise TemplateError(f"lookup('varnames'): Unable to use {term!r} as a search parameter: {exc}") from None
        out += [name for name in names if isinstance(name, str) and pattern.search(name) and name not in out]
    return out


def lookup_inventory_hostnames(ctx: Any, templar: "Templar", terms: list, **_: Any) -> list:
    """Hosts of the run's inventory matching each host pattern (as a play's ``hosts:`` reads it), in inventory
    order; a pattern that matches nothing gives nothing, as in Ansible."""
    from orch.inventory.patterns import select_hosts

    inventory = getattr(templar, "inventory", None)
    if inventory is None:
        raise TemplateError("lookup('inventory_hostnames'): no inventory in this context")
    out: list[str] = []
    for term in terms:
        try:
            hosts = select_hosts(inventory, str(term), warnings=[])
        except OrchError as exc:
            raise TemplateError(f"lookup('inventory_hostnames'): {exc.message}") from None
        out += [host.name for host in hosts if host.name not in out]
    return out
