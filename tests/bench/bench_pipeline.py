#!/usr/bin/env python3
"""Benchmark of the rest of the pipeline (prints figures; not a test):

1. hotline ingest: contacts pushed with `cchc push --to=hotline`, durable acks;
   then complaints through their whole lifecycle (received with the caller's
   details, classified, assigned; accepted and answered by the unit's contact
   point; published with personal data removed, closed);
2. intake ingest with full validation: a realistic mix of dossier events
   (receipt, resolution, return, rating, fee) through `cchc push`;
3. scoring replay: a fresh scoring daemon reads the whole intake log by
   cursor, and the time until its cursor reaches the log head is measured;
4. disk: intake's LMDB size per million events.

Usage: tests/bench/bench_pipeline.py [BUILD_DIR] [DOSSIERS] [CONTACTS] [COMPLAINTS]
(defaults: ./build, 200000 dossiers = 800000 events, 100000 contacts,
20000 complaints = 140000 events).
Runs real daemons on free loopback ports in a temporary directory, on a
test clock (so that generated 2025 times are not in the future).
"""
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
os.environ["CCHC_BUILD_DIR"] = BUILD
from harness import Cluster  # noqa: E402

DOSSIERS = int(sys.argv[2]) if len(sys.argv) > 2 else 200000
CONTACTS = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
COMPLAINTS = int(sys.argv[4]) if len(sys.argv) > 4 else 20000


def push_file(c, path, to, who, role=None, units="*"):
    t0 = time.time()
    with open(path, "rb") as f:
        r = subprocess.run([c.env.get("CCHC_BIN", os.path.join(BUILD, "tools", "cchc")),
                            "--timeout=60000", "--who=" + who, "--units=" + units, "push",
                            "--to=" + to, "--window=2000"] +
                           (["--role=" + role] if role else []), stdin=f,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=c.env)
    dt = time.time() - t0
    if r.returncode != 0:
        sys.exit("push failed: " + r.stderr.decode()[-500:])
    return dt


def du(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total


def bench_complaints(c):
    """COMPLAINTS complaints, 7 events each, in three pushes: the agent's
    first steps, the unit contact point's, the agent's last ones."""
    steps = (("agent", (("pakn_received", 0), ("pakn_classified", 300),
                        ("pakn_assigned", 600))),
             ("contact_point", (("pakn_accepted", 3600), ("pakn_answered", 7200))),
             ("agent", (("pakn_published", 9000), ("pakn_closed", 9600))))
    total, elapsed = 0, 0.0
    for part, (role, types) in enumerate(steps):
        path = os.path.join(c.dir, "complaints-%d.jsonl" % part)
        with open(path, "w") as f:
            for i in range(COMPLAINTS):
                t = 1735700000 + (i % 20000) * 1500
                for typ, dt_s in types:
                    ev = {"eid": "bp-%d-%s" % (i, typ), "type": typ, "pakn": "BP-%d" % i,
                          "at": t + dt_s}
                    if typ == "pakn_received":
                        ev.update(text="Hồ sơ %d trễ hạn. Tôi là Trần Thị Bình, số 0912 345 %03d,"
                                       " email binh%d@example.vn" % (i, i % 1000, i),
                                  caller_name="Trần Thị Bình",
                                  caller_phone="0912 345 %03d" % (i % 1000))
                    elif typ == "pakn_classified":
                        ev["category"] = "procedure"
                    elif typ == "pakn_assigned":
                        ev["unit"] = "SO-TP"
                    elif typ == "pakn_answered":
                        ev["answer"] = ("Kính gửi bà Trần Thị Bình (0912 345 %03d): Sở Tư pháp đã"
                                        " trả kết quả hồ sơ ngày 5/3/2025." % (i % 1000))
                    f.write(json.dumps(ev, ensure_ascii=False) + "\n")
                    total += 1
        if role == "agent":
            elapsed += push_file(c, path, "hotline", "tdv-bench", role)
        else:
            elapsed += push_file(c, path, "hotline", "dm-bench", role, "SO-TP")
    print("hotline: %d complaints, %d events (received, classified, assigned, accepted, "
          "answered, published with redaction, closed) in %.2f s: %.0f events/s (durable acks)"
          % (COMPLAINTS, total, elapsed, total / elapsed))


def main():
    c = Cluster(test_clock="2025-12-31T00:00:00+07:00")
    try:
        c.start("intake")
        c.start("hotline")
        # 1. hotline contacts
        path = os.path.join(c.dir, "contacts.jsonl")
        with open(path, "w") as f:
            for i in range(CONTACTS):
                f.write(json.dumps({
                    "eid": "bc-%d" % i, "type": "contact", "contact": "BC-%d" % i,
                    "ctype": ("information", "guidance", "postal")[i % 3],
                    "channel": ("phone", "email", "app", "zalo", "portal")[i % 5],
                    "closed": i % 3 != 2,
                    "at": 1735700000 + (i % 5000000)}) + "\n")
        dt = push_file(c, path, "hotline", "tdv-bench")
        print("hotline: %d contacts in %.2f s: %.0f events/s (durable acks)"
              % (CONTACTS, dt, CONTACTS / dt))
        bench_complaints(c)
        # 2. intake mix
        path = os.path.join(c.dir, "dossiers.jsonl")
        n = 0
        with open(path, "w") as f:
            for i in range(DOSSIERS):
                d = "BD-%07d" % i
                t = 1735779600 + (i % 200) * 86400 // 200 + (i // 200) % 3600
                for k, (typ, extra, dt_s) in enumerate((
                        ("received", {"proc": "TP-LLTP", "unit": "SO-TP",
                                      "channel": ("direct", "online")[i % 2]}, 0),
                        ("fee_paid", {"amount": 200000, "method": "cashless"}, 600),
                        ("resolved", {}, 86400 * (1 + i % 20)),
                        ("returned", {"method": "counter"}, 86400 * (1 + i % 20) + 3600))):
                    ev = {"eid": "%s-%d" % (d, k), "type": typ, "dossier": d,
                          "at": t + dt_s}
                    ev.update(extra)
                    f.write(json.dumps(ev) + "\n")
                    n += 1
        dt = push_file(c, path, "intake", "quay-bench")
        print("intake: %d events (%d dossiers: received, fee_paid, resolved, returned) in "
              "%.2f s: %.0f events/s with full validation and durable acks"
              % (n, DOSSIERS, dt, n / dt))
        size = du(os.path.join(c.dir, "intake"))
        print("intake LMDB: %.1f MiB for %d events: %.0f MiB per million events"
              % (size / 2**20, n, size / 2**20 / (n / 1e6)))
        # 3. scoring replay from zero
        t0 = time.time()
        c.start("scoring")
        head = c.stats("intake")["log_head"]
        while c.stats("scoring")["cursor_intake"] < head:
            time.sleep(0.05)
        dt = time.time() - t0
        print("scoring: replayed %d intake records in %.2f s: %.0f records/s (from start-up)"
              % (head, dt, head / dt))
    finally:
        c.close()


if __name__ == "__main__":
    main()
