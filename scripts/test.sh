#!/usr/bin/env bash
# scripts/test.sh - build and run every test on this machine.
#
#   scripts/test.sh [ctest arguments, e.g. -L integration or -R systemd]
#
# Runs scripts/setup.sh (missing Debian packages, configure, build into
# ./build), then `ctest --output-on-failure` in ./build, and exits with
# ctest's status. With CCHC_SANITIZE_PASS=1 it then builds ./build-asan with
# -DCCHC_SANITIZE=ON (AddressSanitizer + UndefinedBehaviorSanitizer) and runs
# the tests there too; the exit status is then non-zero if either pass failed.
# With CCHC_RELEASE_PASS=1 it also builds ./build-release (gcc, Release) and
# ./build-clang (clang, RelWithDebInfo) and runs their unit tests. With
# CCHC_FUZZ_PASS=1 it runs every fuzz harness for CCHC_FUZZ_SECONDS (default
# 30) each (scripts/fuzz.sh, ./build-fuzz).
# CTEST_PARALLEL_LEVEL (default: the number of CPUs) sets how many tests run
# at once.
set -euo pipefail

cd "$(dirname "$0")/.."
export CTEST_PARALLEL_LEVEL=${CTEST_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}

run_pass() { # run_pass BUILD_DIR [cmake args...]
    local dir=$1
    shift
    # Explicit returns: `set -e` does not apply inside `run_pass ... || ...`.
    scripts/setup.sh --build-dir="$dir" "$@" || return
    echo "test: ctest in $dir" >&2
    (cd "$dir" && ctest --output-on-failure --no-tests=error "${ctest_args[@]}") || return
}

ctest_args=("$@")
status=0
run_pass build || status=$?
if [ "${CCHC_SANITIZE_PASS:-0}" = 1 ]; then
    # halt_on_error: a sanitizer report fails the test that triggered it.
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=1}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    run_pass build-asan -DCCHC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug || {
        rc=$?
        [ "$status" -ne 0 ] || status=$rc
    }
fi
if [ "${CCHC_RELEASE_PASS:-0}" = 1 ]; then
    # The build types packagers use, with both compilers: they must compile
    # as cleanly as the default one (warnings are errors); the unit tests
    # run on each.
    for pass in "build-release gcc Release" "build-clang clang RelWithDebInfo"; do
        set -- $pass
        (ctest_args=(-L unit) && CC=$2 run_pass "$1" -DCMAKE_BUILD_TYPE="$3") || {
            rc=$?
            [ "$status" -ne 0 ] || status=$rc
        }
    done
fi
if [ "${CCHC_FUZZ_PASS:-0}" = 1 ]; then
    CCHC_FUZZ_SECONDS=${CCHC_FUZZ_SECONDS:-30} scripts/fuzz.sh || {
        rc=$?
        [ "$status" -ne 0 ] || status=$rc
    }
fi
exit "$status"
