import threading

import pytest

from orch.errors import Location, TemplateError
from orch.templating import OMIT, Templar
from orch.yamlsrc import UnsafeText, VaultText, loads

T = Templar()


def test_single_expression_is_native():
    v = {"n": 3, "l": [1, 2], "d": {"a": 1}, "b": True}
    assert T.template("{{ n }}", v) == 3
    assert T.template("{{ l }}", v) == [1, 2]
    assert T.template("{{ d }}", v) == {"a": 1}
    assert T.template("{{ b }}", v) is True
    assert T.template("{{ [1, 2] }}", {}) == [1, 2]
    assert T.template("{{ none }}", {}) is None


def test_strings_stay_strings():
    # Ansible 2.19 no longer literal_evals string results.
    assert T.template("{{ s }}", {"s": "[1, 2]"}) == "[1, 2]"
    assert T.template("{{ s }}", {"s": "42"}) == "42"


def test_mixed_strings_render_to_str():
    v = {"n": 3, "l": [1]}
    assert T.template("n={{ n }}", v) == "n=3"
    assert T.template("{{ n }}{{ n }}", v) == "33"
    assert T.template("{{ l }}\n", v) == [1]  # as Ansible 2.19: Jinja drops the last newline, one value is left
    assert T.template("x{{ n }}\n\n", v) == "x3\n\n"  # a text result keeps its trailing newlines
    assert T.template("{% if n > 2 %}big{% endif %}", v) == "big"
    assert T.template("{# c #}x", v) == "x"


def test_recursive_over_data_and_keys():
    v = {"k": "key", "x": 1}
    assert T.template({"{{ k }}": ["{{ x }}", {"y": "{{ x + 1 }}"}], "n": 5}, v) == {"key": [1, {"y": 2}], "n": 5}


def test_plain_values_returned_as_is():
    obj = {"a": "plain"}
    assert T.template(obj, {}) == obj
    assert T.template("no braces", {}) == "no braces"
    assert T.template(5, {}) == 5


def test_lazy_variables_resolve_on_use():
    v = {"a": "{{ b }}-x", "b": "{{ c | upper }}", "c": "hi", "broken": "{{ nope }}"}
    assert T.template("{{ a }}", v) == "HI-x"
    # An unused broken variable does not matter.
    assert T.template("{{ c }}", v) == "hi"


def test_lazy_nested_structures():
    v = {"cfg": {"port": "{{ base + 1 }}", "hosts": ["{{ h }}"]}, "base": 8000, "h": "web"}
    assert T.template("{{ cfg.port }}", v) == 8001
    assert T.template("{{ cfg }}", v) == {"port": 8001, "hosts": ["web"]}


def test_recursion_loop_detected():
    with pytest.raises(TemplateError, match=r"recursive loop detected in template: a -> b -> a"):
        T.template("{{ a }}", {"a": "{{ b }}", "b": "{{ a }}"})
    with pytest.raises(TemplateError, match="recursive loop"):
        T.template("{{ x }}", {"x": "{{ x }}"})


def test_undefined_names_variable():
    with pytest.raises(TemplateError, match="'foo' is undefined"):
        T.template("{{ foo }}", {})
    with pytest.raises(TemplateError, match=r"'foo' is undefined \(in 'foo.bar'\)"):
        T.template("{{ foo.bar }}", {})
    with pytest.raises(TemplateError, match="has no attribute 'bar'"):
        T.template("{{ foo.bar }}", {"foo": {"x": 1}})
    with pytest.raises(TemplateError, match="'foo' is undefined"):
        T.template("a {{ foo }} b", {})
    with pytest.raises(TemplateError, match="'zz' is undefined.*while templating variable 'a'"):
        T.template("{{ a }}", {"a": "{{ zz }}"})


def test_undefined_in_expression_uses():
    for expr in ["foo == 1", "foo | length", "foo ~ 'x'", "foo"]:
        with pytest.raises(TemplateError, match="'foo' is undefined"):
            T.template("{{ %s }}" % expr, {})


def test_default_and_defined():
    assert T.template("{{ foo | default('d') }}", {}) == "d"
    assert T.template("{{ foo.bar.baz | d(1) }}", {}) == 1
    assert T.template("{{ foo is defined }}", {}) is False
    assert T.template("{{ foo.bar is undefined }}", {"foo": {}}) is True
    assert T.template("{{ foo | default('d', true) }}", {"foo": ""}) == "d"


