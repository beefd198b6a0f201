"""Which Ansible keywords orch reads, and which it refuses plainly.

Unknown keywords are errors with a suggestion; keywords Ansible has but orch
does not implement are errors that say so (never silently ignored).
"""

from __future__ import annotations

# Inherited from block/role/import down to every task (task value wins).
INHERITED = (
    "become", "become_user", "become_method", "become_flags", "check_mode", "diff", "ignore_errors",
    "ignore_unreachable", "no_log", "run_once", "delegate_to", "delegate_facts", "any_errors_fatal", "timeout",
    "remote_user",
)

# 'debugger' is accepted and ignored: orch runs no interactive debugger.
COMMON = frozenset({"name", "when", "tags", "vars", "environment", "collections", "module_defaults", "debugger",
                    *INHERITED})

TASK = COMMON | frozenset({
    "action", "local_action", "args", "loop", "loop_control", "register", "notify", "listen",
    "changed_when", "failed_when", "retries", "until", "delay", "async", "poll",
})
BLOCK = COMMON | frozenset({"block", "rescue", "always", "notify"})
PLAY = frozenset({
    "name", "hosts", "vars", "vars_files", "gather_facts", "become", "become_user", "become_method", "become_flags",
    "serial", "max_fail_percentage", "any_errors_fatal", "force_handlers", "pre_tasks", "roles", "tasks",
    "post_tasks", "handlers", "tags", "environment", "check_mode", "diff", "ignore_errors", "ignore_unreachable",
    "no_log", "run_once", "remote_user", "port", "connection", "collections", "strategy", "gather_subset", "order",
    "module_defaults", "debugger", "timeout",
})
ROLE_ENTRY = frozenset({"role", "name", "tags", "when", "vars", *INHERITED, "environment", "module_defaults"})
IMPORT_PLAYBOOK = frozenset({"import_playbook", "ansible.builtin.import_playbook", "ansible.legacy.import_playbook",
                             "name", "vars", "when", "tags"})

# Keyword -> why it is refused. Checked before "unknown keyword".
UNSUPPORTED_TASK = {
    "throttle": "orch does not support 'throttle' (yet)",
    "connection": "orch does not support 'connection' on a task (set it on the play or in the inventory)",
    "port": "orch does not support 'port' on a task (set it on the play or in the inventory)",
}
UNSUPPORTED_PLAY = {
    "vars_prompt": "orch does not support 'vars_prompt'; pass values with -e",
    "throttle": "orch does not support 'throttle' (yet)",
    "gather_timeout": "orch does not support 'gather_timeout' on a play (yet)",
    "fact_path": "orch does not support 'fact_path' on a play (yet)",
}
# orch runs each host at its own pace and syncs hosts only where it is observable (engine/gate.py):
# that already is what 'free' and 'host_pinned' promise, and what 'linear' plays can observe.
SUPPORTED_STRATEGIES = frozenset({"linear", "free", "host_pinned"})
# The play's ``order``: how its hosts are sorted before batches are cut.
HOST_ORDERS = frozenset({"inventory", "reverse_inventory", "sorted", "reverse_sorted", "shuffle"})

# with_<name> loops orch understands (the engine runs the matching lookup).
WITH_LOOKUPS = frozenset({
    "items", "list", "dict", "indexed_items", "together", "nested", "cartesian", "sequence", "fileglob",
    "first_found", "flattened", "random_choice", "lines", "file", "env", "inventory_hostnames", "template",
    "subelements", "ini", "csvfile", "unvault", "varnames", "password",
})
LOOP_CONTROL = frozenset({"loop_var", "index_var", "label", "pause", "extended", "extended_allitems", "break_when"})
