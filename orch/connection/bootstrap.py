"""How the agent gets onto a host: a tiny ``python3 -c`` stage that reads the rest from stdin.

Stage 1 (the command line) reads stdin byte by byte, skipping everything up to
a marker line (a sudo password line may precede it, or may have been consumed
by sudo), then a length and that many bytes of zlib-compressed stage 2.
Stage 2 reads the agent's sources (a second length and a zlib-compressed
marshal of ``{module: (is_package, source)}``), installs an importer over them
and starts the agent.

The only thing written on the host is an optional cache of the compiled agent
modules (``~/.cache/orch/agent-<sources hash>-<python tag>.bin``, mode 0600):
compiling them is most of an agent's start, paid on every host of every run
otherwise. It is only read when it belongs to the user the agent runs as and
no one else can write it; a cache that does not load is compiled anew.
"""

from __future__ import annotations

import hashlib
import marshal
import shlex
import threading
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
def r():
 n=int(l());d=b""
 while len(d)<n:
  c=os.read(0,n-len(d))
  if not c:raise SystemExit(3)
  d+=c
 return zlib.decompress(d)
while l()!=b"#orch-agent\\n":pass
exec(r())"""

# Runs in stage 1's namespace (``r`` reads the next blob). The finder is a plain class:
# importlib.abc/util would pull in importlib.resources, pathlib and tempfile (13 ms a start).
_STAGE2 = """import sys,os,marshal
from importlib.machinery import ModuleSpec
SOURCES=marshal.loads(r())
KEY=%r
CACHE=%r
CODES={}  # module name: marshalled code, unmarshalled on import
NEW=[]
def _cache_path():
    import pwd
    home=os.environ.get("XDG_CACHE_HOME") or os.path.join(pwd.getpwuid(os.getuid()).pw_dir,".cache")
    return os.path.join(home,"orch","agent-%%s-%%s.bin"%%(KEY,sys.implementation.cache_tag))
def _load_cache():
    try:
        path=_cache_path()
        with open(path,"rb") as f:
            st=os.fstat(f.fileno())
            if st.st_uid==os.getuid() and not st.st_mode&0o022:
                codes=marshal.load(f)
                if type(codes) is dict:
                    CODES.update(codes)
    except Exception:
        pass
def _save_cache():
    try:
        path=_cache_path()
        os.makedirs(os.path.dirname(path),mode=0o700,exist_ok=True)
        tmp="%%s.%%d"%%(path,os.getpid())
        fd=os.open(tmp,os.O_WRONLY|os.O_CREAT|os.O_EXCL,0o600)
        with os.fdopen(fd,"wb") as f:
            marshal.dump(CODES,f)
        os.replace(tmp,path)
        folder,name=os.path.split(path)
        for other in os.listdir(folder):  # caches of older agents for this Python
            if other.startswith("agent-") and other.endswith("-%%s.bin"%%sys.implementation.cache_tag) and other!=name:
                os.unlink(os.path.join(folder,other))
    except Exception:
        pass
class _Finder:
    def find_spec(self,name,path,target=None):
        if name in SOURCES:
            return ModuleSpec(name,self,is_package=SOURCES[name][0])
    def create_module(self,spec):
        return None
    def exec_module(self,module):
        name=module.__name__
        is_pkg,src=SOURCES[name]
        if is_pkg:
            module.__path__=[]
        code=None
        if name in CODES:
            try:
                code=marshal.loads(CODES[name])
            except Exception:
                pass
        if code is None:
            code=compile(src,"<orch-agent>/"+name.replace(".","/")+".py","exec")
            CODES[name]=marshal.dumps(code)
            NEW.append(name)
        exec(code,module.__dict__)
if CACHE:
    _load_cache()
sys.meta_path.insert(0,_Finder())
sys.dont_write_bytecode=True
import orch.agent.runtime
orch.agent.runtime.main()
if CACHE and NEW:
    _save_cache()
sys.stderr.flush()
os._exit(0)  # the answers are written (unbuffered); tearing the interpreter down is wasted work
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


def _blob(data: bytes) -> bytes:
    packed = zlib.compress(data, 6)  # level 9: 3x the CPU for 0.7% fewer bytes
    return str(len(packed)).encode() + b"\n" + packed


_payloads: dict[bool, bytes] = {}
_payload_lock = threading.Lock()


def payload(cache: bool = True) -> bytes:
    """The bytes sent after the marker: stage 2, then the agent's sources (each a length line
    and zlib data). With ``cache``, the host keeps the compiled modules between runs.
    Made once per process: hosts connecting at once wait for the first to make it."""
    with _payload_lock:
        made = _payloads.get(cache)
        if made is None:
            sources = marshal.dumps(_agent_sources(), 4)  # version 4: readable by every Python 3.8+
            key = hashlib.sha1(sources).hexdigest()[:16]
            stage2 = (_STAGE2 % (key, cache)).encode()
            made = _payloads[cache] = MARKER + _blob(stage2) + _blob(sources)
        return made


def python_command(python: str) -> str:
    """The shell command that starts stage 1 with the host's interpreter."""
    # -S: the agent needs only the standard library, so skip site-packages (faster start).
    return f"{python} -S -c {shlex.quote(_STAGE1)}"
