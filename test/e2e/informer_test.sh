#!/usr/bin/env bash
# An informer of @kubernetes/client-node 1.4.x (test/e2e/informer/informer.mjs)
# against a real controller on a real etcd (docs/kubernetes-api.md): it
# lists, watches, sees a restart, and after the controller restarted while
# another writer moved the store on, its watch from a resourceVersion the
# controller no longer retains gets 410 Expired and it lists again, then
# keeps seeing changes. Usage: informer_test.sh RTMANAGER_BINARY
set -euo pipefail

binary=$(readlink -f "$1")
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/rtm-informer-XXXXXX)
suffix=$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')
game="inf-$suffix"
network="rtm-inf-$suffix"
prefix="/informer-$suffix/"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port); client=$(free_port); peer=$(free_port)
etcd_url="http://127.0.0.1:$client"
mkdir -p "$work/manifests"

cleanup() {
  [ -n "${informer:-}" ] && kill "$informer" 2>/dev/null || true
  [ -n "${controller:-}" ] && kill -TERM "$controller" 2>/dev/null && wait "$controller" || true
  [ -n "${etcd:-}" ] && kill "$etcd" 2>/dev/null && wait "$etcd" 2>/dev/null || true
  docker ps -aq --filter "label=io.rtmanager.network=$network" | xargs -r docker rm -f >/dev/null
  docker network rm "$network" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAILED: $*" >&2
  echo "---- informer ----" >&2; cat "$work/informer.out" >&2 || true
  echo "---- controller ----" >&2; tail -40 "$work/controller.log" >&2
  exit 1
}

# The client library, installed once under build/tools.
tools="$repo/build/tools/client-node"
if [ ! -d "$tools/node_modules/@kubernetes/client-node" ]; then
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error \
    @kubernetes/client-node@1.4.0 >/dev/null
fi
cp "$repo/test/e2e/informer/informer.mjs" "$tools/informer.mjs"

etcd --name default --data-dir "$work/etcd" \
  --listen-client-urls "$etcd_url" --advertise-client-urls "$etcd_url" \
  --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
  --initial-cluster "default=http://127.0.0.1:$peer" --log-level warn >"$work/etcd.log" 2>&1 &
etcd=$!
for _ in $(seq 100); do curl -fs "$etcd_url/health" >/dev/null 2>&1 && break; sleep 0.1; done

manifest() {  # RESTART_GENERATION
  printf 'apiVersion: rtmanager.galaxy/v1\nkind: GameRuntime\nmetadata: {name: %s}\nspec:\n  image: rtmanager/demo-game:1\n  command: ["/bin/httpd", "-f", "-p", "8080"]\n  restartGeneration: %s\n  stopTimeoutSeconds: 1\n' "$game" "$1" \
    > "$work/manifests/.game.tmp" && mv "$work/manifests/.game.tmp" "$work/manifests/game.yaml"
}
start_controller() {
  "$binary" run --manifests "$work/manifests" --store "etcd://127.0.0.1:$client" \
    --etcd-prefix "$prefix" --listen "127.0.0.1:$port" --network "$network" \
    >>"$work/controller.log" 2>&1 &
  controller=$!
  for _ in $(seq 300); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || fail "controller not ready"
}
# seen PYTHON_CONDITION_ON_LINE: waits until an informer line satisfies it.
seen() {
  for _ in $(seq 600); do
    if python3 - "$work/informer.out" "$1" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
sys.exit(0 if any(eval(sys.argv[2], {}, {"e": e}) for e in lines) else 1)
PY
    then return 0; fi
    sleep 0.1
  done
  return 1
}

manifest 0
start_controller
"$binary" kubeconfig --server "http://127.0.0.1:$port" > "$work/kubeconfig"
node "$tools/informer.mjs" "$work/kubeconfig" >"$work/informer.out" 2>&1 &
informer=$!

seen "e['event'] == 'add' and e['name'] == '$game'" || fail "no add event for $game"
manifest 1
seen "e['event'] == 'update' and e['name'] == '$game' and e['observedRestartGeneration'] == 1" \
  || fail "the restart was not seen as an update"

# The controller goes away; meanwhile another writer moves the store on, so
# that the restarted controller's watch history starts after the
# informer's resourceVersion.
kill -TERM "$controller"; wait "$controller" || true; controller=""
ETCDCTL_API=3 etcdctl --endpoints "$etcd_url" put "${prefix}other-writer" moved >/dev/null
start_controller
seen "e['event'] == 'listed' and e['listed'] >= 2" \
  || fail "the informer did not list again (its watch from a lost resourceVersion was not expired)"
manifest 2
seen "e['event'] == 'update' and e['name'] == '$game' and e['observedRestartGeneration'] == 2" \
  || fail "after the relist, the restart was not seen"
echo "informer_test: list, watch, update, 410 Expired, relist, update: passed"
