#!/usr/bin/python
"""conf_line: make a file hold exactly one ``key value`` line for a key (this role's own module)."""

from __future__ import annotations

import os

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: conf_line
short_description: one "key value" line per key in a file
options:
  path: {type: path, required: true, description: the file}
  key: {type: str, required: true, description: the first word of the line}
  value: {type: str, required: true, description: the rest of the line}
"""


def main():
    module = AnsibleModule(
        argument_spec={"path": {"type": "path", "required": True}, "key": {"type": "str", "required": True},
                       "value": {"type": "str", "required": True}},
        supports_check_mode=True,
    )
    path, key, value = module.params["path"], module.params["key"], module.params["value"]
    wanted = f"{key} {value}\n"
    lines = []
    if os.path.exists(path):
        with open(path) as handle:
            lines = handle.readlines()
    kept = [line for line in lines if line.split(None, 1)[:1] != [key]]
    new = kept + [wanted]
    if [line for line in lines if line.split(None, 1)[:1] == [key]] == [wanted]:
        new = lines  # already there, exactly once: keep the order
    changed = new != lines
    if changed and not module.check_mode:
        with open(path + ".tmp", "w") as handle:
            handle.writelines(new)
        os.chmod(path + ".tmp", 0o644)
        os.replace(path + ".tmp", path)
    module.exit_json(changed=changed, path=path, line=wanted.rstrip("\n"))


if __name__ == "__main__":
    main()
