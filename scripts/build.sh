#!/usr/bin/env bash
# build.sh [release|debug|asan] [TARGET...] — configures and builds into
# build/<kind>: every target, or only the named ones (ninja targets, e.g.
# `scripts/build.sh release rtmanager` builds just the controller binary).
set -euo pipefail
cd "$(dirname "$0")/.."

kind=${1:-release}
if (($#)); then shift; fi
case "$kind" in
  release) flags=(-DCMAKE_BUILD_TYPE=Release) ;;
  debug) flags=(-DCMAKE_BUILD_TYPE=Debug) ;;
  asan) flags=(-DCMAKE_BUILD_TYPE=Debug -DRTM_SANITIZE=ON) ;;
  *) echo "usage: $0 [release|debug|asan] [TARGET...]" >&2; exit 2 ;;
esac

cmake -S . -B "build/$kind" -G Ninja "${flags[@]}" >/dev/null
ninja -C "build/$kind" "$@"
