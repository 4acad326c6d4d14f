#!/usr/bin/env bash
# kubectl against a real controller (docs/kubernetes-api.md): Debian's
# kubectl 1.20 (scripts/kubectl-1.20.sh) and the machine's own kubectl when
# it is another version. get (table, wide, json, yaml, -l, not found),
# wait --for=condition=Ready, describe with the operations as events,
# annotate restarting, patch refused, and get -w seeing a restart as
# MODIFIED events, through the kubeconfig `rtmanager kubeconfig` prints.
# Usage: kubectl_test.sh RTMANAGER_BINARY
set -euo pipefail

binary=$(readlink -f "$1")
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/rtm-kubectl-XXXXXX)
suffix=$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')
lobby="kctl-$suffix-lobby"
arena="kctl-$suffix-arena"
network="rtm-kctl-$suffix"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/manifests"

cleanup() {
  [ -n "${watcher:-}" ] && kill "$watcher" 2>/dev/null || true
  [ -n "${controller:-}" ] && kill -TERM "$controller" 2>/dev/null && wait "$controller" || true
  docker ps -aq --filter "label=io.rtmanager.network=$network" | xargs -r docker rm -f >/dev/null
  docker network rm "$network" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAILED: $*" >&2; tail -50 "$work/controller.log" >&2; exit 1; }

kubectls=("$("$repo/scripts/kubectl-1.20.sh" "$repo/build/tools")")
if command -v kubectl >/dev/null; then
  own=$(command -v kubectl)
  own_version=$("$own" version --client 2>/dev/null || true)
  if ! grep -q 'v1\.20\.' <<<"$own_version"; then kubectls+=("$own"); fi
fi

manifest() {  # NAME REGION STATE RESTART_GENERATION
  cat <<YAML
apiVersion: rtmanager.galaxy/v1
kind: GameRuntime
metadata:
  name: $1
  labels: {region: $2}
spec:
  image: rtmanager/demo-game:1
  command: ["/bin/httpd", "-f", "-p", "8080"]
  state: $3
  restartGeneration: $4
  stopTimeoutSeconds: 1
YAML
}
write_manifest() {  # FILE CONTENT: atomically
  printf '%s\n' "$2" > "$work/manifests/.$1.tmp" && mv "$work/manifests/.$1.tmp" "$work/manifests/$1"
}
write_manifest lobby.yaml "$(manifest "$lobby" eu Running 0)"
write_manifest arena.yaml "$(manifest "$arena" us Stopped 0)"

"$binary" run --manifests "$work/manifests" --data-dir "$work/data" \
  --listen "127.0.0.1:$port" --network "$network" >"$work/controller.log" 2>&1 &
controller=$!
for _ in $(seq 300); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || fail "controller not ready"
"$binary" kubeconfig --server "http://127.0.0.1:$port" > "$work/kubeconfig"
export KUBECONFIG="$work/kubeconfig"

# wait_restarted GENERATION OLD_CONTAINER: until $kubectl shows the lobby
# at that observed restart generation in another container.
wait_restarted() {
  local now
  for _ in $(seq 300); do
    now=$("$kubectl" get gr "$lobby" -o jsonpath='{.status.observedRestartGeneration} {.status.containerId}')
    if [ "${now%% *}" = "$1" ] && [ "${now#* }" != "$2" ]; then return 0; fi
    sleep 0.1
  done
  return 1
}

generation=0
effective=0
for kubectl in "${kubectls[@]}"; do
  client_version=$("$kubectl" version --client 2>/dev/null || true)
  version=$(grep -o 'v1\.[0-9]*' <<<"$client_version" | head -1 || true)
  echo "== $kubectl ($version)"
  "$kubectl" wait --for=condition=Ready "gr/$lobby" --timeout=60s >"$work/out" 2>&1 \
    || fail "$version wait: $(cat "$work/out")"
  grep -q "condition met" "$work/out" || fail "$version wait: $(cat "$work/out")"

  # The README's form: the kubeconfig through a process substitution. (Not
  # with google-cloud-sdk's kubectl dispatcher, which reads the kubeconfig
  # before it runs the real kubectl: that one needs a file.)
  if ! grep -q dispatcher <<<"$client_version"; then
    KUBECONFIG=<("$binary" kubeconfig --server "http://127.0.0.1:$port") "$kubectl" get gr -o name \
      >"$work/out" 2>&1 || fail "$version KUBECONFIG=<(rtmanager kubeconfig): $(cat "$work/out")"
    grep -qx "gameruntime.rtmanager.galaxy/$lobby" "$work/out" || fail "$version get -o name: $(cat "$work/out")"
  fi

  "$kubectl" get gr >"$work/out" 2>&1 || fail "$version get: $(cat "$work/out")"
  head -1 "$work/out" | grep -Eq '^NAME +PHASE +READY +RESTARTS +IMAGE +AGE$' \
    || fail "$version get: header: $(cat "$work/out")"
  grep -Eq "^$lobby +Running +True +[0-9]+ +rtmanager/demo-game:1 " "$work/out" \
    || fail "$version get: lobby row: $(cat "$work/out")"
  grep -Eq "^$arena +Stopped " "$work/out" || fail "$version get: arena row: $(cat "$work/out")"

  "$kubectl" get gameruntimes -o wide >"$work/out" 2>&1 || fail "$version get -o wide: $(cat "$work/out")"
  grep -q 'CONTAINER +HEALTH +LAST-RESTART' < <(head -1 "$work/out") \
    || grep -Eq 'CONTAINER +HEALTH +LAST-RESTART' "$work/out" || fail "$version -o wide: $(cat "$work/out")"

  "$kubectl" get gr "$lobby" -o json >"$work/out" 2>&1 || fail "$version get -o json: $(cat "$work/out")"
  python3 - "$work/out" "$lobby" <<'PY' || fail "$version -o json: $(cat "$work/out")"
import json, sys
obj = json.load(open(sys.argv[1]))
assert obj["kind"] == "GameRuntime" and obj["apiVersion"] == "rtmanager.galaxy/v1", obj
assert obj["metadata"]["name"] == sys.argv[2] and int(obj["metadata"]["resourceVersion"]) > 0, obj
assert obj["status"]["phase"] == "Running" and obj["status"]["containerId"], obj
PY
  "$kubectl" get gr "$lobby" -o yaml >"$work/out" 2>&1 || fail "$version get -o yaml: $(cat "$work/out")"
  grep -q '^kind: GameRuntime$' "$work/out" || fail "$version -o yaml: $(cat "$work/out")"

  "$kubectl" get gr -l region=us -o name >"$work/out" 2>&1 || fail "$version get -l: $(cat "$work/out")"
  [ "$(cat "$work/out")" = "gameruntime.rtmanager.galaxy/$arena" ] || fail "$version get -l: $(cat "$work/out")"

  if "$kubectl" get gr "kctl-$suffix-nope" >"$work/out" 2>&1; then fail "$version: a missing runtime was found"; fi
  grep -q "gameruntimes.rtmanager.galaxy \"kctl-$suffix-nope\" not found" "$work/out" \
    || fail "$version not found: $(cat "$work/out")"

  "$kubectl" describe gr "$lobby" >"$work/out" 2>&1 || fail "$version describe: $(cat "$work/out")"
  grep -Eq "^Name: +$lobby" "$work/out" || fail "$version describe: $(cat "$work/out")"
  grep -Eq "Normal +StartSucceeded .*rtmanager" "$work/out" \
    || fail "$version describe: no operations as events: $(cat "$work/out")"

  # annotate restarts (a generation bump through the API, opSource rest).
  old=$("$kubectl" get gr "$lobby" -o jsonpath='{.status.containerId}')
  "$kubectl" annotate gr "$lobby" "rtmanager.galaxy/restartedAt=$(date -u +%FT%TZ)" --overwrite \
    >"$work/out" 2>&1 || fail "$version annotate: $(cat "$work/out")"
  grep -q annotated "$work/out" || fail "$version annotate: $(cat "$work/out")"
  effective=$((effective + 1))
  wait_restarted "$effective" "$old" || fail "$version: annotate did not restart (want $effective)"
  source=$(curl -fs "http://127.0.0.1:$port/v1/runtimes/$lobby/operations?limit=10" |
    python3 -c 'import json,sys; print([o["opSource"] for o in json.load(sys.stdin)["items"] if o["opKind"] == "restart"][0])')
  [ "$source" = rest ] || fail "$version annotate: the restart's opSource is $source"

  # Every other change is refused: manifests own the desired state.
  if "$kubectl" patch gr "$lobby" --type=merge -p '{"spec":{"image":"other:2"}}' >"$work/out" 2>&1; then
    fail "$version: patch of spec accepted"
  fi
  grep -q "manifests own the desired state" "$work/out" || fail "$version patch: $(cat "$work/out")"
  echo "   patch refused: $(cat "$work/out")"
  if "$kubectl" patch gr "$lobby" -p '{"metadata":{"labels":{"a":"b"}}}' >"$work/out" 2>&1; then
    fail "$version: strategic merge patch accepted"
  fi
  grep -q -- "--type=merge" "$work/out" || fail "$version strategic patch: $(cat "$work/out")"

  # get -w sees the restart: MODIFIED events until the new container runs.
  old=$("$kubectl" get gr "$lobby" -o jsonpath='{.status.containerId}')
  "$kubectl" get gr "$lobby" -w --output-watch-events >"$work/watch" 2>&1 &
  watcher=$!
  for _ in $(seq 100); do grep -q '^ADDED' "$work/watch" && break; sleep 0.1; done
  grep -q '^ADDED' "$work/watch" || fail "$version get -w: no ADDED: $(cat "$work/watch")"
  generation=$((generation + 1))
  effective=$((effective + 1))
  write_manifest lobby.yaml "$(manifest "$lobby" eu Running "$generation")"
  wait_restarted "$effective" "$old" || fail "$version: restart $generation not observed"
  sleep 0.5
  kill "$watcher" 2>/dev/null; wait "$watcher" 2>/dev/null || true; watcher=""
  grep -Eq "^MODIFIED +$lobby +Running" "$work/watch" || fail "$version get -w: no MODIFIED: $(cat "$work/watch")"
  echo "   get -w: $(grep -c '^MODIFIED' "$work/watch") MODIFIED events for restart $generation"
done
echo "kubectl_test: ${#kubectls[@]} kubectl version(s) passed"
