#!/usr/bin/env bash
# scripts/demo.sh - one day at a commune's one-stop counter, end to end.
#
#   scripts/demo.sh [--keep]
#
# Runs scripts/setup.sh, then starts the three daemons in the background on
# loopback (the default ports 7301-7303, or DEMO_PORT_BASE..+2) with the
# embedded demo catalogs, state under ./state/ (wiped at each run), and all
# three on a test clock set to Monday 3 March 2025, 07:30 (UTC+7). Then:
#   - counters of UBND phường Tân Phong and Sở Tư pháp push the morning's
#     dossiers (received), the clock moves to noon, most are resolved,
#     returned and rated;
#   - one same-day certification (chứng thực bản sao) is left open;
#   - a supervisor starts `cchc watch`; the clock moves past 17:00 and the
#     overdue alert for that dossier arrives;
#   - `cchc report` prints the commune's figures for the reporting month.
# The daemons are stopped when the script ends (also on Ctrl-C); with --keep
# they stay up until Ctrl-C so you can try `cchc` yourself.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
keep=0
for arg in "$@"; do
    case "$arg" in
        --keep) keep=1 ;;
        -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "demo: unknown argument $arg (see --help)" >&2; exit 2 ;;
    esac
done

scripts/setup.sh >&2

build=$root/build
cchc_bin=$build/tools/cchc
for b in "$build/daemons/intake/cchc-intaked" "$build/daemons/scoring/cchc-scoringd" \
         "$cchc_bin"; do
    if [ ! -x "$b" ]; then
        echo "demo: $b was not built (see the output of scripts/setup.sh)" >&2
        exit 1
    fi
done
daemons=(intake hotline scoring)
if [ ! -x "$build/daemons/hotline/cchc-hotlined" ]; then
    # The demo day is about dossiers; scoring simply finds no hotline log.
    echo "demo: cchc-hotlined not built; running without the hotline" >&2
    daemons=(intake scoring)
fi

base=${DEMO_PORT_BASE:-7301}
export CCHC_INTAKE=tcp://127.0.0.1:$base
export CCHC_HOTLINE=tcp://127.0.0.1:$((base + 1))
export CCHC_SCORING=tcp://127.0.0.1:$((base + 2))
unset NOTIFY_SOCKET WATCHDOG_USEC WATCHDOG_PID STATE_DIRECTORY
day=2025-03-03 # a Monday
start_clock=${day}T07:30:00+07:00

state=$root/state
rm -rf "$state/intake" "$state/hotline" "$state/scoring"
mkdir -p "$state"

pids=()
stop_daemons() {
    local pid
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    pids=()
}
trap stop_daemons EXIT
trap 'exit 130' INT TERM

start() { # start NAME BINARY ARGS...
    local name=$1
    shift
    "$@" --state-dir="$state/$name" --test-clock="$start_clock" \
        >>"$state/$name.log" 2>&1 &
    pids+=($!)
}
start intake "$build/daemons/intake/cchc-intaked" --listen="$CCHC_INTAKE"
if [ "${#daemons[@]}" = 3 ]; then
    start hotline "$build/daemons/hotline/cchc-hotlined" --listen="$CCHC_HOTLINE"
fi
start scoring "$build/daemons/scoring/cchc-scoringd" --listen="$CCHC_SCORING" \
    --intake="$CCHC_INTAKE" --hotline="$CCHC_HOTLINE"

cchc() { "$cchc_bin" "$@"; }
say() { printf '\n== %s\n' "$*"; }

say "Starting the daemons (logs in state/*.log)"
for name in "${daemons[@]}"; do
    for _ in $(seq 100); do
        if answer=$(cchc --timeout=200 ctl "$name" ping 2>&1); then
            echo "$name: ready"
            continue 2
        fi
        sleep 0.1
    done
    echo "demo: $name did not answer ping within 30 s: $answer" >&2
    echo "demo: the end of state/$name.log:" >&2
    tail -n 20 "$state/$name.log" >&2
    exit 1
done

clock() { # clock HH:MM - move the test clock of all three daemons
    local t=${day}T$1:00+07:00
    for name in "${daemons[@]}"; do
        cchc ctl "$name" clock "$t" >/dev/null
    done
    echo "(clock: $t)"
}

# One JSON event per line, as a counter's software would send them.
ev() { # ev EID TYPE DOSSIER HH:MM [extra JSON members]
    printf '{"eid":"%s","type":"%s","dossier":"%s","at":"%sT%s:00+07:00"%s}\n' \
        "$1" "$2" "$3" "$day" "$4" "${5:+,$5}"
}
recv() { # recv EID DOSSIER HH:MM PROC UNIT CHANNEL
    ev "$1" received "$2" "$3" "\"proc\":\"$4\",\"unit\":\"$5\",\"channel\":\"$6\""
}

