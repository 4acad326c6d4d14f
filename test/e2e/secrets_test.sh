#!/usr/bin/env bash
# Secrets are never echoed (docs/contract.md §2 "Secrets"): a value planted
# in a file under --secrets-dir is searched for, byte for byte, in the
# store's files, every API answer (both surfaces), the watch streams, the
# CLI's output, the audit log, the JSON logs, the metrics and the
# container's labels, and found only in the container's environment. A
# changed secret updates the container; a missing one keeps the running
# game and says why; plain env values under secret-looking names are
# redacted. Usage: secrets_test.sh RTMANAGER_BINARY
set -euo pipefail

binary=$(readlink -f "$1")
work=$(mktemp -d /tmp/rtm-secrets-XXXXXX)
suffix=$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')
game="sec-$suffix"
network="rtm-sec-$suffix"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
api="http://127.0.0.1:$port"
mkdir -p "$work/manifests" "$work/secrets"
secret="sv-$(head -c24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
plain="pv-$(head -c24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s' "$secret" > "$work/secrets/rcon"
printf 'ops:admin-%s\n' "$(head -c16 /dev/urandom | od -An -tx1 | tr -d ' \n')" > "$work/admin.tokens"
auth="Authorization: Bearer $(cut -d: -f2 "$work/admin.tokens")"

