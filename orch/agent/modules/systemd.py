"""systemd: Ansible's older name for systemd_service."""

from .systemd_service import run  # noqa: F401
