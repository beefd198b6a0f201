"""Filters and tests against values recorded from ansible-core 2.19.

ansible_reference.json was produced by running each expression through
``ansible-playbook`` (debug msg='{{ expr }}') and recording the result.
"""

import json
from pathlib import Path

import pytest

from orch.templating import Templar

CASES = json.loads((Path(__file__).parent / "ansible_reference.json").read_text())
TEMPLAR = Templar()


def _jsonish(value):
    return json.loads(json.dumps(value, default=list))


@pytest.mark.parametrize("expr,expected", CASES, ids=[c[0][:60] for c in CASES])
def test_matches_ansible(expr, expected):
    assert _jsonish(TEMPLAR.template("{{ %s }}" % expr, {})) == expected
