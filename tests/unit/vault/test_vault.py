"""Password sources and the Vault: which secret opens what, errors with file:line, masking."""

import os
import stat

import pytest

from orch import yamlsrc
from orch.errors import Location, TemplateError, VaultError
from orch.templating import Templar
from orch.vault import Vault, VaultSecret, collect_secrets, encrypt, read_password_file
from orch.vault.secrets import parse_vault_id


def _script(path, body):
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_password_file_is_stripped(tmp_path):
    (tmp_path / "pw").write_text("  s3cret \n\n")
    assert read_password_file(str(tmp_path / "pw")) == b"s3cret"


def test_executable_prints_the_password(tmp_path):
    assert read_password_file(_script(tmp_path / "pw.sh", "echo from-script")) == b"from-script"


def test_client_script_gets_the_vault_id(tmp_path):
    script = _script(tmp_path / "keyring-client", 'echo "pw-for-$2"')
    assert read_password_file(script, "prod") == b"pw-for-prod"


@pytest.mark.parametrize("setup,message", [
    (lambda p: None, "not found"),
    (lambda p: p.write_text("\n"), "is empty"),
    (lambda p: p.mkdir(), "is a directory"),
])
def test_bad_password_files(tmp_path, setup, message):
    target = tmp_path / "pw"
    setup(target)
    with pytest.raises(VaultError, match=message) as err:
        read_password_file(str(target))
    assert err.value.exit_code == 2 and str(target) in str(err.value)


def test_failing_script(tmp_path):
    with pytest.raises(VaultError, match="exited with 3: nope"):
        read_password_file(_script(tmp_path / "pw.sh", "echo nope >&2; exit 3"))


def test_vault_id_specs(tmp_path):
    assert parse_vault_id("prod@/x") == ("prod", "/x")
    assert parse_vault_id("/x") == ("default", "/x")
    with pytest.raises(VaultError):
        parse_vault_id("@/x")
    (tmp_path / "a").write_text("A")
    (tmp_path / "b").write_text("B")
    secrets = collect_secrets([f"dev@{tmp_path}/a", "prod@prompt"], [str(tmp_path / "b")], prompt=lambda _: "P")
    assert [(s.label, s.password) for s in secrets] == [("dev", b"A"), ("prod", b"P"), ("default", b"B")]
    assert "P" not in repr(secrets)  # passwords stay out of reprs


def test_environment_password_file(tmp_path):
    (tmp_path / "pw").write_text("E")
    env = {"ANSIBLE_VAULT_PASSWORD_FILE": str(tmp_path / "pw")}
    assert [s.password for s in collect_secrets(environ=env)] == [b"E"]
    assert collect_secrets(ask=True, prompt=lambda _: "Q", environ=env)[0].password == b"Q"  # explicit wins


def test_matching_label_first_then_any():
    payload = encrypt(b"v", b"right", "prod")
    vault = Vault([VaultSecret("dev", b"wrong"), VaultSecret("other", b"right")])
    assert vault.decrypt(payload) == "v"
    plain, secret = vault.open(payload)
    assert secret.label == "other"


def test_errors_name_the_location():
    payload = encrypt(b"v", b"right", "prod")
    with pytest.raises(VaultError, match=r"f.yml:3:7: vault decryption failed \(vault id 'prod'\).*tried vault ids: dev"):
        Vault([VaultSecret("dev", b"wrong")]).decrypt(payload, Location("f.yml", 3, 7))
    with pytest.raises(VaultError, match="no vault password"):
        Vault().decrypt(payload)


def test_masking_sees_every_plaintext_even_before_attach():
    vault = Vault([VaultSecret("default", b"pw")])
    vault.decrypt(encrypt(b"early-secret", b"pw"))
    seen = []
    vault.attach(seen.append)
    vault.decrypt(encrypt(b"late-secret", b"pw"))
    assert seen == ["early-secret", "late-secret"]


def test_inline_values_through_yaml_and_templar(tmp_path):
    payload = encrypt(b"pa$$", b"pw").replace("\n", "\n  ")
    text = f"a: 1\npw: !vault |\n  {payload}\n"
    vault = Vault([VaultSecret("default", b"pw")])
    previous = yamlsrc.set_vault(vault)
    try:
        data = yamlsrc.loads(text, "v.yml")
        vault.check_pending()
    finally:
        yamlsrc.set_vault(previous)
    assert Templar(vault=vault.templar_hook).template("{{ pw }}!", data) == "pa$$!"
    bad = Vault([VaultSecret("default", b"nope")])
    with pytest.raises(TemplateError, match=r"undecryptable variable \(the !vault value at v.yml:2:5\): vault decryption failed"):
        Templar(vault=bad.templar_hook).template("{{ pw }}", data)
    assert bad.reveal({"x": [data["a"]]}) == {"x": [1]}
    assert vault.reveal({"x": [data["pw"]]}) == {"x": ["pa$$"]}


def test_whole_files_need_a_vault(tmp_path):
    path = tmp_path / "vars.yml"
    path.write_text(encrypt(b"user: admin\npassword: hunter22\n", b"pw"))
    previous = yamlsrc.set_vault(None)
    try:
        with pytest.raises(VaultError, match=r"vars.yml:1: this file is vault-encrypted"):
            yamlsrc.load_file(path)
    finally:
        yamlsrc.set_vault(previous)
    vault = Vault([VaultSecret("default", b"pw")])
    seen = []
    vault.attach(seen.append)
    previous = yamlsrc.set_vault(vault)
    try:
        assert yamlsrc.load_file(path) == {"user": "admin", "password": "hunter22"}
    finally:
        yamlsrc.set_vault(previous)
    assert seen[-1] == {"user": "admin", "password": "hunter22"}  # the whole file is secret
    assert os.path.exists(path)
