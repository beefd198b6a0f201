"""Filters fail as Ansible's do, with the words ansible-core's own tests look for in the message."""

import pytest

from orch.errors import TemplateError, UndefinedVariableError
from orch.templating import Templar

T = Templar()


def r(expr, **variables):
    return T.template("{{ %s }}" % expr, variables)


@pytest.mark.parametrize("expr,words", [
    ("'http://h/x' | urlsplit('bad')", "unknown URL component"),
    ("[{'a': 1}] | unique(case_sensitive=False)", "cannot fall back"),
    ("True | unique", "'bool' object is not iterable"),
    ("'yo' | log", "can only be used on numbers"),
    ("'yo' | pow(4)", "can only be used on numbers"),
    ("'yo' | root", "can only be used on numbers"),
    ("'monkeys' | human_readable", "failed on bad input"),
    ("'10.00 foo' | human_to_bytes", "can't interpret"),
    ("[] | rekey_on_member('a', duplicates='boo')", "has unknown value"),
    ("'x' | rekey_on_member('a')", "Type is not a valid list, set, or dict"),
    ("[True] | rekey_on_member('a')", "List item is not a valid dict"),
    ("[{'b': 1}] | rekey_on_member('a')", "was not found"),
    ("[{'a': 1}, {'a': 1}] | rekey_on_member('a')", "is not unique, cannot convert to dict"),
    ("'hash' | hash('nope')", "unsupported hash type"),
    ("[1] | combine(foo='bar')", "'recursive' and 'list_merge' are the only valid keyword arguments"),
    ("[{}, [{}]] | combine({})", "failed to combine variables, expected dicts but got"),
    ("'%Y' | strftime('foo')", "Invalid value for epoch value"),
    ("'a=b=c' | regex_replace('=', ':', mandatory_count=1)", " times, but matches "),
    ("']' | regex_escape(re_type='posix_extended')", "Regex type (posix_extended) not yet implemented"),
    ("']' | regex_escape(re_type='haha')", "Invalid regex type (haha)"),
    ("None | random", "random can only be used on"),
    ("[1, 2] | random(start=1)", "start and step can only be used"),
    ("'x' | password_hash(salt_size=[9])", "salt_size must be an integer"),
    ("'x' | password_hash('msdcc')", "msdcc is not in the list of supported passlib algorithms"),
    ("'x' | password_hash(rounds=1)", "Could not hash the secret"),
    ("'x' | to_uuid(namespace=22)", "Invalid value"),
    ("nope | mandatory", "Mandatory variable 'nope' not defined."),
    ("nope | mandatory('sad wolf')", "sad wolf"),
    ("'x' | comment(style='invalid')", "Invalid style"),
    ("True | subelements('a')", "obj must be a list of dicts or a nested dict"),
    ("{} | subelements(17)", "subelements must be a list or a string"),
    ("[{'a': 1}] | subelements('b')", "could not find"),
    ("[{'a': 1}] | subelements('a')", "should point to a list"),
    ("[{'a': [1]}] | subelements(['a', 'b'])", "should point to a dictionary"),
    ("True | items2dict", "items2dict requires a list"),
    ("[True] | items2dict", "items2dict requires a list of dictionaries"),
    ("[{'key': 1}] | items2dict", "to contain the keys 'key' and 'value'"),
    ("True | path_join", "expects string or sequence"),
    ("'/a' | commonpath", "|commonpath expects"),
])
def test_failure_messages(expr, words):
    with pytest.raises(TemplateError) as err:
        r(expr)
    assert words in err.value.message


def test_undefined_inside_a_result_fails_naming_it():
    # As Ansible 2.19: a list or dict holding an undefined value is not a result.
    with pytest.raises(UndefinedVariableError, match="has no attribute 'name'"):
        r("things | map(attribute='name')", things=[{"name": "a"}, {"other": "b"}])
    with pytest.raises(UndefinedVariableError, match="'undef_variable' is undefined"):
        r("{'a': 1} | combine({'b': {'c': [undef_variable]}})")
    with pytest.raises(UndefinedVariableError, match="'nested' is undefined"):
        T.template("{{ [{'key': nested}] }} second_node", {})


def test_undefined_input_stays_undefined_through_map_and_select():
    assert r("nope | map('upper') is undefined") is True
    assert r("nope | selectattr('a') is undefined") is True


def test_undef_and_extract_defaults():
    with pytest.raises(UndefinedVariableError, match="Mandatory variable has not been overridden"):
        r("x", x="{{ undef() }}")
    with pytest.raises(UndefinedVariableError, match="Expected failure"):
        r("x", x="{{ undef(hint='Expected failure') }}")
    assert r("'k' | extract(nothing) | default('a')") == "a"
    assert r("'k' | extract(c, 'missing') | default('a')", c={"k": {"x": 1}}) == "a"


def test_groupby_finalized_and_regex_escape_posix():
    assert r("[{'a': 1}] | groupby('a') | ansible._protomatter.finalize") == [[1, [{"a": 1}]]]
    assert r("(([{'a': 1}] | groupby('a'))[0] | string)") == "(1, [{'a': 1}])"
    assert r("']]^' | regex_escape(re_type='posix_basic')") == "\\]\\]\\^"


def test_shuffle_keeps_non_sequences_and_comment_options():
    assert r("22 | shuffle") == 22
    assert r("'boo!' | comment(decoration='')") == "boo!\n"
    assert r("'boo!' | comment(style='cblock')") == "/*\n *\n * boo!\n *\n */"
