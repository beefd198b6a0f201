"""How the controller reads a foreign module's result: facts, and check mode in plans."""

from __future__ import annotations

from types import SimpleNamespace

from orch.foreign import runner
from orch.foreign.finder import FoundModule

FOUND = FoundModule("ansible.builtin.getent", "/x/getent.py", "ansible.modules.getent")


def _step(check=True, planning=True, would_change=False):
    options = SimpleNamespace(plan_recorder=object() if planning else None)
    worker = SimpleNamespace(run=SimpleNamespace(options=options), state=SimpleNamespace(would_change=would_change))
    return SimpleNamespace(check=check, worker=worker, task=SimpleNamespace(foreign=FOUND))


def test_facts_are_namespaced_and_plain_names_kept():
    result = runner.finish(_step(check=False), {"ansible_facts": {"getent_passwd": {"root": []},
                                                                  "ansible_thing": 1}})
    assert result["ansible_facts"] == {"getent_passwd": {"root": []}, "thing": 1}
    assert result["_plain_facts"] == {"getent_passwd": {"root": []}}


def test_no_check_mode_support_is_skipped_in_a_check_run_and_unknown_in_a_plan():
    skipped = {"skipped": True, "changed": False, "msg": "remote module (x) does not support check mode"}
    assert runner.finish(_step(planning=False), dict(skipped))["skipped"] is True
    planned = runner.finish(_step(), dict(skipped))
    assert planned["unknown"] and planned["changed"] and "skipped" not in planned


def test_a_plan_check_that_fails_after_earlier_changes_is_unknown():
    failed = {"failed": True, "msg": "Repo directory '/etc/yum.repos.d' does not exist."}
    assert runner.finish(_step(would_change=False), dict(failed))["failed"]  # nothing before it: a real failure
    assert runner.finish(_step(planning=False, would_change=True), dict(failed))["failed"]  # --check: as Ansible
    unknown = runner.finish(_step(would_change=True), dict(failed))
    assert unknown["unknown"] and "does not exist" in unknown["msg"] and not unknown.get("failed")
