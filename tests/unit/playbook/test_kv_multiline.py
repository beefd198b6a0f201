"""Free-form arguments keep their line breaks (``shell: |`` blocks)."""

from orch.playbook.kv import FREE_FORM_KEYS, parse_kv


def test_multiline_script_keeps_lines_and_loses_only_the_pairs():
    text = "set -e\necho one  two\nif true; then echo three; fi\ncreates=/tmp/x"
    args = parse_kv(text, free_form=True, free_form_keys=FREE_FORM_KEYS)
    assert args == {"creates": "/tmp/x", "_raw_params": "set -e\necho one  two\nif true; then echo three; fi"}


def test_pairs_that_are_not_free_form_keys_stay_in_the_command():
    args = parse_kv("echo a=b chdir=/tmp", free_form=True, free_form_keys=FREE_FORM_KEYS)
    assert args == {"chdir": "/tmp", "_raw_params": "echo a=b"}
