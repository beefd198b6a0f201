#!/usr/bin/env bash
# Build a small Debian 12 Vagrant box for libvirt offline (only the Debian mirror is used)
# and add it to Vagrant as orch/debian12. Built once: the .box is cached under
# ~/.cache/orch/boxes keyed by this script's hash; re-running is quick when nothing changed.
#
#   bash scripts/vagrant-box.sh                 # build if needed, then `vagrant box add`
#   ORCH_BOX_FORCE=1 bash scripts/vagrant-box.sh  # rebuild even when cached
#
# Needs root (mmdebstrap's chroot, chroot grub-mkimage), mmdebstrap, e2fsprogs, qemu-utils,
# python3. The box: systemd as init, openssh-server with host keys made at first boot
# (every VM gets its own), python3, sudo, a `vagrant` user with Vagrant's well-known key
# (Vagrant replaces it at first `up`) and passwordless sudo, a serial console, a cloud
# kernel (virtio) booted by GRUB from an MBR disk (qcow2). No loop devices, no mounts.
set -euo pipefail

BOX_NAME=${ORCH_BOX_NAME:-orch/debian12}
SUITE=bookworm
DISK_GB=4
MIRROR=${ORCH_BOX_MIRROR:-$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
HASH=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/orch/boxes
BOX_FILE=$CACHE/debian12-$HASH.box
# the same default as orch (orch/vagrant/runner.py): an explicit VAGRANT_HOME wins
export VAGRANT_HOME=${VAGRANT_HOME:-${ORCH_HOME:-$HOME/.orch}/vagrant.d}
export VAGRANT_CHECKPOINT_DISABLE=1
BOX_DIR=$VAGRANT_HOME/boxes/${BOX_NAME//\//-VAGRANTSLASH-}/0/libvirt

log() { echo "vagrant-box.sh: $*" >&2; }

build_rootfs() {  # DIR
  local root=$1 pubkey
  pubkey=$(ls /usr/share/rubygems-integration/all/gems/vagrant-*/keys/vagrant.pub 2>/dev/null | head -1)
  [ -r "$pubkey" ] || { log "Vagrant's public key (keys/vagrant.pub) not found: is vagrant installed?"; return 1; }
  mmdebstrap --variant=apt --quiet \
    --include=systemd-sysv,dbus,libpam-systemd,udev,kmod,openssh-server,python3,sudo,linux-image-cloud-amd64,initramfs-tools,grub-pc-bin,iproute2,procps \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
    --customize-hook='echo debian12 > "$1/etc/hostname"' \
    --customize-hook='printf "127.0.0.1\tlocalhost\n127.0.1.1\tdebian12\n::1\tlocalhost ip6-localhost ip6-loopback\n" > "$1/etc/hosts"' \
    --customize-hook='printf "LABEL=rootfs / ext4 defaults,errors=remount-ro 0 1\n" > "$1/etc/fstab"' \
    --customize-hook='printf "[Match]\nName=en* eth*\n\n[Network]\nDHCP=ipv4\n" > "$1/etc/systemd/network/50-dhcp.network"' \
    --customize-hook='chroot "$1" systemctl enable systemd-networkd.service' \
    --customize-hook='chroot "$1" systemctl mask systemd-networkd-wait-online.service' \
    --customize-hook='chroot "$1" useradd -m -s /bin/bash -G sudo vagrant' \
    --customize-hook='echo vagrant:vagrant | chroot "$1" chpasswd' \
    --customize-hook='printf "vagrant ALL=(ALL) NOPASSWD: ALL\n" > "$1/etc/sudoers.d/vagrant"; chmod 0440 "$1/etc/sudoers.d/vagrant"' \
    --customize-hook="install -d -m 0700 \"\$1/home/vagrant/.ssh\"; install -m 0600 '$pubkey' \"\$1/home/vagrant/.ssh/authorized_keys\"; chroot \"\$1\" chown -R vagrant:vagrant /home/vagrant/.ssh" \
    --customize-hook='printf "UseDNS no\n" > "$1/etc/ssh/sshd_config.d/vagrant.conf"' \
    --customize-hook='rm -f "$1"/etc/ssh/ssh_host_*' \
    --customize-hook='cat > "$1/etc/systemd/system/ssh-hostkeys.service" <<EOF
[Unit]
Description=SSH host keys of this machine (made at first boot, shown on the console)
Before=ssh.service
ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key

[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -A
ExecStart=/bin/sh -c "{ echo -----BEGIN SSH HOST KEY KEYS-----; cat /etc/ssh/ssh_host_*_key.pub; echo -----END SSH HOST KEY KEYS-----; } > /dev/ttyS0"

[Install]
WantedBy=multi-user.target
EOF
chroot "$1" systemctl enable ssh-hostkeys.service' \
    --customize-hook=': > "$1/etc/machine-id"; rm -f "$1/var/lib/dbus/machine-id"' \
    --customize-hook='rm -f "$1/etc/resolv.conf"' \
    "$SUITE" "$root" "$MIRROR"
}

install_grub_files() {  # ROOT: GRUB's modules and config inside the filesystem
  local root=$1 kver
  kver=$(ls "$root"/boot/vmlinuz-* | sed 's|.*/vmlinuz-||' | sort -V | tail -1)
  mkdir -p "$root/boot/grub/i386-pc"
  cp "$root"/usr/lib/grub/i386-pc/*.mod "$root"/usr/lib/grub/i386-pc/*.lst "$root/boot/grub/i386-pc/"
  cat > "$root/boot/grub/grub.cfg" <<EOF
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
menuentry 'Debian 12 (orch box)' {
  insmod part_msdos
  insmod ext2
  search --no-floppy --label --set=root rootfs
  linux /boot/vmlinuz-$kver root=LABEL=rootfs ro console=tty0 console=ttyS0,115200n8
  initrd /boot/initrd.img-$kver
}
EOF
}

make_disk() {  # ROOT WORKDIR -> WORKDIR/box.img
  local root=$1 work=$2
  local start=2048 sectors=$(( DISK_GB * 1024 * 1024 * 2 - 2048 ))
  install_grub_files "$root"
  # GRUB's core image: finds the partition labelled rootfs, then reads /boot/grub/grub.cfg
  printf 'search --no-floppy --label --set=root rootfs\nset prefix=($root)/boot/grub\n' > "$root/tmp/early.cfg"
  chroot "$root" grub-mkimage -O i386-pc -o /tmp/core.img -c /tmp/early.cfg -p /boot/grub \
    biosdisk part_msdos ext2 search search_label normal configfile linux serial terminal echo test
  mv "$root/tmp/core.img" "$work/core.img"
  rm -f "$root/tmp/early.cfg"
  [ $(( ($(stat -c %s "$work/core.img") + 511) / 512 )) -lt $((start - 1)) ] || { log "core.img too big"; return 1; }
  cp "$root/usr/lib/grub/i386-pc/boot.img" "$work/boot.img"
  # partition 1 = ext4 filled from the rootfs directory (mkfs.ext4 -d: no mount needed)
  truncate -s $(( sectors * 512 )) "$work/root.ext4"
  mkfs.ext4 -q -F -L rootfs -d "$root" "$work/root.ext4"
  truncate -s $(( DISK_GB * 1024 * 1024 * 1024 )) "$work/disk.raw"
  # sector 0: GRUB's boot.img told to load core.img from sector 1, plus the partition table
  python3 - "$work/disk.raw" "$work/boot.img" "$start" "$sectors" <<'EOF'
import os, struct, sys
disk, boot, start, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
mbr = bytearray(open(boot, "rb").read())
assert len(mbr) == 512, "boot.img must be one sector"
mbr[0x5c:0x64] = struct.pack("<Q", 1)     # where core.img starts (LBA)
mbr[0x64] = 0xFF                          # boot from the drive the BIOS booted
mbr[440:444] = os.urandom(4)              # disk signature
mbr[444:446] = b"\0\0"
entry = struct.pack("<B3sB3sII", 0x80, b"\xfe\xff\xff", 0x83, b"\xfe\xff\xff", start, count)
mbr[446:510] = entry + bytes(48)
mbr[510:512] = b"\x55\xaa"
with open(disk, "r+b") as out:
    out.write(mbr)
EOF
  dd if="$work/core.img" of="$work/disk.raw" bs=512 seek=1 conv=notrunc status=none
  dd if="$work/root.ext4" of="$work/disk.raw" bs=1M seek=1 conv=notrunc,sparse status=none
  rm -f "$work/root.ext4"
  qemu-img convert -f raw -O qcow2 -c "$work/disk.raw" "$work/box.img"
  rm -f "$work/disk.raw" "$work/core.img" "$work/boot.img"
}

build_box() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/orch-box.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  log "building $BOX_FILE from $MIRROR (about 2 minutes)"
  build_rootfs "$work/rootfs" > "$work/mmdebstrap.log" 2>&1 || { tail -30 "$work/mmdebstrap.log" >&2; return 1; }
  mkdir "$work/box"
  make_disk "$work/rootfs" "$work/box"
  rm -rf "$work/rootfs"
  printf '{"provider": "libvirt", "format": "qcow2", "virtual_size": %d}\n' "$DISK_GB" > "$work/box/metadata.json"
  echo "$HASH" > "$work/box/orch-box-hash"  # lets a later run see which build is added
  mkdir -p "$CACHE"
  tar -C "$work/box" -czf "$BOX_FILE.tmp" metadata.json orch-box-hash box.img
  mv "$BOX_FILE.tmp" "$BOX_FILE"
  ls -l "$BOX_FILE" >&2
}

add_box() {
  log "vagrant box add $BOX_NAME ($BOX_FILE) into $VAGRANT_HOME"
  vagrant box add --force --name "$BOX_NAME" "$BOX_FILE" >/dev/null
  # vagrant-libvirt copies a box into libvirt's pool once, by name: drop an older copy
  if command -v virsh >/dev/null && timeout 10 virsh -c qemu:///system pool-info default >/dev/null 2>&1; then
    local vol
    for vol in $(virsh -c qemu:///system vol-list default 2>/dev/null | awk -v p="${BOX_NAME//\//-VAGRANTSLASH-}_vagrant_box_image_" 'index($1, p) == 1 {print $1}'); do
      virsh -c qemu:///system vol-delete --pool default "$vol" >/dev/null && log "removed the old pool copy $vol"
    done
  fi
}

if [ -n "${ORCH_BOX_FORCE:-}" ] || [ ! -s "$BOX_FILE" ]; then
  start=$(date +%s)
  build_box
  log "box built in $(( $(date +%s) - start ))s"
fi
if [ "$(cat "$BOX_DIR/orch-box-hash" 2>/dev/null)" != "$HASH" ] || [ -n "${ORCH_BOX_FORCE:-}" ]; then
  add_box
fi
log "box $BOX_NAME ready ($BOX_FILE)"
