#!/usr/bin/env bash
# The main job: bring up a 3-host lab and deploy the sample app (orchdemo) to its web group.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$ROOT"
orch lab up 3
inv="$(orch lab inventory)"
echo "== every host answers, over SSH and over the Docker API"
orch exec all -i "$inv" -m ping -o
orch exec all -i "$(orch lab inventory --docker)" -m ping -o
echo "== deploy the sample app"
orch run playbooks/deploy-app.yml -i "$inv"
echo "== a second run changes nothing"
orch run playbooks/deploy-app.yml -i "$inv"
for address in $(orch inventory hosts web -i "$inv" | while read -r h; do orch inventory vars "$h" -i "$inv" | sed -n 's/^ansible_host: //p'; done); do
  python3 -c "import urllib.request,sys; print(urllib.request.urlopen(sys.argv[1]).read().decode())" "http://$address:8080/"
done
