#!/usr/bin/env bash
# scripts/setup.sh - make a fresh Debian 12 machine able to build cchc, then
# configure and build it.
#
#   scripts/setup.sh [--build-dir=DIR] [-DCMAKE_OPTION=VALUE ...]
#
# 1. Installs the Debian packages below that are missing (checked one by one
#    with dpkg-query; `apt-get update` runs once, and only if something is
#    missing). Needs root, or sudo, only when a package is missing.
# 2. Configures with CMake into DIR (default ./build; extra arguments go to
#    cmake, e.g. -DCCHC_SANITIZE=ON) and builds everything.
# Running it again does only what is left to do.
set -euo pipefail

cd "$(dirname "$0")/.."
build_dir=build
cmake_args=()
for arg in "$@"; do
    case "$arg" in
        --build-dir=*) build_dir=${arg#--build-dir=} ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) cmake_args+=("$arg") ;;
    esac
done

packages=(
    build-essential cmake pkg-config clang # clang: the second compiler CI builds with
    libzmq3-dev liblmdb-dev lmdb-utils libmsgpack-dev libsystemd-dev
    libcmocka-dev libinih-dev libjansson-dev
    libxlsxwriter-dev # cchc report --format=xlsx
    libsodium-dev # the hotline's personal data sealed at rest
    clang-format # scripts/check-style.sh, the test "style"
    man-db groff-base # man -l renders the man pages (test cli_conventions)
    bash-completion # loads deploy/cchc.bash on demand in interactive shells
    python3
    systemd # systemd-analyze, for the unit tests of deploy/
    systemd-container debootstrap # systemd-nspawn and its root: the test systemd_boot
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
        missing+=("$p")
    fi
done

if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}" >&2
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null; then
            sudo=(sudo)
        else
            echo "setup: missing packages (${missing[*]}); run as root or install sudo" >&2
            exit 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
    echo "setup: all packages present" >&2
fi

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B "$build_dir" "${cmake_args[@]}"
cmake --build "$build_dir" -j "$jobs"
echo "setup: built into $build_dir" >&2
