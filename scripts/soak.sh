#!/usr/bin/env bash
# soak.sh [MINUTES] [RTMANAGER_BINARY] — the chaos soak (test/faults/soak.py,
# docs/reliability.md "Chaos soak"): 20 games driven through random
# desired-state changes while the controller, the engine and the games'
# containers are killed, with the invariants checked every 100 ms; then
# everything must converge. Runs on a Docker engine of its own, in a network
# namespace (scripts/docker-engines.sh; needs root), stopped at the end.
# MINUTES defaults to 2 (CI's mode), the binary to the sanitizer build's.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${1:-2}
binary=$(readlink -f "${2:-build/asan/controller/rtmanager}")
engines_dir=$(mktemp -d /tmp/rtm-soak-engine-XXXXXX)
cleanup() {
  scripts/docker-engines.sh stop "$engines_dir" >/dev/null 2>&1 || true
  rm -rf "$engines_dir"
}
trap cleanup EXIT
scripts/docker-engines.sh start "$engines_dir" soak >/dev/null
python3 test/faults/soak.py --binary "$binary" --engines-script "$PWD/scripts/docker-engines.sh" \
  --engines-dir "$engines_dir" --engine soak --minutes "$minutes" ${RTM_SOAK_SEED:+--seed "$RTM_SOAK_SEED"}
