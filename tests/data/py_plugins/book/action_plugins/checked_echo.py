"""An action plugin that needs no connection (orch's tests): its checked argument back, or a failure."""

from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    def run(self, tmp=None, task_vars=None):
        checked = self.validate_argument_spec(argument_spec=dict(
            word=dict(type="str", required=True),
            mode=dict(type="str", default="echo", choices=["echo", "raise", "remote", "shell", "lowlevel"]),
        ))[1]
        if checked["mode"] == "raise":
            raise RuntimeError("asked to fail")
        if checked["mode"] == "remote":  # a module on the host, through orch
            return self._execute_module(module_name="command", module_args={"_raw_params": "echo " + checked["word"]})
        if checked["mode"] == "shell":  # another action, as until's shell_no_failed runs it
            self._task.args = {"_raw_params": "echo " + checked["word"]}
            return self._shared_loader_obj.action_loader.get("ansible.legacy.shell", task=self._task).run(task_vars=task_vars)
        if checked["mode"] == "lowlevel":
            return self._low_level_execute_command("true")
        return {"changed": False, "echo": checked["word"], "templated": self._templar.template("{{ shout_dest }}")}
