"""ssh_config lookups, ProxyJump specs and what importing the ssh connection costs."""

from __future__ import annotations

import subprocess
import sys

import pytest

from orch.connection import ssh_config
from orch.errors import UnreachableError


def test_config_values_and_orch_settings_that_win(tmp_path):
    key = tmp_path / "id_test"
    key.write_text("not used")
    config = tmp_path / "ssh_config"
    config.write_text(f"Host web\n  HostName 10.1.2.3\n  User deploy\n  Port 2222\n  IdentityFile {key}\n"
                      f"  IdentityFile {tmp_path}/absent\n  UserKnownHostsFile {tmp_path}/kh\n")
    found = ssh_config.lookup("web", str(config))
    point = ssh_config.endpoint("web", found)
    assert (point.hostname, point.port, point.user) == ("10.1.2.3", 2222, "deploy")
    assert point.key_files == (str(key),) and point.known_hosts == f"{tmp_path}/kh"  # absent config keys dropped
    given = ssh_config.endpoint("web", found, user="root", port=22, key_file="/given/key", known_hosts="/k")
    assert (given.user, given.port, given.key_files[0], given.known_hosts) == ("root", 22, "/given/key", "/k")
    assert ssh_config.endpoint("other", ssh_config.lookup("other", str(config))).hostname == "other"
    assert ssh_config.endpoint("p", {"proxycommand": "nc %h %p"}).proxy_command == "nc %h %p"
    assert ssh_config.endpoint("p", {"proxycommand": "none"}).proxy_command is None


def test_proxyjump_specs():
    assert ssh_config.jump_hops("a") == [("a", None, None)]
    assert ssh_config.jump_hops("u@a:2200, b,[fe80::1]:22") == [("a", "u", 2200), ("b", None, None),
                                                                ("fe80::1", None, 22)]
    assert ssh_config.jump_hops("none") == [] and ssh_config.jump_hops(None) == []
    with pytest.raises(UnreachableError, match="bad ProxyJump"):
        ssh_config.jump_hops("a:port")


def test_match_exec_is_refused_clearly(tmp_path):
    # In a fresh interpreter, as the CLI runs: here another test's import may have loaded invoke.
    config = tmp_path / "ssh_config"
    config.write_text("Match exec true\n  User x\n")
    code = ("from orch.connection import ssh_config\n"
            f"try:\n    ssh_config.lookup('web', {str(config)!r})\n"
            "except Exception as exc:\n    print(type(exc).__name__, exc)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert out.startswith("UnreachableError") and "Match exec" in out


def test_importing_the_ssh_connection_leaves_invoke_out():
    code = "import sys, orch.connection.ssh; print('invoke' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