def test_error_location_and_task():
    loc = Location("site.yml", 12, 7)
    with pytest.raises(TemplateError) as err:
        T.template({"msg": "{{ nope }}"}, {}, location=loc, task="say hi")
    assert str(err.value).startswith("site.yml:12:7: task 'say hi': 'nope' is undefined")
    assert err.value.exit_code == 2


def test_error_location_from_yaml_value():
    data = loads("a: 1\nmsg: '{{ nope }}'\n", "f.yml")
    with pytest.raises(TemplateError) as err:
        T.template(data["msg"], {})
    assert str(err.value.location) == "f.yml:2:6"


def test_syntax_error_shows_expression():
    with pytest.raises(TemplateError, match=r"template syntax error: .* in '\{\{ 1 \+ \}\}'"):
        T.template("{{ 1 + }}", {})
    with pytest.raises(TemplateError, match="syntax error"):
        T.evaluate("x ==", {})
    with pytest.raises(TemplateError, match="No filter named 'nofilter'"):
        T.template("{{ 1 | nofilter }}", {})


def test_filter_exceptions_translated():
    with pytest.raises(TemplateError, match="Error rendering template: division by zero"):
        T.template("{{ 1 / 0 }}", {})
    with pytest.raises(TemplateError, match="from_json"):
        T.template("{{ 'x' | from_json }}", {})


def test_unsafe_never_templated():
    u = UnsafeText("{{ nope }}")
    assert T.template(u, {}) == "{{ nope }}"
    assert T.template("{{ v }}", {"v": u}) == "{{ nope }}"
    assert T.template({"a": [u]}, {}) == {"a": ["{{ nope }}"]}


def test_vault_hook():
    vault = VaultText("$ANSIBLE_VAULT;1.1;AES256\n...")
    with pytest.raises(TemplateError, match="vault-encrypted value needs --vault-password-file"):
        T.template("{{ pw }}", {"pw": vault})
    t = Templar(vault=lambda v: "s3cret")
    assert t.template("{{ pw }}", {"pw": vault}) == "s3cret"
    assert t.template(vault, {}) == "s3cret"


def test_omit_dropped_from_dicts_and_lists():
    v = {"mode": None}
    out = T.template({"path": "/x", "mode": "{{ mode | default(omit, true) }}", "l": ["{{ omit }}", 1]}, v)
    assert out == {"path": "/x", "l": [1]}
    assert T.template("{{ omit }}", {}) == OMIT


def test_evaluate_bare_expressions():
    v = {"x": 3, "items": "{{ [1, 2] }}"}
    assert T.evaluate("x > 2", v) is True
    assert T.evaluate("items", v) == [1, 2]
    assert T.evaluate("'}}' in s", {"s": "a}}"}) is True
    assert T.evaluate("{{ x }}", v) == 3  # delimiters are tolerated
    assert T.evaluate(True, v) is True
    with pytest.raises(TemplateError, match="'y' is undefined"):
        T.evaluate("y", {})


def test_is_true():
    v = {"x": 3, "flag": "no", "yes_s": "yes", "s": "hello"}
    assert T.is_true("x == 3", v)
    assert T.is_true(["x == 3", "x > 1"], v)
    assert not T.is_true(["x == 3", "x > 5"], v)
    assert T.is_true(True, v) and not T.is_true(False, v)
    assert not T.is_true("flag", v)
    assert T.is_true("yes_s", v)
    assert not T.is_true("[]", v) and T.is_true("[1]", v)
    assert T.is_true([], v)
    with pytest.raises(TemplateError, match="not a boolean"):
        T.is_true("s", v)
    with pytest.raises(TemplateError) as err:
        T.is_true("nope", {}, location=Location("p.yml", 4), task="t")
    assert str(err.value).startswith("p.yml:4: task 't': 'nope' is undefined")


def test_compiled_templates_cached():
    t = Templar()
    t.template("{{ 1 }}", {})
    t.template("{{ 1 }}", {})
    assert len(t._templates) == 1


def test_thread_safety_smoke():
    t = Templar()
    errors = []

    def work(i):
        try:
            for j in range(200):
                assert t.template("{{ a }}-{{ b }}", {"a": i, "b": "{{ a * 2 }}"}) == f"{i}-{i * 2}"
        except Exception as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors


