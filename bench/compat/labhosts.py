"""Fresh lab hosts for the compatibility harness: one container per run of a target.

The hosts are an ordinary orch lab (``orch lab up``, name ``ct``): a host is
reset by removing its container and letting ``up`` start it again from the
image. The image is the lab's own, plus the tools ansible-test's containers
carry that the targets use (acl, file, bzip2, xz, zip); when the lab image
already has them it is used as it is.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import threading
import time

from orch.errors import OrchError
from orch.lab import lab
from orch.lab.image import ensure_image, image_tag

TOOLS = {"setfacl": "acl", "file": "file", "bzip2": "bzip2", "xz": "xz-utils", "unzip": "unzip", "zip": "zip"}
_PROBE = "for t in " + " ".join(TOOLS) + "; do command -v $t >/dev/null || echo $t; done"


def _missing_tools(client, image: str) -> list[str]:
    output = client.containers.run(image, ["/bin/sh", "-c", _PROBE], remove=True, network_mode="none")
    return [TOOLS[name] for name in output.decode().split()]


def compat_image(log=print) -> str:
    """The lab image with ansible-test's tools; built once (from Debian packages) and reused."""
    client = lab.docker_client()
    base = ensure_image(client, log)
    missing = _missing_tools(client, base)
    if not missing:
        return base
    digest = hashlib.sha256("\n".join([base, *missing]).encode()).hexdigest()[:10]
    tag = f"orch-compat:{digest}"
    if client.images.list(name=tag):
        return tag
    log(f"building {tag}: {base} + {' '.join(missing)}")
    script = ("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "
              + " ".join(missing) + " >/dev/null && rm -rf /var/lib/apt/lists/*")
    container = client.containers.run(base, ["/bin/sh", "-c", script], detach=True, network_mode="host")
    try:
        result = container.wait(timeout=600)
        if result.get("StatusCode") != 0:
            raise RuntimeError(f"installing {missing} failed:\n{container.logs().decode()[-2000:]}")
        container.commit(repository=tag.split(":")[0], tag=tag.split(":")[1], changes=['CMD ["/bin/bash"]'])
    finally:
        container.remove(force=True)
    return tag


def _up_options(image: str, shared: tuple[str, ...]) -> dict:
    """systemd as PID 1 where the lab offers it and the image has it (service/systemd targets)."""
    options: dict = {"shared": shared}
    if "init" in inspect.signature(lab.up).parameters:
        client = lab.docker_client()
        probe = client.containers.run(image, ["/bin/sh", "-c", "test -x /sbin/init && echo yes || true"],
                                      remove=True, network_mode="none")
        if probe.strip() == b"yes":
            options["init"] = "systemd"
    return options


class HostPool:
    """``size`` lab hosts, each handed to one run at a time and reset before the next.

    ``shared`` folders of the controller are mounted at the same path on every host.
    """

    def __init__(self, name: str, net: int, size: int, image: str, shared: tuple[str, ...] = ()) -> None:
        self.name, self.net, self.size = name, net, size
        os.environ["ORCH_LAB_IMAGE"] = image  # lab.up starts hosts from this image
        self._lock = threading.Lock()
        self._free = [f"{name}{i}" for i in range(1, size + 1)]
        self._cond = threading.Condition(self._lock)
        self.options = _up_options(image, shared)
        lab.down(name)
        lab.up(size, name=name, net=net, **self.options)
        self.addresses = {h.name: h.address for h in lab.status(name)}
        self.key_file = str(lab.lab_dir(name) / "id_ed25519")

    def acquire(self) -> str:
        with self._cond:
            while not self._free:
                self._cond.wait()
            return self._free.pop(0)

    def release(self, host: str) -> None:
        """Reset the host to the image's state, then offer it again."""
        self.reset(host)
        with self._cond:
            self._free.append(host)
            self._cond.notify()

    def _remove(self, host: str) -> None:
        """Remove the host's container and wait until Docker no longer lists it (lab.up would restart it)."""
        client = lab.docker_client()
        label = {"label": [f"orch.lab.host={host}", f"{lab.LABEL}={self.name}"]}
        for container in client.containers.list(all=True, filters=label):
            try:
                container.remove(force=True)
            except Exception:  # already being removed
                pass
        deadline = time.time() + 60
        while client.containers.list(all=True, filters=label) and time.time() < deadline:
            time.sleep(0.2)

    def reset(self, host: str) -> None:
        with self._lock:  # lab.up starts every missing host; one caller at a time
            self._remove(host)
            for attempt in range(3):  # sshd may be slow to answer on a loaded machine
                try:
                    lab.up(self.size, name=self.name, net=self.net, **self.options)
                    return
                except OrchError:
                    if attempt == 2:
                        raise

    def container(self, host: str) -> str:
        return f"orch-{self.name}-{host}"

    def exec(self, host: str, command: list[str]) -> tuple[int, str]:
        client = lab.docker_client()
        result = client.containers.get(self.container(host)).exec_run(command)
        return result.exit_code, result.output.decode(errors="replace")

    def close(self) -> None:
        lab.down(self.name)


__all__ = ["compat_image", "HostPool", "image_tag"]
