#!/usr/bin/env bash
# The README's test command (and CI's): installs what is missing, builds
# with AddressSanitizer + UBSan, makes sure dockerd runs and the demo images
# exist, then runs every suite: unit, store, Docker integration, end-to-end;
# then, for a full run (no ctest arguments), each fuzz target for
# $RTM_FUZZ_SECONDS (default 20) seconds (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh asan
scripts/ensure-docker.sh
scripts/build-demo-image.sh
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/test/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir build/asan --output-on-failure --timeout 300 -j2 "$@"
if (($# == 0)); then
  scripts/fuzz.sh "${RTM_FUZZ_SECONDS:-20}"
fi
