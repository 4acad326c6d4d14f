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
grep -q "success" < <(rtmanager describe "$game") || fail "describe shows no successful restart"

# 3. Or restart through the API and wait for it.
rtmanager restart "$game" --wait --timeout 1m > restart.out || fail "restart --wait: $(cat restart.out)"
grep -q "restart succeeded" restart.out || fail "restart --wait printed: $(cat restart.out)"

# 4. A restart that waits for the players to leave.
cat >> manifests/tour.yaml <<'YAML'
  drain:
    command: ["/bin/sh", "-c", "if [ -e /tmp/players ]; then cat /tmp/players; exit 1; fi"]
    periodSeconds: 1
    maxWaitSeconds: 300
  preStop:
    command: ["/bin/sh", "-c", "echo world saved"]
YAML
rtmanager wait "$game" --for converged --timeout 1m || fail "wait after adding drain"
before_drain=$(rtmanager get "$game" -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"]["containerId"])')
docker exec "rtm-$game" sh -c 'echo 3 players online > /tmp/players' || fail "docker exec"
rtmanager restart "$game" || fail "restart while busy"
for _ in $(seq 1 100); do rtmanager plan > plan.out; grep -q "waits for drain: busy for" plan.out && break; sleep 0.1; done
grep -q "waits for drain: busy for .* (exit 1: 3 players online)" plan.out || fail "plan: $(cat plan.out)"
sleep 2  # two more probes: still busy, still the same container
[ "$(rtmanager get "$game" -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"]["containerId"])')" = "$before_drain" ] || fail "restarted while busy"
docker exec "rtm-$game" rm /tmp/players || fail "docker exec rm"
rtmanager wait "$game" --for converged --timeout 1m || fail "wait for the drained restart"

# 5. Restart a fleet a few at a time under a disruption budget.
fleet="fleet-$suffix"
cat > manifests/fleet.yaml <<YAML
apiVersion: rtmanager.galaxy/v1
kind: DisruptionBudget
metadata:
  name: $fleet
spec:
  selector:
    matchLabels: {fleet: $fleet}
  maxUnavailable: 2        # or a percentage: "10%"
  minReadySeconds: 2
YAML
for i in 1 2 3 4 5 6; do cat >> manifests/fleet.yaml <<YAML
---
apiVersion: rtmanager.galaxy/v1
kind: GameRuntime
metadata:
  name: $fleet-$i
  labels: {fleet: $fleet}
spec:
  image: rtmanager/demo-game:1
  command: ["/bin/httpd", "-f", "-p", "8080"]
  restartGeneration: 0
  stopTimeoutSeconds: 1
YAML
done
for i in 1 2 3 4 5 6; do rtmanager wait "$fleet-$i" --for ready --timeout 1m || fail "wait $fleet-$i ready"; done
sed -i 's/restartGeneration: 0/restartGeneration: 1/' manifests/fleet.yaml
held=""
for _ in $(seq 1 100); do
  rtmanager plan > plan.out
  if grep -q "waits for disruption budget $fleet: 2 of 6 games unavailable (maxUnavailable 2)" plan.out; then held=yes; break; fi
  sleep 0.05
done
[ -n "$held" ] || fail "plan never showed a restart held back by the budget: $(cat plan.out)"
for i in 1 2 3 4 5 6; do
  rtmanager wait "$fleet-$i" --for converged --restart-generation 1 --timeout 2m || fail "wait $fleet-$i restarted"
done

# 6. Read the audit trail.
rtmanager history "$game" --limit 10 > history.out
[ "$(awk '$2 == "restart" && $5 == "success"' history.out | wc -l)" -eq 3 ] || fail "history lacks the three restarts: $(cat history.out)"
grep -q "drained after" history.out || fail "history lacks the drain: $(cat history.out)"
grep -q "preStop exit 0 in .*: world saved" history.out || fail "history lacks the preStop: $(cat history.out)"

# 7. Drive it with kubectl.
rtmanager kubeconfig > kubeconfig
export KUBECONFIG=$PWD/kubeconfig
kubectl get gr -o wide > kubectl.out || fail "kubectl get gr -o wide: $(cat kubectl.out)"
grep -Eq "^$game +Running +True " kubectl.out || fail "kubectl get: $(cat kubectl.out)"
kubectl wait --for=condition=Ready "gr/$game" || fail "kubectl wait"
grep -q "^kind: GameRuntime$" < <(kubectl get gr "$game" -o yaml) || fail "kubectl get -o yaml"

# 8. Validate manifests in a CI pipeline.
rtmanager validate manifests/ || fail "validate rejected a valid manifest"
printf 'apiVersion: rtmanager.galaxy/v1\nkind: GameRuntime\nmetadata: {name: Bad_Name}\nspec: {image: x}\n' > bad.yaml
if rtmanager validate bad.yaml > validate.out; then fail "validate accepted bad.yaml"; fi
grep -q "bad.yaml:3: metadata.name" validate.out || fail "validate output: $(cat validate.out)"

# 9. Scrape the metrics.
curl -s "$RTMANAGER_SERVER/metrics" | promtool check metrics || fail "promtool check metrics"

# 10. Plan, then delete the manifest: the runtime is removed.
grep -q "converged" < <(rtmanager plan) || fail "plan"
rm manifests/tour.yaml manifests/fleet.yaml
for _ in $(seq 1 150); do
  grep -q '"phase": *"Removed"' < <(rtmanager get "$game" -o json) && break; sleep 0.2
done
grep -q '"phase": *"Removed"' < <(rtmanager get "$game" -o json) || fail "not removed"
[ -z "$(docker ps -aq --filter "label=io.rtmanager.game=$game")" ] || fail "container left behind"
echo "README tour passed"
