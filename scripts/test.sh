#!/usr/bin/env bash
# The whole test suite: unit tests, then integration tests against a real lab (Docker + sshd),
# real Vagrant machines and ansible-core as the oracle. Installs what only the tests need.
set -euo pipefail
ORCH_SYNC_ARGS="--extra test"  # exactly the locked runtime and test packages
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
apt_install_missing \
  'command -v chromium' chromium \
  'command -v vagrant' vagrant  # the HTML run report is rendered in tests; orch vagrant tests
[ ! -e "$ROOT/scripts/libvirt.sh" ] || bash "$ROOT/scripts/libvirt.sh"  # real VMs: libvirt, QEMU, the box
cd "$ROOT"
exec python -m pytest -q -p no:cacheprovider "$@" tests
