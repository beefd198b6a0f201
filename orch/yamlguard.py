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

# Far below old libyaml's crash, deeper than Python's construction can go anyway, and below the
# 1000 levels at which libyaml 0.2.6 (bundled with newer PyYAML) refuses block nesting in words
# of its own: orch's message is the one users see, whichever PyYAML is installed.
MAX_DEPTH = 500
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
    try:
        _scan_depth(text, source, parser_class, limit)
    except yaml.YAMLError:
        # libyaml >= 0.2.6 refuses deep flow nesting itself, while scanning ahead for a simple key
        # and so before its parser hands out the events counted here, in words of its own. Count
        # the brackets instead; a document that is not too deep gets its error from the real load.
        where = _flow_too_deep(text, limit)
        if where:
            raise ParseError(f"invalid YAML: nested more than {limit} levels deep",
                             location=Location(source, *where)) from None


def _flow_too_deep(text: str, limit: int) -> tuple[int, int] | None:
    """(line, column) of the first flow bracket nested deeper than ``limit``, quotes and comments skipped."""
    depth, line, line_start, quote = 0, 1, 0, ""
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == "\n":
            line, line_start = line + 1, index + 1
        elif quote == '"' and char == "\\":
            index += 2  # an escaped character, perhaps the quote
            continue
        elif quote == "'" and text.startswith("''", index):
            index += 2  # a quote inside single quotes
            continue
        elif quote:
            if char == quote:
                quote = ""
        elif char in "'\"" and (index == 0 or text[index - 1] in " \t\n[{,:"):
            quote = char
        elif char == "#" and (index == 0 or text[index - 1] in " \t\n"):
            index = text.find("\n", index)
            if index < 0:
                return None
            continue
        elif char in "[{":
            depth += 1
            if depth > limit:
                return line, index - line_start + 1
        elif char in "]}":
            depth = max(depth - 1, 0)
        index += 1
    return None


def _scan_depth(text: str, source: str, parser_class: Any, limit: int) -> None:
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
