"""lineinfile: ensure one line is present (or absent) in a file, Ansible's rules.

Matching is by ``regexp`` (last match; first with ``firstmatch``), else by
``search_string`` (substring), else by the exact line. Insertion follows
``insertafter``/``insertbefore`` (regexes, or BOF/EOF); with ``backrefs`` an
unmatched regexp leaves the file alone.
"""

from __future__ import annotations

import re

from .. import edit, files
from ..context import ModuleFailed

SEP = b"\n"


def _matches(current, regexp, search, line):
    """Does this line match (regexp, else search_string, else the exact line)? The match, or a bool."""
    if regexp is not None:
        return regexp.search(current)
    if search is not None:
        return search in current
    return current.rstrip(b"\r\n") == line


def run(ctx, args):
    path = edit.target(args)
    state = args.get("state") or "present"
    regexp, search = args.get("regexp"), args.get("search_string")
    if regexp is not None and search is not None:
        raise ModuleFailed("parameters are mutually exclusive: regexp|search_string", path=path)
    if args.get("insertafter") is not None and args.get("insertbefore") is not None:
        raise ModuleFailed("parameters are mutually exclusive: insertbefore|insertafter", path=path)
    if state == "present" and args.get("line") is None:
        raise ModuleFailed("line is required with state=present", path=path)
    if state == "absent" and args.get("line") is None and regexp is None and search is None:
        raise ModuleFailed("one of line, search_string, or regexp is required with state=absent", path=path)
    if files.is_true(args.get("backrefs")) and regexp is None:
        raise ModuleFailed("regexp is required with backrefs=true", path=path)
    try:
        entry, before = edit.load(ctx, path)
    except edit.UnknownContent:
        return edit.unknown_result(path)
    except re.error as exc:
        raise ModuleFailed("bad regular expression: %s" % exc, path=path)
    result = {"path": path, "msg": ""}
    warnings = _empty_pattern_warnings(regexp, search)
    if warnings:
        result["warnings"] = warnings
    if before is None:
        if state == "absent":
            result.update(changed=False, found=0, msg="file not present")
            if ctx.diff:
                result["diff"] = {"before": "", "after": "", "before_header": "%s (content)" % path,
                                  "after_header": "%s (content)" % path}
            return result
        if not files.is_true(args.get("create")):
            raise ModuleFailed("Destination %s does not exist !" % path, rc=257, path=path)
    lines = edit.lines_of(before or b"")
    try:
        if state == "present":
            new_lines, msg = _present(lines, args)
        else:
            new_lines, msg, found = _absent(lines, args)
            result["found"] = found
    except re.error as exc:
        raise ModuleFailed("bad regular expression: %s" % exc, path=path)
    after = b"".join(new_lines)
    result["msg"] = msg
    if before is not None and after == before:
        result["msg"] = ""
    attr_diff = edit.save(ctx, args, path, entry, before, after, result, backup_key="backup", make_dirs=True)
    if ctx.diff:
        result["diff"] = edit.content_diffs(ctx, path, before, after, attr_diff)
    return result


def _empty_pattern_warnings(regexp, search):
    """An empty regexp or search string matches every line: Ansible warns (its words, which tests match)."""
    found = []
    consequence = ("This may have unintended consequences, such as replacing the last line in the file "
                   "rather than appending.")
    if regexp == "":
        found.append("The regular expression is an empty string, which will match every line in the file. "
                     + consequence + " If this is desired, use '^' to match every line in the file and avoid "
                     "this warning.")
    if search == "":
        found.append("The search string is an empty string, which will match every line in the file. " + consequence)
    return found


def _b(value) -> bytes:
    return files.to_bytes(str(value))


def _present(lines, args):
    line = _b(args["line"])
    regexp = re.compile(_b(args["regexp"])) if args.get("regexp") is not None else None
    search = _b(args["search_string"]) if args.get("search_string") is not None else None
    insertafter, insertbefore = args.get("insertafter"), args.get("insertbefore")
    firstmatch = files.is_true(args.get("firstmatch"))
    backrefs = files.is_true(args.get("backrefs"))
    anchor = None
    if insertafter not in (None, "BOF", "EOF"):
        anchor = re.compile(_b(insertafter))
    elif insertbefore not in (None, "BOF"):
        anchor = re.compile(_b(insertbefore))
    found, where, match = -1, -1, None  # index of the matching line; insertion index
    for number, current in enumerate(lines):
        hit = _matches(current, regexp, search, line)
        if hit:
            found, match = number, hit
            if firstmatch:
                break
        elif anchor is not None and anchor.search(current) and (where == -1 or not firstmatch):
            where = number + 1 if insertafter is not None else number
    if found == -1 and (regexp is not None or search is not None) and not backrefs:
        # the regexp matched nothing but the exact line already exists: nothing to do (as Ansible,
        # with or without insertafter/insertbefore)
        for number, current in enumerate(lines):
            if current.rstrip(b"\r\n") == line:
                return lines, ""
    if found != -1:
        new = match.expand(line) if backrefs and regexp is not None else line
        if lines[found] != new + SEP:
            lines[found] = new + SEP
            return lines, "line replaced"
        return lines, ""
    if backrefs:
        return lines, ""  # no match: unsafe to build the line without its groups
    if insertbefore == "BOF" or insertafter == "BOF":
        return [line + SEP] + lines, "line added"
    if insertafter == "EOF" or where == -1:
        if lines and not lines[-1].endswith((b"\n", b"\r")):
            lines[-1] = lines[-1] + SEP
        return lines + [line + SEP], "line added"
    if insertafter is not None:
        if where == len(lines):
            if lines[where - 1].rstrip(b"\r\n") != line:
                if not lines[-1].endswith((b"\n", b"\r")):
                    lines[-1] = lines[-1] + SEP
                return lines + [line + SEP], "line added"
            return lines, ""
        if lines[where].rstrip(b"\r\n") != line:
            return lines[:where] + [line + SEP] + lines[where:], "line added"
        return lines, ""
    if where > 0 and lines[where - 1].rstrip(b"\r\n") == line:
        return lines, ""  # insertbefore: already just before the anchor
    return lines[:where] + [line + SEP] + lines[where:], "line added"


def _absent(lines, args):
    regexp = re.compile(_b(args["regexp"])) if args.get("regexp") is not None else None
    search = _b(args["search_string"]) if args.get("search_string") is not None else None
    line = _b(args["line"]) if args.get("line") is not None else None
    kept, found = [], 0
    for current in lines:
        hit = _matches(current, regexp, search, line)
        if hit:
            found += 1
        else:
            kept.append(current)
    return kept, ("%s line(s) removed" % found) if found else "", found
