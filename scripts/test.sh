#!/usr/bin/env bash
# The whole test suite: unit tests, then integration tests against a real lab (Docker + sshd).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$ROOT"
exec python -m pytest -q -p no:cacheprovider "$@" tests
