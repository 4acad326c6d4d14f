#!/usr/bin/env bash
# Extra Docker engines on this machine, one per simulated host, for the
# cluster tests and the cluster demo. Each engine runs in a network
# namespace of its own (its docker0, bridges and iptables are its own;
# never in the host namespace, which would take the main engine's docker0),
# with its own data root, exec root and socket under DIR/<name>/, and gets
# the demo images copied in (there is no registry).
#
#   scripts/docker-engines.sh start DIR NAME...   start engines, wait, load images
#   scripts/docker-engines.sh kill DIR NAME       kill -9 every process of one engine (a lost host)
#   scripts/docker-engines.sh restart DIR NAME    start a killed engine again
#   scripts/docker-engines.sh stop DIR [NAME...]  stop engines and remove everything they left
#
# Each engine's socket: unix://DIR/<name>/docker.sock. Needs root.
set -euo pipefail

images=(rtmanager/demo-game:1 rtmanager/demo-game:2)

namespace_of() { echo "rtm-$(basename "$1")-$2"; }

start_one() {
  local dir=$1 name=$2
  local home=$dir/$name ns
  ns=$(namespace_of "$dir" "$name")
  mkdir -p "$home"
  if ! grep -qw "$ns" < <(ip netns list); then
    ip netns add "$ns"
    ip netns exec "$ns" ip link set lo up
  fi
  # Stale after a kill: a reused pid makes dockerd wait for a containerd
  # that is not there.
  rm -f "$home/docker.pid" "$home/exec/containerd/containerd.pid"
  nsenter --net="/var/run/netns/$ns" dockerd --data-root "$home/data" \
    --exec-root "$home/exec" --pidfile "$home/docker.pid" \
    -H "unix://$home/docker.sock" >>"$home/dockerd.log" 2>&1 &
}

await_one() {
  local dir=$1 name=$2
  for _ in $(seq 1 300); do
    if DOCKER_HOST="unix://$dir/$name/docker.sock" docker info >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.1
  done
  echo "docker-engines: engine $name did not start; see $dir/$name/dockerd.log" >&2
  return 1
}

load_images() {
  local dir=$1 name=$2
  local archive=$dir/images.tar
  [ -f "$archive" ] || docker save "${images[@]}" -o "$archive"
  DOCKER_HOST="unix://$dir/$name/docker.sock" docker load -q -i "$archive" >/dev/null
}

# Every process of one engine: dockerd, its containerd, the shims and
# proxies whose command line names the engine's folder, and their children.
pids_of() {
  local home=$1/$2
  pgrep -f -- "$home/" || true
}

kill_one() {
  local dir=$1 name=$2 pids
  for _ in 1 2 3; do
    pids=$(pids_of "$dir" "$name")
    [ -z "$pids" ] && break
    # The containers die with their shims.
    kill -9 $pids 2>/dev/null || true
    sleep 0.2
  done
}

clean_one() {
  local dir=$1 name=$2 ns
  ns=$(namespace_of "$dir" "$name")
  kill_one "$dir" "$name"
  { grep -o " $dir/$name/[^ ]*" /proc/mounts || true; } | sort -r |
    while read -r mount; do umount -l "$mount" 2>/dev/null || true; done
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "${dir:?}/$name"
}

command=${1:-}
dir=${2:-}
[ -n "$command" ] && [ -n "$dir" ] || { sed -n '2,16p' "$0"; exit 2; }
shift 2
dir=$(realpath -m "$dir")
mkdir -p "$dir"
case "$command" in
  start)
    for name in "$@"; do start_one "$dir" "$name"; done
    for name in "$@"; do await_one "$dir" "$name"; done
    for name in "$@"; do load_images "$dir" "$name"; done
    ;;
  kill)
    kill_one "$dir" "$1"
    ;;
  restart)
    start_one "$dir" "$1"
    await_one "$dir" "$1"
    ;;
  stop)
    names=("$@")
    if [ ${#names[@]} -eq 0 ]; then
      mapfile -t names < <(find "$dir" -mindepth 1 -maxdepth 1 -type d -printf '%f\n')
    fi
    for name in "${names[@]}"; do
      pid=$(cat "$dir/$name/docker.pid" 2>/dev/null || true)
      [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    done
    sleep 1
    for name in "${names[@]}"; do clean_one "$dir" "$name"; done
    rm -f "$dir/images.tar"
    ;;
  *)
    echo "docker-engines: unknown command $command" >&2
    exit 2
    ;;
esac