cleanup() {
  [ -n "${watcher:-}" ] && kill "$watcher" 2>/dev/null || true
  [ -n "${kwatcher:-}" ] && kill "$kwatcher" 2>/dev/null || true
  [ -n "${controller:-}" ] && kill -TERM "$controller" 2>/dev/null && wait "$controller" || true
  docker ps -aq --filter "label=io.rtmanager.network=$network" | xargs -r docker rm -f >/dev/null
  docker network rm "$network" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAILED: $*" >&2; tail -20 "$work/controller.log" >&2; exit 1; }

manifest() {  # RESTART_GENERATION
  cat <<YAML
apiVersion: rtmanager.galaxy/v1
kind: GameRuntime
metadata: {name: $game}
spec:
  image: rtmanager/demo-game:1
  command: ["/bin/httpd", "-f", "-p", "8080"]
  env: {MAP: nebula, ADMIN_TOKEN: $plain}
  secretEnv:
    RCON_PASSWORD: {file: rcon}
  stopTimeoutSeconds: 1
  restartGeneration: $1
YAML
}
manifest 0 > "$work/manifests/game.yaml"
"$binary" run --manifests "$work/manifests" --data-dir "$work/data" --listen "127.0.0.1:$port" \
  --network "$network" --secrets-dir "$work/secrets" --api-token-file "$work/admin.tokens" \
  --log-format json --log-level debug >"$work/controller.log" 2>&1 &
controller=$!
for _ in $(seq 1 100); do curl -sf "$api/readyz" >/dev/null && break; sleep 0.2; done
export RTMANAGER_SERVER=$api RTMANAGER_TOKEN_FILE=$work/admin.tokens
"$binary" wait "$game" --for ready --timeout 1m >/dev/null || fail "not ready"

container_env() { docker exec "rtm-$game" env; }
grep -qx "RCON_PASSWORD=$secret" < <(container_env) || fail "the secret is not in the container's environment"
grep -qx "MAP=nebula" < <(container_env) || fail "the plain env is not in the container"

# Everything that could carry it, gathered after a restart through the API
# (so the audit has an API entry too) with both watch streams open.
curl -sN -m 8 -H "$auth" "$api/v1/runtimes?watch=true" > "$work/watch" &
watcher=$!
curl -sN -m 8 -H "$auth" "$api/apis/rtmanager.galaxy/v1/gameruntimes?watch=true" > "$work/kwatch" &
kwatcher=$!
sleep 0.5
"$binary" restart "$game" --wait --timeout 1m >/dev/null || fail "restart"
grep -qx "RCON_PASSWORD=$secret" < <(container_env) || fail "the restarted container lacks the secret"
wait "$watcher" || true; watcher=""
wait "$kwatcher" || true; kwatcher=""
gather() {  # DIR: every answer into files under DIR
  mkdir -p "$1"
  local i=0
  for path in "/v1/runtimes" "/v1/runtimes/$game" "/v1/runtimes/$game/operations?limit=100" \
              "/v1/plan" "/metrics" "/apis/rtmanager.galaxy/v1/gameruntimes" \
              "/apis/rtmanager.galaxy/v1/gameruntimes/$game" \
              "/apis/rtmanager.galaxy/v1/gameruntimes?watch=true&resourceVersion=0&timeoutSeconds=1"; do
    i=$((i + 1))
    curl -s -m 5 -H "$auth" "$api$path" > "$1/answer-$i" || true
    [ -s "$1/answer-$i" ] || fail "empty answer from $path"
  done
  "$binary" get "$game" -o json > "$1/get.json"
  "$binary" get "$game" -o yaml > "$1/get.yaml"
  "$binary" describe "$game" > "$1/describe"
  "$binary" history "$game" --limit 100 > "$1/history"
  "$binary" plan --all > "$1/plan"
  docker inspect -f '{{json .Config.Labels}}' "rtm-$game" > "$1/labels"
  cp "$work/watch" "$work/kwatch" "$work/controller.log" "$1/"
}
gather "$work/seen"
grep -q "\"RCON_PASSWORD\":{\"file\":\"rcon\"}" "$work/seen/answer-2" || fail "secretEnv not shown by its file: $(head -c 600 "$work/seen/answer-2")"
grep -q '"ADMIN_TOKEN":"<redacted>"' "$work/seen/answer-2" || fail "a secret-looking env value is not redacted"
grep -q "$game" "$work/seen/watch" || fail "the watch saw nothing: $(head -c 300 "$work/seen/watch")"
grep -q "$game" "$work/seen/kwatch" || fail "the kube watch saw nothing"
# The search finds what is there (the game's name, the token's name),
# so that finding nothing means something.
grep -rqaF -- "$game" "$work/data" || fail "the search does not see into the store's files"
grep -qaF -- '"requested_by":"ops"' "$work/seen/controller.log" || fail "the log lacks the caller"
found=$(grep -rlaF -- "$secret" "$work/seen" "$work/data" || true)
[ -z "$found" ] || fail "the secret was found in: $found"
found=$(grep -rlaF -- "$plain" "$work/seen" --exclude=controller.log || true)
[ -z "$found" ] || fail "a secret-looking env value was shown in: $found"
echo "secret value found only in the container's environment"

# A changed secret updates the container (its digest changed); the old and
# the new value stay out of everything but the container.
old=$(docker inspect -f '{{.Id}}' "rtm-$game")
rotated="sv-$(head -c24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s' "$rotated" > "$work/secrets/rcon.new" && mv "$work/secrets/rcon.new" "$work/secrets/rcon"
touch "$work/manifests/game.yaml"   # a manifest event: the sync digests again
for _ in $(seq 1 150); do
  grep -qx "RCON_PASSWORD=$rotated" < <(container_env 2>/dev/null) && break; sleep 0.2
done
grep -qx "RCON_PASSWORD=$rotated" < <(container_env) || fail "the changed secret did not reach the container"
[ "$(docker inspect -f '{{.Id}}' "rtm-$game")" != "$old" ] || fail "the container was not recreated"
grep -q "update" < <("$binary" history "$game" --limit 3) || fail "no update in the audit"
gather "$work/seen2"
found=$(grep -rlaF -e "$secret" -e "$rotated" "$work/seen2" "$work/data" || true)
[ -z "$found" ] || fail "a secret was found in: $found"

# A missing secret: the game keeps running and its manifest is not valid.
running=$(docker inspect -f '{{.Id}}' "rtm-$game")
rm "$work/secrets/rcon"
touch "$work/manifests/game.yaml"
for _ in $(seq 1 100); do
  grep -q '"ManifestValid","status":"False"\|"status":"False","type":"ManifestValid"' < <(curl -s -H "$auth" "$api/v1/runtimes/$game") && break
  sleep 0.1
done
curl -s -H "$auth" "$api/v1/runtimes/$game" | python3 -c '
import json, sys
o = json.load(sys.stdin)
c = [c for c in o["status"]["conditions"] if c["type"] == "ManifestValid"][0]
assert c["status"] == "False" and "spec.secretEnv.RCON_PASSWORD" in c["message"], c' \
  || fail "a missing secret is not reported: $(curl -s -H "$auth" "$api/v1/runtimes/$game")"
[ "$(docker inspect -f '{{.Id}} {{.State.Running}}' "rtm-$game")" = "$running true" ] \
  || fail "a missing secret touched the running game"
echo "secrets checks passed"
