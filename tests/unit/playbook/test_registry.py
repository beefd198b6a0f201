import pytest

from orch.errors import Location, ParseError
from orch.modules.registry import MODULES, check_arg_names, is_module, resolve_module, validate_args

LOC = Location("site.yml", 3, 5)


@pytest.mark.parametrize("name,short", [
    ("copy", "copy"), ("ansible.builtin.copy", "copy"), ("ansible.legacy.shell", "shell"),
    ("ansible.posix.authorized_key", "authorized_key"), ("ansible.posix.sysctl", "sysctl"),
    ("community.docker.docker_container", "docker_container"), ("docker_compose", "docker_compose_v2"),
    ("community.docker.docker_compose", "docker_compose_v2"), ("systemd_service", "systemd"),
    ("ansible.builtin.systemd_service", "systemd"), ("nope", None), ("ansible.builtin.docker_container", None),
])
def test_resolve(name, short):
    assert resolve_module(name) == short
    assert is_module(name) is (short is not None)


def test_every_spec_is_wellformed():
    for info in MODULES.values():
        for name, opts in (info.spec or {}).items():
            assert opts["type"] in {"str", "int", "float", "bool", "list", "dict", "path", "raw"}, (info.name, name)
            if "default" in opts and "choices" in opts:
                assert opts["default"] in opts["choices"], (info.name, name)
        for group in info.mutually_exclusive + info.required_one_of:
            assert all(g in info.spec for g in group), (info.name, group)


def test_aliases_types_defaults():
    out = validate_args("file", {"dest": "/x", "state": "touch", "recurse": "yes"}, LOC)
    assert out["path"] == "/x" and out["recurse"] is True and out["follow"] is True and "dest" not in out
    assert validate_args("apt", {"pkg": "a, b", "update_cache": "true"})["name"] == ["a", "b"]
    assert validate_args("wait_for", {"port": "22"})["port"] == 22
    assert validate_args("user", {"name": "bob", "groups": ["a", "b"], "uid": 1001.0})["uid"] == 1001
    assert validate_args("uri", {"url": "http://x", "headers": "a=1 b=2"})["headers"] == {"a": "1", "b": "2"}
    assert validate_args("uri", {"url": "http://x", "headers": '{"a": 1}'})["headers"] == {"a": 1}
    assert validate_args("copy", {"content": 5, "dest": "/x"})["content"] == "5"
    assert validate_args("set_fact", {"anything": 1}) == {"anything": 1}
    assert validate_args("command", {"_raw_params": "ls"})["strip_empty_ends"] is True
    # as Ansible's: a str or path option takes any value, as its text (find's file entries looped into file)
    assert validate_args("file", {"path": {"path": "/x"}, "state": "absent"})["path"] == "{'path': '/x'}"


@pytest.mark.parametrize("module,args,message", [
    ("file", {"path": "/x", "state": "gone"}, "argument 'state' must be one of absent, directory"),
    ("file", {}, "missing required arguments: path"),  # Ansible's words
    ("file", {"path": "/x", "recurse": "maybe"}, "must be a boolean"),
    ("wait_for", {"port": "http"}, "must be an int"),
    ("lineinfile", {"path": "/x", "line": "y", "insertbefore": "a", "insertafter": "b"},
     "parameters are mutually exclusive: insertbefore|insertafter"),
    ("pip", {"state": "present"}, "one of the following is required: name, requirements"),
    ("command", {"chdir": "/"}, "one of the following is required: free-form command, cmd, argv"),
    ("file", {"path": "/x", "dest": "/y"}, "'dest' and 'path' are the same argument"),
    ("service", {"name": "x"}, "one of the following is required: state, enabled"),
    ("meta", {"_raw_params": "flush"}, "must be one of flush_handlers"),
    ("nosuch", {}, "unknown module 'nosuch'"),
])
def test_validation_errors(module, args, message):
    with pytest.raises(ParseError) as err:
        validate_args(module, args, LOC)
    assert message in err.value.message
    if module != "nosuch":
        assert err.value.location == LOC


def test_unknown_options_fail_in_ansible_words():
    """The task's msg as Ansible's module words it, the module named as the task spells it, no location."""
    with pytest.raises(ParseError) as err:
        validate_args("raw", {"_raw_params": "x", "zz": 1, "aa": 2}, LOC, "ansible.builtin.raw")
    assert err.value.message == ("Unsupported parameters for (ansible.builtin.raw) module: aa, zz. "
                                 "Supported parameters include: _raw_params, executable.")
    with pytest.raises(ParseError) as err:  # shell's own check, before command's
        validate_args("shell", {"_raw_params": "x", "expand_argument_vars": False, "zz": 1}, LOC, "shell")
    assert err.value.message == "Unsupported parameters for (shell) module: expand_argument_vars"


def test_check_arg_names():
    check_arg_names("copy", {"src": "a", "dest": "b", "attr": "x"})
    with pytest.raises(ParseError, match="has no argument 'stat' \\(did you mean 'state'\\?\\)"):
        check_arg_names("file", {"stat": "x"}, LOC)
    with pytest.raises(ParseError, match="does not take free-form arguments"):
        check_arg_names("file", {"_raw_params": "x"}, LOC)
    check_arg_names("add_host", {"whatever": 1})  # a module without a spec takes anything
    with pytest.raises(ParseError, match="has no argument 'whatever'"):
        check_arg_names("docker_container", {"whatever": 1})


def test_package_state_defaults_to_present():
    """Ansible's package action lets the backend default 'state' (documented as required)."""
    assert validate_args("package", {"name": "cron"})["state"] == "present"


def test_actions_checking_option_names_at_run_time_say_so_in_ansibles_words():
    with pytest.raises(ParseError) as err:
        validate_args("wait_for_connection", {"foo": "bar", "timeout": 3})
    assert err.value.message == "Invalid options for wait_for_connection: foo"


def test_service_takes_systemds_daemon_reload():
    # Ansible's service action hands daemon-reload on to systemd (setup_cron's "enable cron service")
    check_arg_names("service", {"name": "cron", "state": "restarted", "daemon-reload": True}, LOC)
    assert validate_args("service", {"name": "cron", "daemon-reload": "yes", "state": "started"})["daemon_reload"] is True
