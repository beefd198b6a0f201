"""An action plugin that needs no connection (orch's tests): its checked argument back, or a failure."""

from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    def run(self, tmp=None, task_vars=None):
        checked = self.validate_argument_spec(argument_spec=dict(
            word=dict(type="str", required=True),
            mode=dict(type="str", default="echo", choices=["echo", "raise", "remote"]),
        ))[1]
        if checked["mode"] == "raise":
            raise RuntimeError("asked to fail")
        if checked["mode"] == "remote":
            return self._execute_module(module_name="ping", task_vars=task_vars)
        return {"changed": False, "echo": checked["word"], "templated": self._templar.template("{{ shout_dest }}")}
