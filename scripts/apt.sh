# Sourced by bootstrap.sh and libvirt.sh: install the Debian packages that are missing.

# apt_install_missing CHECK PACKAGE [CHECK PACKAGE ...]: install each PACKAGE whose CHECK fails.
apt_install_missing() {
  local need=()
  while [ $# -gt 0 ]; do
    eval "$1" >/dev/null 2>&1 || need+=("$2")
    shift 2
  done
  [ ${#need[@]} -eq 0 ] && return 0
  echo "$(basename "$0"): apt-get install ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
}

# deb_installed PACKAGE: whether dpkg has PACKAGE installed (for packages without a command to look for).
deb_installed() {
  dpkg-query -W -f '${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}
