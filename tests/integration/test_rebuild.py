#!/usr/bin/env python3
"""Intake rebuilds its dossier state from its own log, with the real daemon.

Pushes 45 000 events (15 000 dossiers: received, some resolved, some
extended, some through a SOS request) through `cchc push`, stops intake and
dumps its derived databases with mdb_dump; starts it again with --rebuild
(45 000 records: three chunks of the rebuild), dumps again, and requires
the two dumps to be identical, the daemon to have logged the rebuild, and
to go on accepting events from the rebuilt state. Needs mdb_dump
(lmdb-utils); Python 3 standard library only.
"""
import os
import shutil
import subprocess

from harness import Cluster, check, fail

DAY = "2025-03-03"
N = 15000


def events():
    out = []
    for i in range(N):
        d = "HS-%05d" % i
        out.append({"eid": "r%d" % i, "type": "received", "dossier": d, "proc": "TP-LLTP",
                    "unit": "SO-TP", "channel": ("direct", "online", "postal")[i % 3],
                    "at": DAY + "T09:%02d:00+07:00" % (i % 60)})
    for i in range(N):
        d = "HS-%05d" % i
        if i % 3 == 0:
            out.append({"eid": "s%d" % i, "type": "resolved", "dossier": d,
                        "at": "2025-03-05T10:00:00+07:00"})
            out.append({"eid": "t%d" % i, "type": "returned", "dossier": d, "method": "counter",
                        "at": "2025-03-05T11:00:00+07:00"})
        elif i % 3 == 1:
            out.append({"eid": "x%d" % i, "type": "extended", "dossier": d,
                        "promised": "2025-03-28T17:00:00+07:00", "at": "2025-03-05T10:00:00+07:00"})
            out.append({"eid": "f%d" % i, "type": "fee_paid", "dossier": d, "amount": 50000,
                        "method": "cashless", "at": "2025-03-05T11:00:00+07:00"})
        else:
            out.append({"eid": "q%d" % i, "type": "sos_requested", "dossier": d,
                        "kind": "supplement", "at": "2025-03-04T10:00:00+07:00"})
            out.append({"eid": "v%d" % i, "type": "sos_reviewed", "dossier": d, "approved": True,
                        "at": "2025-03-04T11:00:00+07:00"})
    return out


def dump(c):
    db = os.path.join(c.dir, "intake", "db")
    out = {}
    for name in ("dossier",):
        r = subprocess.run(["mdb_dump", "-s", name, db], capture_output=True, timeout=120)
        if r.returncode != 0:
            fail("mdb_dump -s %s: %s" % (name, r.stderr.decode()))
        out[name] = r.stdout
    return out


def main():
    if shutil.which("mdb_dump") is None:
        fail("mdb_dump not installed (apt-get install lmdb-utils)")
    c = Cluster(test_clock="2025-03-10T10:00:00+07:00")
    try:
        c.start("intake")
        evs = events()
        res = c.push(evs, who="quay-tp-1", units="SO-TP")
        check(len(res) == len(evs) and all(r["status"] == "ok" for r in res),
              "%d events accepted" % len(evs))
        c.stop("intake")
        before = dump(c)
        check(before["dossier"].count(b"\n") > N, "dossier database dumped (%d lines)" %
              before["dossier"].count(b"\n"))
        c.extra["intake"] = ["--rebuild"]
        c.start("intake")
        log = c.tail("intake")
        check("Rebuilt the dossier state from %d log records" % len(evs) in log,
              "intake logged the rebuild of %d records" % len(evs))
        c.stop("intake")
        after = dump(c)
        for name in before:
            check(before[name] == after[name], "%s identical after --rebuild (%d bytes)" %
                  (name, len(before[name])))
        c.extra["intake"] = []
        c.start("intake")
        res = c.push([{"eid": "s1", "type": "resolved", "dossier": "HS-00001",
                       "at": "2025-03-10T09:00:00+07:00"},
                      {"eid": "x1b", "type": "extended", "dossier": "HS-00004",
                       "promised": "2025-04-28T17:00:00+07:00",
                       "at": "2025-03-10T09:00:00+07:00"}],
                     who="quay-tp-1", units="SO-TP", expect_rc=1)
        check(res[0]["status"] == "ok", "a rebuilt dossier resolves")
        check(res[1]["status"] == "error" and res[1]["code"] == "illegal_transition",
              "a rebuilt dossier keeps its one extension")
    finally:
        c.close()
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
