#!/usr/bin/env bash
# The REST API's and the CLI's error paths against a real controller started
# with --api-token-file and --api-read-token-file: each role on each
# endpoint class, token rotation on SIGHUP, bad names, unknown names,
# oversize bodies, unknown routes, watch resume with `since`, and CLI exit
# codes.
# Usage: api_cli_test.sh RTMANAGER_BINARY
set -euo pipefail

binary=$(readlink -f "$1")
work=$(mktemp -d /tmp/rtm-api-XXXXXX)
suffix=$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')
game="api-$suffix"
network="rtm-api-$suffix"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
api="http://127.0.0.1:$port"
mkdir -p "$work/manifests"
token="token-$(head -c16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s\n' "$token" > "$work/token"
read_token="read-$(head -c16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '# dashboards\ngrafana:%s\n' "$read_token" > "$work/read-token"
printf 'grafana:%s\n' "$read_token" > "$work/cli-read-token"
auth=(-H "Authorization: Bearer $token")
as_reader=(-H "Authorization: Bearer $read_token")

cleanup() {
  [ -n "${controller:-}" ] && kill -TERM "$controller" 2>/dev/null && wait "$controller" || true
  docker ps -aq --filter "label=io.rtmanager.network=$network" | xargs -r docker rm -f >/dev/null
  docker network rm "$network" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAILED: $*" >&2; cat "$work/controller.log" >&2; exit 1; }
# status CODE METHOD PATH [curl args...]: asserts the HTTP status and a JSON error body for >= 400.
status() {
  local want=$1 method=$2 path=$3; shift 3
  local got
  got=$(curl -s -o "$work/body" -w '%{http_code}' -X "$method" "$@" "$api$path")
  [ "$got" = "$want" ] || fail "$method $path: HTTP $got, want $want: $(head -c 300 "$work/body")"
  if [ "$want" -ge 400 ]; then
    python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["error"]; assert e["code"] and e["message"], e' "$work/body" \
      || fail "$method $path: not a JSON error body: $(head -c 300 "$work/body")"
  fi
}
# reason CODE: asserts the error code of the last answer checked by `status`.
reason() {
  python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["error"]; assert e["code"] == sys.argv[2], e' "$work/body" "$1" \
    || fail "error code is not $1: $(head -c 300 "$work/body")"
}

# A non-loopback --listen without a token file is refused at start.
if "$binary" run --manifests "$work/manifests" --data-dir "$work/refused" \
     --listen "0.0.0.0:$port" --network "$network" >"$work/refused.log" 2>&1; then
  fail "non-loopback listen without a token was accepted"
fi
grep -q "api-token-file" "$work/refused.log" || fail "refusal does not say why: $(cat "$work/refused.log")"

cat > "$work/manifests/game.yaml" <<YAML
apiVersion: rtmanager.galaxy/v1
kind: GameRuntime
metadata: {name: $game}
spec:
  image: rtmanager/demo-game:1
  command: ["/bin/httpd", "-f", "-p", "8080"]
  stopTimeoutSeconds: 1
YAML
"$binary" run --manifests "$work/manifests" --data-dir "$work/data" --listen "127.0.0.1:$port" \
  --network "$network" --api-token-file "$work/token" --api-read-token-file "$work/read-token" \
  --log-format json >"$work/controller.log" 2>&1 &
controller=$!
for _ in $(seq 1 100); do curl -sf "$api/readyz" >/dev/null && break; sleep 0.2; done
export RTMANAGER_SERVER=$api
export RTMANAGER_TOKEN_FILE=$work/cli-read-token
"$binary" wait "$game" --for ready --timeout 1m >/dev/null || fail "game not ready"

# Each role on each endpoint class: health is open; reads, watches,
# metrics and logs need a token; changes need the admin one.
status 200 GET "/healthz"
status 200 GET "/readyz"
for path in "/v1/runtimes/$game" "/v1/runtimes" "/v1/runtimes/$game/operations" "/metrics" \
            "/v1/runtimes/$game/logs" "/v1/plan" "/apis/rtmanager.galaxy/v1/gameruntimes"; do
  got=$(curl -s -o "$work/body" -w '%{http_code}' "$api$path")
  [ "$got" = 401 ] || fail "GET $path without a token: HTTP $got"
  got=$(curl -s -o /dev/null -w '%{http_code}' "${as_reader[@]}" "$api$path")
  [ "$got" = 200 ] || fail "GET $path with the read token: HTTP $got"
  got=$(curl -s -o /dev/null -w '%{http_code}' "${auth[@]}" "$api$path")
  [ "$got" = 200 ] || fail "GET $path with the admin token: HTTP $got"
done
status 401 GET "/v1/runtimes?watch=true&since=1"; reason unauthorized
got=$(curl -s -m 2 -o /dev/null -w "%{http_code}" "${as_reader[@]}" "$api/v1/runtimes?watch=true" || true)
[ "$got" = 200 ] || fail "watch with the read token: HTTP $got"
status 403 POST "/v1/runtimes/$game/restart" "${as_reader[@]}"; reason forbidden
grep -q 'token \\"grafana\\" is read-only' "$work/body" || fail "403 does not name the token: $(cat "$work/body")"
got=$(curl -s -o "$work/body" -w '%{http_code}' -X PATCH "${as_reader[@]}" \
  -H "Content-Type: application/merge-patch+json" -d '{"metadata":{"annotations":{"rtmanager.galaxy/restartedAt":"x"}}}' \
  "$api/apis/rtmanager.galaxy/v1/gameruntimes/$game")
[ "$got" = 403 ] && grep -q '"reason":"Forbidden"' "$work/body" || fail "kube PATCH with the read token: HTTP $got $(cat "$work/body")"
# Business outcomes carry a stable code; HTTP-level refusals their own reason.
status 401 POST "/v1/runtimes/$game/restart"; reason unauthorized
status 401 POST "/v1/runtimes/$game/restart" -H "Authorization: Bearer wrong-$token"; reason unauthorized
status 400 POST "/v1/runtimes/Not_A_Label/restart" "${auth[@]}"; reason invalid_request
status 404 POST "/v1/runtimes/nope-$suffix/restart" "${auth[@]}"; reason not_found
status 404 GET "/v1/runtimes/nope-$suffix" "${as_reader[@]}"; reason not_found
status 400 GET "/v1/runtimes/Not_A_Label" "${as_reader[@]}"; reason invalid_request
status 404 GET "/v2/anything" "${as_reader[@]}"; reason not_found
status 405 DELETE "/v1/runtimes/$game" "${auth[@]}"; reason method_not_allowed
status 400 GET "/v1/runtimes/$game/operations?limit=0" "${as_reader[@]}"; reason invalid_request
head -c 200000 /dev/zero > "$work/big"
status 413 POST "/v1/runtimes/$game/restart" "${auth[@]}" --data-binary @"$work/big"; reason payload_too_large
status 414 GET "/v1/runtimes/$(head -c 9000 /dev/zero | tr '\0' a)"; reason uri_too_long
status 431 GET "/healthz" -H "X-Padding: $(head -c 17000 /dev/zero | tr '\0' a)"; reason headers_too_large

# Watch resumes from a listed revision without gaps; a future revision is refused.
revision=$(curl -s "${as_reader[@]}" "$api/v1/runtimes" | python3 -c 'import json,sys; print(json.load(sys.stdin)["revision"])')
status 410 GET "/v1/runtimes?watch=true&since=$((revision + 1000000))" "${as_reader[@]}"; reason expired
status 202 POST "/v1/runtimes/$game/restart" "${auth[@]}" -H "X-Request-Id: req-$suffix"
timeout 5 curl -sN "${as_reader[@]}" "$api/v1/runtimes?watch=true&since=$revision" > "$work/watch" || true
python3 - "$work/watch" "$revision" "$game" <<'PY' || fail "watch stream: $(head -c 500 "$work/watch")"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
since, game = int(sys.argv[2]), sys.argv[3]
assert lines, "no events"
revisions = [e["revision"] for e in lines]
assert revisions[0] == since + 1, ("gap at the start", since, revisions[:3])
assert revisions == sorted(revisions) and len(set(revisions)) == len(revisions), revisions
assert all(e["type"] in ("ADDED", "MODIFIED", "DELETED") for e in lines)
assert any(e["object"]["metadata"]["name"] == game for e in lines)
PY

# The REST restart is acknowledged with the request id as its sourceRef.
"$binary" wait "$game" --for converged --restart-generation 1 --timeout 1m >/dev/null || fail "restart not observed"
curl -s "${as_reader[@]}" "$api/v1/runtimes/$game" | python3 -c '
import json, sys
status = json.load(sys.stdin)["status"]
assert status["lastRestart"]["sourceRef"] == sys.argv[1], status
assert status["lastRestart"]["outcome"] == "success", status' "req-$suffix" || fail "lastRestart"
# Who asked is in every entry of that restart: the token's name and the peer.
curl -s "${as_reader[@]}" "$api/v1/runtimes/$game/operations?limit=20" | python3 -c '
import json, sys
entries = [e for e in json.load(sys.stdin)["items"] if e["sourceRef"] == sys.argv[1]]
assert [e["opKind"] for e in entries] == ["restart", "start", "stop"], entries
assert all(e["requestedBy"] == {"name": "admin", "address": "127.0.0.1"} for e in entries), entries' \
  "req-$suffix" || fail "requestedBy"

# The CLI: token from a file, exit codes 0 / 1 / 2.
"$binary" restart "$game" --token-file "$work/token" --wait --timeout 1m >/dev/null || fail "cli restart with token"
if RTMANAGER_TOKEN_FILE= "$binary" restart "$game" >/dev/null 2>"$work/cli.err"; then fail "cli restart without token succeeded"; fi
grep -q "Error from server (unauthorized)" "$work/cli.err" || fail "cli restart without token: $(cat "$work/cli.err")"
if "$binary" restart "$game" >/dev/null 2>"$work/cli.err"; then fail "cli restart with the read token succeeded"; fi
grep -q "Error from server (forbidden)" "$work/cli.err" || fail "cli restart with the read token: $(cat "$work/cli.err")"
if RTMANAGER_TOKEN_FILE= "$binary" get "$game" >/dev/null 2>"$work/cli.err"; then fail "cli get without token succeeded"; fi

# Rotation without downtime: the new token is added, SIGHUP, both work;
# the old one is dropped, SIGHUP, only the new one works.
reloaded() {  # waits for the Nth "api tokens reloaded" log line
  for _ in $(seq 1 50); do
    [ "$(grep -c '"api tokens reloaded"' "$work/controller.log")" -ge "$1" ] && return 0; sleep 0.1
  done
  fail "no reload logged after SIGHUP"
}
new_token="token-$(head -c16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf 'admin:%s\nadmin:%s\n' "$token" "$new_token" > "$work/token.new" && mv "$work/token.new" "$work/token"
kill -HUP "$controller"; reloaded 1
status 200 GET "/v1/runtimes/$game" "${auth[@]}"
status 200 GET "/v1/runtimes/$game" -H "Authorization: Bearer $new_token"
printf 'admin:%s\n' "$new_token" > "$work/token.new" && mv "$work/token.new" "$work/token"
kill -HUP "$controller"; reloaded 2
status 401 GET "/v1/runtimes/$game" "${auth[@]}"; reason unauthorized
status 200 GET "/v1/runtimes/$game" -H "Authorization: Bearer $new_token"
status 200 GET "/v1/runtimes/$game" "${as_reader[@]}"
# A file that no longer parses keeps the tokens held, and says why.
printf 'bad name:%s\n' "$new_token" > "$work/token"
kill -HUP "$controller"
for _ in $(seq 1 50); do grep -q 'api tokens not reloaded' "$work/controller.log" && break; sleep 0.1; done
grep -q "$work/token:1" < <(grep 'api tokens not reloaded' "$work/controller.log") || fail "a bad token file on SIGHUP is not reported"
status 200 GET "/v1/runtimes/$game" -H "Authorization: Bearer $new_token"
kill -0 "$controller" || fail "the controller died on SIGHUP"
set +e
"$binary" get "nope-$suffix" >/dev/null 2>&1; [ $? -eq 1 ] || fail "get of an unknown runtime: exit code"
"$binary" get --bogus >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown flag: exit code"
"$binary" describe >/dev/null 2>&1; [ $? -eq 2 ] || fail "missing NAME: exit code"
"$binary" get --server "http://127.0.0.1:1" >/dev/null 2>&1; [ $? -eq 1 ] || fail "unreachable server: exit code"
set -e
grep -q "name: $game" < <("$binary" get "$game" -o yaml) || fail "get -o yaml"
grep -q "Conditions" < <("$binary" describe "$game") || fail "describe"
"$binary" history "$game" --limit 3 > "$work/history"
grep -Eq "restart +rest +admin@127\.0\.0\.1 +success" "$work/history" || fail "history: $(cat "$work/history")"
grep -q "$game" < <("$binary" plan --all) || fail "plan --all"

# JSON logs: one object per line with the documented fields.
python3 - "$work/controller.log" <<'PY' || fail "json logs"
import json, sys
records = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert records and all({"time", "level", "message"} <= r.keys() for r in records)
assert any(r.get("op_kind") == "restart" and r.get("game_id") and r.get("source_ref") for r in records), "no restart line"
PY
echo "api and cli checks passed"
