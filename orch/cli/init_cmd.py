"""``orch init [DIR]``: a project skeleton that runs against ``orch lab up 3`` as it is."""

from __future__ import annotations

from pathlib import Path

import click

from orch.errors import UsageError

FILES: dict[str, str] = {
    "orch.toml": """\
# orch settings for this project. Precedence (highest first): command-line flags, ORCH_* variables,
# ANSIBLE_* variables, this file, ansible.cfg, built-in defaults. Paths are relative to this file.
inventory = "inventories/lab.ini"
forks = 25
roles_path = ["roles"]
# remote_user = "deploy"
# private_key_file = "~/.ssh/id_ed25519"
# host_key_checking = "accept-new"   # yes | no | accept-new
# runs_dir = ".orch/runs"            # run records (orch runs)
""",
    "site.yml": """\
# The whole project: `orch run site.yml` (orch.toml names the inventory). It sits next to roles/
# and group_vars/, where orch and Ansible both look for them.
- name: Message of the day on every lab host
  hosts: lab
  gather_facts: true
  roles:
    - motd
  tasks:
    - name: Show what was written
      debug:
        msg: "{{ inventory_hostname }} runs {{ ansible_distribution }} {{ ansible_distribution_version }}"

- import_playbook: playbooks/uptime.yml
""",
    "playbooks/uptime.yml": """\
# Smaller playbooks for one job each; `orch run playbooks/uptime.yml` also works on its own.
- name: How long the hosts have been up
  hosts: all
  gather_facts: false
  tasks:
    - name: uptime
      command: uptime
      changed_when: false
""",
    "roles/motd/defaults/main.yml": """\
motd_owner: ops team
""",
    "roles/motd/tasks/main.yml": """\
- name: Write /etc/motd
  template:
    src: motd.j2
    dest: /etc/motd
    mode: "0644"
""",
    "roles/motd/templates/motd.j2": """\
{{ inventory_hostname }} ({{ group_names | join(', ') }}) is managed by orch for the {{ motd_owner }}.
Environment: {{ project_env }}
""",
    "group_vars/all.yml": """\
# Variables for every host (group_vars/ next to the playbook or the inventory).
project_env: lab
""",
    "inventories/lab.ini": """\
# The default lab (`orch lab up 3`): the hosts lab1..lab3 on 127.0.10.1..3.
[web]
lab1 ansible_host=127.0.10.1
lab2 ansible_host=127.0.10.2

[db]
lab3 ansible_host=127.0.10.3

[lab:children]
web
db

[all:vars]
ansible_user=root
ansible_ssh_private_key_file=~/.orch/labs/lab/id_ed25519
orch_known_hosts_file=~/.orch/labs/lab/known_hosts
""",
    "vagrant/README.md": """\
Vagrant machines for this project go here (a Vagrantfile); see `orch vagrant --help`.
""",
    ".gitignore": """\
.orch/
""",
}


@click.command("init")
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def init_command(directory: str, force: bool) -> None:
    """Create a project in DIRECTORY: playbooks/, inventories/, group_vars/, roles/, vagrant/, orch.toml."""
    root = Path(directory)
    existing = [name for name in FILES if (root / name).exists()]
    if existing and not force:
        raise UsageError(f"{root}: {', '.join(existing)} already exist (--force overwrites them)")
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    click.echo(f"created an orch project in {root}:")
    for name in FILES:
        click.echo(f"  {name}")
    click.echo("try it:\n  orch lab up 3\n  " + (f"cd {directory} && " if directory != "." else "")
               + "orch run site.yml")
