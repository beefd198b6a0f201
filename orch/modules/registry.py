"""The catalogue of modules orch knows, with Ansible-like argument specs.

A spec maps argument names to options: ``type`` (str, int, float, bool, list,
dict, path, raw), ``required``, ``default``, ``choices``, ``aliases``,
``elements`` (for lists), ``no_log``. ``spec=None`` accepts anything (modules
whose arguments are free or not yet described). Validation happens twice:
argument *names* before templating (so typos fail at load time, with a
suggestion), types and values after templating (on the controller).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from orch.booleans import parse_bool
from orch.errors import Location, ParseError


@dataclass(frozen=True)
class ModuleInfo:
    name: str
    spec: dict[str, dict[str, Any]] | None = None
    free_form: bool = False  # takes `_raw_params` (``command: echo hi``)
    collections: tuple[str, ...] = ("ansible.builtin",)
    mutually_exclusive: tuple[tuple[str, ...], ...] = ()
    required_one_of: tuple[tuple[str, ...], ...] = ()
    aliases: tuple[str, ...] = ()  # other short names resolving to this module
    extra: dict[str, Any] = field(default_factory=dict)


def _o(type: str = "str", **kw: Any) -> dict[str, Any]:
    return {"type": type, **kw}


B, I, L, D, P, R = (_o("bool"), _o("int"), _o("list"), _o("dict"), _o("path"), _o("raw"))
FILE_COMMON = {
    "mode": R, "owner": _o(), "group": _o(), "seuser": _o(), "serole": _o(), "selevel": _o(),
    "setype": _o(), "attributes": _o(aliases=["attr"]), "unsafe_writes": _o("bool", default=False),
}
PRESENT_ABSENT = _o(choices=["present", "absent"], default="present")
SERVICE_STATES = ["reloaded", "restarted", "started", "stopped"]
_CMD_COMMON = {"_raw_params": _o(), "cmd": _o(), "chdir": P, "creates": P, "removes": P}
_PATH_REQ = _o("path", required=True, aliases=["dest", "destfile", "name"])
_SETUP_ARGS = {"gather_subset": _o("list", elements="str", default=["all"]), "gather_timeout": _o("int", default=10),
               "filter": _o("list", elements="str", default=[]), "fact_path": _o("path", default="/etc/ansible/facts.d")}

# community.docker argument names (the subset orch implements; see orch/docker/).
_DOCKER_SPECS: dict[str, dict[str, dict[str, Any]]] = {
    "docker_container": {
        "name": _o(required=True), "image": _o(), "state": _o(choices=["absent", "present", "started", "stopped"],
                                                             default="started"),
        "command": R, "entrypoint": _o("list", elements="str"), "env": D, "labels": D,
        "published_ports": _o("list", elements="str", aliases=["ports"]), "volumes": _o("list", elements="str"),
        "restart_policy": _o(choices=["no", "on-failure", "always", "unless-stopped"]), "restart_retries": I,
        "networks": _o("list", elements="raw"), "network_mode": _o(), "user": _o(), "working_dir": _o(),
        "hostname": _o(), "privileged": B, "init": B, "restart": _o("bool", default=False),
        "recreate": _o("bool", default=False), "pull": R, "stop_timeout": I, "keep_volumes": _o("bool", default=True),
        "detach": _o("bool", default=True)},
    "docker_image": {
        "name": _o(required=True), "tag": _o(default="latest"), "state": PRESENT_ABSENT,
        "source": _o(choices=["build", "load", "pull", "local"]), "build": D, "force_source": _o("bool", default=False),
        "force_absent": _o("bool", default=False), "force_tag": _o("bool", default=False), "repository": _o()},
    "docker_network": {
        "name": _o(required=True, aliases=["network_name"]), "state": PRESENT_ABSENT, "driver": _o(default="bridge"),
        "driver_options": D, "ipam_config": _o("list", elements="dict"), "internal": B, "labels": D,
        "attachable": B, "enable_ipv6": B, "force": _o("bool", default=False)},
    "docker_volume": {
        "volume_name": _o(required=True, aliases=["name"]), "state": PRESENT_ABSENT, "driver": _o(default="local"),
        "driver_options": D, "labels": D, "recreate": _o(choices=["always", "never", "options-changed"],
                                                         default="never")},
    "docker_container_exec": {
        "container": _o(required=True), "command": _o(), "argv": _o("list", elements="str"), "chdir": _o(),
        "env": D, "user": _o(), "privileged": B, "detach": _o("bool", default=False),
        "strip_empty_ends": _o("bool", default=True)},
}

_MODULES: list[ModuleInfo] = [
    ModuleInfo("command", {**_CMD_COMMON, "argv": _o("list", elements="str"), "stdin": _o(), "executable": P,
                           "stdin_add_newline": _o("bool", default=True), "strip_empty_ends": _o("bool", default=True),
                           "expand_argument_vars": _o("bool", default=True)},
               free_form=True, mutually_exclusive=(("_raw_params", "cmd", "argv"),),
               required_one_of=(("_raw_params", "cmd", "argv"),)),
    ModuleInfo("shell", {**_CMD_COMMON, "executable": P, "stdin": _o(), "stdin_add_newline": _o("bool", default=True),
                         "strip_empty_ends": _o("bool", default=True)},
               free_form=True, mutually_exclusive=(("_raw_params", "cmd"),), required_one_of=(("_raw_params", "cmd"),)),
    ModuleInfo("raw", {"_raw_params": _o(required=True), "executable": P}, free_form=True),
    ModuleInfo("script", {**_CMD_COMMON, "executable": _o(), "decrypt": _o("bool", default=True)}, free_form=True,
               required_one_of=(("_raw_params", "cmd"),)),
    ModuleInfo("copy", {"src": P, "content": _o(no_log=False), "dest": _o("path", required=True),
                        "backup": _o("bool", default=False), "force": _o("bool", default=True, aliases=["thirsty"]),
                        "remote_src": _o("bool", default=False), "directory_mode": R, "validate": _o(),
                        "follow": _o("bool", default=False), "local_follow": _o("bool", default=True),
                        "checksum": _o(), "decrypt": _o("bool", default=True), **FILE_COMMON},
               mutually_exclusive=(("src", "content"),), required_one_of=(("src", "content"),)),
    ModuleInfo("template", {"src": _o("path", required=True), "dest": _o("path", required=True),
                            "backup": _o("bool", default=False), "force": _o("bool", default=True), "validate": _o(),
                            "newline_sequence": _o(default="\n", choices=["\n", "\r", "\r\n", "\\n", "\\r", "\\r\\n"]),
                            "trim_blocks": _o("bool", default=True), "lstrip_blocks": _o("bool", default=False),
                            "variable_start_string": _o(), "variable_end_string": _o(), "block_start_string": _o(),
                            "block_end_string": _o(), "comment_start_string": _o(), "comment_end_string": _o(),
                            "output_encoding": _o(default="utf-8"), "follow": _o("bool", default=False), **FILE_COMMON}),
    ModuleInfo("file", {"path": _PATH_REQ, "src": P, "recurse": _o("bool", default=False),
                        "state": _o(choices=["absent", "directory", "file", "hard", "link", "touch"]),
                        "force": _o("bool", default=False), "follow": _o("bool", default=True),
                        "modification_time": _o(), "modification_time_format": _o(default="%Y%m%d%H%M.%S"),
                        "access_time": _o(), "access_time_format": _o(default="%Y%m%d%H%M.%S"),
                        "_diff_peek": B, "_original_basename": _o(), **FILE_COMMON}),  # Ansible's internal two
    ModuleInfo("lineinfile", {"path": _PATH_REQ, "regexp": _o(aliases=["regex"]), "search_string": _o(),
                              "state": PRESENT_ABSENT, "line": _o(aliases=["value"]),
                              "backrefs": _o("bool", default=False), "insertafter": _o(), "insertbefore": _o(),
                              "create": _o("bool", default=False), "backup": _o("bool", default=False),
                              "firstmatch": _o("bool", default=False), "validate": _o(), **FILE_COMMON},
               mutually_exclusive=(("insertbefore", "insertafter"), ("regexp", "search_string"),
                                   ("backrefs", "search_string"))),
    ModuleInfo("blockinfile", {"path": _PATH_REQ, "state": PRESENT_ABSENT,
                               "marker": _o(default="# {mark} ANSIBLE MANAGED BLOCK"),
                               "block": _o(default="", aliases=["content"]), "insertafter": _o(), "insertbefore": _o(),
                               "create": _o("bool", default=False), "backup": _o("bool", default=False),
                               "marker_begin": _o(default="BEGIN"), "marker_end": _o(default="END"),
                               "append_newline": _o("bool", default=False),
                               "prepend_newline": _o("bool", default=False), "validate": _o(), **FILE_COMMON},
               mutually_exclusive=(("insertbefore", "insertafter"),)),
    ModuleInfo("replace", {"path": _PATH_REQ, "regexp": _o(required=True), "replace": _o(default=""),
                           "after": _o(), "before": _o(), "backup": _o("bool", default=False), "validate": _o(),
                           "encoding": _o(default="utf-8"), **FILE_COMMON}),
    ModuleInfo("stat", {"path": _o("path", required=True, aliases=["dest", "name"]), "follow": _o("bool", default=False),
                        "get_checksum": _o("bool", default=True),
                        "checksum_algorithm": _o(default="sha1", aliases=["checksum", "checksum_algo"],
                                                 choices=["md5", "sha1", "sha224", "sha256", "sha384", "sha512"]),
                        "get_mime": _o("bool", default=True, aliases=["mime", "mime_type", "mime-type"]),
                        "get_attributes": _o("bool", default=True, aliases=["attr", "attributes"]),
                        "get_selinux_context": _o("bool", default=False)}),
    ModuleInfo("slurp", {"src": _o("path", required=True, aliases=["path"])}),
    ModuleInfo("fetch", {"src": _o("path", required=True), "dest": _o("path", required=True),
                         "fail_on_missing": _o("bool", default=True), "validate_checksum": _o("bool", default=True),
                         "flat": _o("bool", default=False)}),
    ModuleInfo("apt", {"name": _o("list", elements="str", aliases=["package", "pkg"]),
                       "state": _o(default="present", choices=["absent", "build-dep", "latest", "present", "fixed"]),
                       "update_cache": _o("bool", aliases=["update-cache"]), "update_cache_retries": _o("int", default=5),
                       "update_cache_retry_max_delay": _o("int", default=12), "cache_valid_time": _o("int", default=0),
                       "purge": _o("bool", default=False), "default_release": _o(aliases=["default-release"]),
                       "install_recommends": _o("bool", aliases=["install-recommends"]), "force": _o("bool", default=False),
                       "clean": _o("bool", default=False), "allow_unauthenticated": _o("bool", default=False),
                       "allow_downgrade": _o("bool", default=False), "allow_change_held_packages": _o("bool", default=False),
                       "upgrade": _o(choices=["dist", "full", "no", "safe", "yes"], default="no"),
                       "dpkg_options": _o(default="force-confdef,force-confold"), "deb": P,
                       "autoremove": _o("bool", default=False), "autoclean": _o("bool", default=False),
                       "policy_rc_d": I, "only_upgrade": _o("bool", default=False),
                       "fail_on_autoremove": _o("bool", default=False), "force_apt_get": _o("bool", default=False),
                       "lock_timeout": _o("int", default=60)},
               mutually_exclusive=(("deb", "name"),),
               required_one_of=(("autoremove", "deb", "name", "upgrade", "update_cache", "clean", "autoclean"),)),
    # Other arguments go to the backend module (Ansible's package action does the same): checked there.
    # 'state' is documented as required, but Ansible's package action hands the backend its own default.
    ModuleInfo("package", {"name": _o("list", elements="str", required=True), "state": _o(default="present"),
                           "use": _o(default="auto")}, extra={"passthrough": "apt"}),
    ModuleInfo("pip", {"name": _o("list", elements="str"), "version": _o(), "requirements": _o(), "virtualenv": P,
                       "virtualenv_site_packages": _o("bool", default=False),
                       "virtualenv_command": _o("path", default="virtualenv"), "virtualenv_python": _o(),
                       "state": _o(default="present", choices=["absent", "forcereinstall", "latest", "present"]),
                       "extra_args": _o(), "editable": _o("bool", default=False), "chdir": P, "executable": P,
                       "umask": _o(), "break_system_packages": _o("bool", default=False)},
               mutually_exclusive=(("name", "requirements"), ("executable", "virtualenv")),
               required_one_of=(("name", "requirements"),)),
    ModuleInfo("service", {"name": _o(required=True), "state": _o(choices=SERVICE_STATES), "sleep": I,
                           "pattern": _o(), "enabled": B, "runlevel": _o(default="default"),
                           "arguments": _o(default="", aliases=["args"]), "use": _o(default="auto")},
               required_one_of=(("state", "enabled"),)),
    ModuleInfo("systemd", {"name": _o(aliases=["service", "unit"]), "state": _o(choices=SERVICE_STATES), "enabled": B,
                           "force": B, "masked": B, "daemon_reload": _o("bool", default=False, aliases=["daemon-reload"]),
                           "daemon_reexec": _o("bool", default=False, aliases=["daemon-reexec"]),
                           "scope": _o(default="system", choices=["system", "user", "global"]),
                           "no_block": _o("bool", default=False)},
               aliases=("systemd_service",),
               required_one_of=(("state", "enabled", "masked", "daemon_reload", "daemon_reexec"),)),
    ModuleInfo("user", {"name": _o(required=True, aliases=["user"]), "uid": I, "comment": _o(), "hidden": B,
                        "non_unique": _o("bool", default=False), "seuser": _o(), "group": _o(),
                        "groups": _o("list", elements="str"), "append": _o("bool", default=False), "shell": P,
                        "home": P, "skeleton": _o(), "password": _o(no_log=True),
                        "state": PRESENT_ABSENT, "create_home": _o("bool", default=True, aliases=["createhome"]),
                        "move_home": _o("bool", default=False), "system": _o("bool", default=False),
                        "force": _o("bool", default=False), "remove": _o("bool", default=False), "login_class": _o(),
                        "generate_ssh_key": _o("bool", default=False), "ssh_key_bits": I,
                        "ssh_key_type": _o(default="rsa"), "ssh_key_file": P, "ssh_key_comment": _o(),
                        "ssh_key_passphrase": _o(no_log=True),
                        "update_password": _o(default="always", choices=["always", "on_create"]),
                        "expires": _o("float"), "password_lock": B, "local": _o("bool", default=False),
                        "profile": _o(), "authorization": _o(), "role": _o(), "password_expire_max": I,
                        "password_expire_min": I, "password_expire_warn": I, "umask": _o(), "uid_min": I, "uid_max": I}),
    ModuleInfo("group", {"name": _o(required=True), "gid": I, "state": PRESENT_ABSENT, "force": _o("bool", default=False),
                         "system": _o("bool", default=False), "local": _o("bool", default=False),
                         "non_unique": _o("bool", default=False), "gid_min": I, "gid_max": I}),
    ModuleInfo("authorized_key", {"user": _o(required=True), "key": _o(required=True, no_log=False), "path": P,
                                  "manage_dir": _o("bool", default=True), "state": PRESENT_ABSENT,
                                  "key_options": _o(), "exclusive": _o("bool", default=False),
                                  "validate_certs": _o("bool", default=True), "comment": _o(),
                                  "follow": _o("bool", default=False)},
               collections=("ansible.posix",)),
    ModuleInfo("cron", {"name": _o(), "user": _o(), "job": _o(aliases=["value"]), "state": PRESENT_ABSENT,
                        "cron_file": P, "backup": _o("bool", default=False), "minute": _o(default="*"),
                        "hour": _o(default="*"), "day": _o(default="*", aliases=["dom"]), "month": _o(default="*"),
                        "weekday": _o(default="*", aliases=["dow"]),
                        "special_time": _o(choices=["annually", "daily", "hourly", "monthly", "reboot", "weekly",
                                                    "yearly"]),
                        "disabled": _o("bool", default=False), "env": _o("bool", default=False),
                        "insertafter": _o(), "insertbefore": _o()},
               mutually_exclusive=(("insertafter", "insertbefore"),)),
    ModuleInfo("git", {"repo": _o(required=True, aliases=["name"]), "dest": P, "version": _o(default="HEAD"),
                       "remote": _o(default="origin"), "refspec": _o(), "force": _o("bool", default=False), "depth": I,
                       "clone": _o("bool", default=True), "update": _o("bool", default=True),
                       "accept_hostkey": _o("bool", default=False), "accept_newhostkey": _o("bool", default=False),
                       "ssh_opts": _o(), "key_file": P, "reference": _o(), "recursive": _o("bool", default=True),
                       "track_submodules": _o("bool", default=False), "bare": _o("bool", default=False),
                       "umask": R, "executable": P, "verify_commit": _o("bool", default=False), "archive": P,
                       "archive_prefix": _o(), "separate_git_dir": P, "gpg_whitelist": _o("list", elements="str"),
                       "single_branch": _o("bool", default=False)}),
    ModuleInfo("get_url", {"url": _o(required=True), "dest": _o("path", required=True),
                           "backup": _o("bool", default=False), "checksum": _o(default=""),
                           "force": _o("bool", default=False), "headers": D, "http_agent": _o(),
                           "timeout": _o("int", default=10), "url_username": _o(aliases=["username"]),
                           "url_password": _o(aliases=["password"], no_log=True),
                           "force_basic_auth": _o("bool", default=False), "validate_certs": _o("bool", default=True),
                           "use_proxy": _o("bool", default=True), "tmp_dest": P, "client_cert": P, "client_key": P,
                           "decompress": _o("bool", default=True), "use_gssapi": _o("bool", default=False),
                           "use_netrc": _o("bool", default=True), "ciphers": L, "unredirected_headers": L,
                           **FILE_COMMON}),
    ModuleInfo("uri", {"url": _o(required=True), "dest": P, "body": R,
                       "body_format": _o(default="raw", choices=["form-urlencoded", "json", "raw", "form-multipart"]),
                       "method": _o(default="GET"), "return_content": _o("bool", default=False),
                       "force_basic_auth": _o("bool", default=False),
                       "follow_redirects": _o(default="safe", choices=["all", "no", "none", "safe", "urllib2", "yes"]),
                       "creates": P, "removes": P, "status_code": _o("list", elements="int", default=[200]),
                       "timeout": _o("int", default=30), "headers": D, "validate_certs": _o("bool", default=True),
                       "url_username": _o(aliases=["user"]), "url_password": _o(aliases=["password"], no_log=True),
                       "client_cert": P, "client_key": P, "ca_path": P, "src": P, "remote_src": _o("bool", default=False),
                       "force": _o("bool", default=False), "use_proxy": _o("bool", default=True), "unix_socket": P,
                       "http_agent": _o(), "use_gssapi": _o("bool", default=False), "use_netrc": _o("bool", default=True),
                       "decompress": _o("bool", default=True), "ciphers": L, "unredirected_headers": L, **FILE_COMMON},
               mutually_exclusive=(("body", "src"),)),
    ModuleInfo("unarchive", {"src": _o("path", required=True), "dest": _o("path", required=True),
                             "remote_src": _o("bool", default=False), "creates": P, "list_files": _o("bool", default=False),
                             "keep_newer": _o("bool", default=False), "exclude": _o("list", elements="str", default=[]),
                             "include": _o("list", elements="str", default=[]),
                             "extra_opts": _o("list", elements="str", default=[]), "io_buffer_size": I,
                             "validate_certs": _o("bool", default=True), "decrypt": _o("bool", default=True),
                             "copy": B, **FILE_COMMON},
               mutually_exclusive=(("include", "exclude"),)),
    ModuleInfo("wait_for", {"host": _o(default="127.0.0.1"), "timeout": _o("int", default=300),
                            "connect_timeout": _o("int", default=5), "delay": _o("int", default=0), "port": I,
                            "path": P, "search_regex": _o(),
                            "state": _o(default="started", choices=["absent", "drained", "present", "started",
                                                                    "stopped"]),
                            "exclude_hosts": _o("list", elements="str"), "sleep": _o("int", default=1),
                            "active_connection_states": L, "msg": _o()},
               mutually_exclusive=(("port", "path"),)),
    ModuleInfo("hostname", {"name": _o(required=True), "use": _o()}),
    ModuleInfo("sysctl", {"name": _o(required=True, aliases=["key"]), "value": _o(aliases=["val"]),
                          "state": PRESENT_ABSENT, "ignoreerrors": _o("bool", default=False),
                          "reload": _o("bool", default=True), "sysctl_file": _o("path", default="/etc/sysctl.conf"),
                          "sysctl_set": _o("bool", default=False)},
               collections=("ansible.posix",)),
    ModuleInfo("debug", {"msg": _o("raw", default="Hello world!"), "var": _o("raw"), "verbosity": _o("int", default=0)},
               mutually_exclusive=(("msg", "var"),)),
    # assert's 'that': a string is one condition, commas and all (not a comma-separated list).
    ModuleInfo("assert", {"that": _o("raw"), "fail_msg": _o("raw", aliases=["msg"]),
                          "success_msg": _o("raw"), "quiet": _o("bool", default=False)}),
    ModuleInfo("fail", {"msg": _o("raw", default="Failed as requested from task")}),
    ModuleInfo("set_fact", None),
    ModuleInfo("ping", {"data": _o(default="pong")}),
    # Controller-side actions roles use (orch/engine/control_actions.py, orch/engine/async_tasks.py).
    ModuleInfo("wait_for_connection", {"connect_timeout": _o("int", default=5), "delay": _o("int", default=0),
                                       "sleep": _o("int", default=1), "timeout": _o("int", default=600)}),
    ModuleInfo("set_stats", {"data": _o("dict", required=True), "per_host": _o("bool", default=False),
                             "aggregate": _o("bool", default=True)}),
    ModuleInfo("validate_argument_spec", {"argument_spec": _o("dict", required=True),
                                          "provided_arguments": _o("dict", default={}),
                                          "validate_args_context": _o("dict", default={})}),
    ModuleInfo("ansible._protomatter.debug", {"expression": _o("raw", required=True)}, collections=()),
    ModuleInfo("assemble", {"src": _o("path", required=True), "dest": _o("path", required=True),
                            "remote_src": _o("bool", default=True), "regexp": _o(), "delimiter": _o(),
                            "ignore_hidden": _o("bool", default=False), "validate": _o(),
                            "backup": _o("bool", default=False), "decrypt": _o("bool", default=True),
                            **FILE_COMMON}),
    ModuleInfo("async_status", {"jid": _o(required=True), "mode": _o(default="status", choices=["cleanup", "status"])}),
    ModuleInfo("setup", _SETUP_ARGS),
    # gather_facts hands its arguments to setup (the one facts module orch runs).
    ModuleInfo("gather_facts", {**_SETUP_ARGS, "parallel": B}),
    ModuleInfo("include_vars", {"_raw_params": _o(), "file": P, "dir": P, "name": _o(), "depth": _o("int", default=0),
                                "files_matching": _o(), "ignore_files": L,
                                "extensions": _o("list", default=["json", "yaml", "yml"]),
                                "ignore_unknown_extensions": _o("bool", default=False),
                                "hash_behaviour": _o(choices=["replace", "merge"])},
               free_form=True, mutually_exclusive=(("_raw_params", "file", "dir"),)),
    ModuleInfo("include_tasks", {"_raw_params": _o(), "file": _o(), "apply": D}, free_form=True,
               required_one_of=(("_raw_params", "file"),), mutually_exclusive=(("_raw_params", "file"),)),
    ModuleInfo("import_tasks", {"_raw_params": _o(), "file": _o()}, free_form=True,
               required_one_of=(("_raw_params", "file"),), mutually_exclusive=(("_raw_params", "file"),)),
    *[ModuleInfo(n, {"name": _o(required=True, aliases=["role"]), "tasks_from": _o(), "vars_from": _o(),
                     "defaults_from": _o(),
                     "handlers_from": _o(), "allow_duplicates": _o("bool", default=True), "public": B,
                     "rolespec_validate": _o("bool", default=True), **({"apply": D} if n == "include_role" else {})})
      for n in ("include_role", "import_role")],
    ModuleInfo("meta", {"_raw_params": _o(required=True, choices=[
        "flush_handlers", "refresh_inventory", "noop", "clear_facts", "clear_host_errors", "end_play", "end_host",
        "end_batch", "end_role", "reset_connection"])}, free_form=True),
    ModuleInfo("pause", {"minutes": _o(), "seconds": _o(), "prompt": _o(), "echo": _o("bool", default=True)}),
    ModuleInfo("add_host", None),
    ModuleInfo("group_by", {"key": _o(required=True), "parents": _o("list", elements="str", default=["all"])}),
    *[ModuleInfo(n, {**spec, "docker_host": _o(aliases=["docker_url"]), "api_version": _o(aliases=["docker_api_version"]),
                     "timeout": I}, collections=("community.docker",))
      for n, spec in _DOCKER_SPECS.items()],
    ModuleInfo("docker_compose_v2", None, collections=("community.docker",), aliases=("docker_compose",)),
]

MODULES: dict[str, ModuleInfo] = {m.name: m for m in _MODULES}
_NAMES: dict[str, str] = {}
for _m in _MODULES:
    for _short in (_m.name, *_m.aliases):
        _NAMES[_short] = _m.name
        for _coll in (*_m.collections, "ansible.legacy") if "ansible.builtin" in _m.collections else _m.collections:
            _NAMES[f"{_coll}.{_short}"] = _m.name

# Modules the controller runs itself (no agent round trip).
CONTROLLER_MODULES = frozenset({
    "debug", "assert", "fail", "set_fact", "include_vars", "include_tasks", "import_tasks", "include_role",
    "import_role", "meta", "pause", "add_host", "group_by", "wait_for_connection", "set_stats",
    "validate_argument_spec", "ansible._protomatter.debug",
})


def resolve_module(name: str) -> str | None:
    """Canonical short name for any known spelling, or None."""
    return _NAMES.get(name)


def is_module(name: str) -> bool:
    return name in _NAMES


def suggest(word: str, choices: Any) -> str:
    """' (did you mean 'X'?)' or ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def suggest_module(name: str) -> str:
    short = name.rsplit(".", 1)[-1]
    hint = suggest(name, _NAMES) or suggest(short, _NAMES)
    return hint


