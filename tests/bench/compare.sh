#!/bin/sh
# compare.sh - cchc side by side with its ceilings and with the peer a user
# would pick, in one run, on this machine, printed as one table.
#
# Usage: tests/bench/compare.sh [BUILD_DIR]      (default ./build)
#
# What it measures, each on its own free loopback port and fresh state in
# one temporary directory (removed at the end, daemons stopped):
#  1. ceilings: ZeroMQ PUSH -> PULL over TCP loopback, 120-byte messages
#     (bench_zmq); LMDB durable appends, MDB_APPEND, 1 024 records per
#     synced commit (bench_lmdb). Nothing that receives over ZeroMQ and
#     stores in LMDB durably goes faster.
#  2. the peer: Redis Streams, XADD of the same events (about 150 bytes of
#     fields), pipelined PIPELINE (64), 1 and CONNECTIONS (8) clients
#     (bench_redis), against redis-server with appendonly yes and
#     appendfsync always (every reply after its fsync, as cchc's acks),
#     then everysec (up to a second of acknowledged writes lost on a
#     crash). Debian's redis-server is installed with apt-get if missing,
#     for this benchmark only (REDIS=no skips the peer; its service is
#     stopped again if the package started one).
#  3. cchc-intaked, fresh store: `received` events with full validation
#     and durable acks (bench_push, window WINDOW), 1 and CONNECTIONS
#     connections, sequential and random UUID v4 event and dossier ids;
#     `cchc push` from JSON-lines files (written before, not timed), 1 and
#     CONNECTIONS processes at once.
#  4. cchc-intaked with PRELOAD events already in its store (pushed through
#     the daemon itself, PRELOAD_IDS ids, CONNECTIONS connections): the same four
#     bench_push runs; its disk use per million events (du, and the pages
#     LMDB uses by mdb_stat -e) and its memory.
#  5. bench_pipeline.py: hotline contacts and complaints, a province's mix
#     of dossier events (YEAR_DOSSIERS dossiers), then cchc-scoringd from an
#     empty state until it has read both logs (records/s from start-up),
#     scoring's state size, each daemon's VmRSS, VmHWM and RssAnon.
#
# Environment (sizes; the defaults take a few minutes on 2 cores):
#   COUNT=200000        events of each ingest run (cchc and Redis)
#   CONNECTIONS=8       the "several clients" runs
#   WINDOW=1000         events in flight per cchc connection
#   PIPELINE=64         Redis commands per pipeline
#   PRELOAD=1000000     events in the store before the preloaded runs
#                       (10000000: about 2.3 GB of store, 40 s more)
#   PRELOAD_IDS=seq     ids of the preloaded events: seq, or uuid (as many
#                       clients choose them)
#   YEAR_DOSSIERS=200000 YEAR_CONTACTS=100000 YEAR_COMPLAINTS=20000
#                       the pipeline's volume (a province-year: 1150000,
#                       100000, 40000)
#   ZMQ_COUNT=5000000 LMDB_COUNT=1000000   the ceilings' sizes
#   REDIS=yes           no: leave the peer out (no install)
#   TABLE=text          markdown: the table as README.md shows it
#   TMPDIR              where the state goes (its filesystem is printed)
#
# The ratio columns: a cchc rate over Redis AOF always with as many
# connections; over the LMDB and ZeroMQ ceilings. Figures depend on the
# machine (fsync latency first) and on what else runs on it: the load
# average is printed before and after.
set -eu

BUILD=${1:-build}
COUNT=${COUNT:-200000}
CONNECTIONS=${CONNECTIONS:-8}
WINDOW=${WINDOW:-1000}
PIPELINE=${PIPELINE:-64}
PRELOAD=${PRELOAD:-1000000}
PRELOAD_IDS=${PRELOAD_IDS:-seq}
YEAR_DOSSIERS=${YEAR_DOSSIERS:-200000}
YEAR_CONTACTS=${YEAR_CONTACTS:-100000}
YEAR_COMPLAINTS=${YEAR_COMPLAINTS:-20000}
ZMQ_COUNT=${ZMQ_COUNT:-5000000}
LMDB_COUNT=${LMDB_COUNT:-1000000}
REDIS=${REDIS:-yes}
TABLE=${TABLE:-text}
CLOCK=2026-12-31T00:00:00+07:00
HERE=$(cd "$(dirname "$0")" && pwd)
N=$CONNECTIONS

