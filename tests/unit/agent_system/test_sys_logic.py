"""Pure logic of the system modules: state in, change out (no host touched)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from orch.agent import sys_apt, sys_cron, sys_keys, sys_net, sys_pip, sys_sysctl, sys_users
from orch.agent.context import ModuleFailed
from orch.agent.modules.git import resolve
from orch.agent.sys_common import as_list, boolean
from orch.agent.sys_http import headers_of

K1 = "ssh-ed25519 AAAAkey1 alice@a"
K2 = "ssh-rsa AAAAkey2 bob@b"


@pytest.mark.parametrize("line, parsed", [
    (K1, ("", "ssh-ed25519", "AAAAkey1", "alice@a")),
    ('from="10.0.0.1,10.0.0.2",no-pty ' + K2, ('from="10.0.0.1,10.0.0.2",no-pty', "ssh-rsa", "AAAAkey2", "bob@b")),
    ('command="echo a b" ssh-rsa AAAAx', ('command="echo a b"', "ssh-rsa", "AAAAx", "")),
    ("ecdsa-sha2-nistp256 AAAAe  two words", ("", "ecdsa-sha2-nistp256", "AAAAe", "two words")),
    ("# comment", None), ("", None), ("garbage here", None),
])
def test_parse_key(line, parsed):
    assert sys_keys.parse(line) == parsed


@pytest.mark.parametrize("lines, keys, state, exclusive, expected", [
    ([], [K1], "present", False, [K1]),
    ([K1], [K1], "present", False, [K1]),
    (["# mine", K2], [K1], "present", False, ["# mine", K2, K1]),
    ([K1, K2], [K2], "present", True, [K2]),
    ([K1, K2, K1], [K1], "present", False, [K1, K2]),
    ([K1, K2], [K1], "absent", False, [K2]),
    ([K1, K2], [K1], "absent", True, [K2]),
    (["no-pty " + K1], [K1], "present", False, [K1]),
])
def test_merge_keys(lines, keys, state, exclusive, expected):
    wanted = [sys_keys.parse(k) for k in keys]
    assert sys_keys.merge(lines, wanted, state, exclusive) == expected


def test_wanted_keys_options_and_comment():
    keys = sys_keys.wanted_keys(K1 + "\n\n" + K2, key_options="no-pty", comment="c")
    assert [sys_keys.render(k) for k in keys] == ["no-pty ssh-ed25519 AAAAkey1 c", "no-pty ssh-rsa AAAAkey2 c"]
    with pytest.raises(ValueError):
        sys_keys.wanted_keys("not a key")


@pytest.mark.parametrize("kwargs, line", [
    ({"job": "ls"}, "* * * * * ls"),
    ({"job": "ls", "minute": "5", "hour": "2"}, "5 2 * * * ls"),
    ({"job": "ls", "special_time": "reboot"}, "@reboot ls"),
    ({"job": "ls", "disabled": True, "weekday": "1-5"}, "#* * * * 1-5 ls"),
    ({"job": "ls", "user": "nobody"}, "* * * * * nobody ls"),
])
def test_cron_job_line(kwargs, line):
    assert sys_cron.job_line(**kwargs) == line


@pytest.mark.parametrize("lines, name, entry, expected", [
    ([], "a", "* * * * * x", ["#Ansible: a", "* * * * * x"]),
    (["#Ansible: a", "* * * * * x"], "a", "1 * * * * x", ["#Ansible: a", "1 * * * * x"]),
    (["MAILTO=x", "#Ansible: a", "* * * * * x", "0 0 * * * other"], "a", None, ["MAILTO=x", "0 0 * * * other"]),
    (["0 0 * * * other"], "a", None, ["0 0 * * * other"]),
    (["#Ansible: a"], "a", "* * * * * y", ["#Ansible: a", "* * * * * y"]),
])
def test_cron_set_job(lines, name, entry, expected):
    assert sys_cron.set_job(lines, name, entry) == expected


def test_cron_env_and_listing():
    lines = sys_cron.set_env(["#Ansible: a", "* * * * * x"], "PATH", "/bin")
    assert lines[0] == "PATH=/bin"
    lines = sys_cron.set_env(lines, "SHELL", "/bin/sh", insertafter="PATH")
    assert lines[:2] == ["PATH=/bin", "SHELL=/bin/sh"]
    assert sys_cron.envs(lines) == ["PATH", "SHELL"] and sys_cron.jobs(lines) == ["a"]
    assert sys_cron.set_env(lines, "PATH", None)[0] == "SHELL=/bin/sh"


def test_dpkg_query_and_versions():
    states = sys_apt.parse_dpkg_query("tree\tinstall ok installed\t2.1.0-1\n"
                                      "cron\tdeinstall ok config-files\t3.0pl1-162\nbad line\n")
    assert sys_apt.installed_version(states, "tree") == "2.1.0-1"
    assert sys_apt.installed_version(states, "cron") is None and states["cron"][0] == "config-files"
    assert sys_apt.installed_version(states, "jq") is None


@pytest.mark.parametrize("spec, split", [("nginx", ("nginx", None)), ("nginx=1.22*", ("nginx", "1.22*")),
                                         (" jq = 1.6 ", ("jq", "1.6"))])
def test_apt_split_spec(spec, split):
    assert sys_apt.split_spec(spec) == split


@pytest.mark.parametrize("installed, wanted, ok", [
    ("1.2-1", None, True), (None, None, False), ("1.2-1", "1.2-1", True), ("1.2-1", "1.2*", True),
    ("1.3-1", "1.2*", False), ("1.2-1", "1.2", False),
])
def test_apt_version_matches(installed, wanted, ok):
    assert sys_apt.version_matches(installed, wanted) is ok


def test_apt_policy_and_simulation():
    policy = ("tree:\n  Installed: (none)\n  Candidate: 2.1.0-1\n  Version table:\n"
              "nope:\n  Installed: (none)\n  Candidate: (none)\n")
    assert sys_apt.parse_policy(policy) == {"tree": "2.1.0-1", "nope": None}
    sim = ("NOTE: This is only a simulation!\nInst libonig5 (6.9.8-1 Debian:12/stable [amd64])\n"
           "Inst jq (1.6-2.1 Debian:12/stable [amd64])\nConf jq (1.6-2.1 Debian:12/stable [amd64])\n"
           "Remv tree [2.1.0-1]\nPurg cron [3.0pl1-162]\n")
    assert sys_apt.parse_simulation(sim) == {"libonig5": "6.9.8-1", "jq": "1.6-2.1", "tree": None, "cron": None}


@pytest.mark.parametrize("lines, key, value, expected", [
    ([], "vm.swappiness", "10", ["vm.swappiness=10"]),
    (["# c", "vm.swappiness = 10"], "vm.swappiness", "10", ["# c", "vm.swappiness = 10"]),
    (["vm.swappiness=5", "x=1", "vm.swappiness=6"], "vm.swappiness", "10", ["vm.swappiness=10", "x=1"]),
    (["vm/swappiness=5"], "vm.swappiness", None, []),
    (["net.ipv4.ip_local_port_range = 1024  65000"], "net.ipv4.ip_local_port_range", "1024 65000",
     ["net.ipv4.ip_local_port_range = 1024  65000"]),
])
def test_sysctl_set_key(lines, key, value, expected):
    assert sys_sysctl.set_key(lines, key, value) == expected


@pytest.mark.parametrize("req, split", [("Flask", ("flask", "")), ("foo_bar[x]>=1,<2", ("foo-bar", ">=1,<2")),
                                        ("a.b == 1.0 ; python_version>'3'", ("a-b", "== 1.0"))])
def test_pip_split(req, split):
    assert sys_pip.split_req(req) == split


@pytest.mark.parametrize("installed, spec, ok", [
    ("1.0", "", True), (None, "", False), ("1.0", "==1", True), ("1.0.5", "==1.0.*", True), ("1.1", "==1.0.*", False),
    ("2.2", "~=2.1", True), ("3.0", "~=2.1", False), ("1.0rc1", "<1.0", True), ("1.5", ">=1,<2", True),
    ("2.0", ">=1,<2", False), ("1.0", "!=1.0", False), ("10.0", ">9.9", True),
])
def test_pip_satisfied(installed, spec, ok):
    assert sys_pip.satisfied(installed, spec) is ok


REFS = {"HEAD->": "refs/heads/main", "HEAD": "a" * 40, "refs/heads/main": "a" * 40, "refs/heads/dev": "b" * 40,
        "refs/tags/v1": "c" * 40, "refs/tags/v1^{}": "d" * 40}


@pytest.mark.parametrize("version, expected", [
    ("HEAD", ("a" * 40, "branch:main")), ("dev", ("b" * 40, "branch:dev")), ("v1", ("d" * 40, "tag")),
    ("E" * 40, ("e" * 40, "sha")), ("nope", (None, "unknown")),
])
def test_git_resolve(version, expected):
    assert resolve(REFS, version) == expected


def test_common_arguments():
    assert [boolean(v) for v in ("yes", "No", True, "1", "off")] == [True, False, True, True, False]
    with pytest.raises(ModuleFailed):
        boolean("maybe")
    assert as_list("a, b,,c") == ["a", "b", "c"] and as_list(["a", ["b"]]) == ["a", "b"] and as_list(None) == []
    assert headers_of("A: 1, B:2") == {"A": "1", "B": "2"} and headers_of({"X": 1}) == {"X": "1"}


# /proc/net/tcp: port 15261 is 3B9D; 127.0.0.1 is 0100007F, 10.0.0.5 is 0500000A (little-endian words)
TCP = """  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:3B9D 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1
   1: 0100007F:3B9D 0100007F:D2C4 01 00000000:00000000 00:00000000 00000000     0        0 2 1
   2: 0100007F:3B9D 0500000A:D2C5 06 00000000:00000000 00:00000000 00000000     0        0 3 1
   3: 0100007F:D2C4 0100007F:3B9D 01 00000000:00000000 00:00000000 00000000     0        0 4 1
   4: 0100007F:3B9D 0100007F:D2C6 08 00000000:00000000 00:00000000 00000000     0        0 5 1
