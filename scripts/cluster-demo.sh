#!/usr/bin/env bash
# A local cluster anyone can start (docs/cluster.md): a 3-member etcd on
# loopback, three Docker engines (one per simulated host, each in a network
# namespace of its own: scripts/docker-engines.sh) and three
# `rtmanager run --node` agents, all fed the example ./manifests. Prints
# what to try, then waits; Ctrl-C stops and removes everything it started.
# Needs root (network namespaces, extra dockerd instances).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh release rtmanager
scripts/ensure-docker.sh
scripts/build-demo-image.sh

demo=${RTM_DEMO_DIR:-/tmp/rtm-cluster-demo}
binary=build/release/controller/rtmanager
nodes=(n1 n2 n3)
mkdir -p "$demo"
pids=()

cleanup() {
  trap - EXIT INT TERM
  echo "cluster-demo: stopping"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  scripts/docker-engines.sh stop "$demo/engines" >/dev/null 2>&1 || true
  rm -rf "${demo:?}"
}
trap cleanup EXIT INT TERM

# etcd: members m1..m3, clients on 127.0.0.1:2381..2383, peers on 2391..2393.
cluster=""
endpoints=""
for i in 1 2 3; do
  cluster+="${cluster:+,}m$i=http://127.0.0.1:239$i"
  endpoints+="${endpoints:+,}127.0.0.1:238$i"
done
for i in 1 2 3; do
  etcd --name "m$i" --data-dir "$demo/etcd-m$i" \
    --listen-client-urls "http://127.0.0.1:238$i" --advertise-client-urls "http://127.0.0.1:238$i" \
    --listen-peer-urls "http://127.0.0.1:239$i" --initial-advertise-peer-urls "http://127.0.0.1:239$i" \
    --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token rtm-demo \
    --logger zap --log-level warn >"$demo/etcd-m$i.log" 2>&1 &
  pids+=($!)
done
for _ in $(seq 1 100); do
  ETCDCTL_API=3 etcdctl --endpoints "$endpoints" endpoint health >/dev/null 2>&1 && break
  sleep 0.2
done

scripts/docker-engines.sh start "$demo/engines" "${nodes[@]}"

zones=(eu eu us)
for i in 0 1 2; do
  node=${nodes[$i]}
  "$binary" run --store "etcd://$endpoints" --node "$node" \
    --node-label "zone=${zones[$i]}" --max-runtimes 10 \
    --docker-host "unix://$demo/engines/$node/docker.sock" \
    --manifests manifests --data-dir "$demo/data-$node" \
    --listen "127.0.0.1:809$((i + 1))" >"$demo/$node.log" 2>&1 &
  pids+=($!)
done
for i in 1 2 3; do
  for _ in $(seq 1 100); do
    curl -fs "127.0.0.1:809$i/readyz" >/dev/null && break
    sleep 0.2
  done
done

cat <<TRY

rtmanager cluster demo: 3 etcd members ($endpoints), 3 engines, 3 agents
(n1 zone=eu on :8091, n2 zone=eu on :8092, n3 zone=us on :8093).
Logs and sockets under $demo. Try, in another terminal:

  build/release/controller/rtmanager nodes --server http://127.0.0.1:8091
  build/release/controller/rtmanager get -o wide --server http://127.0.0.1:8092
  # pin a game or select a zone: add to a manifest's spec
  #   nodeName: n3            or      nodeSelector: {zone: us}
  # lose a host (its agent and its engine), watch its games move within ~40 s:
  kill -9 \$(pgrep -f -- "--node n2 ") && scripts/docker-engines.sh kill $demo/engines n2
  DOCKER_HOST=unix://$demo/engines/n1/docker.sock docker ps

Ctrl-C stops everything.
TRY
wait
