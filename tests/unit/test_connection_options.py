from __future__ import annotations

import pytest

from orch.connection.become import rejected, wrap
from orch.connection.options import host_key_policy, options_for
from orch.errors import UsageError


def test_ansible_connection_variables():
    opts = options_for("web1", {"ansible_host": "10.0.0.5", "ansible_port": "2222", "ansible_user": "deploy",
                                "ansible_ssh_private_key_file": "~/.ssh/id", "ansible_become": "yes",
                                "ansible_become_user": "app", "ansible_python_interpreter": "/usr/bin/python3.11"})
    assert (opts.transport, opts.address, opts.port, opts.user) == ("ssh", "10.0.0.5", 2222, "deploy")
    assert opts.private_key_file == "~/.ssh/id" and opts.become and opts.become_user == "app"
    assert opts.python == "/usr/bin/python3.11"


def test_defaults_and_overrides():
    opts = options_for("h", {}, {"ansible_user": "root", "ansible_connection": None})
    assert opts.address == "h" and opts.user == "root" and opts.transport == "ssh"
    assert opts.host_key_checking == "accept-new"
    assert options_for("c", {"ansible_connection": "community.docker.docker"}).transport == "docker"


@pytest.mark.parametrize("value,policy", [
    (None, "accept-new"), (True, "yes"), (False, "off"), ("yes", "yes"), ("False", "off"),
    ("accept-new", "accept-new"), ("no", "off"), ("ask", "yes"),
])
def test_host_key_policy(value, policy):
    assert host_key_policy(value) == policy


def test_bad_values_are_usage_errors():
    with pytest.raises(UsageError):
        host_key_policy("maybe")
    with pytest.raises(UsageError):
        options_for("h", {"ansible_connection": "winrm"})
    with pytest.raises(UsageError):
        options_for("h", {"ansible_port": "ssh"})
    # A list where one value belongs: the message names the variable (not "Name or service not known").
    with pytest.raises(UsageError, match=r"host h: ansible_host must be a single value .*a list: \[1, 2\]"):
        options_for("h", {"ansible_host": [1, 2]})
    with pytest.raises(UsageError, match="ansible_user must be a single value"):
        options_for("h", {"ansible_user": {"name": "x"}})


def test_become_wrapping():
    command, pre = wrap("python3 -c x", "sudo", "root", None)
    assert command == "sudo -H -S -n -u root python3 -c x" and pre == b""
    command, pre = wrap("python3 -c x", "sudo", "app user", "s3cret")
    assert command == "sudo -H -S -p '[orch-become-password]' -u 'app user' python3 -c x" and pre == b"s3cret\n"
    with pytest.raises(UsageError):
        wrap("x", "pbrun", "root", None)


def test_become_exe_flags_and_chdir_as_ansible():
    # Flags replace the defaults; with a password sudo must be allowed to ask (-n goes, also inside -Hn).
    command, _ = wrap("id", "sudo", "", "pw", flags="-Hn --non-interactive -S --x y", exe="/tmp/shim", chdir="/a b")
    assert command == "cd '/a b' && /tmp/shim -H -S --x y -p '[orch-become-password]' id"
    assert wrap("id", "sudo", "u", None, flags="-k")[0] == "sudo -k -u u id"
    assert wrap("id", "su", "u", None, exe="/tmp/su")[0] == "/tmp/su  u -s /bin/sh -c id"
    assert rejected("sudo", "[orch-become-password]Sorry, try again.\n") == "Incorrect sudo password"
    assert rejected("sudo", "sudo: a terminal is required") is None


@pytest.mark.parametrize("args,jump", [
    ("-o ProxyJump=bastion", "bastion"),
    ("-o 'ProxyJump=ops@bastion:2222' -o StrictHostKeyChecking=no", "ops@bastion:2222"),
    ("-J root@10.0.0.1", "root@10.0.0.1"),
    ("-oProxyJump=b1", "b1"),
    ("-o ServerAliveInterval=5", None),
    ("", None),
])
def test_proxy_jump_from_common_args(args, jump):
    assert options_for("h", {"ansible_ssh_common_args": args}).proxy_jump == jump


def test_su_with_a_password_on_a_terminal():
    from orch.connection import terminal

    command = terminal.su_command("python3 -c 'x'", "app", "--x y", "/tmp/shim")
    assert command.startswith("/tmp/shim --x y app -s /bin/sh -c ")
    assert "stty raw -echo" in command and terminal.READY in command
    pattern = terminal.prompt_pattern(None)
    assert pattern.search("Password: ") and pattern.search("Пароль:") and pattern.search("root's Password:")
    assert not pattern.search("Password: accepted, starting") and not pattern.search("hello")
    assert terminal.prompt_pattern(["Kennwort"]).search("Kennwort: ") and not terminal.prompt_pattern("X").search(
        "Password: ")
    with pytest.raises(UsageError, match="needs a terminal"):
        wrap("id", "su", "app", "pw")
