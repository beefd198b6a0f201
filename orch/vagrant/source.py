"""``-i vagrant:DIR`` (and ``plugin: vagrant`` files): the machines of a Vagrant project.

Kept tiny: orch.inventory imports it to register the source; the Vagrant code is
imported only when such a source is loaded.
"""

from __future__ import annotations

import os
from typing import Any

from orch.inventory.sources import register_source


def load_vagrant_source(inv: Any, spec: Any, origin: str) -> None:
    from orch.inventory.yamlinv import load_yaml_inventory
    from orch.vagrant.machines import inventory_data
    from orch.vagrant.project import open_project

    if isinstance(spec, dict):  # plugin file: `project:` relative to the file
        directory = os.path.join(os.path.dirname(origin), str(spec.get("project") or "."))
    else:
        directory = spec or "."
    load_yaml_inventory(inv, inventory_data(open_project(directory)), origin)


register_source("vagrant", load_vagrant_source)
