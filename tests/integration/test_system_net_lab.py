"""hostname, sysctl, uri, get_url, wait_for and git on real lab hosts, over SSH and Docker.

HTTP tests talk to a small server started on the lab host itself, bound to
its own loopback address; git clones from a repository made on the host.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from test_system_support import TRANSPORTS, make_target, ok, plan_apply

pytestmark = pytest.mark.integration

SERVER = r'''
import http.server, json, sys
class H(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a): pass
    def _answer(self, code, payload, extra=()):
        out = json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        for k, v in extra: self.send_header(k, v)
        self.end_headers(); self.wfile.write(out)
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        self._answer(201, {"body": body, "ctype": self.headers.get("Content-Type"),
                           "auth": self.headers.get("Authorization"), "x": self.headers.get("X-Orch")})
    def do_GET(self):
        if self.path == "/redirect":
            self.send_response(302); self.send_header("Location", "/data.json")
            self.send_header("Content-Length", "0"); self.end_headers(); return
        if self.path == "/teapot":
            return self._answer(418, {"short": "and stout"})
        return super().do_GET()
http.server.ThreadingHTTPServer((sys.argv[1], int(sys.argv[2])), H).serve_forever()
'''
PORT = 18080


@pytest.fixture(params=TRANSPORTS)
def t(request, lab):
    return make_target(request, lab)


@pytest.fixture
def web(t):
    root = f"/srv/www-{t.transport}"
    t.sh(f"mkdir -p {root} && printf 'hello orch\\n' > {root}/hello.txt && echo '{{\"a\": [1, 2]}}' > {root}/data.json")
    t.sh(f"cat > /tmp/orch-server.py <<'EOF'\n{SERVER}\nEOF")
    t.sh(f"cd {root} && (setsid python3 /tmp/orch-server.py {t.address} {PORT} >/dev/null 2>&1 & echo $! > /tmp/orch-server.pid)")
    ok(t.run("wait_for", {"host": t.address, "port": PORT, "timeout": 10, "sleep": 0.2}))
    yield f"http://{t.address}:{PORT}", root
    t.sh("kill $(cat /tmp/orch-server.pid); rm -f /tmp/orch-server.pid", ok=False)


def test_hostname_file_and_container_warning(t):
    original = t.sh("cat /etc/hostname")
    name = f"renamed-{t.transport}.example.org"
    try:
        plan, applied = plan_apply(t, "hostname", {"name": name}, snapshot="cat /etc/hostname; hostname")
        assert t.sh("cat /etc/hostname") == name
        assert t.sh("hostname") == original  # containers cannot change it: said in a warning
        assert "warnings" in applied and applied["ansible_facts"]["ansible_domain"] == "example.org"
        assert plan["diff"] == applied["diff"] == {"before": f"hostname = {original}\n", "after": f"hostname = {name}\n"}
    finally:
        t.sh(f"echo {original} > /etc/hostname")


def test_sysctl_file_and_readonly_kernel(t):
    path = f"/etc/sysctl.d/90-orch-{t.transport}.conf"
    t.sh(f"rm -f {path}")
    current = t.sh("cat /proc/sys/vm/swappiness")
    args = {"name": "vm.swappiness", "value": current, "sysctl_file": path, "sysctl_set": True}
    plan_apply(t, "sysctl", args, snapshot=f"cat {path} 2>/dev/null; true")
    assert t.sh(f"cat {path}") == f"vm.swappiness={current}"
    if t.sh("test -w /proc/sys/vm/swappiness && echo writable || echo ro") == "ro":
        other = str(int(current) + 1)
        for check in (True, False):  # the plan predicts the failure the apply meets
            result = t.session().run("sysctl", dict(args, value=other), check=check)
            assert result["failed"] and "read-only" in result["msg"]
        applied = ok(t.run("sysctl", {"name": "vm.swappiness", "value": other, "sysctl_file": path}))
        assert applied["changed"] and any("could not be applied" in w for w in applied["warnings"])
    plan_apply(t, "sysctl", {"name": "vm.swappiness", "state": "absent", "sysctl_file": path})
    assert t.sh(f"cat {path}") == ""
    t.sh(f"rm -f {path}")


def test_uri_get_post_status_redirect(t, web):
    base, _ = web
    got = ok(t.run("uri", {"url": f"{base}/data.json", "return_content": True}))
    assert got["status"] == 200 and got["json"] == {"a": [1, 2]} and got["changed"] is False
    assert got["content_type"] == "application/json" and got["redirected"] is False
    moved = ok(t.run("uri", {"url": f"{base}/redirect"}))
    assert moved["redirected"] and moved["url"].endswith("/data.json") and moved["json"] == {"a": [1, 2]}
    posted = ok(t.run("uri", {"url": f"{base}/api", "method": "POST", "body_format": "json", "body": {"k": "v; rm -rf /"},
                              "status_code": [201], "headers": {"X-Orch": "1"}, "url_username": "u", "url_password": "p"}))
    assert json.loads(posted["json"]["body"]) == {"k": "v; rm -rf /"} and posted["json"]["x"] == "1"
    assert posted["json"]["ctype"] == "application/json" and posted["json"]["auth"].startswith("Basic ")
    form = ok(t.run("uri", {"url": f"{base}/api", "method": "POST", "body_format": "form-urlencoded",
                            "body": {"a": "1 2"}, "status_code": 201}))
    assert form["json"]["body"] == "a=1+2"
    teapot = t.run("uri", {"url": f"{base}/teapot"})
    assert teapot["failed"] and teapot["status"] == 418 and "Status code was 418" in teapot["msg"]
    planned = ok(t.session().run("uri", {"url": f"{base}/api", "method": "POST", "status_code": 201}, check=True))
    assert planned["changed"] is False and planned.get("unknown")
    dest = f"/tmp/uri-{t.transport}.json"
    t.sh(f"rm -f {dest}")
    plan_apply(t, "uri", {"url": f"{base}/data.json", "dest": dest})
    assert json.loads(t.sh(f"cat {dest}")) == {"a": [1, 2]}


def test_get_url_checksum_force_attrs(t, web):
    base, root = web
    dest = f"/tmp/hello-{t.transport}.txt"
    t.sh(f"rm -f {dest}")
    digest = hashlib.sha256(b"hello orch\n").hexdigest()
    args = {"url": f"{base}/hello.txt", "dest": dest, "checksum": f"sha256:{digest}", "mode": "0640", "owner": "orch"}
    plan_apply(t, "get_url", args, snapshot=f"ls -l {dest} 2>/dev/null; true")
    assert t.sh(f"cat {dest}; stat -c '%a %U' {dest}") == "hello orch\n640 orch"
    bad = t.run("get_url", dict(args, dest=dest + ".bad", checksum="sha256:" + "0" * 64))
    assert bad["failed"] and "did not match" in bad["msg"]
    assert t.sh(f"test -e {dest}.bad || echo none") == "none"
    # without force an existing file is left alone even when the source changed
    t.sh(f"printf 'new\\n' > {root}/hello.txt")
    assert ok(t.run("get_url", {"url": f"{base}/hello.txt", "dest": dest}))["changed"] is False
    plan_apply(t, "get_url", {"url": f"{base}/hello.txt", "dest": dest, "force": True})
    assert t.sh(f"cat {dest}; stat -c '%a' {dest}") == "new\n640"
    plan_apply(t, "get_url", {"url": f"{base}/hello.txt", "dest": dest, "mode": "0600"})
    missing = t.run("get_url", {"url": f"{base}/nope", "dest": dest + ".x"})
    assert missing["failed"] and missing["status_code"] == 404


def test_wait_for_port_file_regex(t, web):
    base, root = web
    found = ok(t.run("wait_for", {"host": t.address, "port": PORT, "timeout": 5}))
    assert found["changed"] is False
    gone = t.run("wait_for", {"host": t.address, "port": PORT + 1, "timeout": 1, "sleep": 0.2, "msg": "no server"})
    assert gone["failed"] and gone["msg"] == "no server"
    assert ok(t.run("wait_for", {"host": t.address, "port": PORT + 1, "state": "stopped", "timeout": 2}))
    t.sh(f"echo 'ready port=7' > {root}/log")
    match = ok(t.run("wait_for", {"path": f"{root}/log", "search_regex": r"ready port=(\d+)", "timeout": 5}))
    assert match["match_groups"] == ["7"]
    assert ok(t.run("wait_for", {"path": f"{root}/absent", "state": "absent", "timeout": 2}))
    planned = ok(t.session().run("wait_for", {"path": f"{root}/later", "timeout": 300}, check=True))
    assert "would wait" in planned["msg"]


def test_wait_for_drained_delay_and_timeout_messages(t, web):
    # A client (from the host's own address) holds a connection to the server until its flag goes.
    # Only ESTABLISHED counts here: earlier HTTP tests leave the server's closed ones in TIME_WAIT.
    flag = f"/tmp/orch-hold-{t.transport}"
    client = (f"import os, socket, time; s = socket.create_connection(('{t.address}', {PORT}), "
              f"source_address=('{t.address}', 0))\nwhile os.path.exists('{flag}'): time.sleep(0.1)")
    t.sh(f"touch {flag}; (setsid python3 -c \"{client}\" >/dev/null 2>&1 &); sleep 0.5")
    args = {"host": t.address, "port": PORT, "state": "drained", "active_connection_states": ["ESTABLISHED"]}
    try:
        held = t.run("wait_for", dict(args, timeout=2))
        assert held["failed"] and held["msg"] == f"Timeout when waiting for {t.address}:{PORT} to drain", held
        ok(t.run("wait_for", dict(args, timeout=2, exclude_hosts=[t.address])))
    finally:
        t.sh(f"rm -f {flag}")
    drained = ok(t.run("wait_for", dict(args, timeout=10)))
    assert drained["changed"] is False and drained["port"] == PORT, drained
    assert ok(t.run("wait_for", {"timeout": 1, "delay": 1}))["elapsed"] >= 2
    late = t.run("wait_for", {"host": t.address, "port": PORT + 1, "timeout": 2})
    assert late["failed"] and late["msg"] == f"Timeout when waiting for {t.address}:{PORT + 1}" and late["elapsed"] == 2
    wrong = t.run("wait_for", {"path": "/tmp", "state": "drained"})
    assert wrong["failed"] and "state=drained should only be used for checking a port" in wrong["msg"]


@pytest.fixture
def repo(t):
    ok(t.run("apt", {"name": "git", "update_cache": True, "cache_valid_time": 3600}))
    src = f"/srv/src-{t.transport}"
    t.sh(f"rm -rf {src} /srv/co-{t.transport}* && git init -q -b main {src} && cd {src} && "
         "git config user.email t@e && git config user.name t && "
         "echo one > f && git add f && git commit -q -m one && git tag v1 && "
         "git checkout -q -b dev && echo dev > f && git commit -qam dev && git checkout -q main && "
         "echo two > f && git commit -qam two")
    shas = {ref: t.sh(f"cd {src} && git rev-parse {ref}^{{commit}}") for ref in ("main", "v1", "dev")}
    yield f"file://{src}", shas
    t.sh(f"rm -rf {src} /srv/co-{t.transport}*")


def test_git_clone_versions_force(t, repo):
    url, shas = repo
    dest = f"/srv/co-{t.transport}"
    plan, applied = plan_apply(t, "git", {"repo": url, "dest": dest}, snapshot="ls /srv")
    assert plan["after"] == applied["after"] == shas["main"] and applied["before"] is None
    plan, applied = plan_apply(t, "git", {"repo": url, "dest": dest, "version": "v1"})
    assert (plan["before"], plan["after"]) == (applied["before"], applied["after"]) == (shas["main"], shas["v1"])
    plan, applied = plan_apply(t, "git", {"repo": url, "dest": dest, "version": "dev"})
    assert applied["after"] == shas["dev"] and t.sh(f"cat {dest}/f") == "dev"
    t.sh(f"echo local > {dest}/f")
    dirty = t.run("git", {"repo": url, "dest": dest, "version": "dev"})
    assert dirty["failed"] and "Local modifications exist" in dirty["msg"]
    forced = ok(t.run("git", {"repo": url, "dest": dest, "version": "dev", "force": True}))
    assert forced["changed"] and t.sh(f"cat {dest}/f") == "dev"
    assert ok(t.run("git", {"repo": url, "dest": dest, "version": "main", "update": False}))["changed"] is False
    plan, applied = plan_apply(t, "git", {"repo": url, "dest": dest, "version": shas["v1"]})
    assert applied["after"] == shas["v1"]


def test_git_shallow_and_bare(t, repo):
    url, shas = repo
    plan, applied = plan_apply(t, "git", {"repo": url, "dest": f"/srv/co-{t.transport}-shallow", "depth": 1,
                                          "version": "dev"})
    assert applied["after"] == shas["dev"]
    assert t.sh(f"cd /srv/co-{t.transport}-shallow && git rev-list --count HEAD") == "1"
    plan, applied = plan_apply(t, "git", {"repo": url, "dest": f"/srv/co-{t.transport}-bare", "bare": True})
    assert applied["after"] == shas["main"]
    missing = t.run("git", {"repo": url, "dest": f"/srv/co-{t.transport}-x", "version": "nope"})
    assert missing["failed"] and "nope" in missing["msg"]


def test_plan_copy_then_sysctl_reads_the_planned_file(t):
    """The file modules' plan (fsview) is what sysctl reads: no change predicted for a value copy writes."""
    path = f"/etc/sysctl.d/91-orch-{t.transport}.conf"
    t.sh(f"rm -f {path}")
    current = t.sh("cat /proc/sys/vm/swappiness")
    steps = [("copy", {"dest": path, "content": f"vm.swappiness={current}\n"}),
             ("sysctl", {"name": "vm.swappiness", "value": current, "sysctl_file": path})]
    planner = t.session()
    plans = [ok(planner.run(m, a, check=True))["changed"] for m, a in steps]
    assert t.sh(f"test -e {path} || echo none") == "none"
    applied = [ok(t.run(m, a))["changed"] for m, a in steps]
    assert plans == applied == [True, False]
    t.sh(f"rm -f {path}")
