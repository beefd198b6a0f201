"""authorized_keys lines: parse and merge (pure logic, unit-tested).

A parsed key is (options, type, blob, comment); the blob is its identity:
a key given again with other options/comment replaces the old line in place.
"""

from __future__ import annotations

_TYPES = ("ssh-rsa", "ssh-dss", "ssh-ed25519", "ssh-ed448", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
          "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
          "ssh-rsa-cert-v01@openssh.com", "ssh-ed25519-cert-v01@openssh.com")


def _is_type(token):
    return token in _TYPES or token.startswith(("ecdsa-sha2-", "sk-")) or token.endswith("-cert-v01@openssh.com")


def _split_options(line):
    """The options field ends at the first space outside double quotes."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"' and (i == 0 or line[i - 1] != "\\"):
            quoted = not quoted
        elif ch in " \t" and not quoted:
            return line[:i], line[i:].lstrip()
    return line, ""


def parse(line):
    """(options, type, blob, comment) or None for blank/comment/garbage lines."""
    line = line.strip()
    if not line or line.startswith("#"):
        return None
    options = ""
    first = line.split(None, 1)[0]
    if not _is_type(first):
        options, line = _split_options(line)
    parts = line.split(None, 2)
    if len(parts) < 2 or not _is_type(parts[0]):
        return None
    return (options, parts[0], parts[1], parts[2].strip() if len(parts) > 2 else "")


def render(key):
    options, ktype, blob, comment = key
    text = "%s %s" % (ktype, blob)
    if options:
        text = options + " " + text
    if comment:
        text += " " + comment
    return text


def wanted_keys(key_text, key_options=None, comment=None):
    """The keys a step asks for (several lines allowed); bad lines raise ValueError."""
    keys = []
    for line in str(key_text).splitlines():
        if not line.strip() or line.strip().startswith("#"):
            continue
        parsed = parse(line)
        if parsed is None:
            raise ValueError("invalid key specified: %s" % line.strip())
        options, ktype, blob, old_comment = parsed
        if key_options is not None:
            options = key_options
        keys.append((options, ktype, blob, old_comment if comment is None else comment))
    return keys


def merge(lines, keys, state="present", exclusive=False):
    """New file lines from the existing ``lines`` and the wanted ``keys``."""
    wanted = {k[2]: k for k in keys}
    out, seen = [], set()
    for line in lines:
        parsed = parse(line)
        if parsed is None:
            out.append(line)
            continue
        blob = parsed[2]
        if blob in wanted:
            if state == "absent" or blob in seen:
                continue
            seen.add(blob)
            new = wanted[blob]
            out.append(line if parsed == new else render(new))
        elif not (exclusive and state == "present"):
            out.append(line)
    if state == "present":
        out.extend(render(k) for k in keys if k[2] not in seen and not seen.add(k[2]))
    return out
