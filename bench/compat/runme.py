"""Turn a target's runme.sh into steps the harness can run with either engine.

A runme.sh mixes the playbook runs that are the test with shell that checks
ansible-playbook's console output or exit status. The harness runs the
playbook runs (their asserts are the test) and the shell that only sets
things up (variables, ``cd``, files); a line that judges output, expects a
failure, or calls another Ansible tool is reported as not run, with why.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

ENV, SETUP, STEP, SKIP = "env", "setup", "step", "skip"

_ASSIGN = r"[A-Za-z_][A-Za-z0-9_]*=(?:'[^']*'|\"[^\"]*\"|\S*)"
# ansible-playbook with optional VAR=x prefixes, a subshell `(cd DIR && ...)`, and `| tee FILE`.
_PLAIN_PLAYBOOK = re.compile(
    rf"^(?P<open>\(\s*cd\s+\S+\s+&&\s+)?(?P<env>(?:{_ASSIGN}\s+)*)ansible-playbook\s(?P<args>[^|&;<>`]*?)"
    r"(?P<close>\))?\s*(?:2>&1\s*)?(?:\|\s*tee\s+\S+\s*)?$")
_SUBSTITUTION = re.compile(r"\$\((?!\s*pwd\s*\))")
_OTHER_TOOLS = ("ansible-inventory", "ansible-config", "ansible-doc", "ansible-galaxy", "ansible-vault",
                "ansible-pull", "ansible-console", "ansible-test", "ansible ")
_SETUP_COMMANDS = {"rm", "mkdir", "ln", "cp", "touch", "chmod", "mv", "tar", "trap"}
_BLOCK_OPEN = re.compile(r"^(for|while|until|if|case)\b|^(function\s+\w+|\w+\s*\(\s*\))\s*\{?")
_BLOCK_CLOSE = {"for": "done", "while": "done", "until": "done", "if": "fi", "case": "esac"}


@dataclass(frozen=True)
class Item:
    kind: str  # env | setup | step | skip
    line: int
    text: str
    reason: str = ""
    # False for `ansible-playbook ... | tee FILE` without pipefail: the script never sees its exit
    # status (the output check after it does), so the engines only have to agree on it.
    strict: bool = True


def _balanced(text: str) -> bool:
    try:
        shlex.split(text, comments=True)
        return True
    except ValueError:
        return False


def logical_lines(script: str) -> list[tuple[int, str]]:
    """(first line number, text) of each command: continuations and open quotes joined."""
    out, buf, start, joiner = [], "", 0, "\n"
    for number, raw in enumerate(script.splitlines(), 1):
        if not buf:
            start = number
            if raw.strip().startswith("#") or not raw.strip():
                continue
        buf = f"{buf}{joiner}{raw.strip() if joiner == ' ' else raw}" if buf else raw
        joiner = "\n"
        if buf.endswith("\\"):
            buf, joiner = buf[:-1].rstrip(), " "
            continue
        if not _balanced(buf):
            continue
        out.append((start, buf.strip()))
        buf = ""
    if buf:
        out.append((start, buf.strip()))
    return out


def _block_end(lines: list[tuple[int, str]], index: int) -> int:
    """Index of the last line of the compound command opening at ``index``."""
    first = lines[index][1]
    keyword = first.split()[0]
    closer = _BLOCK_CLOSE.get(keyword, "}")
    depth = 0
    for j in range(index, len(lines)):
        words = re.split(r"[\s;]+", lines[j][1])
        for word in words:
            if (word == keyword and closer != "}") or (closer == "}" and word.endswith("{")):
                depth += 1
            elif word == closer:
                depth -= 1
        if depth <= 0 and j >= index:
            return j
    return len(lines) - 1


def _is_plain_playbook(text: str) -> bool:
    match = _PLAIN_PLAYBOOK.match(text)
    if not match or bool(match.group("open")) != bool(match.group("close")):
        return False
    return not _SUBSTITUTION.search(text) and "\n" not in text.strip()


def _strip_tee(text: str) -> str:
    return re.sub(r"\s*(?:2>&1\s*)?\|\s*tee\s+\S+\s*$", "", text)


def _classify(text: str) -> tuple[str, str]:
    words = text.split()
    head = words[0]
    if head in ("set", "shopt", "echo", "cat", "printf") or text.startswith("#!"):
        return "", ""
    if "ansible-playbook" in text:
        if _is_plain_playbook(text):
            return STEP, ""
        if re.search(r"\|\|\s*(true|:)\s*$", text) or "exit_code" in text or "&& exit 1" in text or text.startswith("!"):
            return SKIP, "expects a failure (judged by exit status/output)"
        return SKIP, "judges ansible-playbook's console output"
    if any(text.startswith(tool) or f" {tool}" in text for tool in _OTHER_TOOLS):
        return SKIP, "another Ansible command (not ansible-playbook)"
    if head in ("export", "unset", "cd", "source", ".") or re.fullmatch(rf"(?:{_ASSIGN}\s*)+", text):
        return ENV, ""
    if head in _SETUP_COMMANDS and "|" not in text and not _SUBSTITUTION.search(text):
        return (SKIP, "cleanup trap (not needed: fresh copy per run)") if head == "trap" else (SETUP, "")
    return SKIP, "shell check (not translated)"


def translate(script: str) -> list[Item]:
    """The runme.sh as ordered items; loops of plain playbook runs become one step."""
    lines = logical_lines(script)
    pipefail = "pipefail" in script
    items: list[Item] = []
    functions: set[str] = set()
    errexit = True

    def runnable(line: str) -> str:
        """The kind of a line inside a `for` loop ('' for `do` and calls of the script's functions)."""
        line = re.sub(r"^do\b\s*", "", line)
        if not line or line.split()[0] in functions:
            return ""
        return _classify(line)[0]

    i = 0
    while i < len(lines):
        number, text = lines[i]
        if _BLOCK_OPEN.match(text) and not text.rstrip().endswith(("done", "fi", "esac")):
            end = _block_end(lines, i)
            block = "\n".join(t for _, t in lines[i:end + 1])
            body = [t for _, t in lines[i + 1:end]]
            keyword = text.split()[0]
            if keyword not in _BLOCK_CLOSE:  # a function: defined for the steps after it (cleanups they call)
                functions.add(re.sub(r"^function\s+|\s*\(.*$|\s*\{.*$", "", text))
                items.append(Item(ENV, number, block))
            elif keyword == "for" and body and all(runnable(t) in (STEP, ENV, "") for t in body) \
                    and any(runnable(t) == STEP for t in body):
                items.append(Item(STEP, number, "\n".join([text] + [_strip_tee(t) for t in body] + [lines[end][1]])))
            else:
                items.append(Item(SKIP, number, block, f"shell {keyword} block (not translated)"))
            i = end + 1
            continue
        if re.match(r"set\s+[-+]", text):  # `set +e`: the lines until `set -e` may fail
            errexit = {"-": True, "+": False}.get(text.split()[1][0]) if "e" in text.split()[1] else errexit
        kind, reason = _classify(text)
        if kind == SKIP and text.split()[0] in functions:
            kind, reason = SETUP, ""  # a call of the script's own function (it makes files, cleans up)
        strict = True
        if kind == STEP:
            strict = errexit and (pipefail or _strip_tee(text) == text)
            text = _strip_tee(text)
        if kind:
            items.append(Item(kind, number, text, reason, strict))
        i += 1
    return items
