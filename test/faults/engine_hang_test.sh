#!/usr/bin/env bash
# A hanging and misbehaving engine (docs/reliability.md "Hanging engine"):
# test/faults/fault_proxy.py between the controller and a test-owned engine
# black-holes every call, answers 500, resets connections mid-answer and
# delays each request, while every game is asked to restart. Every engine
# call ends by its deadline, the API keeps answering (reads and /readyz
# within 2 s), and once the proxy heals every game converges with one
# container. Usage: engine_hang_test.sh RTMANAGER_BINARY
set -euo pipefail

binary=$(readlink -f "$1")
here=$(dirname "$(readlink -f "$0")")
engines="$here/../../scripts/docker-engines.sh"
games=5
work=$(mktemp -d /tmp/rtm-enghang-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export RTMANAGER_SERVER="http://127.0.0.1:$port"
docker_host="unix://$work/hang/docker.sock"
prefix=h
source "$here/fault_support.sh"

cleanup() {
  [ -n "${controller:-}" ] && kill -TERM "$controller" 2>/dev/null && wait "$controller" || true
  [ -n "${proxy:-}" ] && kill "$proxy" 2>/dev/null || true
  "$engines" stop "$work" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# The slowest of a read and a /readyz, polled every 0.2 s for $1 seconds;
# fails if either took longer than 2 s.
api_keeps_answering() {
  python3 - "$RTMANAGER_SERVER" "$1" <<'PY'
import sys, time, urllib.request, urllib.error
server, seconds = sys.argv[1], float(sys.argv[2])
slowest = {"/v1/runtimes": 0.0, "/readyz": 0.0}
codes = set()
end = time.monotonic() + seconds
while time.monotonic() < end:
    for path in slowest:
        start = time.monotonic()
        try:
            code = urllib.request.urlopen(server + path, timeout=10).status
        except urllib.error.HTTPError as error:
            code = error.code
        slowest[path] = max(slowest[path], time.monotonic() - start)
        if path == "/readyz":
            codes.add(code)
    time.sleep(0.2)
print("slowest read %.3f s, slowest /readyz %.3f s, /readyz answered %s" % (
    slowest["/v1/runtimes"], slowest["/readyz"], sorted(codes)))
sys.exit(0 if max(slowest.values()) < 2 and 503 in codes else 1)
PY
}

"$engines" start "$work" hang >/dev/null
mkdir -p "$work/manifests"
echo pass > "$work/mode"
python3 "$here/fault_proxy.py" "$work/proxy.sock" "$work/hang/docker.sock" "$work/mode" &
proxy=$!
for _ in $(seq 1 50); do [ -S "$work/proxy.sock" ] && break; sleep 0.1; done
write_manifests 0
DOCKER_HOST="unix://$work/proxy.sock" "$binary" run --manifests "$work/manifests" \
  --data-dir "$work/data" --listen "127.0.0.1:$port" >"$work/controller.log" 2>&1 &
controller=$!
await_api
converged_at 0 1m "through a healthy proxy"

generation=0
for fault in blackhole error500 reset; do
  generation=$((generation + 1))
  echo "$fault" > "$work/mode"
  write_manifests $generation
  # Longer than an engine call's deadline (10 s): calls must end by it.
  api_keeps_answering 14 || fail "the API stopped answering while the engine was $fault"
  echo pass > "$work/mode"
  healed_at=$(date +%s.%N)
  converged_at $generation 2m "after $fault"
  echo "$fault: converged $(seconds_since "$healed_at") s after the proxy healed"
done
grep -q 'timed out' "$work/controller.log" || fail "no engine call ended by its deadline"
failures=$(grep -c 'error_code=service_unavailable' "$work/controller.log" || true)
((failures > 0)) || fail "no operation failed with service_unavailable"

# Every request slowed by 300 ms: slower, but it converges.
echo "delay 300" > "$work/mode"
generation=$((generation + 1))
write_manifests $generation
started_at=$(date +%s.%N)
converged_at $generation 3m "with every request delayed 300 ms"
echo "delay 300 ms: converged in $(seconds_since "$started_at") s"
echo pass > "$work/mode"
one_running_container_each
kill -0 "$controller" || fail "the controller is gone"
echo "engine hang passed: $failures log lines with service_unavailable"