def get_info(module: str) -> ModuleInfo:
    canonical = resolve_module(module)
    if canonical is None:
        raise ParseError(f"unknown module {module!r}{suggest_module(module)}")
    return MODULES[canonical]


def _alias_map(spec: Mapping[str, dict]) -> dict[str, str]:
    out = {}
    for name, opts in spec.items():
        out[name] = name
        for alias in opts.get("aliases", ()):
            out[alias] = name
    return out


# Actions that check their option names only when they run, and say so in these words (Ansible's
# _VALID_ARGS): a task with other names fails on the host that reaches it with that message.
OPTION_NAMES_AT_RUN = frozenset({"wait_for_connection", "fail", "group_by", "set_stats"})


class InvalidOptions(ParseError):
    """Unknown option names of an OPTION_NAMES_AT_RUN action: validate_args reports them again at run time."""


def _invalid_options(info: ModuleInfo, args: Mapping[str, Any], known: Mapping[str, str]) -> str | None:
    bad = [str(key) for key in args if key not in known]
    return f"Invalid options for {info.name}: {','.join(bad)}" if bad else None


def check_arg_names(module: str, args: Mapping[str, Any], location: Location | None = None) -> None:
    """Load-time check: every argument name must be known (or an alias)."""
    info = get_info(module)
    if info.spec is None or info.extra.get("passthrough"):
        return  # pass-through arguments are the backend's to check, when the task runs
    known = _alias_map(info.spec)
    if info.name in OPTION_NAMES_AT_RUN and (message := _invalid_options(info, args, known)):
        raise InvalidOptions(message, location=location_of_key(args, location))
    for key in args:
        if key not in known:
            if key == "_raw_params":
                raise ParseError(f"module {info.name!r} does not take free-form arguments", location=location)
            raise ParseError(f"module {info.name!r} has no argument {key!r}{suggest(str(key), known)}",
                             location=location_of_key(args, location))


