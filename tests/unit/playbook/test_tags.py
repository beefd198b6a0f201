import pytest

from orch.playbook import task_selected

# (task tags, --tags, --skip-tags, runs?) — Ansible's documented semantics.
TABLE = [
    ([], None, None, True),
    (["a"], None, None, True),
    (["never"], None, None, False),
    (["never", "debug"], ["debug"], None, True),
    (["always"], ["other"], None, True),
    (["always"], None, ["always"], False),
    (["always"], None, ["all"], True),
    (["a"], None, ["all"], False),
    (["a"], ["a"], None, True),
    (["b"], ["a"], None, False),
    ([], ["a"], None, False),
    ([], ["untagged"], None, True),
    (["a"], ["untagged"], None, False),
    (["a"], ["tagged"], None, True),
    ([], ["tagged"], None, False),
    (["never"], ["tagged"], None, False),
    (["a"], ["all"], None, True),
    (["never"], ["all"], None, False),
    (["a", "b"], ["b"], ["a"], False),
    (["a"], None, ["tagged"], False),
    ([], None, ["tagged"], True),
    ([], None, ["untagged"], False),
    (["a"], ["all"], ["b"], True),
]


@pytest.mark.parametrize("tags,only,skip,expected", TABLE)
def test_selection_table(tags, only, skip, expected):
    assert task_selected(tags, only, skip) is expected