INTAKED=$BUILD/daemons/intake/cchc-intaked
CCHC=$BUILD/tools/cchc
B=$BUILD/tests/bench
for f in "$INTAKED" "$CCHC" "$BUILD/daemons/hotline/cchc-hotlined" \
    "$BUILD/daemons/scoring/cchc-scoringd" "$B/bench_push" "$B/bench_zmq" "$B/bench_lmdb" \
    "$B/bench_redis"; do
    if [ ! -x "$f" ]; then
        echo "compare.sh: $f is missing; build first: scripts/setup.sh --build-dir=$BUILD" >&2
        exit 2
    fi
done
for v in "$COUNT" "$CONNECTIONS" "$WINDOW" "$PIPELINE" "$PRELOAD" "$YEAR_DOSSIERS" \
    "$YEAR_CONTACTS" "$YEAR_COMPLAINTS" "$ZMQ_COUNT" "$LMDB_COUNT"; do
    case $v in
    '' | *[!0-9]*)
        echo "compare.sh: sizes are whole numbers ($v)" >&2
        exit 2
        ;;
    esac
done
# one_of NAME VALUE CHOICE...: exit 2 unless VALUE is one of the CHOICEs.
one_of() {
    name=$1
    value=$2
    shift 2
    for choice in "$@"; do
        [ "$value" = "$choice" ] && return 0
    done
    echo "compare.sh: $name is one of: $*" >&2
    exit 2
}
one_of PRELOAD_IDS "$PRELOAD_IDS" seq uuid
one_of TABLE "$TABLE" text markdown
one_of REDIS "$REDIS" yes no
if [ "$CONNECTIONS" -lt 2 ] || [ "$COUNT" -lt "$CONNECTIONS" ]; then
    echo "compare.sh: CONNECTIONS must be at least 2 and at most COUNT" >&2
    exit 2
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/cchc-compare.XXXXXX")
FIG=$TMP/figures # lines "KEY VALUE"
PIDS=            # what this script started and has not seen end: stopped at exit
START=$(date +%s)

