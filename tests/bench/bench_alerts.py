#!/usr/bin/env python3
"""Benchmark of the supervisors' live view (prints figures; not a test).

1. latency: intake takes 10 000 events/s for 10 s; one in a hundred makes
   scoring raise an alert at once (a supplement request against the
   "guide once" rule); a subscriber's thread timestamps each alert, and the
   latency from the event's acknowledgement to the alert is printed;
2. join: 50 000 overdue dossiers (100 000 active alerts); a supervisor of
   every unit joins (QUERY watch until the last snapshot page), three
   times, and a summary subscription, three times.

Usage: tests/bench/bench_alerts.py [BUILD_DIR] [RATE] [SECONDS] [DOSSIERS]
(defaults: ./build, 10000, 10, 50000). Real daemons on free loopback ports
in a temporary directory, on a test clock (2025-03-20 09:00).
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
os.environ["CCHC_BUILD_DIR"] = BUILD
from harness import Cluster  # noqa: E402

RATE = sys.argv[2] if len(sys.argv) > 2 else "10000"
SECONDS = sys.argv[3] if len(sys.argv) > 3 else "10"
DOSSIERS = sys.argv[4] if len(sys.argv) > 4 else "50000"
BENCH = os.path.join(BUILD, "tests", "bench", "bench_alerts")


def run(mode, *extra):
    c = Cluster(test_clock="2025-03-20T09:00:00+07:00")
    try:
        c.start_all()
        r = subprocess.run([BENCH, mode, "--intake=" + c.ep("intake"),
                            "--scoring=" + c.ep("scoring")] + list(extra), env=c.env)
        if r.returncode != 0:
            sys.exit("bench_alerts %s failed (scoring: %s)" % (mode, c.tail("scoring")))
    finally:
        c.close()


print("== %d CPUs; daemons with --tick-ms=200, durable acks" % os.cpu_count())
print("-- latency: %s events/s for %s s" % (RATE, SECONDS))
run("latency", "--rate=" + RATE, "--seconds=" + SECONDS)
print("-- join: %s overdue dossiers" % DOSSIERS)
run("join", "--dossiers=" + DOSSIERS)
