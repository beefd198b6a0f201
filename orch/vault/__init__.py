"""Ansible Vault compatibility: encrypted files and inline ``!vault`` values (format 1.1/1.2, AES256).

    from orch.vault import Vault, collect_secrets
    vault = Vault(collect_secrets(password_files=["~/.vault_pass"]))
    with vault_hook(vault):          # YAML files read meanwhile are decrypted when vaulted
        ...
"""

from orch.vault.envelope import encrypt, is_encrypted
from orch.vault.secrets import VaultSecret, collect_secrets, read_password_file
from orch.vault.vault import Vault

__all__ = ["Vault", "VaultSecret", "collect_secrets", "encrypt", "is_encrypted", "read_password_file"]
