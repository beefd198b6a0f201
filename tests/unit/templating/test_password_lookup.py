import pytest

from orch.errors import TemplateError
from orch.templating import Templar
from orch.templating.sha_crypt import sha_crypt

T = Templar()


def r(expr, **variables):
    return T.template("{{ %s }}" % expr, variables)


def test_dev_null_gives_a_new_password_each_time_and_stores_nothing():
    first, second = r("lookup('password', '/dev/null')"), r("lookup('password', '/dev/null')")
    assert len(first) == 20 and first != second
    assert set(first) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,:-_")


def test_stored_in_a_file_relative_to_the_playbook_and_read_back(tmp_path):
    v = {"playbook_dir": str(tmp_path)}
    made = r("lookup('password', 'creds/db length=8 chars=digits')", **v)
    assert len(made) == 8 and made.isdigit()
    assert (tmp_path / "creds" / "db").read_text() == made + "\n"
    assert r("lookup('password', 'creds/db length=30')", **v) == made  # the file wins over the options


def test_options_as_keywords_seed_and_comma_in_chars(tmp_path):
    one = r("lookup('password', '/dev/null', seed='s1', length=12, chars=['ascii_lowercase', ',,'])")
    assert one == r("lookup('password', '/dev/null', seed='s1', length=12, chars=['ascii_lowercase', ',,'])")
    assert set(r("lookup('password', '/dev/null', chars='digits,,,', length=50)")) <= set("0123456789,")


def test_encrypt_keeps_the_salt_with_the_password(tmp_path):
    path = tmp_path / "pw"
    hashed = r("lookup('password', p ~ ' encrypt=sha512_crypt')", p=str(path))
    password, _, salt = path.read_text().strip().partition(" salt=")
    assert hashed == sha_crypt(password, salt) and hashed.startswith("$6$")
    assert r("lookup('password', p ~ ' encrypt=sha512_crypt')", p=str(path)) == hashed


def test_bad_options_are_template_errors():
    with pytest.raises(TemplateError, match="unrecognized option 'size=3'"):
        r("lookup('password', '/dev/null size=3')")
    with pytest.raises(TemplateError, match="encrypt='bcrypt' is not supported"):
        r("lookup('password', '/dev/null', encrypt='bcrypt')")
