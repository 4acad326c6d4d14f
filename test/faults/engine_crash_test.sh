#!/usr/bin/env bash
# The Docker engine killed -9 in the middle of a 20-game fleet restart
# (docs/reliability.md "Engine crash"), against a test-owned engine in a
# network namespace of its own (scripts/docker-engines.sh), never the
# machine's main one. While the engine is down /readyz answers 503 and the
# operations that meet it fail with service_unavailable in the audit; when
# it is back the events stream reconnects and relists, and every game
# converges to the new generation with exactly one container, running.
# Nothing that should run is removed. Usage: engine_crash_test.sh RTMANAGER_BINARY
set -euo pipefail

binary=$(readlink -f "$1")
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
engines="$root/scripts/docker-engines.sh"
games=20
work=$(mktemp -d /tmp/rtm-engcrash-XXXXXX)
engine=crash
docker_host="unix://$work/$engine/docker.sock"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export RTMANAGER_SERVER="http://127.0.0.1:$port"
prefix=g
source "$(dirname "$(readlink -f "$0")")/fault_support.sh"

cleanup() {
  [ -n "${controller:-}" ] && kill -TERM "$controller" 2>/dev/null && wait "$controller" || true
  "$engines" stop "$work" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

"$engines" start "$work" "$engine" >/dev/null
mkdir -p "$work/manifests"
write_manifests 0
# The engine by $DOCKER_HOST: a killed engine is every process whose
# command line names its folder (scripts/docker-engines.sh).
DOCKER_HOST=$docker_host "$binary" run --manifests "$work/manifests" --data-dir "$work/data" \
  --listen "127.0.0.1:$port" --log-format json >"$work/controller.log" 2>&1 &
controller=$!
await_api
converged_at 0
one_running_container_each

# The fleet restart, then the engine killed while it is under way.
write_manifests 1
for _ in $(seq 1 100); do
  grep -q '"op_kind":"restart"' "$work/controller.log" && break; sleep 0.05
done
"$engines" kill "$work" "$engine"
killed_at=$(date +%s)
ready=""
for _ in $(seq 1 100); do
  ready=$(curl -s -o /dev/null -w '%{http_code}' "$RTMANAGER_SERVER/readyz" || true)
  [ "$ready" = 503 ] && break; sleep 0.1
done
[ "$ready" = 503 ] || fail "/readyz answered $ready with the engine down"
curl -sf "$RTMANAGER_SERVER/v1/runtimes" >/dev/null || fail "the API stopped answering reads"
sleep 3
"$engines" restart "$work" "$engine" >/dev/null
back_at=$(date +%s.%N)
echo "engine down for $(($(date +%s) - killed_at)) s"

converged_at 1
echo "every game converged $(seconds_since "$back_at") s after the engine was back"
one_running_container_each
grep -q 'docker events stream broke\|docker events unavailable' "$work/controller.log" ||
  fail "the events stream never noticed the engine going away"
unavailable=0
for i in $(seq 1 $games); do
  n=$(curl -s "$RTMANAGER_SERVER/v1/runtimes/g$i/operations?limit=50" |
      python3 -c 'import json,sys; print(sum(1 for e in json.load(sys.stdin)["items"] if e.get("errorCode")=="service_unavailable"))')
  unavailable=$((unavailable + n))
done
((unavailable > 0)) || fail "no operation was audited as service_unavailable"
echo "audited service_unavailable operations: $unavailable"

# The events stream is back: a container killed now is healed promptly.
edocker kill "rtm-g1" >/dev/null
old=$(edocker ps -aq --filter label=io.rtmanager.game=g1)
for _ in $(seq 1 100); do
  [ "$(edocker ps -q --filter label=io.rtmanager.game=g1 | wc -l)" = 1 ] && break; sleep 0.1
done
[ "$(edocker ps -q --filter label=io.rtmanager.game=g1 | wc -l)" = 1 ] ||
  fail "a container killed after the engine came back was not healed within 10 s ($old)"
echo "engine crash passed: $games games, one container each"
