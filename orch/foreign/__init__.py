"""Ansible modules orch has no native code for, run from their own Python source.

- ``paths``: where Ansible looks (library folders, collections, ansible-core itself)
- ``finder``: a module name (short, FQCN, redirected) to its source file
- ``packer``: the module and the module_utils it imports, content-addressed
- ``runner``: the agent step that runs it, and the parts sent only when the host lacks them

The host side is ``orch/agent/foreign.py``. See docs/modules.md.
"""