# forget PID: PID has ended; no longer stopped at exit.
forget() {
    rest=
    for p in $PIDS; do
        [ "$p" = "$1" ] || rest="$rest $p"
    done
    PIDS=$rest
}
# stop PID: stop one process this script started and wait for it.
stop() {
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    forget "$1"
}
# run COMMAND...: run a program and wait for it; in the background, so that
# a signal to this script ends the wait at once and cleanup stops the
# program. Returns its exit status.
run() {
    "$@" &
    pid=$!
    PIDS="$PIDS $pid"
    rc=0
    wait "$pid" || rc=$?
    forget "$pid"
    return $rc
}
cleanup() {
    for p in $PIDS; do
        stop "$p"
    done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
now() { date +%s.%N; }
say() { printf '%s\n' "$*"; }

# put KEY VALUE: record a figure.
put() { echo "$1 $2" >>"$FIG"; }
# fig KEY: a recorded figure, empty when there is none.
fig() { awk -v k="$1" '$1 == k { v = $2 } END { print v }' "$FIG"; }
# calc EXPR: an awk expression of numbers.
calc() { awk "BEGIN { print $1 }"; }

# measure PREFIX COMMAND...: run a benchmark program, show what it says,
# record its "figure KEY VALUE" lines as PREFIX.KEY. Fails when it fails.
measure() {
    prefix=$1
    shift
    status=0
    run "$@" >"$TMP/out" 2>&1 || status=$?
    grep -v '^figure ' "$TMP/out" | sed 's/^/     /'
    awk -v p="$prefix" '$1 == "figure" { print p "." $2, $3 }' "$TMP/out" >>"$FIG"
    if [ $status -ne 0 ]; then
        echo "compare.sh: $* exited $status" >&2
        exit 1
    fi
}

# memory PREFIX PID: record VmRSS, VmHWM and RssAnon (the process's own
# memory, without LMDB's mapped file pages) of PID in MiB as PREFIX.rss,
# .hwm, .anon.
memory() {
    awk -v p="$1" '$1 == "VmRSS:" { print p ".rss", $2 / 1024 }
                   $1 == "VmHWM:" { print p ".hwm", $2 / 1024 }
                   $1 == "RssAnon:" { print p ".anon", $2 / 1024 }' "/proc/$2/status" >>"$FIG"
}

# du_mib DIR: MiB of disk DIR uses.
du_mib() { du -sk "$1" | awk '{ print $1 / 1024 }'; }

# start_intake NAME: a fresh cchc-intaked with state in $TMP/NAME; sets EP
# and DAEMON.
start_intake() {
    EP=tcp://127.0.0.1:$(free_port)
    mkdir -p "$TMP/$1"
    "$INTAKED" --state-dir="$TMP/$1" --listen="$EP" --test-clock="$CLOCK" \
        --log-level=warning 2>"$TMP/$1.log" &
    DAEMON=$!
    PIDS="$PIDS $DAEMON"
    i=0
    until "$CCHC" --intake="$EP" --timeout=200 ctl intake ping >/dev/null 2>&1; do
        i=$((i + 1))
        if [ $i -ge 50 ] || ! kill -0 "$DAEMON" 2>/dev/null; then
            echo "compare.sh: cchc-intaked did not start:" >&2
            cat "$TMP/$1.log" >&2
            exit 1
        fi
    done
}

# intake_stat KEY: a figure of the running intake's stats.
intake_stat() {
    "$CCHC" --intake="$EP" ctl intake stats | awk -v k="$1:" '$1 == k { print $2 }'
}

# push_lib PREFIX CONNECTIONS IDS: bench_push against the running intake.
push_lib() {
    say "  - bench_push --connections=$2 --ids=$3 --count=$COUNT --window=$WINDOW"
    measure "$1" "$B/bench_push" --intake="$EP" --count="$COUNT" --window="$WINDOW" \
        --connections="$2" --ids="$3" --timeout=60000
}

# push_cli PREFIX PROCESSES: `cchc push` of COUNT events from PROCESSES
# JSON-lines files at once (each its own counter), into a fresh intake.
push_cli() {
    k=1
    while [ $k -le "$2" ]; do
        "$B/bench_push" --jsonl --count=$((COUNT / $2)) --prefix="cli$k-" >"$TMP/events-$k.jsonl"
        k=$((k + 1))
    done
    start_intake "$1"
    say "  - cchc push --window=$WINDOW < events.jsonl, $2 process(es) at once"
    t0=$(now)
    pids=
    k=1
    while [ $k -le "$2" ]; do
        "$CCHC" --intake="$EP" --who="bench-$k" --units=TTHCC --timeout=60000 push \
            --window="$WINDOW" <"$TMP/events-$k.jsonl" >"$TMP/results-$k.jsonl" \
            2>"$TMP/push-$k.log" &
        pids="$pids $!"
        PIDS="$PIDS $!"
        k=$((k + 1))
    done
    failed=0
    for p in $pids; do
        wait "$p" || failed=1
        forget "$p"
    done
    t1=$(now)
    ok=$(cat "$TMP"/results-*.jsonl | grep -c '"status":"ok"' || true)
    total=$((COUNT / $2 * $2))
    rm -f "$TMP"/events-*.jsonl "$TMP"/results-*.jsonl
    stop "$DAEMON"
    if [ $failed -ne 0 ] || [ "$ok" -ne "$total" ]; then
        cat "$TMP"/push-*.log >&2
        echo "compare.sh: cchc push: $ok of $total acknowledged" >&2
        exit 1
    fi
    rm -f "$TMP"/push-*.log
    rate=$(calc "$total / ($t1 - $t0)")
    say "     $total events acknowledged in $(calc "$t1 - $t0") s: $rate events/s"
    put "$1.rate" "$rate"
}

# ensure_redis: redis-server on the PATH, installed from Debian if missing.
ensure_redis() {
    command -v redis-server >/dev/null && return 0
    sudo=
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || return 1
        sudo=sudo
    fi
    say "  - installing Debian's redis-server (for this benchmark only)"
    export DEBIAN_FRONTEND=noninteractive
    if ! $sudo apt-get install -y -q --no-install-recommends redis-server >"$TMP/apt.log" 2>&1; then
        $sudo apt-get update -q >>"$TMP/apt.log" 2>&1 || true
        if ! $sudo apt-get install -y -q --no-install-recommends redis-server \
            >>"$TMP/apt.log" 2>&1; then
            tail -5 "$TMP/apt.log" >&2
            return 1
        fi
    fi
    # The package starts its own service where an init system lets it: not ours.
    if [ -x /etc/init.d/redis-server ]; then
        $sudo /etc/init.d/redis-server stop >/dev/null 2>&1 || true
    fi
    command -v redis-server >/dev/null
}

# redis_run MODE: redis-server with appendfsync MODE in $TMP/redis-MODE,
# COUNT XADDs from 1 client then from CONNECTIONS; its AOF size and memory.
redis_run() {
    dir=$TMP/redis-$1
    port=$(free_port)
    mkdir -p "$dir"
    redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --appendonly yes \
        --appendfsync "$1" --save '' --daemonize no --logfile "$dir/redis.log" &
    rpid=$!
    PIDS="$PIDS $rpid"
    i=0
    until [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ]; do
        i=$((i + 1))
        if [ $i -ge 100 ] || ! kill -0 "$rpid" 2>/dev/null; then
            echo "compare.sh: redis-server did not start:" >&2
            cat "$dir/redis.log" >&2
            exit 1
        fi
        sleep 0.1
    done
    for c in 1 "$N"; do
        say "  - bench_redis --clients=$c --pipeline=$PIPELINE --count=$COUNT (appendfsync $1)"
        measure "redis_$1_$c" "$B/bench_redis" --port="$port" --clients="$c" \
            --pipeline="$PIPELINE" --count="$COUNT"
    done
    memory "redis_$1" "$rpid"
    put "redis_$1.mib_per_million" "$(calc "$(du_mib "$dir") / ($COUNT * 2 / 1e6)")"
    stop "$rpid"
}

HEADER="$TMP/header"
{
    say "cchc compared: $(date '+%Y-%m-%d %H:%M %z')"
    say "command: COUNT=$COUNT CONNECTIONS=$N WINDOW=$WINDOW PIPELINE=$PIPELINE PRELOAD=$PRELOAD PRELOAD_IDS=$PRELOAD_IDS YEAR_DOSSIERS=$YEAR_DOSSIERS YEAR_CONTACTS=$YEAR_CONTACTS YEAR_COMPLAINTS=$YEAR_COMPLAINTS tests/bench/compare.sh $BUILD"
    say "machine: $(nproc) CPUs ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr); state in $TMP on $(df -PT "$TMP" | awk 'NR == 2 { print $2 }')"
    say "build: $BUILD, type $(awk -F= '/^CMAKE_BUILD_TYPE:/ { print $2 ? $2 : "RelWithDebInfo (default)" }' "$BUILD/CMakeCache.txt" 2>/dev/null), commit $(git -C "$HERE" describe --always --dirty 2>/dev/null || echo '?')"
    say "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$HEADER"
cat "$HEADER"
echo

say "== 1. ceilings"
say "  - bench_zmq --count=$ZMQ_COUNT"
measure zmq "$B/bench_zmq" --count="$ZMQ_COUNT"
mkdir -p "$TMP/lmdb"
say "  - bench_lmdb --count=$LMDB_COUNT --per-commit=1024"
measure lmdb "$B/bench_lmdb" --dir="$TMP/lmdb" --count="$LMDB_COUNT" --per-commit=1024
rm -rf "$TMP/lmdb"

say "== 2. the peer: Redis Streams"
if [ "$REDIS" = yes ] && ensure_redis; then
    redis_run always
    redis_run everysec
else
    say "  (left out: REDIS=$REDIS, or redis-server could not be installed)"
fi

say "== 3. cchc-intaked, fresh store"
for ids in seq uuid; do
    for c in 1 "$N"; do
        start_intake "fresh-$ids-$c"
        push_lib "fresh_${ids}_$c" "$c" "$ids"
        put "fresh_${ids}_$c.mib_per_million" "$(calc "$(du_mib "$TMP/fresh-$ids-$c") / ($COUNT / 1e6)")"
        stop "$DAEMON"
        rm -rf "$TMP/fresh-$ids-$c"
    done
done
push_cli cli_1 1
push_cli "cli_$N" "$N"

say "== 4. cchc-intaked with $PRELOAD events already stored"
start_intake preload
say "  - preload: bench_push --count=$PRELOAD --connections=$N --ids=$PRELOAD_IDS --window=4000"
t0=$(now)
run "$B/bench_push" --intake="$EP" --count="$PRELOAD" --window=4000 --connections="$N" \
    --ids="$PRELOAD_IDS" --timeout=60000 >"$TMP/out" 2>&1 || {
    cat "$TMP/out" >&2
    exit 1
}
say "     $(intake_stat log_head) events stored in $(calc "$(now) - $t0") s; store $(du_mib "$TMP/preload") MiB"
put preload.events "$(intake_stat log_head)"
for ids in seq uuid; do
    for c in 1 "$N"; do
        push_lib "preload_${ids}_$c" "$c" "$ids"
    done
done
events=$(intake_stat log_head)
pages=$(mdb_stat -e "$TMP/preload/db" | awk '/Number of pages used/ { print $NF }')
psize=$(mdb_stat -e "$TMP/preload/db" | awk '/Page size/ { print $NF }')
say "     store: $events events, $(du_mib "$TMP/preload") MiB on disk, $pages pages of $psize bytes used"
put preload.final_events "$events"
put intake.mib_per_million "$(calc "$(du_mib "$TMP/preload") / ($events / 1e6)")"
put intake.used_mib_per_million "$(calc "$pages * $psize / 1048576 / ($events / 1e6)")"
memory intake_preload "$DAEMON"
stop "$DAEMON"
rm -rf "$TMP/preload"

say "== 5. the pipeline: hotline, a province's dossier mix, scoring's replay"
say "  - bench_pipeline.py $BUILD $YEAR_DOSSIERS $YEAR_CONTACTS $YEAR_COMPLAINTS"
measure pipeline env TMPDIR="$TMP" python3 "$HERE/bench_pipeline.py" "$BUILD" \
    "$YEAR_DOSSIERS" "$YEAR_CONTACTS" "$YEAR_COMPLAINTS"

# Derived figures: how much an id's choice changes the rate.
for c in 1 "$N"; do
    s=$(fig "preload_seq_$c.rate")
    u=$(fig "preload_uuid_$c.rate")
    put "preload_uuid_over_seq_$c" "$(calc "$u / $s")"
done

# The table: label | figure key | unit | Redis key to divide by | ceilings?
# (a "-" leaves a column empty).
rows() {
    cat <<EOF
ceiling: ZeroMQ PUSH->PULL, tcp loopback, 120 B|zmq.rate|msg/s|-|-
ceiling: LMDB durable append, 1 024 per synced commit|lmdb.rate|rec/s|-|-
Redis XADD, AOF always, 1 client, pipeline $PIPELINE|redis_always_1.rate|ev/s|redis_always_1.rate|-
Redis XADD, AOF always, $N clients|redis_always_$N.rate|ev/s|redis_always_$N.rate|-
Redis XADD, AOF everysec, 1 client|redis_everysec_1.rate|ev/s|redis_always_1.rate|-
Redis XADD, AOF everysec, $N clients|redis_everysec_$N.rate|ev/s|redis_always_$N.rate|-
cchc lib, fresh store, sequential ids, 1 connection|fresh_seq_1.rate|ev/s|redis_always_1.rate|c
cchc lib, fresh store, sequential ids, $N connections|fresh_seq_$N.rate|ev/s|redis_always_$N.rate|c
cchc lib, fresh store, UUID ids, 1 connection|fresh_uuid_1.rate|ev/s|redis_always_1.rate|c
cchc lib, fresh store, UUID ids, $N connections|fresh_uuid_$N.rate|ev/s|redis_always_$N.rate|c
cchc push JSON lines, fresh store, 1 process|cli_1.rate|ev/s|redis_always_1.rate|c
cchc push JSON lines, fresh store, $N processes|cli_$N.rate|ev/s|redis_always_$N.rate|c
cchc lib ack latency p50, sequential, 1 connection|fresh_seq_1.p50_ms|ms|-|-
cchc lib ack latency p99, sequential, 1 connection|fresh_seq_1.p99_ms|ms|-|-
events in the store before the next four|preload.events|events|-|-
cchc lib, preloaded, sequential ids, 1 connection|preload_seq_1.rate|ev/s|redis_always_1.rate|c
cchc lib, preloaded, UUID ids, 1 connection|preload_uuid_1.rate|ev/s|redis_always_1.rate|c
cchc lib, preloaded, sequential ids, $N connections|preload_seq_$N.rate|ev/s|redis_always_$N.rate|c
cchc lib, preloaded, UUID ids, $N connections|preload_uuid_$N.rate|ev/s|redis_always_$N.rate|c
preloaded: UUID rate / sequential rate, 1 connection (goal >= 0.67)|preload_uuid_over_seq_1|x|-|-
preloaded: UUID rate / sequential rate, $N connections (goal >= 0.67)|preload_uuid_over_seq_$N|x|-|-
intake disk per million events, fresh, sequential ids (goal <= 150)|fresh_seq_1.mib_per_million|MiB|-|-
intake disk per million events, fresh, UUID ids|fresh_uuid_1.mib_per_million|MiB|-|-
intake disk per million events, preloaded ($PRELOAD_IDS, then both; du)|intake.mib_per_million|MiB|-|-
intake LMDB pages used per million events, preloaded (mdb_stat -e)|intake.used_mib_per_million|MiB|-|-
Redis AOF (always) per million events|redis_always.mib_per_million|MiB|-|-
intake, province mix through cchc push, 1 process|pipeline.intake_mix_rate|ev/s|redis_always_1.rate|c
intake disk per million events, province mix|pipeline.intake_mix_mib_per_million|MiB|-|-
hotline contacts through cchc push|pipeline.hotline_contacts_rate|ev/s|-|-
hotline complaints (7 events each) through cchc push|pipeline.hotline_complaints_rate|ev/s|-|-
scoring replay, start-up to caught up (goal >= 1 000 000)|pipeline.scoring_replay_rate|rec/s|-|-
records replayed (intake and hotline logs)|pipeline.scoring_records|rec|-|-
scoring state (LMDB)|pipeline.scoring_state_mib|MiB|-|-
hotline state (LMDB)|pipeline.hotline_state_mib|MiB|-|-
intake VmRSS / VmHWM, after the preloaded runs|intake_preload.rss|MiB|-|h:intake_preload.hwm
intake VmRSS / VmHWM, after the pipeline|pipeline.intake_rss_mib|MiB|-|h:pipeline.intake_hwm_mib
hotline VmRSS / VmHWM, after the pipeline|pipeline.hotline_rss_mib|MiB|-|h:pipeline.hotline_hwm_mib
scoring VmRSS / VmHWM, after its replay|pipeline.scoring_rss_mib|MiB|-|h:pipeline.scoring_hwm_mib
redis-server (always) VmRSS / VmHWM|redis_always.rss|MiB|-|h:redis_always.hwm
intake own memory (RssAnon: without LMDB's mapped pages), preloaded|intake_preload.anon|MiB|-|-
intake own memory (RssAnon), after the pipeline|pipeline.intake_anon_mib|MiB|-|-
hotline own memory (RssAnon), after the pipeline|pipeline.hotline_anon_mib|MiB|-|-
scoring own memory (RssAnon), after its replay|pipeline.scoring_anon_mib|MiB|-|-
EOF
}

echo
cat "$HEADER"
say "load average at end: $(cut -d' ' -f1-3 /proc/loadavg); the run took $(($(date +%s) - START)) s"
echo
rows | awk -F'|' -v figs="$FIG" -v md="$([ "$TABLE" = markdown ] && echo 1)" '
function group(v,    s, out) {  # 1234567 -> 1 234 567
    s = sprintf("%.0f", v); out = ""
    while (length(s) > 3) { out = " " substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
    return s out
}
function show(v, unit) {
    if (v == "") return "-"
    if (unit == "ms" || unit == "x") return sprintf("%.2f", v)
    if (unit == "MiB") return sprintf("%.0f", v)
    return group(v)
}
function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "" : sprintf("%.2f", a / b) }
function line(a, b, c, d, e, f) {
    if (md) printf "| %s | %s | %s | %s | %s | %s |\n", a, b, c, d, e, f
    else printf "%-66s %13s %-6s %8s %7s %7s\n", a, b, c, d, e, f
}
BEGIN {
    while ((getline l < figs) > 0) { split(l, f, " "); fig[f[1]] = f[2] }
    line("figure", "value", "unit", "x Redis", "x LMDB", "x ZMQ")
    if (md) print "|---|---:|---|---:|---:|---:|"
    else line("------", "-----", "----", "-------", "------", "-----")
}
{
    v = ($2 in fig) ? fig[$2] : ""
    r = ($4 != "-" && $4 in fig) ? ratio(v, fig[$4]) : ""
    lm = zm = ""
    if ($5 == "c") { lm = ratio(v, fig["lmdb.rate"]); zm = ratio(v, fig["zmq.rate"]) }
    val = show(v, $3)
    if ($5 ~ /^h:/) { k = substr($5, 3); val = val " / " (k in fig ? show(fig[k], $3) : "-") }
    line($1, val, $3, r, lm, zm)
}'
