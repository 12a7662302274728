#!/usr/bin/env python3
"""Benchmark of the rest of the pipeline (prints figures; not a test):

1. hotline ingest: contacts pushed with `cchc push --to=hotline`, durable acks;
   then complaints through their whole lifecycle (received with the caller's
   details, classified, assigned; accepted and answered by the unit's contact
   point; published with personal data removed, closed);
2. intake ingest with full validation: a province's mix of dossier events
   through `cchc push`: every procedure of the demo catalog at the units
   that handle it (the district level until 30/06/2025, the new communes
   from 01/07/2025), received, fee paid where the procedure has a fee,
   components digitized for half of them, resolved 0-24 days later,
   returned, rated for a third; about 4.4 events a dossier over 2025;
3. scoring replay: a fresh scoring daemon (empty state directory) reads
   both logs, intake's and hotline's, by cursor; the time from its start
   until its cursors reach both log heads (`cchc ctl scoring stats`) is
   measured, in records per second;
4. disk and memory: intake's LMDB size per million events, hotline's and
   scoring's state, and the resident memory (VmRSS, and its peak VmHWM,
   from /proc) of each daemon at the end.

A province-year is about 1 150 000 dossiers (5.1 million intake records),
100 000 contacts and 40 000 complaints: `bench_pipeline.py build 1150000
100000 40000`; the defaults are a sixth of that so that it runs in a
minute or two.

Usage: tests/bench/bench_pipeline.py [BUILD_DIR] [DOSSIERS] [CONTACTS] [COMPLAINTS]
(defaults: ./build, 200000 dossiers = about 890000 events, 100000
contacts, 20000 complaints = 140000 events). The last lines printed are
"figure KEY VALUE", read by tests/bench/compare.sh.
Runs real daemons on free loopback ports in a temporary directory, on a
test clock (so that generated 2025 times are not in the future).
"""
import json
import os
import signal
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
    """Push the JSON lines of @path with `cchc push`; the seconds it took."""
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
    """Bytes of the files below @path (their sizes, as ls shows them)."""
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total


def figure(key, value):
    """The line compare.sh reads a figure from."""
    print("figure %s %.6g" % (key, value), flush=True)


def memory_kib(pid):
    """(VmRSS, VmHWM, RssAnon) of process @pid in KiB, from /proc: RssAnon
    is the process's own memory, without LMDB's mapped file pages."""
    got = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM", "RssAnon"):
                got[k] = int(v.split()[0])
    return got.get("VmRSS", 0), got.get("VmHWM", 0), got.get("RssAnon", 0)


def bench_complaints(c):
    """COMPLAINTS complaints, 7 events each, in three pushes: the agent's
    first steps, the unit contact point's, the agent's last ones; returns
    their rate."""
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
    return total / elapsed


def catalog():
    """The demo catalog's procedures: (code, has_fee, units), and each unit's
    (effective_from, effective_to) as ISO dates ("" = open)."""
    cat = os.path.join(HERE, "..", "..", "deploy", "catalog")
    units, procs = {}, []
    with open(os.path.join(cat, "units.tsv"), encoding="utf-8") as f:
        for line in f:
            col = line.rstrip("\n").split("\t") + ["", "", "", ""]
            if line.startswith("#") or col[0] in ("", "code"):
                continue
            units[col[0]] = (col[4], col[5])
    with open(os.path.join(cat, "procedures.tsv"), encoding="utf-8") as f:
        for line in f:
            col = line.rstrip("\n").split("\t")
            if line.startswith("#") or len(col) < 9 or col[0] == "code":
                continue
            procs.append((col[0], col[7] == "yes", col[8].split(",")))
    return procs, units


