"""Lookups over files and names: csvfile, ini, unvault, varnames, inventory_hostnames (as Ansible answers)."""

import pytest

from orch.errors import TemplateError
from orch.inventory import load_inventory
from orch.templating import Templar
from orch.vault import Vault, VaultSecret, encrypt

T = Templar()


@pytest.fixture
def files(tmp_path):
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "people.csv").write_text(
        '# Last,First\nSmith,Jane,1234\n"German von Lastname",Demo,1\n"""The Rock"" Johnson",Dwayne,2\n')
    (tmp_path / "files" / "tabs.csv").write_text("fruit\tbananas\t30\nelectronics\ttvs\t8\n")
    (tmp_path / "files" / "crlf.csv").write_bytes(b"this file,has,crlf\r\nansible,parses,them\r\n")
    (tmp_path / "files" / "my.ini").write_text(
        "[global]\nvalue1=g1\nunicode=été\n[section1]\nvalue1=s1\nvalue2=s2\nother=o\n"
        "[interp]\nhome: /Users\nmine: %(home)s/me\n")
    (tmp_path / "files" / "dup.ini").write_text("[r]\nname = bob\nNAME = marley\n")
    (tmp_path / "files" / "mysql.ini").write_text("[mysqld]\nuser = mysql\nskip-innodb\n")
    (tmp_path / "files" / "a.properties").write_text("# c\nvalue.dot=Dotted\nfield.with.space = a space\n")
    (tmp_path / "files" / "latin.ini").write_bytes("[global]\nu=été\n".encode("iso8859-1"))
    return {"playbook_dir": str(tmp_path)}


def r(expr, variables):
    return T.template("{{ %s }}" % expr, variables)


@pytest.mark.parametrize("expr,expected", [
    ("lookup('csvfile', 'Smith', file='people.csv', delimiter=',', col=1)", "Jane"),
    ("lookup('csvfile', 'Jane', file='people.csv', delimiter=',', col=0, keycol=1)", "Smith"),
    ("lookup('csvfile', 'German von Lastname file=people.csv delimiter=, col=1')", "Demo"),
    ("lookup('csvfile', '\"The Rock\" Johnson file=people.csv delimiter=, col=1')", "Dwayne"),
    ("lookup('csvfile', 'electronics', 'fruit', file='tabs.csv', col=1)", "tvs,bananas"),
    ("lookup('csvfile', 'fruit file=tabs.csv delimiter=\"\\t\" col=1')", "bananas"),
    ("lookup('csvfile', 'ansible file=crlf.csv delimiter=, col=2')", "them"),
    ("lookup('csvfile', 'nope file=people.csv delimiter=, col=2')", []),
    ("lookup('csvfile', 'nope file=people.csv delimiter=, default=what?')", "what?"),
    ("lookup('csvfile', 'nope', file='people.csv', delimiter=',', default=['a', 'b'])", "a,b"),
    ("lookup('ini', 'value1', file='my.ini')", "g1"),
    ("lookup('ini', 'unicode section=global file=my.ini')", "été"),
    ("lookup('ini', 'u section=global encoding=iso8859-1 file=latin.ini')", "été"),
    ("lookup('ini', 'value[1-2]   section=section1 file=my.ini re=true')", "s1,s2"),
    ("lookup('ini', 'unknown default=dflt section=section1 file=my.ini')", "dflt"),
    ("lookup('ini', 'mine', section='interp', file='my.ini')", "/Users/me"),
    ("lookup('ini', 'mine', section='interp', file='my.ini', interpolation=false)", "%(home)s/me"),
    ("lookup('ini', 'NAME', section='r', file='dup.ini', case_sensitive=True)", "marley"),
    ("lookup('ini', 'value.dot type=properties file=a.properties')", "Dotted"),
    ("lookup('ini', 'field.with.space', type='properties', file='a.properties')", "a space"),
    ("lookup('ini', 'user', section='mysqld', file='mysql.ini', allow_no_value=True)", "mysql"),
    ("lookup('ini', 'skip-innodb', section='mysqld', file='mysql.ini', allow_none=True)", []),
])
def test_csvfile_and_ini(files, expr, expected):
    assert r(expr, files) == expected


