#!/usr/bin/env bash
# inotify watch exhaustion (docs/reliability.md "Bounded resources"):
# fs.inotify.max_user_watches is lowered to what is in use plus 3 while a
# controller watches a manifests tree of 20 directories. It logs, once,
# which directory it cannot watch and that it polls now (naming the limit),
# and a game declared in an unwatched directory is still picked up. The
# limit is restored on exit. Needs root. Usage: inotify_limit_test.sh RTMANAGER_BINARY
set -euo pipefail

binary=$(readlink -f "$1")
work=$(mktemp -d /tmp/rtm-inotify-XXXXXX)
limit_file=/proc/sys/fs/inotify/max_user_watches
saved_limit=$(cat "$limit_file")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
network="rtm-inotify-$$"
export RTMANAGER_SERVER="http://127.0.0.1:$port"

cleanup() {
  echo "$saved_limit" > "$limit_file"
  [ -n "${controller:-}" ] && kill -TERM "$controller" 2>/dev/null && wait "$controller" || true
  docker network rm "$network" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAILED: $*" >&2; tail -20 "$work/controller.log" >&2 || true; exit 1; }

for i in $(seq -w 1 20); do mkdir -p "$work/manifests/team-$i"; done
in_use=$(cat /proc/*/fdinfo/* 2>/dev/null | grep -c '^inotify wd' || true)
echo $((in_use + 3)) > "$limit_file"
"$binary" run --manifests "$work/manifests" --data-dir "$work/data" --network "$network" \
  --listen "127.0.0.1:$port" >"$work/controller.log" 2>&1 &
controller=$!
for _ in $(seq 1 100); do curl -sf "$RTMANAGER_SERVER/healthz" >/dev/null && break; sleep 0.1; done
grep -q 'inotify cannot watch a manifests directory; polling.*No space left on device.*limit=fs.inotify.max_user_watches' \
  "$work/controller.log" || fail "no log line says the watch limit was reached and polling began"
[ "$(grep -c 'polling' "$work/controller.log")" = 1 ] || fail "the switch to polling is not logged once"
echo "$saved_limit" > "$limit_file"

# A game declared where no watch reaches: the poll finds it.
cat > "$work/manifests/team-20/late.yaml" <<YAML
apiVersion: rtmanager.galaxy/v1
kind: GameRuntime
metadata: {name: late-$$}
spec: {image: rtmanager/demo-game:1, state: Stopped}
YAML
for _ in $(seq 1 100); do
  curl -sf "$RTMANAGER_SERVER/v1/runtimes/late-$$" >/dev/null && break; sleep 0.1
done
curl -sf "$RTMANAGER_SERVER/v1/runtimes/late-$$" >/dev/null || fail "the game in an unwatched directory was not found"
grep 'polling' "$work/controller.log" | head -1
echo "inotify limit passed"