commune=X-TANPHONG   # UBND phường Tân Phong (Biên Hòa)
department=SO-TP     # Sở Tư pháp
push() { # push WHO UNIT: events on stdin
    cchc --who="$1" --units="$2" push --to=intake
}

say "Morning: counters receive dossiers"
clock 11:00
{
    recv ev-01 X-TANPHONG-250303-0001 07:45 HT-KHAISINH $commune direct
    recv ev-02 X-TANPHONG-250303-0002 08:05 TP-CT-BANSAO $commune direct
    recv ev-03 X-TANPHONG-250303-0003 08:20 HT-KHAISINH $commune online
    recv ev-04 X-TANPHONG-250303-0004 08:40 TP-CT-BANSAO $commune direct
    recv ev-05 X-TANPHONG-250303-0005 09:10 HT-XNHONNHAN $commune online
    recv ev-06 X-TANPHONG-250303-0006 09:30 HT-KHAITU $commune direct
} | push quay-tanphong-1 $commune
{
    recv ev-11 SO-TP-250303-0001 08:15 TP-LLTP $department online
    recv ev-12 SO-TP-250303-0002 09:45 TP-LLTP $department postal
    ev ev-13 fee_paid SO-TP-250303-0001 08:16 '"amount":200000,"method":"online"'
} | push quay-sotp-1 $department

say "Noon: most of the commune's dossiers are resolved, returned and rated"
clock 12:00
{
    ev ev-21 resolved X-TANPHONG-250303-0001 09:30
    ev ev-22 returned X-TANPHONG-250303-0001 09:40 '"method":"counter"'
    ev ev-23 rated X-TANPHONG-250303-0001 09:41 '"rating":"very_satisfied"'
    ev ev-24 resolved X-TANPHONG-250303-0002 10:00
    ev ev-25 returned X-TANPHONG-250303-0002 10:10 '"method":"counter"'
    ev ev-26 rated X-TANPHONG-250303-0002 10:11 '"rating":"satisfied"'
    ev ev-27 resolved X-TANPHONG-250303-0003 10:30
    ev ev-28 digitized X-TANPHONG-250303-0003 10:31 '"what":"result"'
    ev ev-29 returned X-TANPHONG-250303-0003 10:32 '"method":"electronic"'
    ev ev-30 resolved X-TANPHONG-250303-0006 11:15
    ev ev-31 returned X-TANPHONG-250303-0006 11:20 '"method":"counter"'
    ev ev-32 rated X-TANPHONG-250303-0006 11:21 '"rating":"dissatisfied"'
} | push quay-tanphong-1 $commune
echo "X-TANPHONG-250303-0004 (chứng thực bản sao, same day) is still open."

say "A supervisor watches live alerts for $commune"
watch_out=$state/watch.out
# The first alert change after subscribing is the overdue one (nothing is
# active before 17:00 that a supervisor would be shown as a snapshot).
cchc --who=giam-sat-tanphong --units=$commune watch --count="${DEMO_WATCH_COUNT:-1}" \
    --timeout=15000 >"$watch_out" 2>&1 &
watch_pid=$!
sleep 0.5 # let the subscription reach scoring before the clock moves

say "Evening: 17:30, past the close of office hours"
clock 17:30
wait "$watch_pid" || true
cat "$watch_out"

say "Report for $commune, reporting month 15/02-14/03/2025"
# Scoring pulls the intake log by cursor; wait until it has the morning's 6.
for _ in $(seq 50); do
    if cchc --who=giam-sat-tanphong --units=$commune report --unit=$commune \
        --from=2025-02-15 --to=2025-03-14 --json 2>/dev/null |
        python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin).get("received")==6 else 1)' \
            2>/dev/null
    then
        break
    fi
    sleep 0.1
done
cchc --who=giam-sat-tanphong --units=$commune report --unit=$commune \
    --from=2025-02-15 --to=2025-03-14

say "Dossier X-TANPHONG-250303-0004 as intake sees it"
cchc --who=giam-sat-tanphong --units=$commune dossier show X-TANPHONG-250303-0004 || true

if [ "$keep" = 1 ]; then
    say "Daemons running (test clock at ${day} 17:30). Try, in another shell:"
    echo "  export CCHC_INTAKE=$CCHC_INTAKE CCHC_HOTLINE=$CCHC_HOTLINE CCHC_SCORING=$CCHC_SCORING"
    echo "  $cchc_bin --who=giam-sat --units=$department report --unit=$department --from=2025-02-15 --to=2025-03-14"
    echo "  $cchc_bin ctl intake stats"
    echo "Ctrl-C stops them."
    wait
fi
say "Done; stopping the daemons"
