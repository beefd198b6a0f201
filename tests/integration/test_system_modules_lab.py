"""System modules (user, group, authorized_key, ...) on real lab hosts, over SSH and Docker.

Every test uses names of its own (suffixed with the transport) and removes
what it made, so tests pass in any order and twice in a row.
"""

from __future__ import annotations

import pytest

from test_system_support import TRANSPORTS, make_target, ok, plan_apply

pytestmark = pytest.mark.integration

KEY1 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@laptop"
KEY2 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBXxUa1cA6rGLXwHzq4uJ7eX2b3xPzlUQ0yYqB2iJ7Wd bob@desk"
USERS = "getent passwd; getent group; ls -la /home"


@pytest.fixture(params=TRANSPORTS)
def t(request, lab):
    return make_target(request, lab)


def _cleanup_user(t, name):
    t.sh(f"userdel -r {name} 2>/dev/null; groupdel {name} 2>/dev/null; true")


def test_group_converge_and_remove(t):
    name = f"g{t.transport}1"
    t.sh(f"groupdel {name} 2>/dev/null; true")
    plan, applied = plan_apply(t, "group", {"name": name, "gid": 4321 + len(t.transport)}, snapshot=USERS)
    assert applied["gid"] == 4321 + len(t.transport) and t.sh(f"getent group {name}").startswith(f"{name}:x:")
    plan_apply(t, "group", {"name": name, "gid": 4400 + len(t.transport)})
    plan_apply(t, "group", {"name": name, "state": "absent"}, snapshot=USERS)
    assert t.sh(f"getent group {name}", ok=False) == ""


def test_group_non_unique_gid_range_and_forced_removal(t):
    first, twin, ranged, user = (f"g{t.transport}{n}" for n in ("a", "b", "c", "u"))
    t.sh(f"userdel {user} 2>/dev/null; for g in {first} {twin} {ranged}; do groupdel $g 2>/dev/null; done; true")
    try:
        gid = ok(t.run("group", {"name": first}))["gid"]
        taken = t.run("group", {"name": twin, "gid": gid})
        assert taken["failed"] and taken["msg"] == f"GID '{gid}' already exists with group '{first}'"
        missing = t.run("group", {"name": twin, "non_unique": True})
        assert missing["failed"] and missing["msg"] == "non_unique is True but all of the following are missing: gid"
        plan_apply(t, "group", {"name": twin, "gid": gid, "non_unique": True})
        assert t.sh(f"getent group {twin}").split(":")[2] == str(gid)
        assert 1700 <= ok(t.run("group", {"name": ranged, "gid_min": 1700, "gid_max": 1799}))["gid"] <= 1799
        # a user's primary group goes only with force, as under Ansible
        t.sh(f"useradd -M -g {ranged} {user}")
        assert t.run("group", {"name": ranged, "state": "absent"})["failed"]
        assert ok(t.run("group", {"name": ranged, "state": "absent", "force": True}))["changed"] is True
    finally:
        t.sh(f"userdel {user} 2>/dev/null; for g in {first} {twin} {ranged}; do groupdel $g 2>/dev/null; done; true")


def test_a_check_step_leaves_nothing_for_real_steps(t):
    """A check_mode task of a real run only predicts: a later real step sees the host (as Ansible)."""
    name = f"gchk{t.transport}"
    t.sh(f"groupdel {name} 2>/dev/null; true")
    session = t.session()
    assert ok(session.run("group", {"name": name}, check=True))["changed"] is True
    assert ok(session.run("group", {"name": name}))["changed"] is True
    assert t.sh(f"getent group {name}").startswith(f"{name}:x:")
    t.sh(f"groupdel {name}")