def check_required(module: str, args: Mapping[str, Any], location: Location | None = None) -> None:
    """Load-time check: required arguments are given (by name or alias), before any host is touched."""
    info = get_info(module)
    if info.spec is None:
        return
    given = {_alias_map(info.spec).get(key, key) for key in args}
    for name, opts in info.spec.items():
        if opts.get("required") and name not in given:
            raise ParseError(f"module {info.name!r}: missing required argument {name!r}", location=location)
    _check_one_of(info, given, location)


def _check_one_of(info: ModuleInfo, given: set[str], location: Location | None) -> None:
    for group in info.required_one_of:
        if not given.intersection(group):
            shown = ", ".join("free-form command" if g == "_raw_params" else g for g in group)
            # Ansible's wording: tests match "one of the following"
            raise ParseError(f"module {info.name!r}: one of the following is required: {shown}", location=location)


def location_of_key(args: Any, default: Location | None) -> Location | None:
    return getattr(args, "loc", None) or default


def _convert(value: Any, opts: dict[str, Any], where: str) -> Any:
    kind = opts.get("type", "str")
    if value is None or kind == "raw":
        return value
    if kind in ("str", "path"):
        if isinstance(value, (dict, list)):
            raise ValueError(f"{where} must be a string, got {type(value).__name__}")
        return value if isinstance(value, str) else str(value)
    if kind == "bool":
        parsed = parse_bool(value)
        if parsed is not None:
            return parsed
        raise ValueError(f"{where} must be a boolean (yes/no/true/false), got {value!r}")
    if kind in ("int", "float"):
        if isinstance(value, bool):
            raise ValueError(f"{where} must be a number, got {value!r}")
        try:
            number = float(value) if kind == "float" else int(value) if not isinstance(value, float) else value
            if kind == "int" and isinstance(number, float):
                if not number.is_integer():
                    raise ValueError
                number = int(number)
            return number
        except (TypeError, ValueError):
            raise ValueError(f"{where} must be an {kind}, got {value!r}") from None
    if kind == "list":
        if isinstance(value, str):
            items: list = [v.strip() for v in value.split(",")] if value else []
        elif isinstance(value, (list, tuple)):
            items = list(value)
        else:
            items = [value]
        if "elements" in opts:
            items = [_convert(v, {"type": opts["elements"]}, f"{where} element") for v in items]
        return items
    if kind == "dict":
        if isinstance(value, Mapping):
            return dict(value)
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("{"):
                return json.loads(text)
            from orch.playbook.kv import parse_kv

            return parse_kv(text)
        raise ValueError(f"{where} must be a dictionary, got {type(value).__name__}")
    raise ValueError(f"{where}: unknown type {kind!r} in the module spec")


