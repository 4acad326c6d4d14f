#!/usr/bin/env bash
# The README's test command (and CI's): installs what is missing, builds
# with AddressSanitizer + UBSan, makes sure dockerd runs and the demo images
# exist, then runs every suite: unit, store, Docker integration, end-to-end;
# then, for a full run (no ctest arguments), each fuzz target for
# $RTM_FUZZ_SECONDS (default 20) seconds (scripts/fuzz.sh). The fuzz
# targets build while the suites run, at the lowest CPU priority, so that
# the build takes only what the suites leave idle (they wait on engines
# and etcd much of the time).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh asan
scripts/ensure-docker.sh
scripts/build-demo-image.sh
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/test/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fuzz_build=""
if (($# == 0)); then
  mkdir -p build
  # A session of its own, so that a failed run stops the whole build.
  setsid nice -n 19 scripts/fuzz.sh 0 >build/fuzz-build.log 2>&1 &
  fuzz_build=$!
  trap '[ -n "$fuzz_build" ] && kill -- "-$fuzz_build" 2>/dev/null; true' EXIT
fi
ctest --test-dir build/asan --output-on-failure --timeout 300 -j2 "$@"
if [ -n "$fuzz_build" ]; then
  if ! wait "$fuzz_build"; then
    fuzz_build=""
    cat build/fuzz-build.log >&2
    echo "the fuzz targets did not build" >&2
    exit 1
  fi
  fuzz_build=""
  scripts/fuzz.sh "${RTM_FUZZ_SECONDS:-20}"
fi