def test_user_converge_modify_remove(t):
    name = f"u{t.transport}1"
    _cleanup_user(t, name)
    args = {"name": name, "shell": "/bin/bash", "comment": "App; rm -rf /", "groups": ["users"]}
    plan, applied = plan_apply(t, "user", args, snapshot=USERS)
    assert plan["home"] == applied["home"] == f"/home/{name}"
    entry = t.sh(f"getent passwd {name}").split(":")
    assert entry[4] == "App; rm -rf /" and entry[6] == "/bin/bash" and str(applied["uid"]) == entry[2]
    assert t.sh(f"test -d /home/{name} && id -nG {name}").split() == [name, "users"]
    # modify: shell and an exact supplementary group list; then append
    plan_apply(t, "user", {"name": name, "shell": "/bin/sh", "groups": "staff"}, snapshot=USERS)
    assert t.sh(f"id -nG {name}").split() == [name, "staff"]
    plan_apply(t, "user", {"name": name, "groups": ["users"], "append": True})
    alone = ok(t.run("user", {"name": name, "append": True}))  # Ansible's warning, and no change
    assert not alone["changed"] and "'append' is set, but no 'groups' are specified" in alone["warnings"][0]
    assert sorted(t.sh(f"id -nG {name}").split()) == sorted([name, "staff", "users"])
    hashed = "$6$salt$IxDD3jeSOb5eB1CX5LBsqZFVkJdido3OUILO5Ifz5iwMuTS4XMS130MTSuDDl3aCI6WouIL9AjRbLCelDCy.g."
    plan_apply(t, "user", {"name": name, "password": hashed})
    assert t.sh(f"getent shadow {name}").split(":")[1] == hashed
    kept = ok(t.run("user", {"name": name, "password": "other", "update_password": "on_create"}))
    assert kept["changed"] is False and "appears not to have been hashed" in kept["warnings"][0]
    assert "warnings" not in ok(t.run("user", {"name": name, "password": hashed}))
    # password_lock: '!' before the hash, and off again; with the same password, only the lock changes
    plan_apply(t, "user", {"name": name, "password_lock": True})
    assert t.sh(f"getent shadow {name}").split(":")[1] == "!" + hashed
    plan_apply(t, "user", {"name": name, "password_lock": False, "password": hashed})
    assert t.sh(f"getent shadow {name}").split(":")[1] == hashed
    # account expiry (a day, UTC) and password ageing as shadow holds them; then no expiry again
    plan_apply(t, "user", {"name": name, "expires": 2529881062, "password_expire_max": 10, "password_expire_min": 5})
    assert [t.sh(f"getent shadow {name}").split(":")[i] for i in (3, 4, 7)] == ["5", "10", "29281"]
    plan_apply(t, "user", {"name": name, "expires": -1})
    assert t.sh(f"getent shadow {name}").split(":")[7] == ""
    # a home made for an existing user: Ansible's mode from login.defs (Debian's UMASK 022)
    t.sh(f"rm -rf /home/{name}")
    plan_apply(t, "user", {"name": name})
    assert t.sh(f"stat -c %a:%U /home/{name}") == f"755:{name}"
    plan_apply(t, "user", {"name": name, "state": "absent", "remove": True}, snapshot=USERS)
    assert t.sh(f"getent passwd {name}", ok=False) == "" and t.sh(f"test -e /home/{name} || echo gone") == "gone"
    t.sh(f"groupdel {name} 2>/dev/null; true")


def test_user_expiry_of_an_account_without_a_shadow_line(t):
    """As Ansible's: no shadow line counts as expiring on day 0, so expires=-1 writes one."""
    name = f"n{t.transport}1"
    _cleanup_user(t, name)
    t.sh(f"echo '{name}::5750:5750::/nonexistent:/bin/sh' >> /etc/passwd")
    try:
        plan_apply(t, "user", {"name": name, "expires": -1})
        assert t.sh(f"getent shadow {name}").split(":")[7] == ""
    finally:
        _cleanup_user(t, name)


def test_user_generates_an_ssh_key_with_a_passphrase(t):
    name = f"k{t.transport}1"
    _cleanup_user(t, name)
    args = {"name": name, "generate_ssh_key": True, "ssh_key_file": ".ssh/test_id_rsa",
            "ssh_key_passphrase": "secret_passphrase", "ssh_key_type": "ed25519"}
    try:
        plan, applied = plan_apply(t, "user", args)
        key = applied["ssh_key_file"]
        assert key == f"/home/{name}/.ssh/test_id_rsa" and applied["ssh_public_key"].startswith("ssh-ed25519 ")
        assert "secret_passphrase" not in repr(applied)
        t.sh(f"ssh-keygen -y -P secret_passphrase -f {key} >/dev/null")  # the passphrase opens it
        assert t.sh(f"stat -c %U:%a {key} /home/{name}/.ssh") == f"{name}:600\n{name}:700"
        again = ok(t.run("user", dict(args, force=True)))  # force makes a new pair, and says so
        assert again["changed"] and "Overwriting existing ssh key private file" in again["warnings"][0]
    finally:
        _cleanup_user(t, name)


def test_touch_by_a_user_who_may_write_but_does_not_own(t):
    """As Ansible's: 'now' times need only write access (utime without times), not ownership."""
    from orch.engine.hostconn import HostConnection

    path = f"/tmp/orch-utime-{t.transport}"
    t.sh(f"rm -f {path}; touch -d 2001-01-01 {path}; chmod 666 {path}")
    conn = HostConnection(t.name, {**t._vars, "ansible_become": True, "ansible_become_user": "nobody"})
    try:
        touched = ok(conn.session().run("file", {"path": path, "state": "touch"}))
        assert touched["changed"] and int(t.sh(f"stat -c %Y {path}")) > 978307200
    finally:
        conn.close()
        t.sh(f"rm -f {path}")


def test_user_useradd_settings_umask_and_uid_range(t):
    name = f"m{t.transport}1"
    _cleanup_user(t, name)
    try:
        made = ok(t.run("user", {"name": name, "umask": "077", "uid_min": 42000, "uid_max": 42100}))
        assert 42000 <= made["uid"] <= 42100 and t.sh(f"stat -c %a /home/{name}") == "700"
        refused = t.run("user", {"name": name, "umask": "077", "local": True})
        assert refused["failed"] and refused["msg"] == "'umask' can not be used with 'local'"
    finally:
        _cleanup_user(t, name)


