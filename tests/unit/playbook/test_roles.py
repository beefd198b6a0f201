import pytest

from orch.errors import ParseError
from orch.playbook import iter_tasks, load_playbook


@pytest.fixture
def roles(write):
    write("roles/common/tasks/main.yml", "- name: common task\n  ping:\n")
    write("roles/common/handlers/main.yml", "- name: reload common\n  debug: msg=x\n")
    write("roles/common/defaults/main.yml", "common_port: 80\n")
    write("roles/common/meta/main.yml", "galaxy_info: {author: me}\n")
    write("roles/web/tasks/main.yaml", "- debug: msg=web\n- import_tasks: extra.yml\n")
    write("roles/web/tasks/extra.yml", "- debug: msg=extra\n")
    write("roles/web/tasks/other.yml", "- debug: msg=other\n")
    write("roles/web/vars/main.yml", "web_user: www\n")
    write("roles/web/meta/main.yml", "dependencies:\n  - common\n  - role: param\n    p: 1\n    tags: dep\n")
    write("roles/param/tasks/main.yml", "- debug: msg={{ p }}\n")
    write("roles/param/meta/main.yml", "allow_duplicates: true\n")
    return write


def modules(play):
    return [(t.role.name if t.role else None, t.args.get("msg", t.module)) for t in iter_tasks(play.tasks)]


def test_roles_dependencies_vars_handlers(roles):
    p = roles("site.yml", """
        - hosts: all
          roles:
            - web
            - role: common
              tags: again
          tasks:
            - ping:
    """)
    play = load_playbook(p).plays[0]
    assert modules(play) == [("common", "ping"), ("param", "{{ p }}"), ("web", "web"), ("web", "extra"), (None, "ping")]
    web = play.roles[0]
    assert web.name == "web" and web.vars == {"web_user": "www"} and web.path.endswith("roles/web")
    assert web.dependencies[0].defaults == {"common_port": 80}
    assert web.dependencies[1].params == {"p": 1} and web.templates_dir.endswith("web/templates")
    tasks = list(iter_tasks(play.tasks))
    assert tasks[1].tags == ["dep"]
    assert [h.name for h in play.handlers] == ["reload common"] and play.handlers[0].role.name == "common"


def test_role_duplicates_and_allow_duplicates(roles):
    p = roles("site.yml", """
        - hosts: all
          roles:
            - common
            - common
            - {role: common, x: 2}
            - param
            - param
    """)
    assert modules(load_playbook(p).plays[0]) == [("common", "ping"), ("common", "ping"), ("param", "{{ p }}"),
                                                  ("param", "{{ p }}")]


def test_import_role_and_include_role(roles):
    p = roles("site.yml", """
        - hosts: all
          tasks:
            - import_role:
                name: web
                tasks_from: other
              when: w
              tags: ir
            - include_role:
                name: common
            - include_role:
                name: "{{ r }}"
    """)
    play = load_playbook(p).plays[0]
    tasks = list(iter_tasks(play.tasks))
    imported = [t for t in tasks if t.role and t.role.name == "web"]
    assert [t.args["msg"] for t in imported] == ["other"] and imported[0].when == ["w"] and imported[0].tags == ["ir"]
    inc = [t for t in play.tasks if getattr(t, "module", "") == "include_role"]
    assert inc[0].included_role.name == "common" and inc[0].included[0].module == "ping"
    assert inc[1].included is None


def test_role_search_path_env(write, tmp_path, monkeypatch):
    other = tmp_path / "elsewhere"
    (other / "far" / "tasks").mkdir(parents=True)
    (other / "far" / "tasks" / "main.yml").write_text("- ping:\n")
    monkeypatch.setenv("ANSIBLE_ROLES_PATH", str(other))
    p = write("site.yml", "- hosts: all\n  roles: [far]\n")
    assert load_playbook(p).plays[0].tasks[0].role.name == "far"
    monkeypatch.chdir(other)  # a relative entry is relative to the working folder; role_path is absolute
    monkeypatch.setenv("ANSIBLE_ROLES_PATH", ".")
    assert load_playbook(p).plays[0].tasks[0].role.path == str(other / "far")


def test_role_errors(roles):
    p = roles("site.yml", "- hosts: all\n  roles:\n    - nope\n")
    with pytest.raises(ParseError, match="role 'nope' not found") as err:
        load_playbook(p)
    assert err.value.location.line == 3
    p = roles("s2.yml", "- hosts: all\n  roles:\n    - acme.tools.thing\n")
    with pytest.raises(ParseError, match="collections"):
        load_playbook(p)
    p = roles("s3.yml", "- hosts: all\n  tasks:\n    - import_role: {name: web, tasks_from: missing}\n")
    with pytest.raises(ParseError, match="tasks_from: 'missing' not found"):
        load_playbook(p)
    roles("roles/loop/meta/main.yml", "dependencies: [loop]\n")
    p = roles("s4.yml", "- hosts: all\n  roles: [loop]\n")
    with pytest.raises(ParseError, match="role dependency loop"):
        load_playbook(p)
    roles("roles/bad/tasks/main.yml", "- debug:\n    msg: x\n  bogus: 1\n")
    p = roles("s5.yml", "- hosts: all\n  roles: [bad]\n")
    with pytest.raises(ParseError) as err:
        load_playbook(p)
    assert err.value.location.file.endswith("roles/bad/tasks/main.yml") and err.value.location.line == 3
