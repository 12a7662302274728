#!/usr/bin/env bash
# scripts/fuzz.sh - run every libFuzzer harness of tests/fuzz for a while.
#
#   scripts/fuzz.sh [HARNESS...]       (default: all of them)
#
# Builds ./build-fuzz with clang and -DCCHC_FUZZ=ON (scripts/setup.sh), then
# runs each harness for CCHC_FUZZ_SECONDS (default 60) on a copy of its
# corpus, tests/fuzz/corpus/<name>. A crash stops that harness and leaves
# its input as tests/fuzz/corpus/<name>/crash-<sha1>: fix the code, keep the
# file (the replay test then checks it forever). Exits non-zero if a harness
# crashed. Prints, per harness, the seconds run and the executions made.
set -euo pipefail

cd "$(dirname "$0")/.."
seconds=${CCHC_FUZZ_SECONDS:-60}
harnesses=("$@")
if ((${#harnesses[@]} == 0)); then
    harnesses=(decode push catalog policy config principals)
fi
targets=()
for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done

CC=clang scripts/setup.sh --build-dir=build-fuzz -DCCHC_FUZZ=ON >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for h in "${harnesses[@]}"; do
    mkdir -p "$work/$h"
    log="$work/$h.log"
    if build-fuzz/tests/fuzz/"fuzz_$h" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 \
        -artifact_prefix="tests/fuzz/corpus/$h/" "$work/$h" "tests/fuzz/corpus/$h" >"$log" 2>&1; then
        result=ok
    else
        result=CRASH
        status=1
        tail -n 40 "$log" >&2
    fi
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    [ -n "$execs" ] || execs=$(grep -o '#[0-9]*' "$log" | tail -n 1 | tr -d '#')
    echo "fuzz_$h: $result, ${seconds} s, ${execs:-?} executions"
done
exit "$status"
