"""Ansible's own debug action under another name (as ansible-core's lookup_first_found target has it)."""

from ansible.plugins.action.debug import ActionModule

assert ActionModule
