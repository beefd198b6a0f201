"""docker_* modules, run on the controller (see orch/docker/actions.py)."""
