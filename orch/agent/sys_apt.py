"""apt/dpkg output parsing (pure logic, unit-tested), and dpkg's status database read directly."""

from __future__ import annotations

import fnmatch
import os
import re

DPKG_FORMAT = "${Package}\\t${Status}\\t${Version}\\n"
STATUS_FILE = "/var/lib/dpkg/status"
UPDATES_DIR = "/var/lib/dpkg/updates"  # dpkg's journal: entries not yet merged into STATUS_FILE


def status_text(status_file=STATUS_FILE):
    try:
        with open(status_file, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


def read_status(names, status_file=STATUS_FILE, updates_dir=UPDATES_DIR):
    """What ``dpkg-query -W`` would say for plain package names, read from dpkg's database.

    Saves a process (and importing subprocess) on every check. None when only dpkg-query can
    tell: patterns, arch-qualified names, a journal not merged yet, no readable database.
    """
    if any(set(name) & set("*?[]:") for name in names):
        return None
    try:
        if os.listdir(updates_dir):
            return None
        with open(status_file, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return None
    return parse_status(text, names)


def parse_status(text, names):
    """{name: (status_word, version)} from dpkg status text; an installed stanza wins over others."""
    states = {}
    text = "\n" + text
    for name in names:
        marker = "\nPackage: %s\n" % name
        start = text.find(marker)
        while start >= 0:
            end = text.find("\n\n", start + 1)
            stanza = text[start:end if end >= 0 else len(text)]
            status = _field(stanza, "Status").split()
            state = (status[-1] if status else "unknown", _field(stanza, "Version"))
            if name not in states or state[0] == "installed":
                states[name] = state
            start = text.find(marker, start + 1)
    return states


def installed_providers(text, name):
    """Installed packages whose ``Provides:`` names ``name`` (a virtual package), from dpkg status text."""
    found = []
    for stanza in ("\n" + text).split("\n\n"):
        provides = _field(stanza, "Provides")
        if not provides or _field(stanza, "Status").split()[-1:] != ["installed"]:
            continue
        names = [part.strip().split(" ")[0].split(":")[0] for part in provides.split(",")]
        if name in names:
            found.append(_field(stanza, "Package"))
    return found


def _field(stanza, key):
    at = stanza.find("\n%s: " % key)
    if at < 0:
        return ""
    at += len(key) + 3
    end = stanza.find("\n", at)
    return stanza[at:end if end >= 0 else len(stanza)].strip()


def split_spec(spec):
    """'nginx=1.22*' -> ('nginx', '1.22*'); 'nginx' -> ('nginx', None)."""
    spec = str(spec).strip()
    name, sep, version = spec.partition("=")
    return name.strip(), (version.strip() or None) if sep else None


def parse_dpkg_query(text):
    """dpkg-query -W -f DPKG_FORMAT output -> {name: (status_word, version)}.

    status_word: 'installed', 'config-files' (removed, not purged), or another dpkg state.
    """
    states = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        name, status, version = parts[0], parts[1].split(), parts[2]
        word = status[-1] if status else "unknown"
        states[name] = (word, version)
    return states


def installed_version(states, name):
    state = states.get(name)
    if state and state[0] in ("installed", "half-configured", "unpacked", "half-installed"):
        return state[1]
    return None


def version_matches(installed, wanted):
    """Ansible's apt: '=1.2*' matches by glob, '=1.2' exactly."""
    if installed is None:
        return False
    if wanted is None:
        return True
    return fnmatch.fnmatchcase(installed, wanted) if "*" in wanted else installed == wanted


def parse_policy(text):
    """apt-cache policy output for several packages -> {name: candidate or None}."""
    out, current = {}, None
    for line in text.splitlines():
        if line and not line[0].isspace() and line.rstrip().endswith(":"):
            current = line.rstrip()[:-1].split(":")[0]
            out[current] = None
        elif current and line.strip().startswith("Candidate:"):
            value = line.split(":", 1)[1].strip()
            out[current] = None if value == "(none)" else value
    return out


_SIM = re.compile(r"^(Inst|Remv|Purg) (\S+)(?: \[([^\]]*)\])?(?: \((\S+))?")


def parse_simulation(text):
    """apt-get -s output -> {name: new version or None (removed)}."""
    changes = {}
    for line in text.splitlines():
        m = _SIM.match(line)
        if not m:
            continue
        action, name, _old, new = m.groups()
        name = name.split(":")[0]
        changes[name] = new if action == "Inst" else None
    return changes
