"""Crontab text edits with Ansible's ``#Ansible: NAME`` marker lines (pure logic, unit-tested).

A managed job is two lines: the marker, then the entry (prefixed with '#'
when disabled). Environment variables are plain ``NAME=value`` lines.
"""

from __future__ import annotations

MARKER = "#Ansible: "
SPECIALS = ("reboot", "yearly", "annually", "monthly", "weekly", "daily", "hourly")


def job_line(job, minute="*", hour="*", day="*", month="*", weekday="*", special_time=None,
             disabled=False, user=None):
    """The entry line; ``user`` is the extra field of /etc/cron.d files."""
    when = "@" + special_time if special_time else " ".join(str(x) for x in (minute, hour, day, month, weekday))
    parts = [when] + ([user] if user else []) + [job]
    return ("#" if disabled else "") + " ".join(parts)


def lines_of(text):
    return (text or "").splitlines()


def find_job(lines, name):
    """Index of the marker line of job ``name`` or None."""
    for i, line in enumerate(lines):
        if line == MARKER + name:
            return i
    return None


def jobs(lines):
    return [line[len(MARKER):] for line in lines if line.startswith(MARKER)]


def get_job(lines, name):
    i = find_job(lines, name)
    if i is None or i + 1 >= len(lines):
        return None
    return lines[i + 1]


def set_job(lines, name, entry):
    """New lines with job ``name`` set to ``entry`` (None removes it)."""
    out = list(lines)
    i = find_job(out, name)
    if i is not None:
        end = i + 2 if i + 1 < len(out) else i + 1
        out[i:end] = [] if entry is None else [MARKER + name, entry]
    elif entry is not None:
        out += [MARKER + name, entry]
    return out


def _env_index(lines, name):
    for i, line in enumerate(lines):
        key = line.split("=", 1)[0].strip()
        if "=" in line and not line.lstrip().startswith("#") and key == name:
            return i
    return None


def envs(lines):
    return [line.split("=", 1)[0].strip() for line in lines
            if "=" in line and not line.lstrip().startswith("#") and " " not in line.split("=", 1)[0].strip()]


def set_env(lines, name, value, insertafter=None, insertbefore=None):
    """New lines with variable ``name`` (None removes it); new ones go first unless told."""
    out = list(lines)
    i = _env_index(out, name)
    if value is None:
        if i is not None:
            del out[i]
        return out
    line = "%s=%s" % (name, value)
    if i is not None:
        out[i] = line
        return out
    anchor = insertafter or insertbefore
    j = _env_index(out, anchor) if anchor else None
    if j is None:
        out.insert(0, line)
    else:
        out.insert(j + 1 if insertafter else j, line)
    return out


def text_of(lines):
    return "".join(line + "\n" for line in lines)
