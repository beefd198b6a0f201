"""Vault interop with ansible-core, and secrets kept out of every output of a run."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import orch

BIN = os.path.dirname(sys.executable)
ANSIBLE_VAULT = shutil.which("ansible-vault", path=BIN) or shutil.which("ansible-vault")
needs_ansible = pytest.mark.skipif(ANSIBLE_VAULT is None, reason="ansible-core is not installed")


def ansible(tool: str, *args: str, cwd: Path, input: str | None = None) -> subprocess.CompletedProcess:
    exe = shutil.which(tool, path=BIN) or tool
    env = {**os.environ, "ANSIBLE_NOCOLOR": "1", "ANSIBLE_LOCALHOST_WARNING": "0"}
    proc = subprocess.run([exe, *args], capture_output=True, text=True, cwd=cwd, timeout=120, env=env, input=input)
    assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "pw").write_text("correct horse\n")
    (tmp_path / "pw2").write_text("battery staple\n")
    return tmp_path


@needs_ansible
@pytest.mark.parametrize("vault_args,header", [
    (["--vault-password-file", "pw"], "$ANSIBLE_VAULT;1.1;AES256"),
    (["--vault-id", "prod@pw"], "$ANSIBLE_VAULT;1.2;AES256;prod"),
])
def test_ansible_encrypted_files_open_in_orch(work, vault_args, header):
    (work / "v.yml").write_text("db_password: s3cr3t-from-ansible\n")
    ansible("ansible-vault", "encrypt", *vault_args, "v.yml", cwd=work)
    assert (work / "v.yml").read_text().splitlines()[0] == header
    out = orch("vault", "view", "v.yml", *vault_args, cwd=work)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "db_password: s3cr3t-from-ansible\n"
    # several vault ids: the labelled one is found whatever the order
    out = orch("vault", "view", "v.yml", "--vault-id", "dev@pw2", *vault_args, cwd=work)
    assert out.returncode == 0 and "s3cr3t" in out.stdout


@needs_ansible
def test_orch_encrypted_files_and_strings_open_in_ansible(work):
    (work / "a.yml").write_text("a: plain-a\n")
    (work / "b.yml").write_text("b: plain-b\n")
    assert orch("vault", "encrypt", "a.yml", "--vault-password-file", "pw", cwd=work).returncode == 0
    assert orch("vault", "encrypt", "b.yml", "--vault-id", "prod@pw2", cwd=work).returncode == 0
    assert (work / "b.yml").read_text().startswith("$ANSIBLE_VAULT;1.2;AES256;prod\n")
    out = ansible("ansible-vault", "view", "--vault-password-file", "pw", "--vault-id", "prod@pw2",
                  "a.yml", "b.yml", cwd=work)
    assert "a: plain-a" in out.stdout and "b: plain-b" in out.stdout
    s = orch("vault", "encrypt_string", "--vault-id", "prod@pw2", "-n", "tok", 'it\'s "$(x)"', cwd=work)
    assert s.returncode == 0 and s.stdout.startswith("tok: !vault |\n          $ANSIBLE_VAULT;1.2;AES256;prod\n")
    (work / "s.yml").write_text(s.stdout)
    out = ansible("ansible", "localhost", "-m", "debug", "-a", "var=tok", "-e", "@s.yml",
                  "--vault-id", "prod@pw2", cwd=work)
    assert '"tok": "it\'s \\"$(x)\\""' in out.stdout


@needs_ansible
def test_ansible_encrypt_string_opens_in_an_orch_run(work):
    s = ansible("ansible-vault", "encrypt_string", "--vault-password-file", "pw", "-n", "tok", "from-ansible-str",
                cwd=work).stdout
    (work / "vars.yml").write_text(s)
    (work / "site.yml").write_text("- hosts: all\n  gather_facts: false\n  vars_files: [vars.yml]\n"
                                   "  tasks:\n    - copy: {content: '{{ tok }}', dest: '{{ playbook_dir }}/out'}\n")
    out = orch("run", "site.yml", "-i", "localhost,", "-c", "local", "--vault-password-file", "pw",
               "--runs-dir", "runs", cwd=work)
    assert out.returncode == 0, out.stdout + out.stderr
    assert (work / "out").read_text() == "from-ansible-str"


def test_run_uses_vault_values_and_never_shows_them(work):
    inline = orch("vault", "encrypt_string", "--vault-password-file", "pw", "-n", "api_token", "tok-INLINE-9f3",
                  cwd=work).stdout
    (work / "secrets.yml").write_text("db_password: pw-FILE-77c\n")
    assert orch("vault", "encrypt", "secrets.yml", "--vault-id", "prod@pw2", cwd=work).returncode == 0
    (work / "site.yml").write_text(
        "- hosts: all\n  gather_facts: false\n  vars_files: [secrets.yml]\n  vars:\n"
        + "".join("    " + line + "\n" for line in inline.splitlines()) +
        "  tasks:\n"
        "    - debug: msg='token {{ api_token }} db {{ db_password }}'\n"
        "    - command: echo {{ api_token }} {{ db_password }}\n      register: r\n"
        "    - debug: var=r\n"
        "    - copy: {content: 'x={{ db_password }}', dest: '{{ playbook_dir }}/conf'}\n"
        "    - copy: {content: 'x={{ api_token }}', dest: '{{ playbook_dir }}/conf'}\n"
        "    - fail: msg='failing with {{ api_token }}'\n      ignore_errors: true\n")
    before = set(work.rglob("*"))
    outputs = []
    for extra in ([], ["--json"], ["-D", "-v"]):
        out = orch("run", "site.yml", "-i", "localhost,", "-c", "local", "--vault-password-file", "pw",
                   "--vault-id", "prod@pw2", "--runs-dir", "runs", "--no-color", *extra, cwd=work)
        assert out.returncode == 0, out.stdout + out.stderr
        outputs += [out.stdout, out.stderr]
    assert (work / "conf").read_text() == "x=tok-INLINE-9f3"  # the values were used
    assert "********" in outputs[0] and "failing with ********" in outputs[0]
    written = [p for p in work.rglob("*") if p.is_file() and p not in before and p.name != "conf"]
    assert any(p.parent.name == "runs" for p in written)  # run records exist and were searched
    for text in outputs + [p.read_text(errors="replace") for p in written]:
        assert "tok-INLINE-9f3" not in text and "pw-FILE-77c" not in text


@pytest.mark.parametrize("password_args,message", [
    ([], "no vault password"),
    (["--vault-password-file", "pw2"], "vault decryption failed"),
])
def test_wrong_or_missing_password_names_the_value(work, password_args, message):
    inline = orch("vault", "encrypt_string", "--vault-password-file", "pw", "-n", "tok", "abc", cwd=work).stdout
    (work / "site.yml").write_text("- hosts: all\n  gather_facts: false\n  vars:\n    a: 1\n"
                                   + "".join("    " + line + "\n" for line in inline.splitlines())
                                   + "  tasks:\n    - debug: var=a\n    - debug: var=tok\n")
    # as in Ansible, the value fails the task that uses it (the one before it runs); --strict refuses it at load
    out = orch("run", "site.yml", "-i", "localhost,", "-c", "local", *password_args, cwd=work)
    assert out.returncode == 1 and "ok=1" in out.stdout and "failed=1" in out.stdout
    assert "undecryptable variable (the !vault value at " in out.stdout and "site.yml:5:10): " in out.stdout
    assert message in out.stdout
    out = orch("run", "site.yml", "-i", "localhost,", "-c", "local", "--strict", *password_args, cwd=work)
    assert out.returncode == 2
    assert f"site.yml:5:10: " in out.stderr and message in out.stderr
    assert "Traceback" not in out.stderr + out.stdout
    (work / "v.yml").write_text("x: 1\n")
    orch("vault", "encrypt", "v.yml", "--vault-password-file", "pw", cwd=work)
    (work / "site.yml").write_text("- hosts: all\n  vars_files: [v.yml]\n  tasks: []\n")
    out = orch("run", "site.yml", "-i", "localhost,", "-c", "local", *password_args, cwd=work)
    assert out.returncode == 2 and "v.yml:1: " in out.stderr and "Traceback" not in out.stderr


def test_an_undecryptable_connection_variable_fails_the_host_by_name(work):
    inline = orch("vault", "encrypt_string", "--vault-password-file", "pw", "-n", "ansible_host", "127.0.0.9",
                  cwd=work).stdout
    (work / "inv.yml").write_text("all:\n  hosts:\n    h1:\n      ansible_connection: ssh\n"
                                  + "".join("      " + line + "\n" for line in inline.splitlines()))
    (work / "site.yml").write_text("- hosts: h1\n  gather_facts: false\n  tasks:\n    - ping:\n")
    out = orch("run", "site.yml", "-i", "inv.yml", cwd=work)  # no password: the host fails before connecting
    assert out.returncode == 1 and "failed=1" in out.stdout and "Traceback" not in out.stdout + out.stderr
    assert "undecryptable variable (the !vault value at inv.yml:5:" in out.stdout


def test_vaulted_group_vars_for_exec_and_inventory(work):
    (work / "inv.ini").write_text("[web]\nnot-a-real-host\n")
    (work / "group_vars").mkdir()
    # the connection itself comes from the encrypted file: exec works only if it was decrypted
    (work / "group_vars" / "web.yml").write_text("ansible_connection: local\ngreeting: hello-GV-secret\n")
    orch("vault", "encrypt", "group_vars/web.yml", "--vault-password-file", "pw", cwd=work)
    out = orch("exec", "web", "-i", "inv.ini", "-a", "echo hello-GV-secret", "--vault-password-file", "pw",
               "--runs-dir", "runs", cwd=work)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "********" in out.stdout and "hello-GV-secret" not in out.stdout
    for record in (work / "runs").iterdir():
        assert "hello-GV-secret" not in record.read_text()
    out = orch("exec", "web", "-i", "inv.ini", "-m", "ping", cwd=work)
    assert out.returncode == 2 and "group_vars/web.yml:1: found vault-encrypted data but no vault password" in out.stderr


def test_edit_uses_a_private_temp_file_and_removes_it(work):
    (work / "v.yml").write_text("a: 1\n")
    orch("vault", "encrypt", "v.yml", "--vault-id", "prod@pw", cwd=work)
    os.chmod(work / "v.yml", 0o640)
    editor = work / "editor.sh"
    editor.write_text('#!/bin/sh\nstat -c %a "$1" > "$(dirname "$0")/seen"\necho "$1" >> "$(dirname "$0")/seen"\n'
                      'echo "b: 2" >> "$1"\n')
    editor.chmod(0o755)
    out = orch("vault", "edit", "v.yml", "--vault-password-file", "pw", env={"EDITOR": str(editor)}, cwd=work)
    assert out.returncode == 0, out.stderr
    mode, temp = (work / "seen").read_text().split()
    assert mode == "600" and not os.path.exists(temp)
    text = (work / "v.yml").read_text()
    assert text.startswith("$ANSIBLE_VAULT;1.2;AES256;prod\n")  # keeps its vault id
    assert stat.S_IMODE(os.stat(work / "v.yml").st_mode) == 0o640  # and its mode
    assert orch("vault", "view", "v.yml", "--vault-password-file", "pw", cwd=work).stdout == "a: 1\nb: 2\n"
    assert not [p for p in work.iterdir() if p.name.startswith(".orch-vault-")]


def test_cli_refusals(work):
    (work / "v.yml").write_text("a: 1\n")
    out = orch("vault", "decrypt", "v.yml", "--vault-password-file", "pw", cwd=work)
    assert out.returncode == 2 and "v.yml: input is not vault encrypted data" in out.stderr
    orch("vault", "encrypt", "v.yml", "--vault-password-file", "pw", cwd=work)
    out = orch("vault", "encrypt", "v.yml", "--vault-password-file", "pw", cwd=work)
    assert out.returncode == 2 and "already encrypted" in out.stderr
    out = orch("vault", "encrypt_string", "x", "--vault-id", "a@pw", "--vault-id", "b@pw2", cwd=work)
    assert out.returncode == 2 and "--encrypt-vault-id" in out.stderr
    out = orch("vault", "rekey", "v.yml", "--vault-password-file", "pw", "--new-vault-id", "new@pw2", cwd=work)
    assert out.returncode == 0
    assert orch("vault", "view", "v.yml", "--vault-password-file", "pw", cwd=work).returncode == 2
    assert orch("vault", "decrypt", "v.yml", "--vault-password-file", "pw2", cwd=work).returncode == 0
    assert (work / "v.yml").read_text() == "a: 1\n"
