"""The same playbook through ansible-playbook and through orch leaves hosts in the same state.

ansible-core comes from PyPI as a test dependency. One lab host is deployed by
Ansible, another by orch; their states are compared (host-specific values
normalised), then each tool re-runs on the host the *other* one deployed and
must find nothing to change.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from ansible_support import ansible_playbook
from tests.conftest import orch

pytestmark = pytest.mark.integration
PLAYBOOK = Path(__file__).resolve().parents[2] / "playbooks" / "deploy-app.yml"
UNDEPLOY = ("/etc/init.d/orchdemo stop >/dev/null 2>&1; rm -rf /opt/orchdemo /etc/orchdemo.ini /etc/init.d/orchdemo; "
            "userdel orchdemo 2>/dev/null; groupdel orchdemo 2>/dev/null; true")
SNAPSHOT = r"""
paths="/opt/orchdemo /etc/orchdemo.ini /etc/init.d/orchdemo"
find $paths -printf '%p %y %m %u %g %l\n' | sort
find /opt/orchdemo /etc/init.d/orchdemo -type f -exec sha1sum {} + | sort
sed "s/$(hostname)/HOST/g; s/127\.0\.[0-9]*\.[0-9]*/ADDR/g" /etc/orchdemo.ini
getent passwd orchdemo | cut -d: -f1,3,4,6,7
getent group orchdemo | cut -d: -f1,3
/etc/init.d/orchdemo status && echo running
"""


def _ansible(lab, host: str, tmp_path: Path) -> dict:
    env = dict(os.environ, ANSIBLE_SSH_ARGS=f"-o UserKnownHostsFile={lab.known_hosts} -o ControlMaster=no",
               ANSIBLE_NOCOLOR="1", ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"),
               ANSIBLE_HOME=str(tmp_path / "ansible-home"))
    res = subprocess.run([ansible_playbook(), "-i", str(lab.ssh_inventory), "-l", host, str(PLAYBOOK)],
                         capture_output=True, text=True, env=env, timeout=600)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
    recap = re.search(rf"^{re.escape(host)}\s*:(.*)$", res.stdout.split("PLAY RECAP")[1], re.M).group(1)
    return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", recap)}


def _orch(lab, host: str) -> dict:
    res = orch("run", str(PLAYBOOK), "-i", str(lab.ssh_inventory), "-l", host, "--json")
    assert res.returncode == 0, res.stdout[-3000:]
    return json.loads(res.stdout.splitlines()[-1])["hosts"][host]


def _snapshot(lab, host: str) -> str:
    res = orch("exec", host, "-i", str(lab.ssh_inventory), "-m", "shell", "-a", SNAPSHOT, "--json")
    event = next(json.loads(line) for line in res.stdout.splitlines() if '"task_result"' in line)
    return event["result"]["stdout"]


def test_same_state_as_ansible_and_each_converged_for_the_other(lab, tmp_path):
    by_ansible, by_orch = lab.names[0], lab.names[1]
    orch("exec", f"{by_ansible}:{by_orch}", "-i", str(lab.ssh_inventory), "-m", "shell", "-a", UNDEPLOY)
    assert _ansible(lab, by_ansible, tmp_path)["changed"] >= 8
    assert _orch(lab, by_orch)["changed"] >= 8
    ansible_state, orch_state = _snapshot(lab, by_ansible), _snapshot(lab, by_orch)
    assert "running" in orch_state and "/opt/orchdemo/current l 777" in orch_state
    assert orch_state == ansible_state
    # Each tool finds the other's deployment converged.
    assert _orch(lab, by_ansible)["changed"] == 0
    assert _ansible(lab, by_orch, tmp_path)["changed"] == 0