def _backend_args(module: str, backend: str, passed: Mapping[str, Any], location: Location | None) -> dict[str, Any]:
    """Arguments a pass-through module hands on: names and types as the backend module takes them."""
    spec = get_info(backend).spec or {}
    known = _alias_map(spec)
    out: dict[str, Any] = {}
    for key, value in passed.items():
        if key not in known:
            raise ParseError(f"module {module!r} has no argument {key!r}, nor has its backend module {backend!r} "
                             f"on this host{suggest(str(key), known)}", location=location)
        try:
            out[key] = _convert(value, spec[known[key]], f"argument {key!r}")
        except ValueError as exc:
            raise ParseError(f"module {module!r}: {exc}", location=location) from None
    return out


def validate_args(module: str, args: Mapping[str, Any], location: Location | None = None) -> dict[str, Any]:
    """Post-templating check: aliases resolved, types converted, defaults filled."""
    info = get_info(module)
    if info.spec is None:
        return dict(args)
    spec = info.spec
    known = _alias_map(spec)
    out: dict[str, Any] = {}
    if info.name in OPTION_NAMES_AT_RUN and (message := _invalid_options(info, args, known)):
        raise ParseError(message, location=location)
    backend = info.extra.get("passthrough")
    if backend:
        out.update(_backend_args(info.name, backend, {k: v for k, v in args.items() if k not in known}, location))
        args = {k: v for k, v in args.items() if k in known}
    for key, value in args.items():
        if key not in known:
            raise ParseError(f"module {info.name!r} has no argument {key!r}{suggest(str(key), known)}",
                             location=location)
        name = known[key]
        if name in out and key != name:
            raise ParseError(f"module {info.name!r}: {key!r} and {name!r} are the same argument", location=location)
        try:
            out[name] = _convert(value, spec[name], f"argument {name!r}")
        except ValueError as exc:
            raise ParseError(f"module {info.name!r}: {exc}", location=location) from None
        choices = spec[name].get("choices")
        if choices and out[name] is not None:
            values = out[name] if isinstance(out[name], list) else [out[name]]
            for v in values:
                if v not in choices:
                    raise ParseError(f"module {info.name!r}: argument {name!r} must be one of "
                                     f"{', '.join(map(str, choices))}; got {v!r}", location=location)
    for group in info.mutually_exclusive:
        present = [g for g in group if out.get(g) is not None]
        if len(present) > 1:
            # Ansible's wording (tests match "parameters are mutually exclusive")
            raise ParseError(f"module {info.name!r}: parameters are mutually exclusive: {'|'.join(present)}",
                             location=location)
    _check_one_of(info, {name for name, value in out.items() if value is not None}, location)
    for name, opts in spec.items():
        if opts.get("required") and out.get(name) is None:
            raise ParseError(f"module {info.name!r}: missing required argument {name!r}", location=location)
        if name not in out and "default" in opts:
            default = opts["default"]
            out[name] = list(default) if isinstance(default, list) else default
    return out
