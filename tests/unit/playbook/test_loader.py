import pytest

from orch.errors import ParseError
from orch.playbook import Block, LoopSpec, Task, iter_tasks, load_playbook


def tasks_of(path):
    play = load_playbook(path).plays[0]
    return list(iter_tasks(play.pre_tasks + play.tasks + play.post_tasks))


def test_play_fields(write):
    p = write("site.yml", """
        - name: web
          hosts: web:&prod
          vars: {a: 1}
          gather_facts: false
          become: true
          become_user: app
          serial: [1, "30%"]
          max_fail_percentage: 20
          any_errors_fatal: true
          force_handlers: true
          tags: deploy
          environment: {PATH: /x}
          connection: local
          tasks:
            - ping:
    """)
    play = load_playbook(p).plays[0]
    assert (play.name, play.hosts, play.vars, play.gather_facts) == ("web", "web:&prod", {"a": 1}, False)
    assert (play.become, play.become_user, play.serial, play.max_fail_percentage) == (True, "app", [1, "30%"], 20)
    assert play.any_errors_fatal and play.force_handlers and play.connection == "local"
    assert play.tags == ["deploy"] and play.environment == [{"PATH": "/x"}]
    assert play.tasks[0].tags == ["deploy"]
    assert str(play.location) == f"{p}:1:3"


def test_argument_forms(write):
    p = write("site.yml", """
        - hosts: all
          tasks:
            - command: echo "a b" x=y chdir=/tmp
            - shell: cat {{ f }} | wc -l
              args:
                creates: /x
            - file: path=/x state=touch mode='0644'
            - action: copy src=a dest=b
            - action:
                module: ansible.builtin.file
                path: /y
            - local_action: command hostname
            - ansible.builtin.debug:
                msg: hi
            - community.docker.docker_container: {name: c}
            - ansible.posix.sysctl: name=vm.swappiness value=10
            - raw: uptime
            - meta: flush_handlers
            - set_fact: a=1 b="two words"
    """)
    t = tasks_of(p)
    assert t[0].module == "command" and t[0].args == {"_raw_params": 'echo "a b" x=y', "chdir": "/tmp"}
    assert t[1].args == {"_raw_params": "cat {{ f }} | wc -l", "creates": "/x"}
    assert t[2].args == {"path": "/x", "state": "touch", "mode": "0644"}
    assert (t[3].module, t[3].args) == ("copy", {"src": "a", "dest": "b"})
    assert (t[4].module, t[4].args, t[4].action) == ("file", {"path": "/y"}, "ansible.builtin.file")
    assert (t[5].module, t[5].args, t[5].delegate_to) == ("command", {"_raw_params": "hostname"}, "localhost")
    assert t[6].module == "debug" and t[6].action == "ansible.builtin.debug"
    assert t[7].module == "docker_container"
    assert t[8].module == "sysctl" and t[8].args == {"name": "vm.swappiness", "value": "10"}
    assert t[9].args == {"_raw_params": "uptime"}
    assert t[10].args == {"_raw_params": "flush_handlers"}
    assert t[11].args == {"a": "1", "b": "two words"}


def test_task_keywords(write):
    p = write("site.yml", """
        - hosts: all
          tasks:
            - name: many
              command: /bin/true
              when: [a, b]
              loop: "{{ items }}"
              loop_control: {loop_var: it, label: "{{ it }}"}
              register: out
              notify: [h1, h2]
              changed_when: false
              failed_when: out.rc > 1
              ignore_errors: true
              until: out is success
              retries: 5
              delay: 2
              become: yes
              become_user: root
              become_method: sudo
              delegate_to: other
              run_once: true
              no_log: true
              check_mode: false
              diff: true
              vars: {v: 1}
              environment: {A: b}
              tags: [t1, t2]
            - command: x
              with_dict: "{{ d }}"
              notify: h1
            - command: x
              with_list: [1, 2]
            - command: x
              until: done
    """)
    t = tasks_of(p)
    a = t[0]
    assert a.name == "many" and a.when == ["a", "b"] and a.loop == LoopSpec("loop", "{{ items }}")
    assert a.loop_control == {"loop_var": "it", "label": "{{ it }}"} and a.register == "out"
    assert a.notify == ["h1", "h2"] and a.changed_when == [False] and a.failed_when == ["out.rc > 1"]
    assert a.ignore_errors is True and a.until == ["out is success"] and (a.retries, a.delay) == (5, 2)
    assert (a.become, a.become_user, a.become_method, a.delegate_to) == (True, "root", "sudo", "other")
    assert a.run_once and a.no_log and a.check_mode is False and a.diff is True
    assert a.vars == {"v": 1} and a.environment == [{"A": "b"}] and a.tags == ["t1", "t2"]
    assert t[1].loop == LoopSpec("dict", "{{ d }}") and t[1].notify == ["h1"]
    assert t[2].loop == LoopSpec("list", [1, 2])  # the list lookup: a mapping is one item
    assert t[3].retries == 3  # Ansible's default with until


