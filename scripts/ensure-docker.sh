#!/usr/bin/env bash
# Makes sure a Docker engine answers. Starts dockerd (in the background,
# logging to $RTM_DOCKERD_LOG) only when `docker info` fails; never stops an
# engine it did not start.
set -euo pipefail

if docker info >/dev/null 2>&1; then
  exit 0
fi

log=${RTM_DOCKERD_LOG:-/tmp/rtmanager-dockerd.log}
echo "starting dockerd (log: $log)"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
nohup "${sudo_cmd[@]}" dockerd >"$log" 2>&1 &

for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    exit 0
  fi
  sleep 1
done
echo "dockerd did not answer within 60 s; last lines of $log:" >&2
tail -n 20 "$log" >&2
exit 1
