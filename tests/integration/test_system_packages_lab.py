"""apt, service and cron on real lab hosts (Debian mirror reachable), over SSH and Docker."""

from __future__ import annotations

import pytest

from test_system_support import TRANSPORTS, make_target, ok, plan_apply

pytestmark = pytest.mark.integration

DPKG = "dpkg-query -W -f '${Package} ${Status} ${Version}\\n' | sort"
INIT = """#!/bin/sh
### BEGIN INIT INFO
# Provides:          NAME
# Required-Start:
# Required-Stop:
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: orch test daemon
### END INIT INFO
PID=/run/NAME.pid
case "$1" in
  start) start-stop-daemon --start --quiet --oknodo --background --make-pidfile --pidfile $PID --exec /bin/sleep -- 100000 ;;
  stop) start-stop-daemon --stop --quiet --oknodo --pidfile $PID --retry 5; rm -f $PID ;;
  restart|reload|force-reload) "$0" stop; "$0" start ;;
  status) start-stop-daemon --status --pidfile $PID; exit $? ;;
  *) exit 2 ;;
esac
"""


@pytest.fixture(params=TRANSPORTS)
def t(request, lab):
    target = make_target(request, lab)
    ok(target.run("apt", {"update_cache": True, "cache_valid_time": 3600}))
    return target


def test_apt_update_cache_and_valid_time(t):
    forced = ok(t.run("apt", {"update_cache": True}))
    assert forced["changed"] and forced["cache_updated"] and forced["cache_update_time"] > 0
    fresh = ok(t.run("apt", {"update_cache": True, "cache_valid_time": 3600}))
    assert not fresh["changed"] and not fresh["cache_updated"]
    planned = ok(t.session().run("apt", {"update_cache": True}, check=True))
    assert planned["changed"] and planned["cache_updated"]
    # a host without package lists: the plan assumes the update, the apply does it
    t.sh("apt-get purge -y -q tree >/dev/null 2>&1; rm -rf /var/lib/apt/lists/*_Packages*")
    args = {"name": "tree", "update_cache": True, "cache_valid_time": 3600}
    planned = ok(t.session().run("apt", args, check=True))
    assert planned["changed"] and planned["cache_updated"] and planned["warnings"]
    applied = ok(t.run("apt", args))
    assert applied["changed"] and applied["cache_updated"]
    assert ok(t.run("apt", args))["changed"] is False
    ok(t.run("apt", {"name": "tree", "state": "absent"}))


def test_apt_install_pin_remove(t):
    t.sh("apt-get purge -y -q tree >/dev/null 2>&1; true")
    plan, applied = plan_apply(t, "apt", {"name": "tree"}, snapshot=DPKG)
    version = t.sh("dpkg-query -W -f '${Version}' tree")
    assert applied["diff"]["after"] == f"tree: {version}\n"
    assert ok(t.run("apt", {"name": [f"tree={version}"], "state": "present"}))["changed"] is False
    assert ok(t.run("apt", {"name": "tree", "state": "latest"}))["changed"] is False
    plan_apply(t, "apt", {"name": "tree", "state": "absent", "purge": True}, snapshot=DPKG)
    assert t.sh("dpkg-query -W -f '${Status}' tree 2>/dev/null || true") in ("", "unknown ok not-installed")


def test_apt_plan_records_dependencies(t):
    t.sh("apt-get purge -y -q jq libjq1 libonig5 >/dev/null 2>&1; true")
    planner = t.session()
    assert ok(planner.run("apt", {"name": "jq"}, check=True))["changed"]
    # the plan knows jq's dependencies would come along
    assert ok(planner.run("apt", {"name": "libjq1"}, check=True))["changed"] is False
    assert ok(planner.run("apt", {"name": ["jq", "libonig5"], "state": "absent"}, check=True))["changed"]
    assert t.sh("dpkg-query -W -f '${Status}' jq 2>/dev/null || true") != "install ok installed"
    plan_apply(t, "package", {"name": "jq"})
    plan_apply(t, "apt", {"name": "jq", "state": "absent", "autoremove": True})
    assert "installed" not in t.sh("dpkg-query -W -f '${Status}' libjq1 2>/dev/null || true")


def test_apt_unknown_package_fails_in_plan_and_apply(t):
    for check in (True, False):
        result = t.session().run("apt", {"name": "no-such-package-orch"}, check=check)
        assert result["failed"] and "no-such-package-orch" in result["msg"]


def test_plan_apt_then_service_then_cron(t):
    """Plan on a host without cron: the service and the crontab come from the planned package."""
    t.sh("service cron stop >/dev/null 2>&1; apt-get purge -y -q cron cron-daemon-common >/dev/null 2>&1; true")
    steps = [("apt", {"name": "cron"}),
             ("service", {"name": "cron", "state": "started", "enabled": True}),
             ("cron", {"name": f"chain {t.transport}", "minute": "*/5", "job": "true"})]
    before = t.sh(DPKG)
    planner = t.session()
    plans = [ok(planner.run(m, a, check=True)) for m, a in steps]
    assert t.sh(DPKG) == before
    applied = [ok(t.run(m, a)) for m, a in steps]
    assert [p["changed"] for p in plans] == [a["changed"] for a in applied] == [True, True, True]
    assert plans[1]["state"] == applied[1]["state"] == "started"
    assert t.sh("service cron status >/dev/null && echo running") == "running"
    assert [ok(t.run(m, a))["changed"] for m, a in steps] == [False, False, False]
    ok(t.run("cron", {"name": f"chain {t.transport}", "state": "absent"}))