def test_block_inheritance(write):
    p = write("site.yml", """
        - hosts: all
          tags: play
          tasks:
            - name: outer
              block:
                - block:
                    - debug: msg=in
                      when: c
                      become: false
                  when: b
                  tags: inner
              rescue:
                - debug: msg=rescue
              always:
                - debug: msg=always
              when: a
              become: true
              vars: {x: 1}
              environment: {E: 1}
              tags: outer
              ignore_errors: true
    """)
    play = load_playbook(p).plays[0]
    block = play.tasks[0]
    assert isinstance(block, Block) and block.name == "outer" and block.keywords["ignore_errors"] is True
    t = list(iter_tasks(play.tasks))
    assert t[0].when == ["a", "b", "c"] and t[0].tags == ["play", "outer", "inner"]
    assert t[0].become is False and t[0].vars == {"x": 1} and t[0].environment == [{"E": 1}]
    assert t[1].args == {"msg": "rescue"} and t[1].become is True and t[1].ignore_errors is True
    assert t[2].args == {"msg": "always"} and t[2].when == ["a"]


def test_remote_user_reaches_tasks_from_blocks_imports_and_roles(write):
    write("more.yml", "- ping:\n")
    write("roles/r/tasks/main.yml", "- ping:\n")
    p = write("site.yml", """
        - hosts: all
          roles:
            - {role: r, remote_user: roleuser}
          tasks:
            - block:
                - ping:
                - {ping: , remote_user: own}
              remote_user: blockuser
            - import_tasks: more.yml
              remote_user: "{{ who }}"
    """)
    t = list(iter_tasks(load_playbook(p).plays[0].tasks))
    assert [x.remote_user for x in t] == ["roleuser", "blockuser", "own", "{{ who }}"]


def test_import_tasks_inlined_with_vars_when_tags(write):
    write("tasks/common.yml", """
        - debug: msg={{ v }}
        - import_tasks: nested.yml
    """)
    write("tasks/nested.yml", "- ping:\n")
    p = write("site.yml", """
        - hosts: all
          tasks:
            - import_tasks: tasks/common.yml
              vars: {v: 1}
              when: go
              tags: imp
    """)
    t = tasks_of(p)
    assert [x.module for x in t] == ["debug", "ping"]
    assert all(x.when == ["go"] and x.tags == ["imp"] and x.vars == {"v": 1} for x in t)
    assert t[1].location.file.endswith("tasks/nested.yml")


def test_import_tasks_templated_with_play_vars(write):
    write("tasks/debian.yml", "- ping:\n")
    p = write("site.yml", """
        - hosts: all
          vars: {family: debian}
          tasks:
            - import_tasks: "tasks/{{ family }}.yml"
    """)
    assert [x.module for x in tasks_of(p)] == ["ping"]


def test_include_tasks_dynamic_but_validated(write):
    write("inc.yml", "- debug: msg=x\n")
    p = write("site.yml", """
        - hosts: all
          tasks:
            - include_tasks: inc.yml
              tags: t
              when: w
            - include_tasks:
                file: "{{ name }}.yml"
                apply: {tags: [x]}
    """)
    play = load_playbook(p).plays[0]
    inc, dyn = play.tasks
    assert inc.module == "include_tasks" and inc.args["file"].endswith("inc.yml")
    assert inc.included[0].module == "debug" and inc.included[0].tags == [] and inc.included[0].when == ["w"]
    assert dyn.included is None and dyn.args == {"file": "{{ name }}.yml", "apply": {"tags": ["x"]}}


def test_an_include_that_cannot_load_fails_when_reached_and_strict_refuses_it(write):
    p = write("site.yml", """
        - hosts: all
          tasks:
            - include_tasks: missing.yml
              when: false
            - include_role: {name: nowhere}
            - include_role: {name: nowhere, tasks_from: "{{ entry }}"}
    """)
    missing, role, templated = load_playbook(p).plays[0].tasks
    assert "file not found: 'missing.yml'" in missing.problem.message and missing.included is None
    assert "role 'nowhere' not found" in role.problem.message
    assert templated.problem is None and templated.included is None  # loaded when reached
    with pytest.raises(ParseError, match="missing.yml"):
        load_playbook(p, strict=True)
    bad = write("bad.yml", "- hosts: all\n  tasks:\n    - include_role: {name: x, vars_from: [a.yml]}\n")
    with pytest.raises(ParseError, match="Expected a string for vars_from but got a list"):
        load_playbook(bad)  # a wrong type is found at parse time, as Ansible does


