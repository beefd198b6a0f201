"""Ansible-compatible inventories: INI and YAML files, host lists, group_vars/host_vars.

    from orch.inventory import load_inventory
    inv = load_inventory(["hosts.ini"])
    for host in inv.select("web:&prod", limit="web1*"):
        print(host.name, host.vars)
"""

from orch.inventory.model import Group, Host, Inventory
from orch.inventory.sources import InventorySource, load_inventory, register_source
from orch.inventory.vars import VarExplanation

__all__ = ["Group", "Host", "Inventory", "InventorySource", "VarExplanation", "load_inventory",
           "register_source"]

import orch.vagrant.source  # noqa: E402,F401  registers -i vagrant:DIR (Vagrant code loads on use)
from orch.docker.inventory import register as _register_docker  # noqa: E402

_register_docker()  # plugin: docker files and -i docker:[URL] (the docker SDK loads on use)
