#!/usr/bin/env bash
# rtmanager on an etcd served over TLS with authentication on
# (--store etcd+https://, --etcd-ca-file, --etcd-user, --etcd-password-file):
# a game converges and its state is in etcd; a wrong password is refused
# at start naming the user. Usage: etcd_tls_auth_test.sh RTMANAGER_BINARY
set -euo pipefail

binary=$(readlink -f "$1")
work=$(mktemp -d /tmp/rtm-etcdtls-XXXXXX)
suffix=$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')
game="etls-$suffix"
network="rtm-etls-$suffix"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
client_port=$(free_port); peer_port=$(free_port); port=$(free_port)
cleanup() {
  [ -n "${controller:-}" ] && kill -TERM "$controller" 2>/dev/null && wait "$controller" || true
  [ -n "${etcd_pid:-}" ] && kill "$etcd_pid" 2>/dev/null && wait "$etcd_pid" 2>/dev/null || true
  docker ps -aq --filter "label=io.rtmanager.network=$network" | xargs -r docker rm -f >/dev/null
  docker network rm "$network" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAILED: $*" >&2; tail -20 "$work/controller.log" >&2 || true; exit 1; }

bash "$(dirname "$(readlink -f "$0")")/test_pki.sh" "$work" "etcd CA"
cd "$work"
mv server.pem etcd.pem && mv server.key etcd.key
etcd --name m0 --data-dir etcd-data --listen-client-urls "https://127.0.0.1:$client_port" \
  --advertise-client-urls "https://127.0.0.1:$client_port" \
  --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-cluster "m0=http://127.0.0.1:$peer_port" --cert-file etcd.pem --key-file etcd.key \
  --log-level warn >etcd.log 2>&1 &
etcd_pid=$!
etcdctl="etcdctl --endpoints=https://127.0.0.1:$client_port --cacert=ca.pem"
for _ in $(seq 1 100); do ETCDCTL_API=3 $etcdctl endpoint health >/dev/null 2>&1 && break; sleep 0.2; done
printf 'root-pass-%s\n' "$suffix" > etcd.password
ETCDCTL_API=3 $etcdctl user add "root:$(cat etcd.password)" >/dev/null
ETCDCTL_API=3 $etcdctl user grant-role root root >/dev/null
ETCDCTL_API=3 $etcdctl auth enable >/dev/null

mkdir -p manifests
cat > manifests/game.yaml <<YAML
apiVersion: rtmanager.galaxy/v1
kind: GameRuntime
metadata: {name: $game}
spec:
  image: rtmanager/demo-game:1
  command: ["/bin/httpd", "-f", "-p", "8080"]
  stopTimeoutSeconds: 1
YAML
store="etcd+https://127.0.0.1:$client_port"
printf 'wrong\n' > wrong.password
if "$binary" run --manifests manifests --store "$store" --etcd-ca-file ca.pem --etcd-user root \
     --etcd-password-file wrong.password --listen "127.0.0.1:$port" --network "$network" >refused.log 2>&1; then
  fail "a wrong etcd password was accepted"
fi
grep -q 'etcd authentication as user \\"root\\"\|etcd authentication as user "root"' refused.log || fail "not named: $(cat refused.log)"

"$binary" run --manifests manifests --store "$store" --etcd-ca-file ca.pem --etcd-user root \
  --etcd-password-file etcd.password --listen "127.0.0.1:$port" --network "$network" \
  --data-dir data >controller.log 2>&1 &
controller=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
RTMANAGER_SERVER="http://127.0.0.1:$port" "$binary" wait "$game" --for ready --timeout 1m >/dev/null || fail "not ready"
grep -q "$game" < <(ETCDCTL_API=3 $etcdctl --user "root:$(cat etcd.password)" get --prefix /rtmanager/ --keys-only) \
  || fail "the game is not in etcd"
echo "etcd over TLS with authentication passed"
