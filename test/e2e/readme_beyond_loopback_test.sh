#!/usr/bin/env bash
# The README's "Running beyond loopback", command by command, as written
# there but for this test's own port, directory, network and game name.
# Usage: readme_beyond_loopback_test.sh RTMANAGER_BINARY
set -euo pipefail

binary=$(readlink -f "$1")
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/rtm-beyond-XXXXXX)
suffix=$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')
game="beyond-$suffix"
network="rtm-beyond-$suffix"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/bin" "$work/manifests"
ln -s "$binary" "$work/bin/rtmanager"
ln -s "$("$repo/scripts/kubectl-1.20.sh" "$repo/build/tools")" "$work/bin/kubectl"
export PATH="$work/bin:$PATH"
# The controller gets --network (one engine, many test runs); the rest is
# verbatim. `run` is only started in the background, where exec makes $!
# the controller's own pid, as in the README.
rtmanager() {
  if [ "$1" = run ]; then shift; exec "$binary" run --network "$network" "$@"; fi
  command rtmanager "$@"
}

cleanup() {
  [ -f "$work/rtmanager.pid" ] && kill -TERM "$(cat "$work/rtmanager.pid")" 2>/dev/null || true
  sleep 1
  docker ps -aq --filter "label=io.rtmanager.network=$network" | xargs -r docker rm -f >/dev/null
  docker network rm "$network" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "README BEYOND LOOPBACK FAILED: $*" >&2; cat "$work/controller.log" >&2 || true; exit 1; }

cd "$work"
cat > manifests/tour.yaml <<YAML
apiVersion: rtmanager.galaxy/v1
kind: GameRuntime
metadata: {name: $game}
spec:
  image: rtmanager/demo-game:1
  command: ["/bin/httpd", "-f", "-p", "8080"]
  env: {ADMIN_PASSWORD: changeme}
  stopTimeoutSeconds: 1
YAML

umask 077
printf 'ops:%s\n' "$(openssl rand -hex 24)" > admin.tokens
printf 'grafana:%s\n' "$(openssl rand -hex 24)" > read.tokens
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=rtmanager CA" -keyout ca.key -out ca.crt 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=rtmanager" -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > san.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 365 -extfile san.ext -out server.crt 2>/dev/null
mkdir -p secrets && openssl rand -hex 16 > secrets/rcon
printf '  secretEnv:\n    RCON_PASSWORD: {file: rcon}\n' >> manifests/tour.yaml
rtmanager validate manifests/ > validate.out || fail "validate: $(cat validate.out)"
rtmanager run --manifests manifests --secrets-dir secrets --listen "0.0.0.0:$port" \
  --tls-cert-file server.crt --tls-key-file server.key \
  --api-token-file admin.tokens --api-read-token-file read.tokens >controller.log 2>&1 &
echo $! > rtmanager.pid
export RTMANAGER_SERVER="https://127.0.0.1:$port" RTMANAGER_CA_FILE=$PWD/ca.crt
for _ in $(seq 1 100); do curl -sf --cacert ca.crt "$RTMANAGER_SERVER/readyz" >/dev/null && break; sleep 0.2; done
rtmanager wait "$game" --for ready --timeout 1m --token-file read.tokens >/dev/null || fail "not ready"

grep -qx "RCON_PASSWORD=$(cat secrets/rcon)" < <(docker exec "rtm-$game" env) || fail "the secret is not in the container"
rtmanager get --token-file read.tokens > out || fail "get with the read token"
grep -q "^$game " out || fail "get: $(cat out)"
if rtmanager restart "$game" --token-file read.tokens >out 2>&1; then fail "the read token restarted"; fi
grep -q "Error from server (forbidden)" out || fail "restart with the read token: $(cat out)"
rtmanager restart "$game" --token-file admin.tokens --wait >out 2>&1 || fail "restart: $(cat out)"
rtmanager history "$game" --token-file read.tokens > out
grep -Eq "restart +rest +ops@127\.0\.0\.1 +success" out || fail "history: $(cat out)"
KUBECONFIG=<(rtmanager kubeconfig --token-file read.tokens) kubectl get gr > out 2>&1 || fail "kubectl: $(cat out)"
grep -q "^$game " out || fail "kubectl get: $(cat out)"
old_admin=$(head -1 admin.tokens | cut -d: -f2)
printf 'ops:%s\n' "$(openssl rand -hex 24)" >> admin.tokens
kill -HUP "$(cat rtmanager.pid)"

# The rotation took: both admin tokens work, as the README says.
new_admin=$(tail -1 admin.tokens | cut -d: -f2)
for _ in $(seq 1 50); do grep -q "api tokens reloaded" controller.log && break; sleep 0.1; done
for token in "$old_admin" "$new_admin"; do
  [ "$(curl -s -o /dev/null -w '%{http_code}' --cacert ca.crt -H "Authorization: Bearer $token" \
        "$RTMANAGER_SERVER/v1/runtimes/$game")" = 200 ] || fail "a token of the rotation is refused"
done
grep -q "over plain HTTP" controller.log && fail "warned about plain HTTP while serving TLS"
grep -q "warning: .*spec.env.ADMIN_PASSWORD: looks like a secret" validate.out || fail "validate: $(cat validate.out)"
curl -s --cacert ca.crt -H "Authorization: Bearer $new_admin" "$RTMANAGER_SERVER/v1/runtimes/$game" > object.json
grep -q '"ADMIN_PASSWORD":"<redacted>"' object.json || fail "not redacted: $(cat object.json)"
if grep -rqaF -- "$(cat secrets/rcon)" object.json out controller.log data; then fail "the secret was echoed"; fi
echo "README beyond loopback passed"