def _install_daemon(t, name):
    t.sh(f"cat > /etc/init.d/{name} <<'EOF'\n{INIT.replace('NAME', name)}EOF\nchmod 755 /etc/init.d/{name}")


def _remove_daemon(t, name):
    t.sh(f"/etc/init.d/{name} stop; update-rc.d -f {name} remove >/dev/null; rm -f /etc/init.d/{name}")


def test_service_sysv_lifecycle(t):
    name = f"orchd{t.transport}"
    _install_daemon(t, name)
    status = f"service {name} status >/dev/null && echo up || echo down; ls /etc/rc2.d"
    try:
        plan, applied = plan_apply(t, "service", {"name": name, "state": "started", "enabled": True}, snapshot=status)
        assert applied["state"] == "started" and applied["enabled"] is True
        assert t.sh(status).startswith("up") and f"S01{name}" in t.sh("ls /etc/rc2.d")
        pid = t.sh(f"cat /run/{name}.pid")
        restarted = ok(t.run("service", {"name": name, "state": "restarted"}))
        assert restarted["changed"] and t.sh(f"cat /run/{name}.pid") != pid
        plan_apply(t, "systemd", {"name": name, "state": "stopped", "enabled": False}, snapshot=status)
        assert t.sh(status).startswith("down") and f"K01{name}" in t.sh("ls /etc/rc2.d")
        reloaded = ok(t.run("service", {"name": name, "state": "reloaded"}))
        assert reloaded["changed"] and t.sh(status).startswith("up")
    finally:
        _remove_daemon(t, name)


def test_service_unknown_fails(t):
    result = t.run("service", {"name": "no-such-service", "state": "started"})
    assert result["failed"] and "Could not find the requested service no-such-service" in result["msg"]


@pytest.fixture
def cron_ready(t):
    ok(t.run("apt", {"name": "cron"}))
    return t


def test_cron_user_crontab(cron_ready):
    t = cron_ready
    name = f"backup {t.transport}"
    snapshot = "crontab -l 2>/dev/null; true"
    job = "tar czf /tmp/b.tgz /etc; echo 'done' > /dev/null"
    plan_apply(t, "cron", {"name": name, "minute": "5", "hour": "2", "job": job}, snapshot=snapshot)
    assert f"#Ansible: {name}\n5 2 * * * {job}" in t.sh("crontab -l")
    plan_apply(t, "cron", {"name": name, "minute": "5", "hour": "3", "job": job, "disabled": True}, snapshot=snapshot)
    assert f"#Ansible: {name}\n#5 3 * * * {job}" in t.sh("crontab -l")
    plan_apply(t, "cron", {"name": "MAILTO", "env": True, "job": "ops@example.com"})
    assert t.sh("crontab -l").startswith("MAILTO=ops@example.com\n")
    plan_apply(t, "cron", {"name": f"boot {t.transport}", "special_time": "reboot", "job": "/bin/true"})
    for n, extra in ((name, {}), ("MAILTO", {"env": True}), (f"boot {t.transport}", {})):
        plan_apply(t, "cron", dict(extra, name=n, state="absent"), snapshot=snapshot)
    assert name not in t.sh(snapshot) and "MAILTO" not in t.sh(snapshot)


def test_cron_file_in_cron_d(cron_ready):
    t = cron_ready
    path = f"/etc/cron.d/orch-{t.transport}"
    args = {"name": "sync", "cron_file": f"orch-{t.transport}", "user": "nobody", "minute": "*/10", "job": "/bin/true"}
    plan_apply(t, "cron", args, snapshot=f"cat {path} 2>/dev/null; true")
    assert t.sh(f"cat {path}") == "#Ansible: sync\n*/10 * * * * nobody /bin/true"
    assert t.sh(f"stat -c %a {path}") == "644"
    plan_apply(t, "cron", {"cron_file": f"orch-{t.transport}", "state": "absent"})
    assert t.sh(f"test -e {path} || echo gone") == "gone"


def test_plan_user_then_cron(cron_ready):
    t = cron_ready
    name = f"cu{t.transport}"
    t.sh(f"userdel -r {name} 2>/dev/null; true")
    planner = t.session()
    assert ok(planner.run("user", {"name": name}, check=True))["changed"]
    planned = ok(planner.run("cron", {"name": "x", "user": name, "job": "/bin/true"}, check=True, diff=True))
    assert planned["changed"] and planned["diff"]["after"] == "#Ansible: x\n* * * * * /bin/true\n"
    assert t.sh(f"getent passwd {name} || true") == ""
