"""Missing prerequisites (a provider plugin, a box, libvirtd) as clear errors with exit 2.

Vagrant reports them like any failure; orch recognises its messages and says what to
install or start. Before ``up``, a libvirt project's daemon is asked directly, with a
timeout, so a daemon that does not answer is an error, not a hang.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

from orch.errors import UsageError

LIBVIRT_TIMEOUT = 15
BOX_HINT = "bash scripts/vagrant-box.sh (in orch's repository; builds and adds orch/debian12 offline)"


class PrerequisiteMissing(UsageError):
    """Something Vagrant needs is not installed or not running on this host (exit 2)."""


def libvirt_uri() -> str:
    return os.environ.get("LIBVIRT_DEFAULT_URI") or "qemu:///system"


def explain(text: str, vagrant_home: str) -> PrerequisiteMissing | None:
    """The prerequisite a Vagrant error message shows missing, or None for other failures."""
    text = text.replace("\n", " ")
    provider = re.search(r"The provider '([\w-]+)' could not be found", text)
    if provider:
        name = provider.group(1)
        how = ("apt-get install --no-install-recommends vagrant-libvirt" if name == "libvirt"
               else f"vagrant plugin install vagrant-{name}")
        return PrerequisiteMissing(f"Vagrant's {name} provider is not installed; install it with: {how}")
    if "No usable default provider could be found" in text:
        return PrerequisiteMissing("Vagrant finds no usable provider (libvirt: apt-get install "
                                   "--no-install-recommends vagrant-libvirt libvirt-daemon-system)")
    box = re.search(r"The box '([^']+)' could not be found", text)
    if box:
        hint = BOX_HINT if box.group(1) == "orch/debian12" else f"vagrant box add {box.group(1)}"
        return PrerequisiteMissing(f"Vagrant box {box.group(1)} is not in {vagrant_home}/boxes and cannot be "
                                   f"downloaded; add it with: {hint} (or set VAGRANT_HOME to where it is)")
    if "Error while connecting to Libvirt" in text or "virConnectOpen failed" in text:
        return PrerequisiteMissing(f"libvirtd does not answer at {libvirt_uri()}; {daemon_hint()}")
    return None


def daemon_hint() -> str:
    return ("start it (without systemd: virtlogd -d; libvirtd -d; with systemd: systemctl start libvirtd), "
            "or run: bash scripts/libvirt.sh")


def check_libvirtd() -> None:
    """Ask libvirtd for its version; refuse (exit 2) when it does not answer in time."""
    if shutil.which("virsh") is None:
        return  # libvirt-clients is optional; vagrant-libvirt reports a dead daemon too
    uri = libvirt_uri()
    try:
        result = subprocess.run(["virsh", "-c", uri, "version"], capture_output=True, text=True,
                                stdin=subprocess.DEVNULL, timeout=LIBVIRT_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise PrerequisiteMissing(f"libvirtd at {uri} did not answer in {LIBVIRT_TIMEOUT}s; "
                                  f"{daemon_hint()}") from None
    except OSError as exc:
        raise PrerequisiteMissing(f"cannot run virsh: {exc}") from None
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["no answer"])[-1].removeprefix("error: ")
        raise PrerequisiteMissing(f"libvirtd does not answer at {uri} ({reason}); {daemon_hint()}")