@pytest.mark.parametrize("expr,message", [
    ("lookup('csvfile', 'file=people.csv, delimiter=, col=1')", "Search key is required but was not found"),
    ("lookup('csvfile', file='people.csv', col=1)", "Search key is required but was not found"),
    ("lookup('csvfile', 'foo file=people.csv thisarg=x')", "'thisarg' is not a valid option"),
    ("lookup('csvfile', 'foo', file='nope.csv')", "No such file or directory"),
    ("lookup('csvfile', 'x file=people.csv delimiter=, col=2, default=what?')", "'col' has an invalid value"),
    ("lookup('ini', 'name', section='r', file='dup.ini')", "Duplicate option in 'dup.ini'"),
    ("lookup('ini', 'name', section='missing', file='my.ini')", "No section 'missing' in 'my.ini'"),
    ("lookup('ini', 'file=my.ini', 'value1')", "No key to look up was provided as first term"),
    ("lookup('ini', 'invalid=option')", "'invalid' is not a valid option"),
    ("lookup('ini', 'user', section='mysqld', file='mysql.ini')", "cannot parse 'mysql.ini'"),
])
def test_csvfile_and_ini_errors(files, expr, message):
    with pytest.raises(TemplateError, match=message):
        r(expr, files)


def test_unvault_reads_plain_and_vaulted_files(tmp_path):
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "plain").write_text("foo: bar\n")
    (tmp_path / "files" / "secret").write_text(encrypt(b"foo: bar\n", b"pw"))
    vault = Vault([VaultSecret("default", b"pw")])
    templar = Templar(vault=vault.templar_hook)
    variables = {"playbook_dir": str(tmp_path)}
    assert templar.template("{{ lookup('unvault', 'secret') }}", variables) == "foo: bar\n"
    assert templar.template("{{ lookup('unvault', 'plain') == lookup('unvault', 'secret') }}", variables) is True
    assert templar.template("{{ lookup('file', 'secret') }}", variables) == "foo: bar"  # file decrypts too
    with pytest.raises(TemplateError, match="files/secret:1: .*vault"):
        Templar().template("{{ lookup('unvault', 'secret') }}", variables)


def test_varnames():
    variables = {"qz_1": "hello", "qz_2": "world", "qa_1": "x", "qz_": "y", "ansible_python_interpreter": "p"}
    assert sorted(r("lookup('varnames', '^qz_.+', wantlist=True)", variables)) == ["qz_1", "qz_2"]
    assert sorted(r("lookup('varnames', '^qz_.+', '^qa.*', wantlist=True)", variables)) == ["qa_1", "qz_1", "qz_2"]
    assert r("lookup('varnames', '^nope.*', '.*python_inter.*', wantlist=True)", variables) == [
        "ansible_python_interpreter"]
    assert r("lookup('varnames', '^lookup$', wantlist=True)", variables) == []  # Jinja's globals are not variables
    with pytest.raises(TemplateError, match="Invalid setting identifier"):
        r("lookup('varnames', True)", variables)
    with pytest.raises(TemplateError, match="Unable to use '\\*' as a search parameter: nothing to repeat"):
        r("lookup('varnames', '*')", variables)


def test_inventory_hostnames(tmp_path):
    (tmp_path / "inv").write_text("nogroup01\n[group01]\ntest01\ntest03\ntest04\n[group02]\ntest03\ntest04\ntest200\n")
    templar = Templar()
    templar.inventory = load_inventory([str(tmp_path / "inv")])

    def q(pattern):
        return templar.template("{{ query('inventory_hostnames', %r) }}" % pattern, {})

    assert q("group01") == ["test01", "test03", "test04"]
    assert q("group01:!test03") == ["test01", "test04"]
    assert q("group01:&group02") == ["test03", "test04"]
    assert q("nogroup01") == ["nogroup01"]
    assert q("doesnotexist") == []
    assert len(q("all")) == 5
    assert q("t?s?03") == ["test03"]


def test_env_values_know_their_origin(monkeypatch):
    monkeypatch.setenv("ORCH_ENVVAR1", "var1value")
    monkeypatch.setenv("ORCH_EMPTY", "")
    assert r("lookup('env', 'ORCH_EMPTY', default='nobody')", {}) == ""  # set, though empty
    assert r("lookup('env', 'ORCH_EMPTY', default=undef('custom'))", {}) == ""
    assert r("lookup('env', 'ORCH_UNSET_X', default='nobody')", {}) == "nobody"
    origin = r("lookup('env', 'ORCH_ENVVAR1') | ansible._protomatter.origin", {})
    assert origin == "<environment variable 'ORCH_ENVVAR1'>"
