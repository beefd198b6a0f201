"""Roles in the style of popular Galaxy roles (tests/data/roles/), under ansible-playbook and orch.

On twin systemd lab hosts: ansible-playbook deploys one, orch deploys another over SSH and a
third over Docker; the hosts end up identical (files, modes, owners, content hashes, the
package, services enabled and active), a second orch run changes nothing, and each tool finds
the other's host converged. The roles reach platform files only by facts: the RedHat, FreeBSD
and Windows ones (yum, dnf, package with enablerepo, pkgng, sysrc, win_file, win_copy) are
never loaded on Debian, by either tool.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ansible_support import run_ansible, run_orch, shell

pytestmark = pytest.mark.integration
PLAYBOOK = Path(__file__).resolve().parents[1] / "data" / "roles" / "site.yml"
PATHS = "/etc/rsyslog.d/50-orch.conf /etc/orchapp /etc/motd /etc/systemd/system/orchapp.service"
# The host's state in a form that does not depend on the host's name.
SNAPSHOT = rf"""
find {PATHS} -printf '%p %y %m %u %g %l\n' | sort
for f in $(find {PATHS} -type f | sort); do echo "$f $(sed "s/$(hostname)/HOST/g" "$f" | sha1sum | cut -c1-40)"; done
dpkg-query -W -f '${{Package}} ${{Status}}\n' rsyslog
for s in rsyslog orchapp; do echo "$s $(systemctl is-enabled $s) $(systemctl is-active $s)"; done
cat /run/orchapp.workers; echo
ls /etc/systemd/system/multi-user.target.wants | sort
cat /etc/orchapp/app.ini /etc/orchapp/limits.conf
"""
RESET = (f"systemctl disable --now orchapp 2>/dev/null; rm -rf {PATHS} /run/orchapp.workers; "
         "systemctl daemon-reload; DEBIAN_FRONTEND=noninteractive apt-get purge -y -q rsyslog >/dev/null 2>&1; true")


def test_galaxy_style_roles_leave_identical_hosts(systemd_lab, tmp_path):
    lab = systemd_lab
    by_ansible, over_ssh, over_docker = lab.names[2], lab.names[3], lab.names[1]
    for host in (by_ansible, over_ssh, over_docker):
        shell(lab.ssh_inventory, host, RESET)
    first = run_ansible(lab, by_ansible, PLAYBOOK, tmp_path)
    assert first["changed"] >= 8 and first["failed"] == 0
    expected = shell(lab.ssh_inventory, by_ansible, SNAPSHOT)
    assert "rsyslog install ok installed" in expected and "orchapp enabled active" in expected
    assert "rsyslog enabled active" in expected and "\n4\n" in expected
    for inventory, host in ((lab.ssh_inventory, over_ssh), (lab.docker_inventory, over_docker)):
        counts = run_orch(inventory, host, PLAYBOOK)
        assert counts["changed"] == first["changed"] and counts["failed"] == 0, (counts, first)
        assert shell(lab.ssh_inventory, host, SNAPSHOT) == expected
        assert run_orch(inventory, host, PLAYBOOK)["changed"] == 0
    # Each tool finds the other's host converged.
    assert run_orch(lab.ssh_inventory, by_ansible, PLAYBOOK)["changed"] == 0
    assert run_ansible(lab, over_ssh, PLAYBOOK, tmp_path)["changed"] == 0


def test_changed_setting_restarts_only_what_it_should_and_check_predicts(systemd_lab):
    lab = systemd_lab
    host = lab.names[3]
    run_orch(lab.ssh_inventory, host, PLAYBOOK)  # converged (the test above may not have run)
    settings = ('{"appconf_settings": [{"section": "server", "option": "workers", "value": "8"}, '
                '{"section": "server", "option": "bind", "value": "127.0.0.1"}, '
                '{"section": "log", "option": "level", "value": "info"}]}')
    syslog_pid = shell(lab.ssh_inventory, host, "systemctl show -p MainPID --value rsyslog")
    plan = run_orch(lab.ssh_inventory, host, PLAYBOOK, "--check", "-e", settings)
    assert shell(lab.ssh_inventory, host, "cat /run/orchapp.workers") == "4"
    applied = run_orch(lab.ssh_inventory, host, PLAYBOOK, "-e", settings)
    assert plan["changed"] == applied["changed"] == 2  # the setting and the handler's restart
    assert shell(lab.ssh_inventory, host, "cat /run/orchapp.workers") == "8"
    assert shell(lab.ssh_inventory, host, "systemctl show -p MainPID --value rsyslog") == syslog_pid
    assert run_orch(lab.ssh_inventory, host, PLAYBOOK, "-e", settings)["changed"] == 0