def test_import_playbook(write):
    write("sub/other.yml", """
        - hosts: db
          tasks: [{ping: }]
    """)
    p = write("site.yml", """
        - hosts: web
          tasks: [{ping: }]
        - import_playbook: sub/other.yml
          tags: imp
          vars: {iv: 1}
    """)
    book = load_playbook(p)
    assert [pl.hosts for pl in book.plays] == ["web", "db"]
    assert book.plays[1].tags == ["imp"] and book.plays[1].tasks[0].tags == ["imp"]
    assert book.plays[1].vars == {"iv": 1}


def test_vars_files(write):
    write("vars/a.yml", "a: 1\n")
    p = write("site.yml", """
        - hosts: all
          vars_files:
            - vars/a.yml
            - "vars/{{ env }}.yml"
            - [vars/missing.yml, vars/a.yml]
    """)
    play = load_playbook(p).plays[0]
    assert play.vars_files[0].endswith("vars/a.yml") and play.vars_files[1] == "vars/{{ env }}.yml"
    assert play.vars_files[2][1].endswith("vars/a.yml")


def test_vars_files_found_and_read_as_ansible(write):
    """vars/NAME before NAME in the play's folder; a list of mappings merges; an empty file is no error."""
    write("vars/common.yml", "- {a: 1, b: 1}\n- {b: 2}\n")
    write("common.yml", "not: this one\n")
    write("empty.yml", "# nothing\n")
    write("scalar.yml", "just text\n")
    p = write("site.yml", """
        - hosts: all
          vars_files: [common.yml, empty.yml]
    """)
    play = load_playbook(p).plays[0]
    assert play.vars_files[0].endswith("/vars/common.yml") and play.vars_files[1].endswith("/empty.yml")
    bad = write("bad.yml", "- hosts: all\n  vars_files: [scalar.yml]\n")
    with pytest.raises(ParseError, match="a vars file must hold a mapping or a list of mappings, got a string"):
        load_playbook(bad)


def test_handlers_listen(write):
    p = write("site.yml", """
        - hosts: all
          handlers:
            - name: restart web
              service: name=web state=restarted
              listen: web changed
    """)
    h = load_playbook(p).plays[0].handlers[0]
    assert h.is_handler and h.listen == ["web changed"] and h.name == "restart web"


def test_empty_things(write):
    p = write("site.yml", """
        - hosts: all
          tasks:
          handlers:
    """)
    play = load_playbook(p).plays[0]
    assert play.tasks == [] and play.gather_facts is True
    assert load_playbook(write("empty.yml", "")).plays == []
    for nothing in ("null", "[]"):  # a vars_prompt that prompts for nothing is fine, as in Ansible
        assert load_playbook(write("prompt.yml", f"- hosts: all\n  vars_prompt: {nothing}\n")).plays[0].tasks == []


def test_task_display_name(write):
    p = write("site.yml", "- hosts: all\n  tasks:\n    - ansible.builtin.ping:\n")
    t = tasks_of(p)[0]
    assert isinstance(t, Task) and t.display_name == "ansible.builtin.ping"


def test_a_roles_static_import_may_name_role_path(write):
    write("roles/r/tasks/main.yml", "- import_tasks: '{{ role_path }}/more/{{ role_name }}.yml'\n")
    write("roles/r/more/r.yml", "- debug: msg=deep\n")
    p = write("site.yml", "- hosts: all\n  roles: [r]\n")
    (task,) = tasks_of(p)
    assert task.args == {"msg": "deep"} and task.location.file.endswith("roles/r/more/r.yml")


def test_rolespec_validate_false_leaves_out_the_argument_check(write):
    write("roles/r/meta/argument_specs.yml", "argument_specs: {main: {options: {n: {type: int}}}}\n")
    write("roles/r/tasks/main.yml", "- debug: {msg: hi}\n")
    p = write("site.yml", """
        - hosts: all
          tasks:
            - import_role: {name: r}
            - import_role: {name: r, rolespec_validate: false, allow_duplicates: true}
            - include_role: {name: r, rolespec_validate: "{{ False | bool }}"}
    """)
    tasks = load_playbook(p).plays[0].tasks
    assert [t.module for t in tasks] == ["validate_argument_spec", "debug", "debug", "include_role"]
    check = tasks[-1].included[0]
    assert check.module == "validate_argument_spec" and check.when == ["{{ False | bool }}"]  # decided when reached
