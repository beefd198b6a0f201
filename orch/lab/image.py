"""The lab's base image, built offline from Debian packages (never pulled).

mmdebstrap writes a bookworm root filesystem as a tarball, ``docker import``
turns it into an image. The tag carries a hash of the recipe so a changed
recipe builds a new image, and an existing image is reused as it is.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile

from orch.errors import OrchError

SUITE = "bookworm"
PACKAGES = ["openssh-server", "python3", "sudo", "iproute2", "procps", "ca-certificates", "less",
            # systemd as PID 1 for `orch lab up --init systemd` (unused by the plain hosts)
            "systemd-sysv", "dbus",
            # tools ansible-test's containers have, which Ansible's integration targets use
            "acl", "file", "bzip2", "xz-utils", "unzip", "zip"]
# Users every lab host has: orch (sudo without password), ops (sudo with password 'ops-secret').
_CUSTOMIZE = [
    'rm -f "$1"/etc/ssh/ssh_host_*',
    'chroot "$1" useradd -m -s /bin/bash orch',
    'chroot "$1" useradd -m -s /bin/bash ops',
    "echo 'ops:ops-secret' | chroot \"$1\" chpasswd",
    "echo 'orch ALL=(ALL) NOPASSWD:ALL' > \"$1\"/etc/sudoers.d/orch",
    "echo 'ops ALL=(ALL) ALL' > \"$1\"/etc/sudoers.d/ops",
    'chmod 0440 "$1"/etc/sudoers.d/orch "$1"/etc/sudoers.d/ops',
    'mkdir -p "$1"/run/sshd',
]
_DPKG_OPTS = ["path-exclude=/usr/share/man/*", "path-exclude=/usr/share/doc/*", "path-include=/usr/share/doc/*/copyright",
              "path-exclude=/usr/share/locale/*"]


def recipe_hash() -> str:
    text = "\n".join([SUITE, *PACKAGES, *_CUSTOMIZE, *_DPKG_OPTS])
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def image_tag() -> str:
    return os.environ.get("ORCH_LAB_IMAGE") or f"orch-lab:{SUITE}-{recipe_hash()}"


def ensure_image(client, log=lambda message: None) -> str:
    """Return the base image's tag, building it first when it is missing."""
    import docker.errors

    tag = image_tag()
    try:
        client.images.get(tag)
        return tag
    except docker.errors.ImageNotFound:
        pass
    if os.environ.get("ORCH_LAB_IMAGE"):
        raise OrchError(f"ORCH_LAB_IMAGE={tag} names an image that does not exist locally")
    if shutil.which("mmdebstrap") is None:
        raise OrchError("building the lab image needs mmdebstrap (apt-get install mmdebstrap)")
    mirror = os.environ.get("ORCH_LAB_MIRROR", "http://deb.debian.org/debian")
    log(f"building lab image {tag} from Debian {SUITE} packages (mmdebstrap, about 30 s)")
    with tempfile.TemporaryDirectory(prefix="orch-lab-") as tmp:
        tarball = os.path.join(tmp, "rootfs.tar")
        cmd = ["mmdebstrap", "--variant=minbase", "--include=" + ",".join(PACKAGES),
               '--aptopt=Apt::Install-Recommends "false"']
        cmd += [f"--dpkgopt={opt}" for opt in _DPKG_OPTS]
        cmd += [f"--customize-hook={hook}" for hook in _CUSTOMIZE]
        cmd += [SUITE, tarball, mirror]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if proc.returncode != 0:
            tail = "\n".join(proc.stdout.splitlines()[-15:])
            raise OrchError(f"mmdebstrap failed (exit {proc.returncode}):\n{tail}")
        with open(tarball, "rb") as handle:
            client.api.import_image_from_data(handle, repository=tag.split(":")[0], tag=tag.split(":")[1],
                                              changes=['CMD ["/bin/bash"]'])
    client.images.get(tag)
    return tag
