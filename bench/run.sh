#!/usr/bin/env bash
# bench/run.sh [--smoke] [--out FILE] [extra suite.py flags]
# Builds Release, makes sure dockerd, the demo images and the peer tools
# (docker-compose, wrk) exist, runs every scenario of bench/suite.py against
# the real engine and writes a Markdown report (default bench/reports/latest.md).
# --smoke: a few runs and small N (< 2 minutes); what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/build.sh release
scripts/ensure-docker.sh
if ! docker image inspect rtmanager/demo-game:1 rtmanager/demo-game:2 >/dev/null 2>&1; then
  scripts/build-demo-image.sh
fi
missing=()
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v wrk >/dev/null || missing+=(wrk)
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}"
fi
# Run copies of the binaries: a concurrent rebuild must not swap them mid-run.
bin=$(mktemp -d /tmp/rtm-bench-bin.XXXXXX)
trap 'rm -rf "$bin"' EXIT
cp build/release/controller/rtmanager build/release/bench/rtm_bench_docker_calls "$bin/"
python3 bench/suite.py --binary "$bin/rtmanager" --floor-binary "$bin/rtm_bench_docker_calls" "$@"
