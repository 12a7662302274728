#!/usr/bin/env python3
"""The whole pipeline, end to end, with the real daemons and the real `cchc`:
counter -> intake -> scoring -> supervisor.

Pushes `received` events, sees them acknowledged; pushes a duplicate
(acknowledged, stored once); pushes invalid ones (each gets its specific
error, nothing stored); resolves some and reads the matching numbers in
`cchc report`; lets a dossier pass its due date on the test clock and sees the
overdue alert arrive at a `cchc watch` subscriber, and clear when resolved.
"""
import json
import os
import subprocess
import time

from harness import Cluster, check, fail, run_cluster

UNIT = "SO-TP"      # Sở Tư pháp (demo catalog)
PROC = "TP-LLTP"    # 10 working days
DAY0 = "2025-03-03"  # a Monday; due of a 09:00 receipt: 2025-03-17 17:00


def received(n, at="2025-03-03T09:00:00+07:00", **kw):
    ev = {"eid": "r-%d" % n, "type": "received", "dossier": "HS-%03d" % n, "proc": PROC,
          "unit": UNIT, "channel": "online" if n % 2 else "direct", "at": at}
    ev.update(kw)
    return ev


def resolved(n, at):
    return {"eid": "s-%d" % n, "type": "resolved", "dossier": "HS-%03d" % n, "at": at}


def main():
    c = Cluster(test_clock=DAY0 + "T10:00:00+07:00")
    run_cluster(run, c)


