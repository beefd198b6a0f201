"""pip on real lab hosts: a virtualenv and wheels made on the host (no package index needed)."""

from __future__ import annotations

import pytest

from test_system_support import TRANSPORTS, make_target, ok, plan_apply

pytestmark = pytest.mark.integration

MAKE_WHEELS = r'''
import base64, hashlib, sys, zipfile
def wheel(directory, version):
    name = "orchdemo-%s-py3-none-any.whl" % version
    files = {"orchdemo/__init__.py": "VERSION = %r\n" % version,
             "orchdemo-%s.dist-info/METADATA" % version: "Metadata-Version: 2.1\nName: orchdemo\nVersion: %s\n" % version,
             "orchdemo-%s.dist-info/WHEEL" % version: "Wheel-Version: 1.0\nGenerator: orch-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = "orchdemo-%s.dist-info/RECORD" % version
    lines = []
    with zipfile.ZipFile("%s/%s" % (directory, name), "w") as z:
        for path, text in files.items():
            data = text.encode()
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            lines.append("%s,sha256=%s,%d" % (path, digest, len(data)))
            z.writestr(path, data)
        z.writestr(record, "\n".join(lines + [record + ",,"]) + "\n")
for v in sys.argv[2:]:
    wheel(sys.argv[1], v)
'''


@pytest.fixture(params=TRANSPORTS)
def t(request, lab):
    target = make_target(request, lab)
    ok(target.run("apt", {"name": ["python3-pip", "python3-venv"], "update_cache": True, "cache_valid_time": 3600}))
    return target


def test_pip_virtualenv_versions_latest_absent(t):
    venv, wheels = f"/srv/venv-{t.transport}", f"/srv/wheels-{t.transport}"
    t.sh(f"rm -rf {venv} {wheels} && mkdir -p {wheels} && cat > /tmp/mkwheel.py <<'EOF'\n{MAKE_WHEELS}\nEOF\n"
         f"python3 /tmp/mkwheel.py {wheels} 1.0 2.0")
    base = {"virtualenv": venv, "virtualenv_command": "python3 -m venv",
            "extra_args": f"--no-index --find-links {wheels}"}
    listing = f"{venv}/bin/pip list --format=freeze 2>/dev/null | grep -i orchdemo; true"
    plan, applied = plan_apply(t, "pip", dict(base, name="orchdemo", version="1.0"), snapshot=f"ls /srv; {listing}")
    assert t.sh(listing) == "orchdemo==1.0"
    assert ok(t.run("pip", dict(base, name=["orchdemo>=1,<2"])))["changed"] is False
    assert ok(t.session().run("pip", dict(base, name="orchdemo==2.*"), check=True))["changed"] is True
    latest = ok(t.run("pip", dict(base, name="orchdemo", state="latest")))
    assert latest["changed"] and t.sh(listing) == "orchdemo==2.0"
    assert ok(t.run("pip", dict(base, name="orchdemo", state="latest")))["changed"] is False
    removal = {"virtualenv": venv, "name": "orchdemo", "state": "absent"}  # pip uninstall knows no --find-links
    plan_apply(t, "pip", removal, snapshot=listing)
    assert t.sh(listing) == ""
    t.sh(f"echo 'orchdemo==1.0' > {wheels}/req.txt")
    req = ok(t.run("pip", dict(base, requirements=f"{wheels}/req.txt")))
    assert req["changed"] and t.sh(listing) == "orchdemo==1.0"
    assert ok(t.run("pip", dict(base, requirements=f"{wheels}/req.txt")))["changed"] is False
    t.sh(f"rm -rf {venv} {wheels}")


def test_pip_missing_executable_fails(t):
    result = t.run("pip", {"name": "x", "executable": "/nonexistent/pip"})
    assert result["failed"]
