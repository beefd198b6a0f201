"""Limits that keep hostile YAML from crashing or hanging orch.

* Nesting: libyaml's composer recurses in C and kills the process (SIGSEGV) somewhere
  past 10^4 nesting levels, before Python can raise RecursionError. Documents are
  checked first: a cheap upper bound on the depth, and only when that bound is high an
  exact scan of the parser's events (libyaml's parser itself is iterative).
* Aliases: ``&a [*b, *b, ...]`` chains ("billion laughs") build a small graph that any
  walk over the values (templating, JSON output) expands exponentially. A document
  whose expanded size passes a bound is refused.
"""

from __future__ import annotations

from typing import Any

import yaml

from orch.errors import Location, ParseError

MAX_DEPTH = 1000  # far below libyaml's crash; deeper than Python's construction can go anyway
MAX_EXPANDED_NODES = 2_000_000


def _depth_bound(text: str) -> int:
    # Each block level adds a column (indentless sequences: one per mapping level, hence x2);
    # each flow level needs a bracket.
    longest = max((len(line) for line in text.split("\n")), default=0)
    return 2 * (longest + 1) + text.count("[") + text.count("{")


def check_depth(text: str, source: str, parser_class: Any, limit: int = MAX_DEPTH, force: bool = False) -> None:
    """ParseError at the first node nested deeper than ``limit``."""
    if not force and (len(text) <= limit or _depth_bound(text) <= limit):
        return
    parser = parser_class(text)
    try:
        depth = 0
        while True:
            event = parser.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                return
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > limit:
                    mark = event.start_mark
                    raise ParseError(f"invalid YAML: nested more than {limit} levels deep",
                                     location=Location(source, mark.line + 1, mark.column + 1))
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    finally:
        parser.dispose()


def check_expansion(node: yaml.Node | None, source: str) -> None:
    """ParseError when aliases make the document expand past MAX_EXPANDED_NODES values."""
    if node is None:
        return
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    while stack:  # iterative post-order; shared (aliased) nodes are counted once and reused
        current, done = stack.pop()
        key = id(current)
        if key in sizes and not done:
            continue
        children = _children(current)
        if not done:
            sizes.setdefault(key, 0)  # a marker: an alias cycle does not loop forever
            stack.append((current, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
            continue
        total = 1 + sum(sizes.get(id(c), 0) for c in children)
        sizes[key] = total
        if total > MAX_EXPANDED_NODES:
            mark = current.start_mark
            raise ParseError(f"invalid YAML: aliases expand this document past {MAX_EXPANDED_NODES} values",
                             location=Location(source, mark.line + 1, mark.column + 1))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []
