#!/bin/sh
# run_bench.sh - measure how fast a real cchc-intaked takes events with
# durable acknowledgements, through the client library (bench_push) and
# through the command-line tool (`cchc push` reading JSON lines).
#
# Usage: tests/bench/run_bench.sh [BUILD_DIR]
#   BUILD_DIR  the CMake build directory (default: ./build) holding
#              daemons/intake/cchc-intaked, tools/cchc, tests/bench/bench_push
# Environment: COUNT (events, default 200000), WINDOW (in flight, default 1000).
#
# Each measurement starts its own daemon on a free loopback port with a fresh
# state directory under a temporary directory, on a test clock set to the end
# of 2026 so that the 2025 receipt times are not "in the future". Nothing is
# left behind. Figures depend on the machine, mostly on fsync latency.
set -eu

BUILD=${1:-build}
COUNT=${COUNT:-200000}
WINDOW=${WINDOW:-1000}
CLOCK=2026-12-31T00:00:00+07:00

INTAKED=$BUILD/daemons/intake/cchc-intaked
CCHC=$BUILD/tools/cchc
BENCH=$BUILD/tests/bench/bench_push
for f in "$INTAKED" "$CCHC" "$BENCH"; do
    if [ ! -x "$f" ]; then
        echo "run_bench.sh: $f is missing; build with: make -C $BUILD cchc-intaked cchc bench_push" >&2
        exit 2
    fi
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/cchc-bench.XXXXXX")
DAEMON_PID=

stop_daemon() {
    if [ -n "$DAEMON_PID" ]; then
        kill -TERM "$DAEMON_PID" 2>/dev/null || true
        wait "$DAEMON_PID" 2>/dev/null || true
        DAEMON_PID=
    fi
}
cleanup() {
    stop_daemon
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_daemon NAME: a fresh intake in $TMP/NAME; sets EP and DAEMON_PID.
start_daemon() {
    port=$(free_port)
    EP=tcp://127.0.0.1:$port
    mkdir -p "$TMP/$1"
    "$INTAKED" --state-dir="$TMP/$1" --listen="$EP" --test-clock="$CLOCK" \
        --log-level=warning 2>"$TMP/$1.log" &
    DAEMON_PID=$!
    # Ready when it answers a ping (the daemon binds after opening LMDB).
    i=0
    until "$CCHC" --intake="$EP" --timeout=200 ctl intake ping >/dev/null 2>&1; do
        i=$((i + 1))
        if [ $i -ge 50 ] || ! kill -0 "$DAEMON_PID" 2>/dev/null; then
            echo "run_bench.sh: cchc-intaked did not start:" >&2
            cat "$TMP/$1.log" >&2
            exit 1
        fi
    done
}

now() { date +%s.%N; }

echo "== machine: $(nproc) CPUs, $(uname -sr); state in $TMP ($(df -PT "$TMP" | awk 'NR==2 {print $2}'))"
echo "== $COUNT received events, window $WINDOW, durable acks (LMDB commit before each ACK)"
echo

echo "-- 1. client library: $BENCH --intake=EP --count=$COUNT --window=$WINDOW"
start_daemon lib
"$BENCH" --intake="$EP" --count="$COUNT" --window="$WINDOW" --prefix=lib-
"$CCHC" --intake="$EP" ctl intake stats | grep -E '^(log_head|accepted|batches|max_batch):'
stop_daemon
echo

echo "-- 2. command-line tool: cchc push --window=$WINDOW < events.jsonl (ISO times, JSON results)"
python3 - "$COUNT" >"$TMP/events.jsonl" <<'EOF'
import sys, time
count = int(sys.argv[1])
first = 1735779600  # 2025-01-02T08:00:00+07:00, a Thursday
out = sys.stdout
for i in range(count):
    t = first + ((i // 997) % 250) * 86400 + (i * 7919) % (8 * 3600)
    wd = ((t + 7 * 3600) // 86400 + 3) % 7  # 0 = Monday
    if wd >= 5:
        t += (7 - wd) * 86400
    at = time.strftime("%Y-%m-%dT%H:%M:%S+07:00", time.gmtime(t + 7 * 3600))
    out.write('{"eid":"cli-e%d","type":"received","at":"%s","dossier":"cli-d%d",'
              '"proc":"TP-LLTP","unit":"TTHCC","channel":"%s"}\n'
              % (i, at, i, "online" if i % 3 == 0 else "direct"))
EOF
start_daemon cli
t0=$(now)
status=0
"$CCHC" --intake="$EP" --who=bench --units=TTHCC push --window="$WINDOW" \
    <"$TMP/events.jsonl" >"$TMP/results.jsonl" || status=$?
t1=$(now)
stop_daemon
ok=$(grep -c '"status":"ok"' "$TMP/results.jsonl" || true)
awk -v n="$COUNT" -v ok="$ok" -v t0="$t0" -v t1="$t1" -v st="$status" 'BEGIN {
    printf "cchc push: exit %d, %d of %d ok, wall %.3f s: %.0f events/s acknowledged durably\n",
           st, ok, n, t1 - t0, n / (t1 - t0) }'
