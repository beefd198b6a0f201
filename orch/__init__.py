"""orch: agentless orchestration that reads Ansible's playbooks and inventories."""

__version__ = "0.1.0"
