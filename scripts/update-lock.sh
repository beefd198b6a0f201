#!/usr/bin/env bash
# Update uv.lock on purpose: newest versions within pyproject.toml's ranges (or only the packages
# named: scripts/update-lock.sh pyyaml jinja2). Review the diff, run the tests, commit the lock.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${ORCH_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/orch/tools}"
UV="$TOOLS/uv-$(sed -n 's/^uv==\([0-9.]*\).*/\1/p' "$ROOT/scripts/uv-requirements.txt")/bin/uv"
[ -x "$UV" ] || { echo "run scripts/bootstrap.sh once first (it installs uv)" >&2; exit 2; }
if [ $# -eq 0 ]; then
  "$UV" lock --project "$ROOT" --upgrade
else
  args=(); for name in "$@"; do args+=(--upgrade-package "$name"); done
  "$UV" lock --project "$ROOT" "${args[@]}"
fi
git -C "$ROOT" diff --stat -- uv.lock
