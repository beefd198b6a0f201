"""Running steps on hosts: ad-hoc runs now, playbooks on top of the same pieces."""
