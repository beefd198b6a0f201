"""replace: substitute every match of a (multiline) regexp, Ansible's rules.

``after``/``before`` restrict the substitution to a part of the file (see _section);
when they do not match, nothing is replaced.
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
        pattern = _section_pattern(args.get("after"), args.get("before"))
        section = _section(text, pattern)
        if section is None:
            # As Ansible: after/before that do not match leave the file alone.
            return {"path": path, "changed": False, "rc": 0,
                    "msg": "Pattern for before/after params did not match the given file: %s" % pattern}
        section_start, section_end = section
        new_section, count = re.subn(re.compile(str(regexp), re.MULTILINE), replacement,
                                     text[section_start:section_end])
    except (IndexError, re.error) as exc:
        # Ansible's wording (tests match its start)
        raise ModuleFailed("Unable to process replace due to error: %s" % exc, path=path)
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


def _section_pattern(after, before):
    """The regexp whose ``subsection`` group is the part that may change (None: the whole text).

    As Ansible reads them: from the first match of ``after`` to the next match of ``before``
    when both are given, to the end after ``after`` alone, from the start to the last match of
    ``before`` alone.
    """
    if not after and not before:
        return None
    if after and before:
        pattern = "%s(?P<subsection>.*?)%s" % (after, before)
    elif after:
        pattern = "%s(?P<subsection>.*)" % after
    else:
        pattern = "(?P<subsection>.*)%s" % before
    return pattern


def _section(text, pattern):
    """Start and end offsets of the part of ``text`` that may change, None when the pattern does not match."""
    if pattern is None:
        return 0, len(text)
    match = re.search(pattern, text, re.DOTALL)
    if match is None:
        return None
    return match.start("subsection"), match.end("subsection")
