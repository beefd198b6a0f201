"""Vagrant integration: drive ``vagrant`` for a project and make orch's inventory of it.

- ``runner``: every ``vagrant`` call (environment, errors);
- ``parse``: ``status --machine-readable``, ``ssh-config`` and the project's groups (pure);
- ``project``: the project directory, its ``orch.yml``, images to build before ``up``;
- ``machines``: one inventory for all machines, host keys learned from Docker;
- ``source``: registers ``-i vagrant:DIR``.
"""
