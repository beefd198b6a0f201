"""``orch vault``: encrypt, decrypt, view, edit, create, encrypt_string and rekey, as ``ansible-vault`` does."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile

import click

from orch.cli.vault_opts import make_vault, vault_options
from orch.errors import Location, UsageError, VaultError

_INDENT = " " * 10  # ansible-vault encrypt_string's indentation of the payload lines


def _vault(kwargs: dict, new: bool = False):
    """The vault of the options; with none given, ask (twice when a new password is being set)."""
    vault = make_vault(kwargs["vault_ids"], kwargs["vault_password_files"], kwargs["ask_vault_pass"])
    if not vault.secrets:
        from orch.vault import VaultSecret

        text = click.prompt("New vault password" if new else "Vault password", hide_input=True, err=True,
                            confirmation_prompt=new)
        if not text:
            raise VaultError("empty vault password")
        vault.secrets.append(VaultSecret("default", text.encode("utf-8"), "prompt"))
    return vault


def _encrypt_secret(vault, label: str | None):
    if label:
        for secret in vault.secrets:
            if secret.label == label:
                return secret
        raise UsageError(f"--encrypt-vault-id {label!r} names no given vault id")
    labels = dict.fromkeys(s.label for s in vault.secrets)
    if len(labels) > 1:
        raise UsageError(f"several vault ids given ({', '.join(labels)}): choose one with --encrypt-vault-id")
    return vault.secrets[0]


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise VaultError(f"cannot read file: {exc.strerror}", location=Location(path)) from None


def write_atomic(path: str, data: bytes) -> None:
    """Replace ``path`` in one step (temp file in the same directory, fsync, rename); keeps the old mode."""
    if path == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    directory = os.path.dirname(os.path.abspath(path))
    try:
        mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o600
    fd, tmp = tempfile.mkstemp(prefix=".orch-vault-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise VaultError(f"cannot write file: {exc.strerror}", location=Location(path)) from None


def _text(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise VaultError("not a vault file (not text)", location=Location(path)) from None


def _open_file(vault, path: str) -> tuple[bytes, object]:
    from orch.vault import is_encrypted

    text = _text(_read(path), path)
    if not is_encrypted(text):
        raise VaultError("input is not vault encrypted data", location=Location(path))
    return vault.open(text, Location(path, 1))


def common(func):
    func = vault_options(func)
    return click.option("--encrypt-vault-id", metavar="LABEL", help="Which vault id encrypts.")(func)


@click.group("vault")
def vault_group() -> None:
    """Encrypt and decrypt files and values, compatible with ansible-vault (format 1.1/1.2, AES256)."""


@vault_group.command("encrypt")
@click.argument("files", nargs=-1, required=True)
@click.option("--output", metavar="FILE", help="Write here ('-' for stdout) instead of in place.")
@common
def encrypt_cmd(files, output, encrypt_vault_id, **kwargs) -> None:
    """Encrypt FILES in place ('-' reads stdin)."""
    from orch.vault import encrypt, is_encrypted

    if output and len(files) > 1:
        raise UsageError("--output takes one input file")
    vault = _vault(kwargs, new=True)
    secret = _encrypt_secret(vault, encrypt_vault_id)
    for path in files:
        data = _read(path)
        if is_encrypted(data):
            raise VaultError("input is already encrypted", location=Location(path))
        write_atomic(output or path, encrypt(data, secret.password, secret.label).encode("ascii"))
    click.echo("Encryption successful", err=True)


@vault_group.command("decrypt")
@click.argument("files", nargs=-1, required=True)
@click.option("--output", metavar="FILE", help="Write here ('-' for stdout) instead of in place.")
@vault_options
def decrypt_cmd(files, output, **kwargs) -> None:
    """Decrypt FILES in place ('-' reads stdin)."""
    if output and len(files) > 1:
        raise UsageError("--output takes one input file")
    vault = _vault(kwargs)
    for path in files:
        plain, _ = _open_file(vault, path)
        write_atomic(output or path, plain)
    click.echo("Decryption successful", err=True)


@vault_group.command("view")
@click.argument("files", nargs=-1, required=True)
@vault_options
def view_cmd(files, **kwargs) -> None:
    """Print the plaintext of FILES."""
    vault = _vault(kwargs)
    for path in files:
        plain, _ = _open_file(vault, path)
        sys.stdout.buffer.write(plain)
    sys.stdout.flush()


def _edit(vault, path: str, initial: bytes, secret) -> None:
    """Plaintext in a 0600 temp file for $EDITOR; encrypted back only if changed; the temp file never stays."""
    from orch.vault import encrypt

    editor = shlex.split(os.environ.get("EDITOR") or os.environ.get("VISUAL") or "vi")
    fd, tmp = tempfile.mkstemp(prefix="orch-vault-", suffix=os.path.splitext(path)[1])  # mkstemp: mode 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(initial)
        try:
            code = subprocess.call([*editor, tmp])
        except OSError as exc:
            raise UsageError(f"cannot start the editor {editor[0]!r}: {exc.strerror}") from None
        if code != 0:
            raise UsageError(f"the editor exited with {code}; {path} is unchanged")
        with open(tmp, "rb") as fh:
            edited = fh.read()
    finally:
        os.unlink(tmp)
    if edited == initial and os.path.exists(path):
        click.echo("No changes", err=True)
        return
    write_atomic(path, encrypt(edited, secret.password, secret.label).encode("ascii"))


@vault_group.command("edit")
@click.argument("file")
@vault_options
def edit_cmd(file, **kwargs) -> None:
    """Edit an encrypted FILE with $EDITOR; it is re-encrypted with the same vault id."""
    vault = _vault(kwargs)
    plain, secret = _open_file(vault, file)
    from orch.vault.envelope import split
    from orch.vault.secrets import VaultSecret

    # keep the file's vault id even when a plain --vault-password-file (label 'default') opened it
    label = split(_read(file).decode("ascii"))[0].vault_id or secret.label
    _edit(vault, file, plain, VaultSecret(label, secret.password, secret.origin))


@vault_group.command("create")
@click.argument("file")
@common
def create_cmd(file, encrypt_vault_id, **kwargs) -> None:
    """Create a new encrypted FILE with $EDITOR."""
    if os.path.exists(file):
        raise UsageError(f"{file} exists; use 'orch vault edit'")
    vault = _vault(kwargs, new=True)
    _edit(vault, file, b"", _encrypt_secret(vault, encrypt_vault_id))


@vault_group.command("encrypt_string")
@click.argument("strings", nargs=-1)
@click.option("-n", "--name", "names", multiple=True, help="Variable name for each string, in order.")
@click.option("--stdin-name", help="Variable name for the value read from stdin.")
@click.option("-p", "--prompt", is_flag=True, help="Ask for the string to encrypt.")
@common
def encrypt_string_cmd(strings, names, stdin_name, prompt, encrypt_vault_id, **kwargs) -> None:
    """Encrypt STRINGS (or stdin) into '!vault' values for a YAML file."""
    from orch.vault import encrypt

    items: list[tuple[str | None, bytes]] = []
    if prompt:
        items.append((names[0] if names else None,
                      click.prompt("String to encrypt", hide_input=True, err=True).encode("utf-8")))
    elif strings:
        items += [(names[i] if i < len(names) else None, s.encode("utf-8")) for i, s in enumerate(strings)]
    else:
        if sys.stdin.isatty():
            click.echo("Reading plaintext from stdin (end with Ctrl-D)", err=True)
        items.append((stdin_name or (names[0] if names else None), sys.stdin.buffer.read()))
    vault = _vault(kwargs, new=True)
    secret = _encrypt_secret(vault, encrypt_vault_id)
    blocks = []
    for name, value in items:
        payload = encrypt(value, secret.password, secret.label).rstrip("\n").split("\n")
        head = f"{name}: !vault |" if name else "!vault |"
        blocks.append("\n".join([head, *(_INDENT + line for line in payload)]))
    click.echo("\n".join(blocks))
    click.echo("Encryption successful", err=True)


@vault_group.command("rekey")
@click.argument("files", nargs=-1, required=True)
@click.option("--new-vault-password-file", metavar="FILE")
@click.option("--new-vault-id", metavar="LABEL@SOURCE")
@vault_options
def rekey_cmd(files, new_vault_password_file, new_vault_id, **kwargs) -> None:
    """Re-encrypt FILES with a new password (and vault id)."""
    from orch.cli.vault_opts import make_vault as _make
    from orch.vault import encrypt

    old = _vault(kwargs)
    new = _make(tuple(filter(None, [new_vault_id])), tuple(filter(None, [new_vault_password_file])), False)
    if not new.secrets:
        new = _vault({"vault_ids": (), "vault_password_files": (), "ask_vault_pass": False}, new=True)
    secret = new.secrets[0]
    for path in files:
        plain, _ = _open_file(old, path)
        write_atomic(path, encrypt(plain, secret.password, secret.label).encode("ascii"))
    click.echo("Rekey successful", err=True)
