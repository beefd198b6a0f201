import os
import subprocess

import pytest

from orch.errors import TemplateError
from orch.templating import Templar
from orch.templating.sha_crypt import sha_crypt
from orch.yamlsrc import DecryptedText

T = Templar()


def r(expr, **variables):
    return T.template("{{ %s }}" % expr, variables)


@pytest.mark.parametrize(
    "pw,salt,flag,bits",
    [("foo", "saltsalt", "-6", 512), ("secret pw", "abc", "-6", 512), ("x" * 70, "0123456789abcdef", "-6", 512),
     ("pässwörd", "s", "-6", 512), ("foo", "saltsalt", "-5", 256), ("hunter2", "abcdefgh", "-5", 256)],
)
def test_sha_crypt_matches_openssl(pw, salt, flag, bits):
    ref = subprocess.run(["openssl", "passwd", flag, "-salt", salt, pw], capture_output=True, text=True, check=True)
    assert sha_crypt(pw, salt, bits=bits) == ref.stdout.strip()


def test_sha_crypt_long_salt_truncated_and_rounds():
    assert sha_crypt("foo", "0123456789abcdefXYZ").startswith("$6$0123456789abcdef$")
    assert sha_crypt("foo", "saltsalt", rounds=10000).startswith("$6$rounds=10000$saltsalt$")


def test_password_hash_filter():
    assert r("'foo' | password_hash('sha512', 'saltsalt')") == (
        "$6$saltsalt$Jv6SqkiPFOQnGqKahOnGY51ChXzWzziq8eFqy/vxBYbZHFIirMkOAW8pQzy8xB.kPhS02cevoES8uYosUddER."
    )
    assert r("'foo' | password_hash('sha256', 'saltsalt')").startswith("$5$saltsalt$")
    assert r("'foo' | password_hash").startswith("$6$")
    with pytest.raises(TemplateError, match="not supported"):
        r("'foo' | password_hash('bcrypt')")


def test_regex_family():
    # Backslashes in {{ }} string constants stay as written (YAML already read its escapes), as in Ansible.
    assert r("'hello world' | regex_search('w(or)', '\\1')") == ["or"]
    assert r("'a1b22c333' | regex_findall('[0-9]+')") == ["1", "22", "333"]
    assert r("'ABC' | regex_replace('b', 'x', ignorecase=True)") == "AxC"
    assert r("'k=v' | regex_replace('^(\\w+)=(\\w+)$', '\\2=\\1')") == "v=k"


def test_combine_list_merge_and_errors():
    assert r("{'a': [1]} | combine({'a': [2]}, list_merge='append')") == {"a": [1, 2]}
    assert r("[{'a': 1}, {'b': 2}] | combine") == {"a": 1, "b": 2}
    with pytest.raises(TemplateError, match="expected dicts"):
        r("1 | combine({})")


def test_to_json_and_yaml_roundtrip_with_yaml_strings():
    from orch.yamlsrc import loads

    data = loads("a: [x, {b: c}]")
    assert r("d | to_json", d=data) == '{"a": ["x", {"b": "c"}]}'
    assert r("d | to_yaml | from_yaml", d=data) == {"a": ["x", {"b": "c"}]}
    assert r("d | to_nice_yaml", d=data) == "a:\n- x\n-   b: c\n"


def test_misc_filters():
    assert r("'a b' | quote") == "'a b'"
    assert r("[1, [2]] | flatten | sum") == 3
    assert r("[5, 6] | random(seed='x')") == r("[5, 6] | random(seed='x')")
    assert r("10 | random(seed=1)") in range(10)
    assert r("2048 | human_readable") == "2.00 KB"
    assert r("512 | human_readable") == "512.00 Bytes"
    assert r("'a' | b64encode | b64decode") == "a"
    assert r("'x' | hash('sha256')") == "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"
    assert r("'/tmp/a b' | splitext") == ["/tmp/a b", ""]
    assert r("['a', 'b'] | path_join") == "a/b"
    assert r("[[1, 'a']] | dict") == {1: "a"}
    assert r("x | type_debug", x=__import__("orch.yamlsrc").yamlsrc.loads("s")) == "str"
    assert r("'x' | comment('c')") == "//\n// x\n//"
    assert r("'a,b' | split(',') | join('-')") == "a-b"
    assert r("[1, 2] | zip_longest([3], fillvalue=0)") == [[1, 3], [2, 0]]


def test_fqcn_filter_and_test_names():
    assert r("[1] | ansible.builtin.to_json") == "[1]"
    assert r("'1.0' is ansible.builtin.version('0.9', '>')") is True