def run(c):
    # 1. Five receipts, acknowledged.
    res = c.push([received(n) for n in range(1, 6)], who="quay-tp-1", units=UNIT)
    check(len(res) == 5 and all(r["status"] == "ok" for r in res), "5 received events acked")
    check(len({r["seq"] for r in res}) == 5, "each ack carries its own log sequence")
    head = c.stats("intake")["log_head"]
    check(head == 5, "intake log holds 5 records (got %d)" % head)

    # 2. The same event id again: acknowledged as a duplicate, stored once.
    res = c.push([received(1)], who="quay-tp-1", units=UNIT, expect_rc=0)
    check(res[0]["status"] == "ok" and res[0]["dup"] is True, "repeated event id acked as dup")
    st = c.stats("intake")
    check(st["log_head"] == 5, "duplicate not stored again")
    check(st["id_map_bytes"] >= 8 * 1024 and "5 dossiers" in st["status"],
          "stats: the memory of the map of event ids (%d bytes), the dossiers stored (%s)"
          % (st["id_map_bytes"], st["status"]))
    # The same event with its fields in another order is still the same event.
    res = c.push([dict(reversed(list(received(1).items())))], who="quay-tp-1", units=UNIT,
                 expect_rc=0)
    check(res[0]["dup"] is True, "a retry with its fields reordered is a duplicate")
    # A different event under a used id: a clash. Event ids belong to their
    # sender: another counter's event under the same id is judged on its own.
    res = c.push([received(1, channel="postal"), received(2)], who="quay-tp-1", units=UNIT,
                 expect_rc=1)
    check(res[0]["status"] == "error" and res[0]["code"] == "event_id_conflict" and
          "different event" in res[0]["en"], "a different event under a used eid is refused")
    check(res[1]["dup"] is True, "the batch goes on after the clash")
    res = c.push([received(3)], who="quay-tp-2", units=UNIT, expect_rc=1)
    check(res[0]["code"] == "duplicate_dossier",
          "another counter's event under a used eid is its own: judged, not an id clash")
    rated = {"eid": "r-1", "type": "rated", "dossier": "HS-001", "rating": "satisfied",
             "at": "2025-03-03T09:05:00+07:00"}
    res = c.push([rated], who="quay-tp-2", units=UNIT, expect_rc=0)
    check(res[0]["status"] == "ok" and res[0]["dup"] is False,
          "another counter may use an eid that quay-tp-1 used (ids belong to their sender)")
    res = c.push([received(1)], who="quay-tp-1", units=UNIT, expect_rc=0)
    check(res[0]["dup"] is True and res[0]["seq"] == 1,
          "quay-tp-1's own r-1 is still its record 1")
    check(c.stats("intake")["log_head"] == 6, "no clash was stored")

    # 3. Invalid events: each refused with its own code; nothing stored.
    bad = [
        (received(10, proc="NO-SUCH-PROC"), "unknown_procedure"),
        (received(11, unit="NO-SUCH-UNIT"), "unknown_unit"),
        (received(12, proc="TP-CT-BANSAO"), "procedure_not_handled"),
        ({"eid": "b-13", "type": "received", "dossier": "HS-013", "unit": UNIT,
          "channel": "direct", "at": "2025-03-03T09:00:00+07:00"}, "bad_field"),
        (received(14, channel="fax"), "bad_field"),
        (received(15, at="2025-03-09T09:00:00+07:00"), "future_event"),
        (dict(received(2), eid="r-2-again"), "duplicate_dossier"),
        ({"eid": "b-16", "type": "returned", "dossier": "HS-002", "method": "counter",
          "at": "2025-03-03T09:30:00+07:00"}, "illegal_transition"),
        ({"eid": "b-17", "type": "resolved", "dossier": "HS-999",
          "at": "2025-03-03T09:30:00+07:00"}, "unknown_dossier"),
    ]
    res = c.push([e for e, _ in bad], who="quay-tp-1", units=UNIT, expect_rc=1)
    for (ev, code), r in zip(bad, res):
        check(r["status"] == "error" and r["code"] == code,
              "%s refused with %s (got %s: %s)" % (ev["eid"], code, r.get("code"), r.get("en")))
    # Outside the sender's scope.
    res = c.push([received(20)], who="quay-khac", units="SO-GTVT", expect_rc=1)
    check(res[0]["code"] == "not_authorized", "a counter cannot push for another unit")
    st = c.stats("intake")
    check(st["log_head"] == 6, "no invalid event was stored")
    check(st["rejected"] == len(bad) + 3, "intake counted %d rejections" % st["rejected"])

    # A malformed line never reaches the daemon and is reported as such.
    r = c.cchc(["push"], stdin=b"{not json\n", check_rc=False, who="quay-tp-1", units=UNIT)
    check(r.returncode != 0 and b"bad_json" in r.stdout, "malformed JSON line reported")

    # 4. Resolutions: early, on time, late.
    c.clock("2025-03-05T12:00:00+07:00")
    res = c.push([resolved(1, "2025-03-05T10:00:00+07:00"),
                  resolved(5, "2025-03-05T11:00:00+07:00")], who="quay-tp-1", units=UNIT)
    check(all(r["status"] == "ok" for r in res), "two early resolutions acked")
    c.clock("2025-03-17T16:30:00+07:00")
    res = c.push([resolved(2, "2025-03-17T16:00:00+07:00")], who="quay-tp-1", units=UNIT)
    check(res[0]["status"] == "ok", "on-time resolution acked")

    # 5. A supervisor watches live alerts; HS-003 and HS-004 pass their due date.
    # (Only these two kinds: the dossiers were also "due soon" since 14/03.)
    watch = subprocess.Popen([c_cchc(c), "--who=giam-sat", "--units=" + UNIT, "watch",
                              "--kind=dossier_overdue,apology_missing", "--json", "--count=6",
                              "--timeout=20000"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=c.env)
    c.wait_for("the subscription", lambda: c.stats("scoring")["watchers"] == 1)
    c.clock("2025-03-18T10:00:00+07:00")
    res = c.push([resolved(3, "2025-03-18T09:00:00+07:00")], who="quay-tp-1", units=UNIT)
    check(res[0]["status"] == "ok", "late resolution acked")
    try:
        out, err = watch.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        watch.kill()
        fail("watch did not see 6 alert changes: %s" % c.tail("scoring"))
    # Each overdue dossier without an apology raises two alerts: dossier
    # overdue and apology missing; resolving HS-003 clears both.
    lines = [json.loads(x) for x in out.decode().splitlines() if x.strip()]
    kinds = sorted((x.get("op"), x["alert"]["kind"], x["alert"]["subject"]) for x in lines)
    check(("raise", "apology_missing", "HS-004") in kinds, "apology-missing alert for HS-004")
    lines = [x for x in lines if x["alert"]["kind"] == "dossier_overdue"]
    ops = sorted((x.get("op"), x.get("alert", x).get("subject")) for x in lines)
    check(("raise", "HS-003") in ops and ("raise", "HS-004") in ops,
          "overdue alerts raised for HS-003 and HS-004 (got %r)" % ops)
    check(("clear", "HS-003") in ops, "HS-003's alert cleared when resolved")

    # A late subscriber gets the active alerts as a snapshot.
    r = c.cchc(["--who=giam-sat", "--units=" + UNIT, "watch", "--json", "--count=2",
                "--kind=dossier_overdue,apology_missing", "--timeout=5000"])
    snap = [json.loads(x) for x in r.stdout.decode().splitlines() if x.strip()]
    check(sorted(x["alert"]["kind"] for x in snap) == ["apology_missing", "dossier_overdue"]
          and all(x["alert"]["subject"] == "HS-004" for x in snap),
          "late subscriber sees the active HS-004 alert in the snapshot")

    # 6. The report matches what was acknowledged.
    def report_ready():
        rep = c.report(UNIT, "2025-03-01", "2025-03-31")
        return rep if rep.get("resolved") == 4 else None
    rep = c.wait_for("scoring to apply the resolutions", report_ready)
    check(rep["received"] == 5, "report: 5 received")
    check(rep["resolved_early"] == 2, "report: 2 early")
    check(rep["resolved_on_time"] == 1, "report: 1 on time")
    check(rep["resolved_late"] == 1, "report: 1 late")
    check(rep["open_at_end"] == 1, "report: 1 open at the end")
    check(rep["on_time_rate"] == "75.00", "report: on-time rate 75.00 (got %s)"
          % rep["on_time_rate"])
    r = c.cchc(["report", "--unit=" + UNIT, "--from=2025-03-01", "--to=2025-03-31"],
               who="giam-sat", units=UNIT)
    check("75,00%" in r.stdout.decode(), "human report shows the on-time rate as 75,00%")
    # 7. Hotline 1022: contacts and a complaint about HS-004, answered at
    # level 1; scoring counts it against the dossier's unit.
    hot = [
        {"eid": "h-1", "type": "contact", "contact": "C-1", "ctype": "information",
         "channel": "phone", "closed": True, "at": "2025-03-18T09:10:00+07:00"},
        {"eid": "h-2", "type": "contact", "contact": "C-2", "ctype": "pakn",
         "channel": "zalo", "at": "2025-03-18T09:20:00+07:00"},
        {"eid": "h-3", "type": "pakn_received", "pakn": "PA-1", "contact": "C-2",
         "dossier": "HS-004", "text": "Hồ sơ HS-004 đã quá hạn mà chưa có kết quả",
         "caller_name": "Nguyễn Văn An", "caller_phone": "0912345678",
         "at": "2025-03-18T09:21:00+07:00"},
        {"eid": "h-35", "type": "pakn_classified", "pakn": "PA-1", "category": "procedure",
         "at": "2025-03-18T09:25:00+07:00"},
        {"eid": "h-4", "type": "pakn_answered", "pakn": "PA-1",
         "answer": "Sở Tư pháp sẽ trả kết quả trong ngày 19/3/2025.",
         "at": "2025-03-18T09:40:00+07:00"},
    ]
    res = c.push(hot, to="hotline", who="tdv-01")
    check(all(r["status"] == "ok" for r in res), "hotline contacts and complaint acked")
    res = c.push(hot[:1], to="hotline", who="tdv-01")
    check(res[0]["dup"] is True, "hotline: a repeated event id is acked as a duplicate")
    res = c.push([{"eid": "h-5", "type": "pakn_published", "pakn": "PA-404",
                   "at": "2025-03-18T09:45:00+07:00"}], to="hotline", who="tdv-01",
                 expect_rc=1)
    check(res[0]["code"] == "unknown_complaint", "hotline: unknown complaint refused")
    check(c.stats("hotline")["log_head"] == 5, "hotline stored 5 records, nothing refused")
    rep = c.wait_for("scoring to count the complaint",
                     lambda: (lambda r: r if r.get("pakn_answered") == 1 else None)(
                         c.report(UNIT, "2025-03-01", "2025-03-31")))
    check(rep["pakn_received"] == 1 and rep["pakn_answered"] == 1,
          "report: the complaint about HS-004 counts for %s" % UNIT)

    # 8. An operator takes a hot backup of intake while it runs.
    # Backups go below the daemon's backup_dir (default <state_dir>/backup).
    backup = os.path.join(c.dir, "intake", "backup", "b-1")
    c.cchc(["ctl", "intake", "backup", backup], who="van-hanh")
    check(os.path.getsize(os.path.join(backup, "data.mdb")) > 0, "hot backup written")
    head = c.stats("intake")["log_head"]
    r = subprocess.run(["mdb_stat", "-s", "log", backup], capture_output=True)
    check(r.returncode == 0 and ("Entries: %d" % head).encode() in r.stdout,
          "the backup is a readable LMDB environment holding the %d log records" % head)
    r = c.cchc(["ctl", "intake", "backup", backup], who="counter-x", check_rc=False)
    check(r.returncode != 0, "backup into a directory that holds one already is refused")

    empty = c.report(UNIT, "2024-01-01", "2024-01-31")
    check(empty["on_time_rate"] == "no data", "a period with nothing resolved has no data")

    # 9. A store of older versions: event ids kept in a "dedupe" index keyed
    # by (sender, NUL, id), value seq, 0x01, digest, sender -- or, older
    # still, keyed by the id alone, value seq then sender, before ids
    # belonged to their sender and digests were kept -- instead of runs of
    # ids by record seq. Intake converts it at start; the ids still match,
    # by sender.
    head = c.stats("intake")["log_head"]
    c.stop("intake")
    db = os.path.join(c.dir, "intake", "db")
    dump = subprocess.run(["mdb_dump", "-a", db], capture_output=True, text=True,
                          check=True).stdout.splitlines()
    sections = dump_sections(dump)
    ids = {}  # seq -> (flags, digest), from the runs of 13 bytes a record
    for k, v in sections.pop("id_runs")[1]:
        first, run = int(k, 16), bytes.fromhex(v)
        check(len(run) % 13 == 0, "a run of ids: 13 bytes a record")
        for i in range(0, len(run), 13):
            ids[first + i // 13] = (run[i], run[i + 5:i + 13])
    check(sorted(ids) == list(range(1, head + 1)), "one id entry per record (%d)" % head)
    log = sections["log"][1]
    strings = [bytes.fromhex(v) for _, v in sections["log_strings"][1]]
    meta_head, meta = sections["meta"]
    marks = [(k, v) for k, v in meta if bytes.fromhex(k) in (b"dedupe_keys", b"ids_hash_key")]
    check(len(marks) == 2, "a new store is marked: ids in runs, and their hash key")
    sections["meta"] = (meta_head, [kv for kv in meta if kv not in marks])
    old = []
    for k, v in log:
        seq, rec = bytes.fromhex(k), unpack_record(bytes.fromhex(v), strings)
        eid, by = rec[b"eid"], rec[b"by"]
        flags, digest = ids[int(k, 16)]
        check(flags == 3, "an id entry of a counter's event: its id and its digest")
        if eid == b"r-5":
            old.append((eid, seq + by))
        else:
            old.append((by + b"\x00" + eid, seq + b"\x01" + digest + by))
    header = [ln.replace("database=log", "database=dedupe") for ln in sections["log"][0]]
    sections["dedupe"] = (header, [(k.hex(), v.hex()) for k, v in sorted(old)])
    for f in ("data.mdb", "lock.mdb"):
        os.unlink(os.path.join(db, f))
    subprocess.run(["mdb_load", db], input=dump_text(sections), text=True, check=True,
                   capture_output=True)
    c.start("intake")
    res = c.push([received(5, channel="postal"), received(4, channel="postal")],
                 who="quay-tp-1", units=UNIT, expect_rc=1)
    check(res[0]["dup"] is True, "an id kept without digest, by the id alone: a duplicate")
    check(res[1]["code"] == "event_id_conflict", "an id kept with its digest compares the content")
    res = c.push([received(5)], who="quay-tp-9", units=UNIT, expect_rc=1)
    check(res[0]["code"] == "duplicate_dossier",
          "an old-format id of another sender is not this sender's: the event is judged")
    c.stop("intake")
    sections = dump_sections(subprocess.run(["mdb_dump", "-a", db], capture_output=True,
                                            text=True, check=True).stdout.splitlines())
    converted = sum(len(v) // 26 for _, v in sections["id_runs"][1])
    check("dedupe" not in sections and converted == head,
          "converted: %d id entries in runs, the old index removed" % head)


def dump_sections(lines):
    """mdb_dump -a output as {database: (header lines, [(key hex, value hex)])}."""
    out, header, pairs, name = {}, [], [], None
    for ln in lines:
        if ln == "DATA=END":
            out[name] = (header, [(pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2)])
            header, pairs, name = [], [], None
        elif ln.startswith(" "):
            pairs.append(ln.strip())
        else:
            header.append(ln)
            if ln.startswith("database="):
                name = ln[len("database="):]
    return out


def dump_text(sections):
    """The mdb_load input of dump_sections() output."""
    out = []
    for header, pairs in sections.values():
        out += header
        for k, v in pairs:
            out += [" " + k, " " + v]
        out.append("DATA=END")
    return "\n".join(out) + "\n"


def varint(b, i):
    """The unsigned LEB128 at b[i]: (value, next index)."""
    v = shift = 0
    while True:
        v |= (b[i] & 0x7f) << shift
        shift += 7
        i += 1
        if not b[i - 1] & 0x80:
            return v, i


def mp_len(b, i):
    """The bytes of the MessagePack value at b[i] (the forms log records use)."""
    t = b[i]
    if t <= 0x7f or t >= 0xe0 or t in (0xc0, 0xc2, 0xc3):
        return 1
    if 0xa0 <= t <= 0xbf:
        return 1 + (t & 0x1f)
    if 0x80 <= t <= 0x9f:
        j = i + 1
        for _ in range((t & 0x0f) * (2 if t <= 0x8f else 1)):
            j += mp_len(b, j)
        return j - i
    fixed = {0xcc: 2, 0xcd: 3, 0xce: 5, 0xcf: 9, 0xd0: 2, 0xd1: 3, 0xd2: 5, 0xd3: 9,
             0xca: 5, 0xcb: 9}
    if t in fixed:
        return fixed[t]
    check(t in (0xd9, 0xc4), "a value of a form the test reads (%#x)" % t)
    return 2 + b[i + 1]


def unpack_record(rec, strings):
    """A stored log record (packed, store/cc_logpack.h) as {key: value}, a
    string value as bytes, any other as its MessagePack bytes."""
    check(rec[0] == 0xc1, "a log record stored packed")
    n, i = varint(rec, 1)
    out = {}
    for _ in range(n):
        code, i = varint(rec, i)
        if rec[i] == 0xc1:
            vcode, i = varint(rec, i + 1)
            out[strings[code]] = strings[vcode]
            continue
        k = mp_len(rec, i)
        t = rec[i]
        out[strings[code]] = (rec[i + 1:i + k] if 0xa0 <= t <= 0xbf else
                              rec[i + 2:i + k] if t == 0xd9 else rec[i:i + k])
        i += k
    return out


def c_cchc(c):
    from harness import CCHC
    return CCHC


if __name__ == "__main__":
    main()
