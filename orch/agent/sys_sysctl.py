"""sysctl.conf edits (pure logic, unit-tested)."""

from __future__ import annotations


def norm_key(key):
    return key.strip().replace("/", ".")


def norm(value):
    return None if value is None else " ".join(str(value).split())


def proc_path(key):
    return "/proc/sys/" + norm_key(key).replace(".", "/")


def parse(line):
    """(key, value) of a setting line, or None for comments/blank lines."""
    text = line.strip()
    if not text or text[0] in "#;" or "=" not in text:
        return None
    key, _, value = text.partition("=")
    return norm_key(key.lstrip("-")), value.strip()


def set_key(lines, key, value):
    """New lines: ``key`` set to ``value`` once (first place it was), or removed when None."""
    key = norm_key(key)
    out, done = [], False
    for line in lines:
        parsed = parse(line)
        if parsed is None or parsed[0] != key:
            out.append(line)
            continue
        if value is None or done:
            continue
        done = True
        out.append(line if norm(parsed[1]) == norm(value) else "%s=%s" % (key, value))
    if value is not None and not done:
        out.append("%s=%s" % (key, value))
    return out
