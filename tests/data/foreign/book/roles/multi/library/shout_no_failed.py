#!/usr/bin/python
from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec={"text": {"type": "str", "required": True}}, supports_check_mode=True)
    module.exit_json(changed=False, text=module.params["text"].upper())


if __name__ == "__main__":
    main()
