#!/usr/bin/env bash
# The API over HTTPS (docs/contract.md §6 Access) with a CA made here by
# openssl: curl, the CLI (--ca-file, a wrong CA, a host name the
# certificate does not name, --insecure-skip-tls-verify) and kubectl
# through `rtmanager kubeconfig --ca-file` with each role; a certificate
# and key that do not match are refused at start; a non-loopback listener
# without TLS warns. Usage: tls_test.sh RTMANAGER_BINARY
set -euo pipefail

binary=$(readlink -f "$1")
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/rtm-tls-XXXXXX)
suffix=$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')
game="tls-$suffix"
network="rtm-tls-$suffix"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
api="https://127.0.0.1:$port"
mkdir -p "$work/manifests"

cleanup() {
  for pid in ${controller:-} ${plain:-}; do kill -TERM "$pid" 2>/dev/null && wait "$pid" || true; done
  docker ps -aq --filter "label=io.rtmanager.network=$network" | xargs -r docker rm -f >/dev/null
  docker network rm "$network" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAILED: $*" >&2; tail -30 "$work/controller.log" >&2 || true; exit 1; }

# A CA, a server certificate it signs for 127.0.0.1 only, and another CA.
cd "$work"
bash "$repo/test/e2e/test_pki.sh" "$work"
bash "$repo/test/e2e/test_pki.sh" "$work/other" "another CA"
mv ca.pem ca.crt && mv server.pem server.crt
cp other/ca.pem other-ca.crt && cp other/ca.key other-ca.key
printf 'ops:admin-%s\n' "$(openssl rand -hex 16)" > admin.tokens
printf 'dashboard:read-%s\n' "$(openssl rand -hex 16)" > read.tokens
admin_auth="Authorization: Bearer $(cut -d: -f2 admin.tokens)"

# A key that is not the certificate's is refused at start, naming both.
if "$binary" run --manifests manifests --data-dir refused --listen "127.0.0.1:$port" \
     --network "$network" --tls-cert-file server.crt --tls-key-file other-ca.key >refused.log 2>&1; then
  fail "a mismatched key was accepted"
fi
grep -q "TLS key other-ca.key with certificate server.crt: key values mismatch" refused.log \
  || fail "mismatch not named: $(cat refused.log)"
if "$binary" run --manifests manifests --data-dir refused --listen "127.0.0.1:$port" \
     --network "$network" --tls-cert-file server.crt >refused.log 2>&1; then
  fail "a certificate without its key was accepted"
fi
grep -q "go together" refused.log || fail "missing key not named: $(cat refused.log)"

cat > manifests/game.yaml <<YAML
apiVersion: rtmanager.galaxy/v1
kind: GameRuntime
metadata: {name: $game}
spec:
  image: rtmanager/demo-game:1
  command: ["/bin/httpd", "-f", "-p", "8080"]
  state: Stopped
YAML
"$binary" run --manifests manifests --data-dir data --listen "127.0.0.1:$port" --network "$network" \
  --tls-cert-file server.crt --tls-key-file server.key \
  --api-token-file admin.tokens --api-read-token-file read.tokens >controller.log 2>&1 &
controller=$!
for _ in $(seq 1 100); do curl -sf --cacert ca.crt "$api/readyz" >/dev/null && break; sleep 0.2; done
curl -sf --cacert ca.crt "$api/readyz" >/dev/null || fail "not serving https"

# curl: verified with our CA; plain HTTP to the port gets no HTTP answer.
[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert ca.crt -H "$admin_auth" "$api/v1/runtimes/$game")" = 200 ] \
  || fail "curl over https with the token"
if curl -s --cacert other-ca.crt "$api/healthz" >/dev/null; then fail "curl trusted a certificate of another CA"; fi
code=$(curl -s -o /dev/null -w '%{http_code}' -m 5 "http://127.0.0.1:$port/healthz" || true)
[ "$code" != 200 ] || fail "plain HTTP answered on the HTTPS port"

# The CLI verifies the certificate: chain and host name.
export RTMANAGER_SERVER=$api RTMANAGER_TOKEN_FILE=$work/read.tokens
"$binary" get "$game" --ca-file ca.crt >out 2>&1 || fail "cli with --ca-file: $(cat out)"
grep -q "^$game " out || fail "cli get: $(cat out)"
RTMANAGER_CA_FILE=$work/ca.crt "$binary" get "$game" >out 2>&1 || fail "cli with \$RTMANAGER_CA_FILE: $(cat out)"
for refused in "--ca-file other-ca.crt" "" "--ca-file ca.crt --server https://localhost:$port"; do
  # shellcheck disable=SC2086
  if "$binary" get "$game" $refused >out 2>&1; then fail "cli trusted the server with [$refused]"; fi
  grep -q "cannot reach rtmanager at https://.*: Error in SSL handshake (is the server's certificate signed by a CA of" out \
    || fail "cli [$refused]: $(cat out)"
  echo "refused as it should [$refused]: $(cat out)"
done
"$binary" get "$game" --insecure-skip-tls-verify >out 2>&1 || fail "cli --insecure-skip-tls-verify: $(cat out)"
if "$binary" restart "$game" --ca-file ca.crt >out 2>&1; then fail "read token restarted"; fi
grep -q "Error from server (forbidden)" out || fail "cli restart with the read token: $(cat out)"
"$binary" restart "$game" --ca-file ca.crt --token-file admin.tokens >out 2>&1 || fail "cli restart: $(cat out)"

# kubectl sends its token only over TLS: through a kubeconfig holding our
# CA, each role gets what contract §6 says.
kubectl=$("$repo/scripts/kubectl-1.20.sh" "$repo/build/tools")
"$binary" kubeconfig --ca-file ca.crt --token-file admin.tokens > admin.kubeconfig
"$binary" kubeconfig --ca-file ca.crt > read.kubeconfig
printf 'nobody:not-a-token-0123456789\n' > wrong.tokens
"$binary" kubeconfig --ca-file ca.crt --token-file wrong.tokens > wrong-token.kubeconfig
"$binary" kubeconfig --ca-file other-ca.crt --token-file admin.tokens > wrong-ca.kubeconfig
KUBECONFIG=admin.kubeconfig "$kubectl" get gr "$game" -o name >out 2>&1 || fail "kubectl admin get: $(cat out)"
KUBECONFIG=admin.kubeconfig "$kubectl" annotate gr "$game" "rtmanager.galaxy/restartedAt=$(date -u +%FT%TZ)" \
  --overwrite >out 2>&1 || fail "kubectl admin annotate: $(cat out)"
KUBECONFIG=read.kubeconfig "$kubectl" get gr "$game" -o name >out 2>&1 || fail "kubectl read get: $(cat out)"
if KUBECONFIG=read.kubeconfig "$kubectl" annotate gr "$game" "rtmanager.galaxy/restartedAt=x" --overwrite >out 2>&1; then
  fail "kubectl read token annotated"
fi
grep -q 'token "dashboard" is read-only' out || fail "kubectl read annotate: $(cat out)"
if KUBECONFIG=wrong-token.kubeconfig "$kubectl" get gr </dev/null >out 2>&1; then fail "kubectl with a wrong token read"; fi
grep -q 'You must be logged in to the server (missing or wrong bearer token)' out || fail "kubectl with a wrong token: $(cat out)"
if KUBECONFIG=wrong-ca.kubeconfig "$kubectl" get gr >out 2>&1; then fail "kubectl trusted another CA"; fi
grep -qi 'certificate' out || fail "kubectl with another CA: $(cat out)"

# A non-loopback listener without TLS serves, with a warning.
plain_port=$(free_port)
mkdir -p empty
"$binary" run --manifests empty --data-dir plain --listen "0.0.0.0:$plain_port" \
  --network "$network" --api-token-file admin.tokens >plain.log 2>&1 &
plain=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$plain_port/healthz" >/dev/null && break; sleep 0.2; done
grep -q "over plain HTTP on a non-loopback address" plain.log || fail "no warning: $(cat plain.log)"
echo "tls checks passed"