def test_user_system_without_home(t):
    name = f"s{t.transport}1"
    _cleanup_user(t, name)
    plan, applied = plan_apply(t, "user", {"name": name, "system": True, "create_home": False, "shell": "/usr/sbin/nologin"})
    assert int(applied["uid"]) < 1000 and t.sh(f"test -e /home/{name} || echo none") == "none"
    _cleanup_user(t, name)


def test_user_shell_is_a_path_expanded_on_the_host(t):
    name = f"tilde{t.transport}"
    _cleanup_user(t, name)
    try:
        created = ok(t.run("user", {"name": name, "shell": "~/custom_shell", "create_home": False}))
        wanted = t.sh("echo ~").strip() + "/custom_shell"
        assert created["changed"] and created["shell"] == wanted == t.sh(f"getent passwd {name}").split(":")[6]
        assert ok(t.run("user", {"name": name, "shell": "~/custom_shell", "create_home": False}))["changed"] is False
    finally:
        _cleanup_user(t, name)


def test_user_with_missing_group_fails_clearly(t):
    result = t.run("user", {"name": f"x{t.transport}", "group": "no-such-group"})
    assert result["failed"] and "Group no-such-group does not exist" in result["msg"]


def test_overlay_group_then_user_then_key(t):
    """A plan of group -> user -> authorized_key on a host where none exists yet."""
    name = f"chain{t.transport}"
    _cleanup_user(t, name)
    steps = [("group", {"name": name, "system": True}),
             ("user", {"name": name, "group": name, "groups": ["users"], "home": f"/srv/{name}"}),
             ("authorized_key", {"user": name, "key": KEY1})]
    before = t.sh(USERS)
    planner = t.session()
    plans = [ok(planner.run(m, a, check=True, diff=True)) for m, a in steps]
    assert [p["changed"] for p in plans] == [True, True, True]
    assert plans[1]["home"] == f"/srv/{name}"
    assert plans[2]["keyfile"] == f"/srv/{name}/.ssh/authorized_keys"
    assert t.sh(USERS) == before
    applied = [ok(t.run(m, a, diff=True)) for m, a in steps]
    assert [a["changed"] for a in applied] == [True, True, True]
    assert plans[2]["diff"] == applied[2]["diff"]
    assert t.sh(f"stat -c '%U %a' /srv/{name}/.ssh /srv/{name}/.ssh/authorized_keys").split("\n") == [
        f"{name} 700", f"{name} 600"]
    assert [ok(t.run(m, a))["changed"] for m, a in steps] == [False, False, False]
    _cleanup_user(t, name)
    t.sh(f"rm -rf /srv/{name}")


def test_authorized_key_options_exclusive_absent(t):
    name = f"k{t.transport}"
    _cleanup_user(t, name)
    ok(t.run("user", {"name": name}))
    keyfile = f"/home/{name}/.ssh/authorized_keys"
    plan_apply(t, "authorized_key", {"user": name, "key": KEY1 + "\n" + KEY2})
    assert t.sh(f"cat {keyfile}").splitlines() == [KEY1, KEY2]
    plan_apply(t, "authorized_key", {"user": name, "key": KEY2, "key_options": 'from="10.0.0.1",no-pty'})
    assert t.sh(f"cat {keyfile}").splitlines() == [KEY1, 'from="10.0.0.1",no-pty ' + KEY2]
    plan_apply(t, "authorized_key", {"user": name, "key": KEY1, "exclusive": True, "comment": "alice"})
    assert t.sh(f"cat {keyfile}").splitlines() == [KEY1.rsplit(" ", 1)[0] + " alice"]
    plan_apply(t, "authorized_key", {"user": name, "key": KEY1, "state": "absent"})
    assert t.sh(f"cat {keyfile}") == ""
    _cleanup_user(t, name)


@pytest.mark.parametrize("module, args", [
    ("apt", {"name": "-oAPT::Update::Pre-Invoke::=touch /tmp/pwned-apt"}),
    ("user", {"name": "--badname"}),
    ("group", {"name": "-g0"}),
    ("service", {"name": "../../bin/sh", "state": "started"}),
    ("pip", {"name": "--index-url=http://127.0.0.1:1/"}),
    ("cron", {"name": "x", "user": "-r", "job": "true"}),
    ("git", {"repo": "--upload-pack=touch /tmp/pwned-git", "dest": "/tmp/pwned-dest"}),
])
def test_option_like_values_are_refused(t, module, args):
    for check in (True, False):
        result = t.session().run(module, args, check=check)
        assert result["failed"] and "invalid" in result["msg"], result
    assert t.sh("ls /tmp/pwned* 2>/dev/null | wc -l") == "0"
