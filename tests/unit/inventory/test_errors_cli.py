"""Malformed inventories: exit code 2 and file:line, never a traceback; CLI behaviour."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from orch.cli.errors import run_cli
from orch.cli.main import cli

from .conftest import DATA


def run(args: list[str], monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    holder: dict[str, int] = {}

    def invoke() -> None:
        holder["rc"] = run_cli(cli, args)

    result = runner.invoke(_wrap(invoke), [], catch_exceptions=False)
    return holder["rc"], result.stdout, result.stderr


def _wrap(fn):  # a click command so CliRunner captures what run_cli echoes
    import click

    @click.command()
    def _cmd() -> None:
        fn()

    return _cmd


BAD = {
    "bad.ini": ("[web\nh1\n", 1, "invalid section"),
    "badsection.ini": ("[web:stuff]\nh1\n", 1, "unknown type"),
    "space.ini": ("[web]\nh1\n[my group]\n", 3, "invalid section header"),
    "range.ini": ("[web]\nweb[1:]\n", 2, "end value"),
    "range2.ini": ("[web]\nweb[01:100]\n", 2, "equal width"),
    "range3.ini": ("\n\nweb[a:1]x\n", 3, "range"),
    "self.ini": ("[a]\nh1\n[a:children]\na\n", 4, "child of itself"),
    "cycle.ini": ("[a]\nh\n[b]\nh2\n[a:children]\nb\n[b:children]\na\n", 8, "loop"),
    "kv.ini": ("[web]\nh1 novalue\n", 2, "key=value"),
    "varsline.ini": ("[web]\nh1\n[web:vars]\njustaword\n", 4, "key=value"),
    "undef.ini": ("[p:children]\nnever\n", 2, "never defined"),
    "undefvars.ini": ("[x:vars]\na=1\n", 1, "never defined"),
    "quote.ini": ("h1 a='unclosed\n", 1, "cannot parse host line"),
    "port.ini": ("h1:\n", 1, "ending in ':'"),
    "hostslist.yml": ("all:\n  hosts:\n    - h1\n    - h2\n", 3, "must be a mapping"),
    "varslist.yml": ("all:\n  vars:\n    - a\n", 3, "must be a mapping"),
    "hostvars.yml": ("all:\n  hosts:\n    h1: [1, 2]\n", 3, "must be a mapping"),
    "intname.yml": ("all:\n  hosts:\n    12:\n", 3, "must be a string"),
    "yamlsyntax.yml": ("all:\n  hosts: [\n", 3, "invalid YAML"),
    "toplist.yml": ("- a\n- b\n", 1, "mapping of groups"),
    "yrange.yml": ("all:\n  hosts:\n    w[3:]:\n", 3, "end value"),
    "prio.ini": ("[g]\nh\n[g:vars]\nansible_group_priority=high\n", 4, "integer"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_malformed_inventory_is_parse_error_with_line(name: str, tmp_path: Path) -> None:
    text, line, words = BAD[name]
    path = tmp_path / name
    path.write_text(text)
    rc, out, err = run(["inventory", "list", "-i", str(path)])
    assert rc == 2
    assert f"{path}:{line}" in err, err
    assert words.lower() in err.lower(), err
    assert "Traceback" not in err + out


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.ini"
    path.write_bytes(b"[web]\nh\xe9\n")
    rc, _, err = run(["inventory", "list", "-i", str(path)])
    assert rc == 2 and str(path) in err and "UTF-8" in err


def test_bad_group_vars_file(tmp_path: Path) -> None:
    (tmp_path / "group_vars").mkdir()
    (tmp_path / "group_vars" / "web.yml").write_text("- not\n- a mapping\n")
    (tmp_path / "hosts.ini").write_text("[web]\nh1\n")
    rc, _, err = run(["inventory", "list", "-i", str(tmp_path / "hosts.ini")])
    assert rc == 2 and f"{tmp_path / 'group_vars' / 'web.yml'}:1" in err and "mapping" in err


def test_missing_inventory_path_is_a_warning_as_in_ansible(tmp_path: Path) -> None:
    rc, out, err = run(["inventory", "list", "-i", str(tmp_path / "nope.ini"), "-i", "h1,h2,", "--json"])
    assert rc == 0 and f"WARNING: Unable to parse {tmp_path / 'nope.ini'} as an inventory source" in err
    assert json.loads(out)["ungrouped"]["hosts"] == ["h1", "h2"]
    rc, out, err = run(["inventory", "list", "-i", str(tmp_path / "nope.ini")])
    assert rc == 0 and "WARNING: No inventory was parsed, only implicit localhost is available" in err


def test_unknown_plugin_file(tmp_path: Path) -> None:
    path = tmp_path / "aws_ec2.yml"
    path.write_text("plugin: amazon.aws.aws_ec2\n")
    rc, _, err = run(["inventory", "list", "-i", str(path)])
    assert rc == 2 and f"{path}:1" in err and "not supported" in err


def test_no_inventory_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ORCH_INVENTORY", raising=False)
    monkeypatch.delenv("ANSIBLE_INVENTORY", raising=False)
    rc, _, err = run(["inventory", "list"])
    assert rc == 2 and "-i" in err


def test_inventory_from_env_and_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ORCH_INVENTORY", raising=False)
    monkeypatch.delenv("ANSIBLE_INVENTORY", raising=False)
    (tmp_path / "hosts").write_text("[g]\nfromcwd\n")
    assert run(["inventory", "hosts", "all"])[1] == "fromcwd\n"
    monkeypatch.setenv("ANSIBLE_INVENTORY", "a1,a2,")
    assert run(["inventory", "hosts", "all"])[1] == "a1\na2\n"
    monkeypatch.setenv("ORCH_INVENTORY", str(DATA / "ini_ports.ini"))
    assert run(["inventory", "hosts", "plain"])[1] == "plain\n"


def test_list_json_and_tree() -> None:
    rc, out, _ = run(["inventory", "list", "-i", str(DATA / "patterns.ini"), "--json"])
    assert rc == 0 and json.loads(out)["canary"]["hosts"] == ["web2.example.com", "db3.example.com"]
    rc, out, _ = run(["inventory", "list", "-i", str(DATA / "patterns.ini")])
    assert rc == 0 and "@eu:" in out and "  @prod:" in out and "lb1" in out


def test_hosts_command() -> None:
    inv = str(DATA / "patterns.ini")
    rc, out, _ = run(["inventory", "hosts", "prod:!canary", "-i", inv, "-l", "web*"])
    assert rc == 0 and out.split() == ["web1.example.com", "web3.example.com", "web4.example.com",
                                       "web5.example.com"]
    rc, out, err = run(["inventory", "hosts", "nomatch", "-i", inv])
    assert rc == 0 and out == "" and "no hosts match" in err
    rc, _, err = run(["inventory", "hosts", "~(", "-i", inv])
    assert rc == 2 and "~(" in err


def test_vars_and_explain() -> None:
    inv = str(DATA / "prec" / "hosts.ini")
    rc, out, _ = run(["inventory", "vars", "web2", "-i", inv])
    assert rc == 0 and "v_hv: file-web2-b" in out and "nested:\n  a: 1" in out
    rc, out, _ = run(["inventory", "vars", "web1", "-i", inv, "--explain"])
    assert rc == 0
    block = out.split("v_g: ")[1].split("\n", 1)[1].split("\n" + "v_", 1)[0]
    # winner then every overridden value, highest first
    assert "group_vars/web.yml:1" in block.splitlines()[0]
    overridden = [line for line in block.splitlines() if "overrides" in line]
    assert [line.split('"')[1] for line in overridden] == ["file-prod-a", "file-all", "inline-web",
                                                          "inline-prod", "inline-all"]
    assert "hosts.ini:14" in overridden[2]  # the [web:vars] v_g line
    rc, _, err = run(["inventory", "vars", "ghost", "-i", inv])
    assert rc == 2 and "ghost" in err