def test_variables_can_be_any_mapping():
    from collections import ChainMap

    v = ChainMap({"a": "{{ b }}"}, {"b": 2})
    assert T.template("{{ a }}", v) == 2


def test_jinja_extensions_and_globals():
    assert T.template("{% for i in range(3) %}{% if i == 1 %}{% continue %}{% endif %}{{ i }}{% endfor %}", {}) == "02"
    assert T.template("{{ now(fmt='%Y') | int > 2000 }}", {}) is True


def test_macro_output_is_text_never_literal_evaluated():
    # Jinja's native concat would read '"foo" "bar"' as Python and give 'foobar'; Ansible 2.19 does not.
    macro = '{% macro m() %}"foo" "bar"{% endmacro %}'
    assert Templar().template(macro + "{{ m() }}", {}) == '"foo" "bar"'
    assert Templar().render_text(macro + "<{{ m() }}>\n", {}) == '<"foo" "bar">\n'
    assert Templar().template("{% set x %}[1, 2]{% endset %}{{ x }}", {}) == "[1, 2]"


def test_include_templates_only_the_variables_it_reads(tmp_path):
    # As Ansible: a variable nobody reads is never templated, even when {% set %} and {% include %} copy
    # the context for the included template.
    (tmp_path / "inc.j2").write_text("{{ seen }}")
    out = Templar().render_text('{% set seen = name %}{% include "inc.j2" %}\n',
                                {"name": "foo", "unused": "{{ nowhere }}"}, searchpath=[str(tmp_path)])
    assert out == "foo\n"


def test_a_variable_made_of_an_undefined_one_is_undefined():
    v = {"deep": "{{ nowhere }}", "empty": [], "first": "{{ empty[0] }}"}
    t = Templar()
    assert t.evaluate("deep is undefined", v) is True
    assert t.evaluate("deep | default('d')", v) == "d"
    with pytest.raises(TemplateError, match="'nowhere' is undefined.*while templating variable 'deep'"):
        t.template("{{ deep }}", v)
    with pytest.raises(TemplateError, match="list object has no element 0"):
        t.template("{{ first }}", v)


def test_an_imported_template_printed_fails_on_its_undefined_value(tmp_path):
    (tmp_path / "imp.j2").write_text("{{ not_there }}")
    with pytest.raises(TemplateError, match="'not_there' is undefined"):
        Templar().render_text("{% import 'imp.j2' as m %}{{ m }}", {}, searchpath=[str(tmp_path)])


def test_text_from_lookups_and_unsafe_values_is_never_templated_again(tmp_path):
    from orch.yamlsrc import UnsafeText

    (tmp_path / "f.txt").write_text("{{ secret }}")
    v = {"playbook_dir": str(tmp_path), "secret": "SEEN", "raw": UnsafeText("{{ secret }}")}
    t = Templar()
    read = t.template("{{ lookup('file', 'f.txt') }}", v)
    assert t.template("{{ again }}", dict(v, again=read)) == "{{ secret }}"
    folded = t.template("{{ raw }}\n", v)  # a folded YAML scalar's newline keeps it unsafe
    assert t.template("{{ again }}", dict(v, again=folded)) == "{{ secret }}\n"
    assert t.evaluate("x is ansible._protomatter.tagged_with('TrustedAsTemplate')", {"x": read}) is False


def test_drop_undefined_leaves_out_undefined_items_at_any_depth():
    v = {"names": ["{{ nope }}a", "b"], "ok": 1}
    value = ["{{ nope }}x", {"files": "{{ names }}", "paths": "{{ nope }}"}, "{{ [{'f': nope}] | zip([{'f': 'c'}]) }}"]
    assert T.template(value, v, drop_undefined=True) == [{"files": ["b"]}, [[{}, {"f": "c"}]]]
    with pytest.raises(TemplateError, match="'nope' is undefined"):
        T.template(value, v)


def test_python_invalid_code_from_jinja_is_a_template_error():
    # Jinja compiles a repeated keyword to Python that does not compile; a clear error, not a traceback
    with pytest.raises(TemplateError, match="keyword argument repeated"):
        T.template("{{ lookup('vars', 'v1', default='', default='') }}", {})