def province_mix(path, dossiers):
    """Write the dossier events of @dossiers dossiers to @path (JSON lines)
    and return how many: each procedure of the catalog in turn, at one of
    the units that handle it on the receipt day, received on a working
    day of 2025 (1 January to 30 November), then fee paid, components
    digitized, resolved, returned and rated (module docstring)."""
    procs, units = catalog()
    first = 1735698600  # 2025-01-01T09:30:00+07:00
    n = 0
    with open(path, "w") as f:
        for i in range(dossiers):
            code, fee, handlers = procs[i % len(procs)]
            t = first + (i * 334 // dossiers) * 86400 + (i * 7919) % (7 * 3600)
            wd = ((t + 7 * 3600) // 86400 + 3) % 7  # 0 = Monday
            if wd >= 5:
                t += (7 - wd) * 86400
            day = time.strftime("%Y-%m-%d", time.gmtime(t + 7 * 3600))
            valid = [u for u in handlers
                     if units[u][0] <= day and (not units[u][1] or day <= units[u][1])]
            unit = valid[(i // len(procs)) % len(valid)]
            d = "PY-%08d" % i
            done = t + 86400 * (i % 25) + 3600
            events = [("received", t, ',"proc":"%s","unit":"%s","channel":"%s"'
                       % (code, unit, ("direct", "online", "direct", "postal")[i % 4]))]
            if fee:
                events.append(("fee_paid", t + 600, ',"amount":%d,"method":"%s"'
                               % (50000 + (i % 40) * 5000, ("cash", "cashless", "online")[i % 3])))
            if i % 2 == 0:
                events.append(("digitized", t + 900, ',"what":"components"'))
            events.append(("resolved", done, ""))
            events.append(("returned", done + 1800, ',"method":"%s"'
                           % ("counter", "post", "electronic")[i % 3]))
            if i % 3 == 0:
                events.append(("rated", done + 2400, ',"rating":"%s"'
                               % ("very_satisfied", "satisfied", "dissatisfied")[i % 3]))
            for k, (typ, at, extra) in enumerate(events):
                f.write('{"eid":"%s-%d","type":"%s","dossier":"%s","at":%d%s}\n'
                        % (d, k, typ, d, at, extra))
            n += len(events)
    return n


def hotline_contacts(c):
    """Push CONTACTS contacts to the hotline; their rate."""
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
    return CONTACTS / dt


def scoring_replay(c):
    """Start scoring on an empty state and time it until both cursors reach
    their log heads; returns (records, seconds)."""
    heads = {src: c.stats(src)["log_head"] for src in ("intake", "hotline")}
    t0 = time.time()
    c.start("scoring")
    while True:
        st = c.stats("scoring")
        if all(st["cursor_" + src] >= heads[src] for src in heads):
            break
        time.sleep(0.05)
    dt = time.time() - t0
    records = sum(heads.values())
    print("scoring: replayed %d records (intake %d, hotline %d) from start-up in %.2f s: "
          "%.0f records/s" % (records, heads["intake"], heads["hotline"], dt, records / dt))
    return records, dt


def main():
    # Stopped by compare.sh (SIGTERM): stop the daemons too (c.close()).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    c = Cluster(test_clock="2025-12-31T00:00:00+07:00")
    try:
        c.start("intake")
        c.start("hotline")
        # 1. hotline contacts and complaints
        figure("hotline_contacts_rate", hotline_contacts(c))
        figure("hotline_complaints_rate", bench_complaints(c))
        # 2. intake: the province's mix
        path = os.path.join(c.dir, "dossiers.jsonl")
        n = province_mix(path, DOSSIERS)
        dt = push_file(c, path, "intake", "quay-bench")
        print("intake: %d events (%d dossiers of %d procedures: received, fee_paid, digitized, "
              "resolved, returned, rated) in %.2f s: %.0f events/s with full validation and "
              "durable acks" % (n, DOSSIERS, len(catalog()[0]), dt, n / dt))
        figure("intake_mix_rate", n / dt)
        figure("intake_mix_events", n)
        size = du(os.path.join(c.dir, "intake"))
        print("intake LMDB: %.1f MiB for %d events: %.0f MiB per million events"
              % (size / 2**20, n, size / 2**20 / (n / 1e6)))
        figure("intake_mix_mib_per_million", size / 2**20 / (n / 1e6))
        figure("hotline_state_mib", du(os.path.join(c.dir, "hotline")) / 2**20)
        # 3. scoring replay from zero
        records, dt = scoring_replay(c)
        figure("scoring_records", records)
        figure("scoring_replay_seconds", dt)
        figure("scoring_replay_rate", records / dt)
        size = du(os.path.join(c.dir, "scoring"))
        print("scoring LMDB: %.1f MiB for %d records" % (size / 2**20, records))
        figure("scoring_state_mib", size / 2**20)
        # 4. memory of each daemon, after the load
        for name in ("intake", "hotline", "scoring"):
            rss, hwm, anon = memory_kib(c.procs[name].pid)
            print("%s: VmRSS %.1f MiB, VmHWM %.1f MiB, RssAnon %.1f MiB" %
                  (name, rss / 1024, hwm / 1024, anon / 1024))
            figure(name + "_rss_mib", rss / 1024)
            figure(name + "_hwm_mib", hwm / 1024)
            figure(name + "_anon_mib", anon / 1024)
    finally:
        c.close()


if __name__ == "__main__":
    main()
