#!/usr/bin/python
from ansible.module_utils.basic import AnsibleModule
from ..module_utils.greeting import greet


def main():
    module = AnsibleModule(argument_spec={"who": {"type": "str", "required": True}}, supports_check_mode=True)
    module.exit_json(changed=False, msg=greet(module.params["who"]))


if __name__ == "__main__":
    main()
