#!/usr/bin/env bash
# Install and start what orch's main job needs, on a fresh Debian machine as root; the Python
# packages come from uv.lock, exactly. Idempotent: each step checks first. Sourced by main.sh and
# test.sh; test.sh sets ORCH_SYNC_ARGS to add the test extras.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${ORCH_VENV:-$ROOT/.venv}"
TOOLS="${ORCH_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/orch/tools}"
UV_VERSION="$(sed -n 's/^uv==\([0-9.]*\).*/\1/p' "$ROOT/scripts/uv-requirements.txt")"

source "$ROOT/scripts/apt.sh"
apt_install_missing \
  'command -v dockerd' docker.io \
  'command -v mmdebstrap' mmdebstrap \
  'command -v ssh-keygen' openssh-client \
  'command -v python3' python3 \
  "python3 -c 'import venv, ensurepip'" python3-venv \
  'test -e /usr/share/keyrings/debian-archive-keyring.gpg' debian-archive-keyring \
  'test -e /etc/ssl/certs/ca-certificates.crt' ca-certificates

if ! docker info >/dev/null 2>&1; then
  echo "bootstrap: starting dockerd" >&2
  setsid dockerd >/var/log/orch-dockerd.log 2>&1 < /dev/null &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start; see /var/log/orch-dockerd.log" >&2; exit 1; }
fi

UV="$TOOLS/uv-$UV_VERSION/bin/uv"
if [ ! -x "$UV" ]; then
  echo "bootstrap: installing uv $UV_VERSION (pinned, with hashes) into $TOOLS" >&2
  rm -rf "$TOOLS/uv-$UV_VERSION"
  python3 -m venv "$TOOLS/uv-$UV_VERSION"
  "$TOOLS/uv-$UV_VERSION/bin/python" -m pip install -q --disable-pip-version-check --require-hashes \
    -r "$ROOT/scripts/uv-requirements.txt"
fi

# The venv holds exactly what uv.lock says (--locked: refuse a lock that pyproject.toml outgrew).
# main.sh adds nothing; test.sh passes the test extras. --inexact keeps what another caller added.
export UV_PROJECT_ENVIRONMENT="$VENV" UV_PYTHON=python3 UV_PYTHON_DOWNLOADS=never UV_NO_PROGRESS=1
# shellcheck disable=SC2086
"$UV" sync --locked --quiet --project "$ROOT" ${ORCH_SYNC_ARGS:---inexact}
# An editable install gets no bytecode, and PYTHONDONTWRITEBYTECODE may forbid writing it later:
# compile once, as installing a wheel does (otherwise every orch command compiles ~80 modules).
"$VENV/bin/python" -m compileall -q "$ROOT/orch" >/dev/null || true
export PATH="$VENV/bin:$PATH" ORCH_UV="$UV"  # ORCH_UV: the packaging test installs the built wheel with it
