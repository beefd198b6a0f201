"""A task's loop on one host: its items, and the variables each item adds.

As in Ansible: a loop that cannot be templated (an undefined variable) is only
an error when the task's ``when`` holds without the item (``when: x is
defined`` with ``loop: "{{ x }}"`` skips the task); ``with_<lookup>`` runs the
lookup of that name; ``loop_control.break_when`` ends the loop after an item.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from orch.engine.facts import namespaced
from orch.engine.loops import NATIVE_KINDS, loop_items
from orch.engine.results import registered
from orch.errors import TemplateError

if TYPE_CHECKING:
    from orch.playbook.model import Task
    from orch.templating import Templar

# Ansible picks the folder first_found searches from the task's action name.
_SUBDIR_HINTS = (("template", "templates"), ("var", "vars"), ("file", "files"))


class SkipLoop(Exception):
    """The loop could not be templated and the task's ``when`` is false: the task is skipped."""


def lookup_subdir(action: str) -> str:
    """The folder a ``with_first_found`` of a task with this action searches (``include_vars``: vars)."""
    for hint, subdir in _SUBDIR_HINTS:
        if hint in action:
            return subdir
    return "files"


def task_items(templar: "Templar", task: "Task", variables: dict, name: str, search_dirs: list[str]) -> list:
    """The items of ``task``'s loop for a host; raises SkipLoop when its ``when`` rules it out first."""
    assert task.loop is not None
    try:
        return _items(templar, task, variables, name, search_dirs)
    except TemplateError:
        try:
            holds = templar.is_true(task.when, variables, location=task.location, task=name)
        except TemplateError:
            holds = True  # the condition needs the item: the loop's own error is the one to report
        if not holds:
            raise SkipLoop() from None
        raise


def _items(templar: "Templar", task: "Task", variables: dict, name: str, search_dirs: list[str]) -> list:
    kind = task.loop.kind
    # with_first_found leaves out the terms that are undefined (Ansible's old leniency, kept in 2.19)
    raw = templar.template(task.loop.value, variables, location=task.location, task=name,
                           drop_undefined=kind == "first_found")
    if kind in NATIVE_KINDS:
        return loop_items(kind, raw, search_dirs)
    terms = raw if isinstance(raw, list) else [raw]
    options: dict[str, Any] = {"wantlist": True}
    if kind == "first_found":
        options["_subdir"] = lookup_subdir(task.action or task.module)
        terms = [term for term in terms if term is not None]
    expression = "query(__orch_lookup, *__orch_terms, **__orch_options)"
    found = templar.evaluate(expression, {**variables, "__orch_lookup": kind, "__orch_terms": terms,
                                          "__orch_options": options}, location=task.location, task=name)
    return list(found)


# Read per item (label) or after it (break_when): not templated up front.
_PER_ITEM = ("label", "break_when")


def loop_control(templar: "Templar", task: "Task", variables: dict, name: str) -> dict:
    """``loop_control`` with its settings templated (``loop_var: "{{ name }}"``), as Ansible reads them."""
    control = task.loop_control or {}
    return {key: value if key in _PER_ITEM else templar.template(value, variables, location=task.location, task=name)
            for key, value in control.items()}


def item_vars(control: dict, items: list, index: int) -> dict:
    """What one item adds to the task's variables (loop_var, index_var, ``ansible_loop``)."""
    loop_var = control.get("loop_var") or "item"
    added: dict[str, Any] = {loop_var: items[index], "ansible_loop_var": loop_var}
    index_var = control.get("index_var")
    if index_var:
        added[index_var] = index
        added["ansible_index_var"] = index_var
    if control.get("extended"):
        count = len(items)
        loop = {"index": index + 1, "index0": index, "first": index == 0, "last": index == count - 1,
                "length": count, "revindex": count - index, "revindex0": count - index - 1}
        if control.get("extended_allitems", True):
            loop["allitems"] = items
        if index + 1 < count:
            loop["nextitem"] = items[index + 1]
        if index > 0:
            loop["previtem"] = items[index - 1]
        added["ansible_loop"] = loop
    return added


def breaks(templar: "Templar", task: "Task", variables: dict, name: str) -> bool:
    """``loop_control.break_when`` after an item (its result is under the register name)."""
    condition = (task.loop_control or {}).get("break_when")
    if not condition:
        return False
    return templar.is_true(condition, variables, location=task.location, task=name)


def with_item_outcome(variables: dict, register: str | None, result: dict) -> dict:
    """The loop's variables after an item: its facts (set_fact, include_vars, a module's) and,
    under the register name, its result; as Ansible's loop updates them for the next items."""
    facts = result.get("ansible_facts")
    if not register and not facts:
        return variables
    out = dict(variables)
    if isinstance(facts, dict) and not result.get("failed"):
        out.update(facts)
        if not result.get("_set_fact") and not result.get("_include_vars"):
            out["ansible_facts"] = {**(variables.get("ansible_facts") or {}), **namespaced(facts)}
    if register:
        out[register] = registered(result)
    return out
