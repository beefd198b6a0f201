"""Which handlers a notification reaches, and the handlers Ansible refuses at parse time."""

import pytest

from orch.engine.handlers import handler_blocks, play_handlers, search
from orch.errors import ParseError
from orch.playbook import load_playbook


def _reached(play, notification, included=()):
    blocks = handler_blocks(play_handlers(play, list(included)))
    return [str(h.name or h.args) for h in search(blocks, notification, lambda h: str(h.name) if h.name else None)]


def test_a_name_reaches_the_first_of_a_block_and_every_listener_once(write):
    p = write("site.yml", """
        - hosts: all
          handlers:
            - {name: topic, debug: {msg: first}}
            - {name: topic, debug: {msg: second}}
            - {name: a, debug: {msg: a}, listen: topic}
            - {name: a, debug: {msg: a again}, listen: topic}
            - {debug: {msg: unnamed}, listen: topic}
            - {name: other, debug: {msg: other}, listen: elsewhere}
    """)
    play = load_playbook(p).plays[0]
    assert _reached(play, "topic") == ["topic", "a", "{'msg': 'unnamed'}"]
    assert _reached(play, "elsewhere") == ["other"]
    assert _reached(play, "nothing") == []


def test_role_handlers_come_first_and_answer_to_their_role_prefix(write):
    write("roles/web/handlers/main.yml", """
        - {name: restart, debug: {msg: role}}
        - {name: reload, debug: {msg: role reload}, listen: changed}
    """)
    write("roles/inc/handlers/main.yml", "- {name: restart, debug: {msg: included}}\n")
    write("roles/inc/tasks/main.yml", "- debug: {msg: hi}\n")
    p = write("site.yml", """
        - hosts: all
          roles: [web]
          tasks:
            - include_role: {name: inc}
          handlers:
            - {name: restart, debug: {msg: play}}
    """)
    play = load_playbook(p).plays[0]
    assert [h.args["msg"] for h in play.handlers] == ["role", "role reload", "play"]  # include_role's not yet
    # The play's own handler (a later block) wins the name; the role's answers to its prefix.
    assert [h.args["msg"] for h in search(handler_blocks(play.handlers), "restart", lambda h: h.name)] == ["play"]
    assert _reached(play, "web : restart") == ["restart"]
    assert _reached(play, "web : changed") == _reached(play, "changed") == ["reload"]
    # Once include_role ran, its role's handlers come last and win the name.
    inc = play.tasks[0].included_role
    blocks = handler_blocks(play_handlers(play, [inc]))
    assert [h.args["msg"] for h in search(blocks, "restart", lambda h: h.name)] == ["included"]


@pytest.mark.parametrize("handler, message", [
    ("{name: h, block: [{block: [{debug: {}}]}]}", "Using a block as a handler is not supported."),
    ("{name: h, include_role: {name: r}}", "Using 'include_role' as a handler is not supported."),
    ("{name: h, import_tasks: blocks.yml}", "Using a block as a handler is not supported."),
])
def test_handlers_ansible_refuses_when_parsing(write, handler, message):
    write("blocks.yml", "- block: [{debug: {}}]\n")
    p = write("site.yml", f"- hosts: all\n  handlers:\n    - {handler}\n")
    with pytest.raises(ParseError, match=message):
        load_playbook(p)
    write("ok.yml", "- hosts: all\n  handlers:\n    - {name: h, block: [{debug: {}}]}\n")
    assert load_playbook(str(p).replace("site.yml", "ok.yml")).plays[0].handlers
