"""The user module's check that a password is a crypt(3) hash (Ansible warns when it is not)."""

import pytest

from orch.agent.modules.user import looks_unhashed

SHA512 = "$6$salt$IxDD3jeSOb5eB1CX5LBsqZFVkJdido3OUILO5Ifz5iwMuTS4XMS130MTSuDDl3aCI6WouIL9AjRbLCelDCy.g."


@pytest.mark.parametrize("password,unhashed", [
    ("plaintextpassword", True),
    (SHA512, False),
    (SHA512[:-4] + "++++", True),  # outside crypt's alphabet
    (SHA512[:-1], True),  # a sha512 digest is 86 characters
    ("$1$salt$" + "a" * 22, False),
    ("$6$rounds=656000$salt$" + "b" * 86, False),
    ("!", False), ("*", False),
    ("a:b$c$d", True),
])
def test_looks_unhashed(password, unhashed):
    assert looks_unhashed(password) is unhashed
