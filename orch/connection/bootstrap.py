"""How the agent gets onto a host: a tiny ``python3 -c`` stage that reads the rest from stdin.

Stage 1 (the command line) reads stdin byte by byte, skipping everything up to
a marker line (a sudo password line may precede it, or may have been consumed
by sudo), then a length and that many bytes of zlib-compressed stage 2.
Stage 2 installs an importer over the agent's sources (sent in the same
payload) and starts the agent. Nothing is written to the host's disk.
"""

from __future__ import annotations

import functools
import shlex
import zlib
from pathlib import Path

MARKER = b"#orch-agent\n"

_STAGE1 = """import os,zlib
def l():
 b=b""
 while not b.endswith(b"\\n"):
  c=os.read(0,1)
  if not c:raise SystemExit(3)
  b+=c
 return b
while l()!=b"#orch-agent\\n":pass
n=int(l());d=b""
while len(d)<n:
 c=os.read(0,n-len(d))
 if not c:raise SystemExit(3)
 d+=c
exec(zlib.decompress(d))"""

_STAGE2 = """import sys,importlib.abc,importlib.util
SOURCES=%r
class _Finder(importlib.abc.MetaPathFinder,importlib.abc.Loader):
    def find_spec(self,name,path,target=None):
        if name in SOURCES:
            return importlib.util.spec_from_loader(name,self,is_package=SOURCES[name][0])
    def create_module(self,spec):
        return None
    def exec_module(self,module):
        is_pkg,src=SOURCES[module.__name__]
        if is_pkg:
            module.__path__=[]
        exec(compile(src,"<orch-agent>/"+module.__name__.replace(".","/")+".py","exec"),module.__dict__)
sys.meta_path.insert(0,_Finder())
sys.dont_write_bytecode=True
import orch.agent.runtime
orch.agent.runtime.main()
"""


def _agent_sources() -> dict[str, tuple[bool, str]]:
    root = Path(__file__).resolve().parent.parent / "agent"
    sources: dict[str, tuple[bool, str]] = {"orch": (True, "")}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent.parent).with_suffix("")
        parts = list(rel.parts)
        is_pkg = parts[-1] == "__init__"
        if is_pkg:
            parts.pop()
        sources[".".join(parts)] = (is_pkg, path.read_text())
    return sources


@functools.lru_cache(maxsize=1)
def payload() -> bytes:
    """The bytes sent after the marker: length line and compressed stage 2."""
    blob = zlib.compress((_STAGE2 % (_agent_sources(),)).encode(), 9)
    return MARKER + str(len(blob)).encode() + b"\n" + blob


def python_command(python: str) -> str:
    """The shell command that starts stage 1 with the host's interpreter."""
    # -S: the agent needs only the standard library, so skip site-packages (faster start).
    return f"{python} -S -c {shlex.quote(_STAGE1)}"
