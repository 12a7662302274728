#!/usr/bin/env python3
"""Crash test: kill -9 intake while a counter is pushing, restart it, and
check that every acknowledged event is present exactly once and that
scoring's counts equal what was acknowledged. Then kill -9 scoring while it
consumes, restart it, and check its counts are still exact (its cursor is
stored in the same transaction as the counts).
"""
import json
import os
import signal
import subprocess
import threading
import time
import uuid

from harness import CCHC, Cluster, check, fail

N = int(os.environ.get("CCHC_CRASH_EVENTS", "200000"))


def events():
    """N receipts; every third with random ids (UUIDs), as much counter
    software names events and dossiers, the others with sequential ones."""
    out = []
    for i in range(N):
        day = 1 + (i // 2000) % 28
        if i % 3 == 2:
            eid, dossier = (str(uuid.uuid5(uuid.NAMESPACE_OID, "%s-%d" % (k, i)))
                            for k in ("e", "d"))
        else:
            eid, dossier = "crash-%06d" % i, "CR-%06d" % i
        out.append({"eid": eid, "type": "received", "dossier": dossier,
                    "proc": "TP-LLTP", "unit": "SO-TP", "channel": "direct",
                    "at": "2026-04-%02dT09:%02d:00+07:00" % (day if day <= 28 else 28, i % 60)})
    return out


def main():
    c = Cluster(test_clock="2026-12-31T00:00:00+07:00")
    try:
        run(c)
    finally:
        c.close()
    print("1 passed, 0 failed")


def run(c):
    evs = events()
    data = "".join(json.dumps(e) + "\n" for e in evs).encode()
    c.start("intake")
    out_path = os.path.join(c.dir, "push.out")
    with open(out_path, "wb") as out:
        push = subprocess.Popen([CCHC, "--timeout=60000", "--who=quay-crash", "--units=*",
                                 "push", "--to=intake", "--window=200"], stdin=subprocess.PIPE,
                                stdout=out,
                                stderr=subprocess.PIPE, env=c.env)
        def feed():
            push.stdin.write(data)
            push.stdin.close()
        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        # Let part of the stream be acknowledged, then kill -9.
        c.wait_for("some events stored", lambda: c.stats("intake")["log_head"] > N // 10,
                   timeout=60)
        check(push.poll() is None, "the counter is still pushing when intake is killed")
        c.procs["intake"].send_signal(signal.SIGKILL)
        c.procs["intake"].wait()
        del c.procs["intake"]
        acked_before = sum(1 for _ in open(out_path)) if os.path.exists(out_path) else 0
        killed_at = time.time()
        print("# intake killed with SIGKILL; restarting", flush=True)
        c.start("intake")
        print("# intake back after %.2f s; %d result lines were written before the kill"
              % (time.time() - killed_at, acked_before), flush=True)
        try:
            rc = push.wait(timeout=300)
        except subprocess.TimeoutExpired:
            push.kill()
            fail("push did not finish after the restart")
        err = push.stderr.read().decode()
    with open(out_path) as f:
        res = [json.loads(line) for line in f if line.strip()]
    check(rc == 0, "push finished with status 0 (got %d: %s)" % (rc, err[-500:]))
    check(len(res) == N and all(r["status"] == "ok" for r in res),
          "all %d events acknowledged across the crash" % N)
    head = c.stats("intake")["log_head"]
    check(head == N, "intake log holds exactly %d records (got %d): each stored once" % (N, head))

    # Every acknowledged event is present: pushing them again yields duplicates only.
    res = c.push(evs, who="quay-crash", units="*", expect_rc=0)
    check(all(r.get("dup") is True for r in res), "re-pushing every event gives %d duplicates"
          % N)
    check(c.stats("intake")["log_head"] == N, "still exactly %d records" % N)

    # Scoring consumes the log; kill -9 it midway; its counts stay exact.
    c.start("scoring")
    c.wait_for("scoring to start consuming",
               lambda: c.report("SO-TP", "2026-04-01", "2026-04-30")["received"] > 0, timeout=60)
    c.procs["scoring"].send_signal(signal.SIGKILL)
    c.procs["scoring"].wait()
    del c.procs["scoring"]
    c.start("scoring")
    rep = c.wait_for("scoring to catch up",
                     lambda: (lambda r: r if r["received"] >= N else None)(
                         c.report("SO-TP", "2026-04-01", "2026-04-30")), timeout=120)
    time.sleep(0.5)
    rep = c.report("SO-TP", "2026-04-01", "2026-04-30")
    check(rep["received"] == N, "scoring counts %d received, as acknowledged (got %d)"
          % (N, rep["received"]))
    check(rep["open_at_end"] == N, "scoring counts %d open" % N)


if __name__ == "__main__":
    main()
