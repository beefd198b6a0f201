"""Loop items and fact names as Ansible reads them."""

from orch.engine.facts import variable_name_problem
from orch.engine.loops import loop_items


def test_with_list_takes_a_single_term_as_one_item():
    assert loop_items("list", {"key": "value"}, []) == [{"key": "value"}]
    assert loop_items("list", "one", []) == ["one"]
    assert loop_items("list", [1, 2], []) == [1, 2]
    assert loop_items("list", (x for x in "ab"), []) == ["a", "b"]


def test_variable_names_that_could_never_be_read_back():
    assert variable_name_problem("fine_name") is None
    assert "Invalid variable name 'true'" in variable_name_problem("true")
    assert "Invalid variable name '1' of type 'int'" in variable_name_problem(1)
    assert "Invalid variable name '2x'" in variable_name_problem("2x")
    assert variable_name_problem("naïve") is not None
