"""``orch config``: the settings in effect and where each comes from (see orch/config.py)."""

from __future__ import annotations

import click


@click.command("config")
def config_command() -> None:
    """Show the settings read from ansible.cfg, orch.toml and ORCH_*/ANSIBLE_* variables."""
    from orch.config import KEYS, find_ansible_cfg, find_orch_toml, load_settings

    settings = load_settings()
    click.echo(f"ansible.cfg: {find_ansible_cfg() or '-'}")
    click.echo(f"orch.toml:   {find_orch_toml() or '-'}")
    for key in KEYS:
        setting = settings.get(key)
        shown = "(default)" if setting is None else f"{setting.value!r}  ({setting.source})"
        click.echo(f"{key:<18} {shown}")
