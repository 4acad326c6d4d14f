#!/usr/bin/env bash
# The store's disk full (docs/reliability.md "Disk full"): the leveldb data
# directory on a 4 MiB tmpfs of the test's own, filled up while a restart
# of every game is asked for. The failures are reported (log, metrics,
# /readyz), no
# container is touched without its operation being stored, the API keeps
# answering, and once space is free again every game converges without a
# restart of the controller. The store then reopens intact. A read-only
# data directory at start is a clear error. Needs root (mount).
# Usage: disk_full_test.sh RTMANAGER_BINARY
set -euo pipefail

binary=$(readlink -f "$1")
games=3
work=$(mktemp -d /tmp/rtm-diskfull-XXXXXX)
suffix=$(basename "$work" | cut -d- -f3 | tr 'A-Z' 'a-z')
network="rtm-df-$suffix"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export RTMANAGER_SERVER="http://127.0.0.1:$port"
docker_host=unix:///var/run/docker.sock
prefix="df-$suffix-"
source "$(dirname "$(readlink -f "$0")")/fault_support.sh"

cleanup() {
  [ -n "${controller:-}" ] && kill -TERM "$controller" 2>/dev/null && wait "$controller" || true
  docker ps -aq --filter "label=io.rtmanager.network=$network" | xargs -r docker rm -f >/dev/null
  docker network rm "$network" >/dev/null 2>&1 || true
  umount "$work/disk" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

start_controller() {
  "$binary" run --manifests "$work/manifests" --data-dir "$work/disk/store" --network "$network" \
    --listen "127.0.0.1:$port" >>"$work/controller.log" 2>&1 &
  controller=$!
  await_api
}
containers() { docker ps -q --no-trunc --filter "label=io.rtmanager.network=$network" | sort; }

mkdir -p "$work/manifests" "$work/disk"
mount -t tmpfs -o size=4m,mode=0700 tmpfs "$work/disk"
write_manifests 0
start_controller
converged_at 0 1m
before=$(containers)

# The disk fills up; then every game is asked to restart.
dd if=/dev/zero of="$work/disk/filler" bs=64k 2>/dev/null || true
[ "$(df --output=avail "$work/disk" | tail -1 | tr -d ' ')" = 0 ] || fail "the disk is not full"
write_manifests 1
for _ in $(seq 1 100); do
  grep -q "No space left on device" "$work/controller.log" && break; sleep 0.1
done
grep -q "No space left on device" "$work/controller.log" || fail "the full disk is not in the log"
sleep 2
metrics=$(curl -s "$RTMANAGER_SERVER/metrics")
grep -qE 'rtmanager_reconcile_total\{result="error"\} [1-9]' <<<"$metrics" ||
  fail "the failing reconciles are not in the metrics"
grep -q '^rtmanager_store_writable 0$' <<<"$metrics" || fail "the metrics say the store is writable"
ready=$(curl -s -w ' %{http_code}' "$RTMANAGER_SERVER/readyz")
grep -q 'store: the store takes no writes: .*No space left on device.* 503$' <<<"$ready" ||
  fail "/readyz does not say the store takes no writes: $ready"
echo "/readyz: $ready"
curl -sf "$RTMANAGER_SERVER/v1/runtimes" >/dev/null || fail "the API stopped answering reads"
[ "$(containers)" = "$before" ] || fail "a container was touched while nothing could be stored"
echo "disk full: $(grep -c 'No space left on device' "$work/controller.log") log lines name it; containers untouched"

# Space again: the same controller converges every game.
rm "$work/disk/filler"
freed_at=$(date +%s.%N)
converged_at 1 2m
echo "every game converged $(seconds_since "$freed_at") s after space was freed"
curl -sf "$RTMANAGER_SERVER/readyz" >/dev/null || fail "not ready again: $(curl -s "$RTMANAGER_SERVER/readyz")"
grep -q '^rtmanager_store_writable 1$' < <(curl -s "$RTMANAGER_SERVER/metrics") ||
  fail "the metrics still say the store takes no writes"
kill -0 "$controller" || fail "the controller is gone"
[ "$(containers | wc -l)" = "$games" ] || fail "not one container per game"

# The store reopens intact: every game and its audit are there.
kill -TERM "$controller" && wait "$controller" || true
controller=""
start_controller
for i in $(seq 1 $games); do
  "$binary" history "$prefix$i" --limit 50 | grep -q "restart" ||
    fail "$prefix$i lost its restart from the audit"
done
converged_at 1 1m
kill -TERM "$controller" && wait "$controller" || true
controller=""

# A read-only data directory at start: a clear error, nothing started.
mount -o remount,ro "$work/disk"
if "$binary" run --manifests "$work/manifests" --data-dir "$work/disk/store" --network "$network" \
     --listen "127.0.0.1:$port" >"$work/readonly.log" 2>&1; then
  fail "started on a read-only data directory"
fi
grep -q "$work/disk/store" "$work/readonly.log" && grep -qi "read-only" "$work/readonly.log" ||
  fail "the read-only data directory is not named: $(cat "$work/readonly.log")"
echo "read-only data directory: $(tail -1 "$work/readonly.log")"
echo "disk full passed"
