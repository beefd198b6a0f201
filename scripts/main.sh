#!/usr/bin/env bash
# The main job: bring up a 3-host lab and reach every host over SSH and over the Docker API.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$ROOT"
orch lab up 3
inv="$(orch lab inventory)"
echo "== ping over SSH"
orch exec all -i "$inv" -m ping -o
echo "== ping over the Docker API"
orch exec all -i "$(orch lab inventory --docker)" -m ping -o
echo "== facts"
orch exec all -i "$inv" -m setup -a 'filter=ansible_hostname,ansible_distribution*' -o
