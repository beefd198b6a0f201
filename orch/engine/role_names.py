"""The role-name magic variables of a play (``ansible_play_role_names`` and the others), as Ansible has them.

A play's own roles are those of its ``roles:`` and every role it imports or includes;
the roles those pull in through ``dependencies`` are its dependent roles.
"""

from __future__ import annotations

from orch.playbook.model import Block, Play, Role


def _imported_roles(items: list) -> list[Role]:
    """Roles whose tasks are in the play from the start (not those of an include, known only when run)."""
    roles = []
    for item in items:
        if isinstance(item, Block):
            roles += _imported_roles(item.block + item.rescue + item.always)
        elif item.module not in ("include_role", "include_tasks"):
            if item.role is not None and item.role.parent is None:
                roles.append(item.role)
            roles += _imported_roles(item.included or [])
    return roles


def role_name_vars(play: Play, included: list[Role]) -> dict:
    direct: list[str] = []
    dependent: list[str] = []

    def dependencies(role: Role) -> None:
        for dep in role.dependencies:
            if dep.name not in dependent:
                dependent.append(dep.name)
                dependencies(dep)

    roles = list(play.roles) + _imported_roles(play.pre_tasks + play.tasks + play.post_tasks + play.handlers)
    for role in roles + list(included):
        if role.name not in direct:
            direct.append(role.name)
        dependencies(role)
    return {"ansible_play_role_names": direct, "role_names": list(direct),
            "ansible_dependent_role_names": dependent, "ansible_role_names": list(dict.fromkeys(direct + dependent))}