"""
TCP6 = """  sl  local_address                         remote_address                        st
   0: 0000000000000000FFFF00000100007F:3B9D 0000000000000000FFFF00000100007F:E000 01 0
"""


def test_drained_counts_connections_to_the_port_in_the_states_asked():
    import socket
    import sys

    if sys.byteorder != "little":
        pytest.skip("the sample tables are a little-endian host's")
    local, remote = sys_net.host_addresses("127.0.0.1"), sys_net.host_addresses("10.0.0.5")
    assert (socket.AF_INET, "0100007F") in local and (socket.AF_INET6, "0000000000000000FFFF00000100007F") in local
    tables = {socket.AF_INET: TCP, socket.AF_INET6: TCP6}
    every = sys_net.DEFAULT_STATES
    # the listener (0A) and CLOSE_WAIT (08) do not count, nor the client's end (its port is another)
    assert sys_net.count_active(tables, 15261, local, set(), every) == 3
    assert sys_net.count_active(tables, 15261, local, remote, every) == 2
    assert sys_net.count_active(tables, 15261, local, set(), ["TIME_WAIT"]) == 1
    assert sys_net.count_active(tables, 15261, sys_net.host_addresses("0.0.0.0"), set(), every) == 3  # any address
    assert sys_net.count_active(tables, 15262, local, set(), every) == 0


MINE = ["user", "group", "authorized_key", "cron", "hostname", "sysctl", "apt", "package", "pip", "service",
        "systemd", "systemd_service", "git", "get_url", "uri", "wait_for"]
AGENT = Path(__file__).resolve().parents[3] / "orch" / "agent"


@pytest.mark.parametrize("path", sorted(AGENT.glob("sys_*.py")) + [AGENT / "modules" / f"{m}.py" for m in MINE],
                         ids=lambda p: p.name)
def test_agent_code_parses_as_python_38_and_uses_stdlib_only(path):
    tree = ast.parse(path.read_text(), feature_version=(3, 8))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots = [a.name.split(".")[0] for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            roots = [node.module.split(".")[0]]
        else:
            continue
        assert all(r in ("__future__",) or r in __import__("sys").stdlib_module_names for r in roots), roots
    assert "removeprefix" not in path.read_text() and "removesuffix" not in path.read_text()


def test_dpkg_status_read_directly_matches_dpkg_query(tmp_path):
    import shutil
    import subprocess

    if not shutil.which("dpkg-query") or sys_apt.read_status(["dpkg"]) is None:
        pytest.skip("no dpkg database here")
    names = ["dpkg", "bash", "coreutils", "no-such-package-xyz", "libc6"]
    out = subprocess.run(["dpkg-query", "-W", "-f", sys_apt.DPKG_FORMAT, *names],
                         capture_output=True, text=True).stdout
    assert sys_apt.read_status(names) == sys_apt.parse_dpkg_query(out)
    assert sys_apt.installed_version(sys_apt.read_status(["dpkg"]), "dpkg")


def test_dpkg_status_parsing_and_when_only_dpkg_query_can_tell(tmp_path):
    status = tmp_path / "status"
    status.write_text("Package: tree\nStatus: deinstall ok config-files\nVersion: 1.0\n\n"
                      "Package: tree\nStatus: install ok installed\nArchitecture: i386\nVersion: 2.1.0-1\n"
                      "Description: x\n Version: not this\n\n"
                      "Package: treex\nStatus: install ok installed\nVersion: 9\n")
    updates = tmp_path / "updates"
    updates.mkdir()
    states = sys_apt.read_status(["tree", "jq"], str(status), str(updates))
    assert states == {"tree": ("installed", "2.1.0-1")}
    assert sys_apt.read_status(["tree*"], str(status), str(updates)) is None
    assert sys_apt.read_status(["tree:i386"], str(status), str(updates)) is None
    (updates / "0001").write_text("Package: tree\n")
    assert sys_apt.read_status(["tree"], str(status), str(updates)) is None


class _Ctx:
    def __init__(self, check=False):
        self.check, self.calls = check, []

    def run(self, argv, **kwargs):
        self.calls.append(argv)
        return 0, "", ""


@pytest.mark.parametrize("systemd, check, calls", [
    (True, False, [["systemctl", "daemon-reload"]]),
    (True, True, []),     # check mode: nothing runs
    (False, False, []),   # no systemd (containers): a warning, not a failure
])
def test_systemd_daemon_reload_needs_no_unit(monkeypatch, systemd, check, calls):
    from orch.agent import sys_service
    from orch.agent.modules import systemd_service

    monkeypatch.setattr(sys_service, "has_systemd", lambda: systemd)
    ctx = _Ctx(check)
    result = systemd_service.run(ctx, {"daemon_reload": True})
    assert ctx.calls == calls and result["changed"] is False
    assert bool(result.get("warnings")) is not systemd


@pytest.mark.parametrize("text,mode", [
    (None, None),                                       # no login.defs: the mode makedirs gave
    ("", 0o755),                                        # neither set: useradd's UMASK 022
    ("UMASK\t\t022\n#HOME_MODE\t0700\n", 0o755),       # Debian's
    ("UMASK 077\n", 0o700),
    ("UMASK 022\nHOME_MODE 0750\nUMASK 077\n", 0o750),  # HOME_MODE wins and ends the search
])
def test_home_mode_from_login_defs(text, mode):
    assert sys_users.home_mode(text) == mode



@pytest.mark.parametrize("wanted,current,words", [
    (None, 5, []),
    (2529881062, None, ["-e", "2050-03-03"]),     # a new account
    (2529881062, 29281, []),                       # the same day
    (2529881062 + 3600, 29281, []),                # a later hour of that day
    (2529881062, -1, ["-e", "2050-03-03"]),
    (-1, None, ["-e", ""]),
    (-1, 29281, ["-e", ""]),
    (-1, -1, []),                                  # no expiry already
    (-2529881062, -1, []),
    (0, -1, ["-e", "1970-01-01"]),                 # the epoch is a date, not "never"
])
def test_user_expires_words(wanted, current, words):
    assert sys_users.expires_words(wanted, current) == words


def test_user_chage_words_only_for_what_differs():
    aging = {"min": 0, "max": 99999, "warn": 7}
    assert sys_users.chage_words({"min": 0, "max": 10, "warn": None}, aging) == ["-M", "10"]
    assert sys_users.chage_words({"min": None, "max": None, "warn": None}, aging) == []
