#!/usr/bin/env bash
# fuzz.sh [SECONDS] [TARGET...] — builds the libFuzzer targets of test/fuzz/
# with clang 16 (build/fuzz) and runs each for SECONDS (default 60): every
# target, or only the named ones (manifest api_request docker_wire
# store_codec), as many at once as there are cores. SECONDS 0 only builds.
# Each starts from its committed corpus (test/fuzz/corpus/T/) plus what
# earlier runs found (build/fuzz/corpus/T/, where new inputs go).
# A finding (crash, broken property, timeout, out-of-memory) is written to
# build/fuzz/findings/ and makes the script fail; fix it, then commit the
# input as test/fuzz/corpus/T/regress_<what> so that the corpus replay test
# (rtm_fuzz_corpus_tests) keeps it fixed. Prints each target's executions,
# rate and coverage.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
if (($#)); then shift; fi
targets=("$@")
((${#targets[@]})) || targets=(manifest api_request docker_wire store_codec)

scripts/install-deps.sh
CXX=clang++-16 cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DRTM_FUZZ=ON >/dev/null
ninja -C build/fuzz "${targets[@]/%/_fuzzer}"
((seconds > 0)) || exit 0

# Runs `target` for `seconds`; its exit status is in build/fuzz/$target.status.
run_target() {
  local target=$1 status=0
  local corpus=build/fuzz/corpus/$target
  mkdir -p "$corpus"
  # -timeout: one input taking longer is a finding; the outer timeout ends
  # a fuzzer stuck where libFuzzer cannot stop it.
  timeout -s KILL $((seconds + 120)) "build/fuzz/test/fuzz/${target}_fuzzer" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="build/fuzz/findings/$target-" \
    "$corpus" "test/fuzz/corpus/$target" >"build/fuzz/$target.log" 2>&1 || status=$?
  echo "$status" >"build/fuzz/$target.status"
}

mkdir -p build/fuzz/findings
cores=$(nproc)
for target in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= cores)); do wait -n || true; done
  run_target "$target" &
done
wait

failed=()
for target in "${targets[@]}"; do
  log=build/fuzz/$target.log
  status=$(cat "build/fuzz/$target.status")
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
  coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
  printf '%-12s %ss: %s runs, %s/s, %s, corpus %s files, peak %s MB\n' "$target" "$seconds" \
    "${runs:-?}" "${rate:-?}" "${coverage:-cov: ?}" "$(ls "build/fuzz/corpus/$target" | wc -l)" \
    "${rss:-?}"
  if ((status != 0)); then
    failed+=("$target")
    echo "FINDING in $target (exit $status):" >&2
    grep -E 'ERROR|property broken|runtime error|Test unit written' "$log" | head -5 >&2 || true
    echo "  log: $log" >&2
  fi
done
if ((${#failed[@]})); then
  echo "fuzz findings in: ${failed[*]} (inputs in build/fuzz/findings/)" >&2
  exit 1
fi
