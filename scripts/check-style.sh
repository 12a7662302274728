#!/usr/bin/env bash
# scripts/check-style.sh - is every C file of the tree in the project's one
# style (.clang-format)? Lists the files that differ and exits 1; exits 0
# when all match; 77 when clang-format 14 (Debian 12's) is missing, since
# other versions lay the same rules out differently.
#
#   scripts/check-style.sh          check (the ctest test "style")
#   scripts/check-style.sh --fix    rewrite the files that differ
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null || ! clang-format --version | grep -q 'version 14\.'; then
    echo "style: clang-format 14 not found (apt-get install clang-format); not checked" >&2
    exit 77
fi
mapfile -t files < <(find base proto store catalog daemons tools tests -name '*.[ch]' | sort)
if [ "${1:-}" = --fix ]; then
    clang-format -i "${files[@]}"
    exit 0
fi
bad=()
for f in "${files[@]}"; do
    clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if ((${#bad[@]})); then
    printf 'style: %s differs from .clang-format\n' "${bad[@]}" >&2
    echo "style: scripts/check-style.sh --fix rewrites them" >&2
    exit 1
fi
echo "style: ${#files[@]} files match .clang-format"
