#!/usr/bin/env bash
# The README's tour, step by step, against a real controller and dockerd: each
# command of the tour runs here as written there (with this test's own port,
# directories and game name). Usage: readme_tour_test.sh RTMANAGER_BINARY
set -euo pipefail

binary=$(readlink -f "$1")
work=$(mktemp -d /tmp/rtm-tour-XXXXXX)
suffix=$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')
game="tour-$suffix"
network="rtm-tour-$suffix"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/bin" "$work/manifests"
ln -s "$binary" "$work/bin/rtmanager"
repo=$(cd "$(dirname "$0")/../.." && pwd)
ln -s "$("$repo/scripts/kubectl-1.20.sh" "$repo/build/tools")" "$work/bin/kubectl"
export PATH="$work/bin:$PATH"
export RTMANAGER_SERVER="http://127.0.0.1:$port"

cleanup() {
  [ -n "${controller:-}" ] && kill -TERM "$controller" 2>/dev/null && wait "$controller" || true
  docker ps -aq --filter "label=io.rtmanager.network=$network" | xargs -r docker rm -f >/dev/null
  docker network rm "$network" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "TOUR FAILED: $*" >&2; cat "$work/controller.log" >&2; exit 1; }

rtmanager run --manifests "$work/manifests" --data-dir "$work/data" \
  --listen "127.0.0.1:$port" --network "$network" >"$work/controller.log" 2>&1 &
controller=$!
for _ in $(seq 1 100); do curl -sf "$RTMANAGER_SERVER/readyz" >/dev/null && break; sleep 0.2; done
curl -sf "$RTMANAGER_SERVER/readyz" >/dev/null || fail "controller not ready"
cd "$work"

# 1. Write a manifest and watch it converge.
cat > manifests/tour.yaml <<YAML
apiVersion: rtmanager.galaxy/v1
kind: GameRuntime
metadata:
  name: $game
spec:
  image: rtmanager/demo-game:1
  command: ["/bin/httpd", "-f", "-p", "8080"]
  restartGeneration: 0
  stopTimeoutSeconds: 1
YAML
rtmanager wait "$game" --for ready --timeout 1m || fail "wait --for ready"
rtmanager get | grep -E "^$game +Running" || fail "get does not show $game Running"
first=$(rtmanager get "$game" -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"]["containerId"])')

# 2. Restart by bumping restartGeneration in the manifest.
sed -i 's/restartGeneration: 0/restartGeneration: 1/' manifests/tour.yaml
rtmanager wait "$game" --for converged --restart-generation 1 --timeout 1m || fail "wait --for converged"
second=$(rtmanager get "$game" -o json | python3 -c 'import json,sys; o=json.load(sys.stdin)["status"]; assert o["observedRestartGeneration"]==1, o; print(o["containerId"])')
[ "$first" != "$second" ] || fail "the restart kept container $first"
rtmanager describe "$game" | grep -q "success" || fail "describe shows no successful restart"

# 3. Or restart through the API and wait for it.
rtmanager restart "$game" --wait --timeout 1m > restart.out || fail "restart --wait: $(cat restart.out)"
grep -q "restart succeeded" restart.out || fail "restart --wait printed: $(cat restart.out)"

# 4. Read the audit trail.
rtmanager history "$game" --limit 10 > history.out
[ "$(awk '$2 == "restart" && $4 == "success"' history.out | wc -l)" -eq 2 ] || fail "history lacks the two restarts: $(cat history.out)"

# 5. Drive it with kubectl.
rtmanager kubeconfig > kubeconfig
export KUBECONFIG=$PWD/kubeconfig
kubectl get gr -o wide > kubectl.out || fail "kubectl get gr -o wide: $(cat kubectl.out)"
grep -Eq "^$game +Running +True " kubectl.out || fail "kubectl get: $(cat kubectl.out)"
kubectl wait --for=condition=Ready "gr/$game" || fail "kubectl wait"
kubectl get gr "$game" -o yaml | grep -q "^kind: GameRuntime$" || fail "kubectl get -o yaml"

# 6. Validate manifests in a CI pipeline.
rtmanager validate manifests/ || fail "validate rejected a valid manifest"
printf 'apiVersion: rtmanager.galaxy/v1\nkind: GameRuntime\nmetadata: {name: Bad_Name}\nspec: {image: x}\n' > bad.yaml
if rtmanager validate bad.yaml > validate.out; then fail "validate accepted bad.yaml"; fi
grep -q "bad.yaml:3: metadata.name" validate.out || fail "validate output: $(cat validate.out)"

# 7. Scrape the metrics.
curl -s "$RTMANAGER_SERVER/metrics" | promtool check metrics || fail "promtool check metrics"

# 8. Plan, then delete the manifest: the runtime is removed.
rtmanager plan | grep -q "converged" || fail "plan"
rm manifests/tour.yaml
for _ in $(seq 1 150); do
  rtmanager get "$game" -o json | grep -q '"phase": *"Removed"' && break; sleep 0.2
done
rtmanager get "$game" -o json | grep -q '"phase": *"Removed"' || fail "not removed"
[ -z "$(docker ps -aq --filter "label=io.rtmanager.game=$game")" ] || fail "container left behind"
echo "README tour passed"
