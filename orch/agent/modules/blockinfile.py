"""blockinfile: a block of lines between two marker lines, Ansible's rules.

The markers are ``marker`` with {mark} replaced by ``marker_begin``/``marker_end``.
An existing block (both markers found) is replaced in place; otherwise the
block goes after the last ``insertafter`` match / before the last
``insertbefore`` match / at EOF. An empty block or state=absent removes it.
"""

from __future__ import annotations

import re

from .. import edit, files
from ..context import ModuleFailed


def run(ctx, args):
    path = edit.target(args)
    state = args.get("state") or "present"
    insertafter, insertbefore = args.get("insertafter"), args.get("insertbefore")
    if insertafter is not None and insertbefore is not None:
        raise ModuleFailed("parameters are mutually exclusive: insertbefore|insertafter", path=path)
    try:
        entry, before = edit.load(ctx, path)
    except edit.UnknownContent:
        return edit.unknown_result(path)
    result = {"path": path}
    if before is None and not files.is_true(args.get("create")):
        raise ModuleFailed("Path %s does not exist !" % path, rc=257, path=path)
    marker = str(args.get("marker") or "# {mark} ANSIBLE MANAGED BLOCK")
    # Lines keep their own endings (a CRLF file keeps its \r), markers end in \n: as Ansible.
    begin = files.to_bytes(marker.replace("{mark}", str(args.get("marker_begin") or "BEGIN"))) + b"\n"
    end = files.to_bytes(marker.replace("{mark}", str(args.get("marker_end") or "END"))) + b"\n"
    block = args.get("block")
    if block is None:
        block = args.get("content") or ""
    block = files.to_bytes(str(block))
    lines = (before or b"").splitlines(True)
    if state == "present" and block:
        wanted = [begin] + (block if block.endswith(b"\n") else block + b"\n").splitlines(True) + [end]
    else:
        wanted = []
    start = stop = None
    for number, line in enumerate(lines):
        if line == begin:
            start = number
        if line == end:
            stop = number
    if start is None or stop is None:
        try:
            start = _insertion_point(before or b"", lines, insertafter, insertbefore)
        except re.error as exc:
            raise ModuleFailed("bad regular expression: %s" % exc, path=path)
    elif start > stop:
        lines[stop:start + 1] = []
        start = stop
    else:
        lines[start:stop + 1] = []
    if start > 0 and not lines[start - 1].endswith(b"\n"):
        lines[start - 1] += b"\n"
    if files.is_true(args.get("prepend_newline")) and wanted and start != 0 and lines[start - 1] != b"\n":
        lines[start:start] = [b"\n"]
        start += 1
    lines[start:start] = wanted
    following = start + len(wanted)
    if (files.is_true(args.get("append_newline")) and wanted and following < len(lines)
            and lines[following] != b"\n"):
        lines[following:following] = [b"\n"]
    after = b"".join(lines)
    if before is not None and after == before:
        result["msg"] = ""
    elif before is None:
        result["msg"] = "File created"
    elif wanted:
        result["msg"] = "Block inserted"
    else:
        result["msg"] = "Block removed"
    if before is None and not wanted:  # nothing to remove from a file that is not there
        result.update(changed=False, msg="")
        if ctx.diff:
            result["diff"] = edit.content_diffs(ctx, path, b"", b"", ({}, {}))
        return result
    attr_diff = edit.save(ctx, args, path, entry, before, after, result, make_dirs=True)
    if ctx.diff:
        result["diff"] = edit.content_diffs(ctx, path, before, after, attr_diff)
    return result


def _insertion_point(text, lines, insertafter, insertbefore):
    """Where a new block goes: after the last line matching insertafter, before the last matching
    insertbefore (a multiline pattern: its first match in the whole text), else at the end."""
    if insertbefore == "BOF":
        return 0
    if insertafter in (None, "EOF") and insertbefore is None:
        return len(lines)
    pattern = re.compile(files.to_bytes(str(insertafter if insertafter is not None else insertbefore)))
    found = None
    if pattern.flags & re.MULTILINE:
        match = pattern.search(text)
        if match:
            found = text.count(b"\n", 0, match.end() if insertafter is not None else match.start())
    else:
        for number, line in enumerate(lines):
            if pattern.search(line):
                found = number
    if found is None:
        return len(lines)  # no match: at the end, as Ansible does
    return found + 1 if insertafter is not None else found