PEP440 = ["1!0.5", "1.0.dev1", "1.0a1", "1.0a2.dev3", "1.0b1", "1.0rc1", "1.0", "1.0.0", "1.0.post1.dev2", "1.0.post1",
          "1.0-2", "1.1", "2.14.0rc1", "2.14.0"]


@pytest.mark.parametrize("a", PEP440)
def test_version_pep440_orders_as_packaging_does(a):
    Version = pytest.importorskip("packaging.version").Version  # the reference implementation of PEP 440
    for b in PEP440:
        for op, holds in (("lt", Version(a) < Version(b)), ("eq", Version(a) == Version(b)), ("gt", Version(a) > Version(b))):
            assert r(f"'{a}' is version('{b}', '{op}', version_type='pep440')") is holds, (a, op, b)


def test_any_all_truthy_and_vault_tests(tmp_path, monkeypatch):
    assert r("[true, false] is any") is True and r("[false] is any") is False
    assert r("[true] is all") is True and r("[true, false] is all") is False
    assert r("'fred' is truthy(convert_bool=True)") is True  # not a boolean word: as Python reads it
    assert r("'off' is truthy(convert_bool=True)") is False and r("'on' is falsy(convert_bool=True)") is False
    assert r("x is vault_encrypted", x=DecryptedText("secret")) is True  # a !vault value, opened
    assert r("'plain' is vault_encrypted") is False
    (tmp_path / "v").write_text("$ANSIBLE_VAULT;1.1;AES256\n00\n")
    (tmp_path / "p").write_text("plain\n")
    monkeypatch.chdir(tmp_path)
    assert r("'v' is vaulted_file") is True and r("'p' is vaulted_file") is False


def test_version_semver_and_strict_errors():
    assert r("'1.0.0-alpha' is version('1.0.0-beta', '<', version_type='semver')") is True
    assert r("'1.0.10' is version('1.0.9', 'gt')") is True
    with pytest.raises(TemplateError, match="not a valid semantic version"):
        r("'1.0' is version('1.0.0', '<', version_type='semver')")
    with pytest.raises(TemplateError, match="invalid operator"):
        r("'1.0' is version('1.0', '~')")
    with pytest.raises(TemplateError, match="cannot specify both 'strict' and 'version_type'"):
        r("'1.0' is version('1.0', strict=False, version_type='loose')")
    with pytest.raises(TemplateError, match="input version value cannot be empty"):
        r("'' is version('', '>')")
    with pytest.raises(TemplateError, match="to compare against cannot be empty"):
        r("'1.0' is version('', '>')")


def test_result_tests():
    res = {"changed": False, "results": [{"changed": True}]}
    assert r("res is changed", res=res) is True
    assert r("res is success", res={"rc": 0}) is True
    assert r("res is failure", res={"failed": True}) is True
    assert r("res is skip", res={"skipped": True}) is True
    with pytest.raises(TemplateError, match="expects a task result"):
        r("'x' is failed")


def test_path_tests(tmp_path):
    f = tmp_path / "f"
    f.write_text("x")
    assert r("p is file", p=str(f)) and r("p is exists", p=str(f))
    assert r("p is directory", p=str(tmp_path))
    assert r("p is exists", p=str(tmp_path / "nope")) is False


def test_lookups(tmp_path, monkeypatch):
    monkeypatch.setenv("ORCH_T", "v1")
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "a.txt").write_text("hello\n")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "t.j2").write_text("hi {{ who }}")
    v = {"playbook_dir": str(tmp_path), "who": "{{ 'bob' }}"}
    assert r("lookup('env', 'ORCH_T')") == "v1"
    assert r("lookup('env', 'ORCH_NOPE_X')") == ""
    assert r("lookup('file', 'a.txt')", **v) == "hello"
    assert r("query('file', 'a.txt')", **v) == ["hello"]
    assert r("lookup('template', 't.j2')", **v) == "hi bob"
    assert r("q('items', [1, 2], 3)") == [1, 2, 3]
    assert r("lookup('ansible.builtin.vars', 'who')", **v) == "bob"
    assert r("lookup('dict', {'a': 1})") == {"key": "a", "value": 1}  # one result: itself, as in Ansible
    assert r("lookup('first_found', ['nope', 'a.txt'])", **v).endswith("files/a.txt")
    with pytest.raises(TemplateError, match="could not find file 'nope'"):
        r("lookup('file', 'nope')", **v)
    with pytest.raises(TemplateError, match="lookup plugin 'hashi_vault' was not found"):
        r("lookup('hashi_vault', 'x')")
    assert r("lookup('file', 'nope', errors='ignore')", **v) is None  # as in Ansible 2.19
