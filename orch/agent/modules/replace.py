"""replace: substitute every match of a (multiline) regexp, Ansible's rules.

``after``/``before`` restrict the substitution to the text after the first
match of ``after`` and/or before the first following match of ``before``.
"""

from __future__ import annotations

import re

from .. import edit, files
from ..context import ModuleFailed
from ..diffs import content_diff


def run(ctx, args):
    path = edit.target(args)
    regexp = args.get("regexp")
    if regexp is None:
        raise ModuleFailed("regexp is required", path=path)
    try:
        entry, before = edit.load(ctx, path)
    except edit.UnknownContent:
        return edit.unknown_result(path)
    if before is None:
        raise ModuleFailed("Path %s does not exist !" % path, rc=257, path=path)
    encoding = args.get("encoding") or "utf-8"
    try:
        text = before.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ModuleFailed("cannot decode %s as %s: %s" % (path, encoding, exc), path=path)
    replacement = str(args.get("replace") or "")
    try:
        section_start, section_end = _section(text, args.get("after"), args.get("before"))
        section = text[section_start:section_end]
        new_section, count = re.subn(re.compile(str(regexp), re.MULTILINE), replacement, section)
    except (IndexError, re.error) as exc:
        raise ModuleFailed("bad regular expression or replacement: %s" % exc, path=path)
    new_text = text[:section_start] + new_section + text[section_end:]
    result = {"path": path, "msg": ""}
    after = before
    if count > 0 and new_text != text:
        after = new_text.encode(encoding)
        result["msg"] = "%s replacements made" % count
    result["rc"] = 0
    edit.save(ctx, args, path, entry, before, after, result)
    if ctx.diff:
        result["diff"] = content_diff(before, after, path) if after != before else {}
    return result


def _section(text, after, before):
    """Start and end offsets of the part of ``text`` that may be changed."""
    start, end = 0, len(text)
    if after:
        match = re.search(str(after), text, re.DOTALL | re.MULTILINE)
        if match is None:
            return 0, len(text)  # Ansible: an unmatched after/before leaves the whole file in scope
        start = match.end()
    if before:
        match = re.compile(str(before), re.DOTALL | re.MULTILINE).search(text, start)
        if match is None:
            return 0, len(text)
        end = match.start()
    return start, end
