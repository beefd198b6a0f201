"""Diffs in Ansible's shape: {"before", "after", "before_header", "after_header"}.

Text only, and only below 256 KiB (Ansible's max_diff_size); otherwise a
marker key says why there is no text (``dst_binary``/``src_binary``/``dst_larger``).
"""

from __future__ import annotations

MAX_DIFF = 256 * 1024


def _text(data):
    if data is None:
        return ""
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def content_diff(before, after, before_header, after_header=None) -> dict:
    """Diff of two contents (bytes; None means the file is absent or the content unknown)."""
    diff = {"before_header": before_header, "after_header": after_header or before_header}
    if before is not None and len(before) > MAX_DIFF or after is not None and len(after) > MAX_DIFF:
        diff["dst_larger"] = MAX_DIFF
        return diff
    before_text, after_text = _text(before), _text(after)
    if before_text is None:
        diff["dst_binary"] = 1
    if after_text is None:
        diff["src_binary"] = 1
    if before_text is not None and after_text is not None:
        diff["before"], diff["after"] = before_text, after_text
    return diff


def unified(diff: dict) -> str:
    """Render one Ansible diff dict as a unified diff (what a console shows)."""
    before, after = diff.get("before", ""), diff.get("after", "")
    if isinstance(before, dict) or isinstance(after, dict):
        before, after = _dict_text(before), _dict_text(after)
    import difflib  # only a console shows unified diffs

    lines = difflib.unified_diff(before.splitlines(True), after.splitlines(True),
                                 diff.get("before_header", "before"), diff.get("after_header", "after"))
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _dict_text(value) -> str:
    if not isinstance(value, dict):
        return str(value or "")
    return "".join("%s: %s\n" % (k, value[k]) for k in sorted(value))
