#!/usr/bin/env bash
# What the real-VM tests (tests/integration/test_vagrant_libvirt.py) need on a Debian 12 host:
# Vagrant + vagrant-libvirt + libvirt + QEMU, the daemons answering, /dev/kvm usable by
# libvirt, and the Debian box built (cached) and added. Idempotent; about 1 s when all is there.
#
#   bash scripts/libvirt.sh            # as root (apt-get, daemons, /dev/kvm)
#   ORCH_LIBVIRT_SKIP=1 bash scripts/libvirt.sh   # do nothing (the VM tests then skip)
set -euo pipefail
[ -z "${ORCH_LIBVIRT_SKIP:-}" ] || exit 0
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
URI=qemu:///system

source "$HERE/apt.sh"
# recommends would pull a desktop's worth of QEMU/libvirt extras (and dnsmasq, firewalld...)
checks=()
for pkg in vagrant vagrant-libvirt libvirt-daemon-system libvirt-clients qemu-system-x86 qemu-utils \
           mmdebstrap e2fsprogs; do
  checks+=("deb_installed $pkg" "$pkg")
done
apt_install_missing "${checks[@]}"

# Without systemd (containers, CI runners) nothing starts the daemons: start them by hand.
if ! timeout 10 virsh -c "$URI" version >/dev/null 2>&1; then
  pgrep -x virtlogd >/dev/null || virtlogd -d
  pgrep -x libvirtd >/dev/null || libvirtd -d
  for _ in $(seq 1 30); do
    timeout 10 virsh -c "$URI" version >/dev/null 2>&1 && break
    sleep 1
  done
  timeout 10 virsh -c "$URI" version >/dev/null || { echo "libvirt.sh: libvirtd does not answer on $URI" >&2; exit 1; }
fi

# /dev/kvm as udev would set it (root:kvm 0660). With root-only 0600, libvirt finds its QEMU
# capability cache stale on every lookup (the qemu user cannot open /dev/kvm) and re-probes
# QEMU each time: a `virsh define` takes ~48 s instead of 0.03 s. Guests still run under TCG
# (driver = "qemu") where KVM does not work; this only makes libvirt's view consistent.
if [ -e /dev/kvm ] && getent group kvm >/dev/null; then
  [ "$(stat -c %G:%a /dev/kvm)" = kvm:660 ] || { chgrp kvm /dev/kvm && chmod 0660 /dev/kvm; }
fi

bash "$HERE/vagrant-box.sh"
