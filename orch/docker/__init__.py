"""Containers: docker_* modules run on the controller with the docker SDK, the
daemon they manage, and the ``plugin: docker`` inventory source."""
