#!/usr/bin/env python3
"""Supervisors' live view, through the real daemons and the real `cchc`
(PROTOCOL.md §5.2, §5.3, §5.6):

- `cchc watch` started before scoring waits for it, then subscribes;
- each subscriber receives only its units' alerts, matched exactly: a
  supervisor of X-TAN (a unit added to the demo catalog for this test)
  never sees X-TANMAI's, whatever it asks; `--kind`, `--severity`,
  `--summary`; `cchc alerts` pages and counts;
- `cchc ack`: by a supervisor of the unit (seen live by subscribers, in
  the snapshot, kept across kill -9 of scoring and a rebuild), refused for
  another unit's alert and for an alert that is not active;
- a year of history imported with the clock past it: the subscriber gets
  no more lines than the alerts true at the end, and scoring counts what
  it held back;
- records more than an hour old wait half a second: late ones alone (in
  two commits) are sent to the subscriber then; three followed at once by
  an import are not (the import's first READ catches only them);
- intake restored from an older backup, then going on: scoring stops the
  feed, says so (stats, status, a critical feed_lagging alert), and `cchc
  ctl scoring rebuild` gives the figures of a fresh scoring.

Python 3 standard library only.
"""
import json
import os
import shutil
import signal
import subprocess
import time

import wire
from harness import CCHC, SCORINGD, Cluster, check, fail

DAY0 = "2025-03-03"  # a Monday
PROC_SAMEDAY = "TP-CT-BANSAO"  # same_day, communes
PROC_10D = "TP-LLTP"  # 10 working days, SO-TP


def catalog_with_x_tan(dest):
    """The demo catalogs plus a commune X-TAN, whose code is a prefix of
    X-TANMAI's, handling the same-day certification."""
    src = os.environ.get("CCHC_CATALOG_DIR") or os.path.join(os.path.dirname(__file__),
                                                              "../../deploy/catalog")
    shutil.copytree(src, dest)
    with open(os.path.join(dest, "units.tsv"), "a", encoding="utf-8") as f:
        f.write("X-TAN\tUBND xã Tân (thử nghiệm)\tcommune\tH-BIENHOA\t\t\t\n")
    path = os.path.join(dest, "procedures.tsv")
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    out = []
    for line in lines:
        cols = line.split("\t")
        if cols[0] == PROC_SAMEDAY:
            cols[-1] += ",X-TAN"
        out.append("\t".join(cols))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    return dest


def received(dossier, unit, proc, at, eid=None):
    return {"eid": eid or "r-" + dossier, "type": "received", "dossier": dossier, "proc": proc,
            "unit": unit, "channel": "direct", "at": at}


def watcher(c, units, *extra):
    """A `cchc watch --json` in the background; its output is read later."""
    out = open(os.path.join(c.dir, "watch-%s-%d.out" % (units, time.time_ns())), "w+b")
    p = subprocess.Popen([CCHC, "--who=gs-" + units.lower().replace(",", "-")[:20], "--units=" + units, "watch",
                          "--json"] + list(extra),
                         stdout=out, stderr=subprocess.STDOUT, env=c.env)
    return p, out


def lines_of(out):
    out.flush()
    out.seek(0)
    res = []
    for line in out.read().decode().splitlines():
        try:
            res.append(json.loads(line))
        except ValueError:
            pass  # a notice on stderr
    return res


def alerts(c, units, *extra, who=None):
    r = c.cchc(["alerts", "--json"] + list(extra), who=who or "gs-1", units=units)
    return [json.loads(line) for line in r.stdout.decode().splitlines() if line.strip()]


def ids(rows):
    return sorted(r["alert"]["id"] for r in rows)


def main():
    c = Cluster(test_clock=DAY0 + "T09:30:00+07:00")
    cat = catalog_with_x_tan(os.path.join(c.dir, "catalog"))
    for n in ("intake", "hotline", "scoring"):
        c.extra[n] = ["--catalog-dir=" + cat]
    try:
        live_view(c)
        rollback(c)
    finally:
        c.close()
    history_import()
    late_records()
    print("test_alerts: passed")


def live_view(c):
    # A supervisor starts watching before scoring is up: watch waits.
    c.start("intake")
    c.start("hotline")
    w_tan, out_tan = watcher(c, "X-TAN")
    time.sleep(3.5)  # longer than its first HELLO waits (3 s)
    c.start("scoring")
    w_mai, out_mai = watcher(c, "X-TANMAI")
    w_sum, out_sum = watcher(c, "X-TAN,X-TANMAI", "--summary")
    at = DAY0 + "T09:00:00+07:00"
    res = c.push([received("XT-1", "X-TAN", PROC_SAMEDAY, at),
                  received("XM-1", "X-TANMAI", PROC_SAMEDAY, at),
                  received("TP-1", "SO-TP", PROC_10D, at)], who="quay", units="*")
    check(all(r["status"] == "ok" for r in res), "three receipts acknowledged")
    c.wait_for("scoring to apply them", lambda: c.stats("scoring")["cursor_intake"] == 3)
    # The same-day dossiers pass 17:00: overdue and apology missing, each.
    c.clock(DAY0 + "T17:30:00+07:00")
    c.wait_for("the X-TAN watcher to see 2 raises",
               lambda: len([x for x in lines_of(out_tan) if x["op"] == "raise"]) >= 2, 15)
    c.wait_for("the X-TANMAI watcher to see 2 raises",
               lambda: len([x for x in lines_of(out_mai) if x["op"] == "raise"]) >= 2, 15)
    tan = lines_of(out_tan)
    check(all(x["alert"]["unit"] == "X-TAN" for x in tan),
          "the X-TAN subscriber gets only X-TAN's alerts, not X-TANMAI's (%d lines)" % len(tan))
    check(sorted(x["alert"]["kind"] for x in tan) == ["apology_missing", "dossier_overdue"],
          "X-TAN: dossier_overdue and apology_missing for XT-1")
    check(all(x["alert"]["unit"] == "X-TANMAI" for x in lines_of(out_mai)),
          "the X-TANMAI subscriber gets only X-TANMAI's")
    with open(out_tan.name, encoding="utf-8") as f:
        check("waiting for cchc-scoringd" in f.read(),
              "watch started before scoring said it waits, and subscribed when it came")
    c.wait_for("a summary of 4 alerts", lambda: any(
        x.get("op") == "summary" and x.get("total") == 4 for x in lines_of(out_sum)), 15)
    summ = [x for x in lines_of(out_sum) if x.get("op") == "summary"][-1]
    check(sorted((r["unit"], r["kind"], r["count"]) for r in summ["summary"]) ==
          [("X-TAN", "apology_missing", 1), ("X-TAN", "dossier_overdue", 1),
           ("X-TANMAI", "apology_missing", 1), ("X-TANMAI", "dossier_overdue", 1)],
          "summary mode: counts per unit, kind and severity")

    # Queries: exact units, scope, kinds, severity, summary.
    check(ids([{"alert": a["alert"]} for a in alerts(c, "X-TAN")]) ==
          ["apology_missing:XT-1", "dossier_overdue:XT-1"], "cchc alerts: X-TAN's two alerts")
    r = c.cchc(["alerts", "--json"], who="gs-1", units="X-TAN", check_rc=False)
    check(r.returncode == 0, "a supervisor lists its own unit's alerts")
    r = c.cchc(["alerts", "--unit=X-TANMAI"], who="gs-1", units="X-TAN", expect_rc=1)
    check(b"not_authorized" in r.stderr, "another unit's alerts: not_authorized")
    check(ids(alerts(c, "X-TAN,X-TANMAI", "--unit=X-TANMAI")) ==
          ["apology_missing:XM-1", "dossier_overdue:XM-1"], "--unit narrows within the scope")
    check(ids(alerts(c, "*", "--kind=apology_missing")) ==
          ["apology_missing:XM-1", "apology_missing:XT-1"], "--kind filters")
    check(alerts(c, "*", "--severity=critical") == [], "--severity=critical: none")
    r = c.cchc(["alerts", "--summary", "--json"], who="gs-1", units="*")
    check(json.loads(r.stdout)["total"] == 4, "cchc alerts --summary: 4 in all")
    r = c.cchc(["alerts", "--kind=nonsense"], who="gs-1", units="*", expect_rc=2)
    check(b"dossier_overdue" in r.stderr, "an unknown --kind is a usage error listing the kinds")

    # Acknowledgement.
    r = c.cchc(["ack", "dossier_overdue:XT-1", "--note=Đã gọi điện nhắc"], who="gs-tan",
               units="X-TAN")
    check(r.returncode == 0, "a supervisor of X-TAN acknowledges XT-1's overdue alert")
    c.wait_for("the ack at the X-TAN watcher",
               lambda: any(x["op"] == "ack" for x in lines_of(out_tan)), 15)
    ack = [x for x in lines_of(out_tan) if x["op"] == "ack"][0]["alert"]["ack"]
    check(ack["by"] == "gs-tan" and ack["note"] == "Đã gọi điện nhắc",
          "the ack says who and the note")
    check(not any(x["op"] == "ack" for x in lines_of(out_mai)),
          "the X-TANMAI subscriber does not see X-TAN's ack")
    r = c.cchc(["ack", "dossier_overdue:XT-1"], who="gs-tp", units="SO-TP", expect_rc=1)
    check(b"not_authorized" in r.stderr, "a supervisor of another unit: not_authorized")
    r = c.cchc(["ack", "dossier_overdue:NOPE"], who="gs-tan", units="X-TAN", expect_rc=1)
    check(b"unknown_alert" in r.stderr, "an alert that is not active: unknown_alert")

    def acked():
        a = {x["alert"]["id"]: x["alert"] for x in alerts(c, "X-TAN")}
        return a.get("dossier_overdue:XT-1", {}).get("ack", {}).get("by") == "gs-tan"

    check(acked(), "the snapshot shows the ack")
    c.stop("scoring", signal.SIGKILL)
    c.start("scoring")
    # A restarted daemon's test clock starts again at its option's time.
    c.cchc(["ctl", "scoring", "clock", DAY0 + "T17:30:00+07:00"], who="op")
    c.wait_for("the ack after kill -9 of scoring", acked)
    check(True, "the ack survives kill -9 of scoring")
    r = c.cchc(["ctl", "scoring", "rebuild"], who="op", timeout_ms=10000)
    check(b"rebuilt" in r.stdout, "ctl scoring rebuild reports its progress and the end")
    c.wait_for("the ack after a rebuild", acked)
    check(True, "the ack survives a rebuild of scoring's state")

    # The watchers went through scoring's restart: they subscribed again.
    c.clock(DAY0 + "T17:40:00+07:00")
    res = c.push([{"eid": "s-XT-1", "type": "resolved", "dossier": "XT-1",
                   "at": DAY0 + "T17:35:00+07:00"}], who="quay", units="*")
    check(res[0]["status"] == "ok", "XT-1 resolved")
    c.wait_for("the clears at the X-TAN watcher (subscribed again after the restart)",
               lambda: len([x for x in lines_of(out_tan) if x["op"] == "clear"]) >= 2, 30)
    check(w_tan.poll() is None, "the X-TAN watcher is still running")
    for p in (w_tan, w_mai, w_sum):
        p.terminate()
        p.wait(timeout=10)
    on_the_wire(c)
    paging(c)


def on_the_wire(c):
    """What `cchc` never sends: bad filters, a refused HELLO, unwatch."""
    port = int(c.ep("scoring").rsplit(":", 1)[1])
    # The watchers of live_view are gone: scoring notices at its next
    # heartbeat to them (within 5 s) and forgets them.
    c.wait_for("scoring to forget the watchers that went away",
               lambda: c.stats("scoring")["watchers"] == 0, 15)
    check(True, "subscribers that went away are forgotten")
    d = wire.Dealer("127.0.0.1", port)
    try:
        t, b = d.request(wire.HELLO, {"role": "supervisor", "who": "gs-wire", "units": ["X-TAN"]})
        check(t == wire.RESULT, "wire: HELLO as a supervisor of X-TAN")
        for body, field, code in (({"kinds": ["nonsense"]}, "kinds", "bad_field"),
                                  ({"kinds": "dossier_overdue"}, "kinds", "bad_field"),
                                  ({"severity": "loud"}, "severity", "bad_field"),
                                  ({"units": ["X-TANMAI"]}, "units", "not_authorized"),
                                  ({"units": "X-TAN"}, "units", "bad_field"),
                                  ({"summary": "yes"}, "summary", "bad_field")):
            t, b = d.request(wire.QUERY, dict(body, q="watch"))
            check(t == wire.ERROR and b["code"] == code and b["field"] == field,
                  "wire: watch %r refused: %s %s" % (body, b.get("code"), b.get("field")))
        check(c.stats("scoring")["watchers"] == 0, "wire: a refused watch subscribes nothing")
        t, b = d.request(wire.QUERY, {"q": "watch", "units": ["X-TAN"]})
        check(t == wire.RESULT and b["heartbeat_ms"] == 5000, "wire: watch X-TAN answered")
        t, b = d.recv()
        check(t == wire.ALERT and b["op"] == "snapshot" and b["last"] is True and
              b["page"] == 0 and all(a["unit"] == "X-TAN" for a in b["alerts"]),
              "wire: then one snapshot page of X-TAN's alerts (%d)" % len(b["alerts"]))
        check(c.stats("scoring")["watchers"] == 1, "wire: one subscription")
        t, b = d.request(wire.HELLO, {"role": "nobody", "who": "gs-wire"})
        check(t == wire.ERROR, "wire: a HELLO with an unknown role is refused")
        check(c.stats("scoring")["watchers"] == 1, "wire: ... and the subscription stays")
        t, b = d.request(wire.QUERY, {"q": "ack", "id": "x" * 200})
        check(t == wire.ERROR and b["field"] == "id", "wire: an over-long alert id: bad_field")
        t, b = d.request(wire.QUERY, {"q": "unwatch"})
        check(t == wire.RESULT and c.stats("scoring")["watchers"] == 0,
              "wire: unwatch ends the subscription")
        t, b = d.request(wire.QUERY, {"q": "watch", "units": ["X-TAN"]})
        while d.pending:
            d.recv()
        t, b = d.request(wire.HELLO, {"role": "supervisor", "who": "gs-wire2",
                                      "units": ["X-TAN"]})
        check(t == wire.RESULT and c.stats("scoring")["watchers"] == 0,
              "wire: a new identity on the connection ends its subscription")
    finally:
        d.close()


def paging(c):
    """More alerts than a page: `cchc alerts` pages, a snapshot has pages."""
    n = 1100
    at = DAY0 + "T09:05:00+07:00"
    res = c.push([received("PG-%04d" % i, "X-TANMAI", PROC_SAMEDAY, at) for i in range(n)],
                 who="quay", units="*")
    check(len(res) == n and all(r["status"] == "ok" for r in res), "%d more receipts" % n)
    want = 2 * n + 2  # overdue and apology missing each, and XM-1's two
    c.wait_for("%d alerts of X-TANMAI" % want, lambda: json.loads(
        c.cchc(["alerts", "--summary", "--json"], who="gs", units="X-TANMAI").stdout)[
        "total"] == want, 30)
    got = alerts(c, "X-TANMAI")
    check(len(got) == want and len({a["alert"]["id"] for a in got}) == want,
          "cchc alerts pages through %d alerts, each once" % want)
    r = c.cchc(["watch", "--json", "--count=%d" % want], who="gs", units="X-TANMAI",
               timeout_ms=20000)
    lines = [json.loads(x) for x in r.stdout.decode().splitlines() if x.strip()]
    check(len(lines) == want and all(x.get("snapshot") for x in lines) and
          len({x["alert"]["id"] for x in lines}) == want,
          "a watch snapshot of %d alerts comes in pages, each alert once" % want)


def report_of(c, unit, env=None):
    r = subprocess.run([CCHC, "--who=gs", "report", "--unit=" + unit, "--from=2025-03-01",
                        "--to=2025-03-31", "--json"], capture_output=True, env=env or c.env,
                       timeout=30)
    if r.returncode != 0:
        fail("report: %s" % r.stderr.decode())
    rep = json.loads(r.stdout)
    for k in ("rid",):
        rep.pop(k, None)
    return rep


def rollback(c):
    """intake restored from an older backup, then going on."""
    # Below intake's backup_dir (<state_dir>/backup), the only place allowed.
    backup = os.path.join(c.dir, "intake", "backup", "before-rollback")
    c.cchc(["ctl", "intake", "backup", backup], who="op")
    at = DAY0 + "T17:38:00+07:00"
    res = c.push([received("TP-%d" % i, "SO-TP", PROC_10D, at) for i in range(2, 6)],
                 who="quay", units="*")
    check(all(r["status"] == "ok" for r in res), "4 more receipts after the backup")
    head = c.stats("intake")["log_head"]
    c.wait_for("scoring to apply them", lambda: c.stats("scoring")["cursor_intake"] == head)
    # Restore the older backup and go on with other events (reused seqs).
    c.stop("intake")
    db = os.path.join(c.dir, "intake", "db")
    shutil.rmtree(db)
    shutil.copytree(backup, db)
    c.start("intake")
    c.cchc(["ctl", "intake", "clock", DAY0 + "T17:40:00+07:00"], who="op")
    res = c.push([received("TP-%d" % i, "SO-TP", PROC_10D, at, eid="other-%d" % i)
                  for i in range(10, 16)], who="quay", units="*")
    check(all(r["status"] == "ok" for r in res), "6 other receipts on the restored intake")
    st = c.wait_for("scoring to stop the intake feed",
                    lambda: (lambda s: s if s["stopped_intake"] else None)(c.stats("scoring")),
                    20)
    check("STOPPED" in st["status"] and "rolled back" in st["status"],
          "scoring's status says the intake feed stopped: %s" % st["status"])
    check("rolled back" in c.tail("scoring") or "older backup" in c.tail("scoring"),
          "scoring logged why")
    fl = c.wait_for("a critical feed_lagging alert", lambda: [
        a for a in alerts(c, "*", "--kind=feed_lagging", who="op")
        if a["alert"]["severity"] == "critical"], 20)
    check(fl[0]["alert"]["subject"] == "intake", "feed_lagging names the intake feed")
    check(alerts(c, "SO-TP", "--kind=feed_lagging") == [],
          "a supervisor of one unit does not get scoring's own alerts")
    r = c.cchc(["ctl", "scoring", "rebuild"], who="op", timeout_ms=10000)
    check(b"rebuilt" in r.stdout, "ctl scoring rebuild ran to its end")
    st = c.stats("scoring")
    check(not st["stopped_intake"] and st["cursor_intake"] == c.stats("intake")["log_head"],
          "the feed goes again, to intake's head")
    check(alerts(c, "*", "--kind=feed_lagging", who="op") == [], "feed_lagging cleared")
    # A fresh scoring on the same sources gives the same figures.
    fresh_ep = "tcp://127.0.0.1:%d" % __import__("harness").free_port()
    fresh_dir = os.path.join(c.dir, "scoring-fresh")
    log = open(os.path.join(c.dir, "scoring-fresh.log"), "ab")
    p = subprocess.Popen([SCORINGD, "--listen=" + fresh_ep, "--state-dir=" + fresh_dir,
                          "--intake=" + c.ep("intake"), "--hotline=" + c.ep("hotline"),
                          "--catalog-dir=" + c.extra["scoring"][0].split("=", 1)[1],
                          "--tick-ms=200", "--test-clock=" + DAY0 + "T17:40:00+07:00"],
                         stdout=log, stderr=log, env=c.env)
    env = dict(c.env, CCHC_SCORING=fresh_ep)
    try:
        def fresh_caught_up():
            r = subprocess.run([CCHC, "--who=op", "ctl", "scoring", "stats", "--json"],
                               capture_output=True, env=env, timeout=10)
            return r.returncode == 0 and json.loads(r.stdout)["cursor_intake"] == \
                c.stats("intake")["log_head"]
        c.wait_for("the fresh scoring to catch up", fresh_caught_up, 20)
        for unit in ("SO-TP", "X-TAN", "X-TANMAI"):
            a, b = report_of(c, unit), report_of(c, unit, env)
            check(a == b, "%s: the rebuilt figures equal a fresh scoring's (received %d)" %
                  (unit, a["received"]))
    finally:
        p.terminate()
        p.wait(timeout=10)


def against_the_rule(dossier, day):
    """A dossier of SO-TP received on @day, with a supplement asked a week
    later (against the "guide once, in full" rule: an alert), denied."""
    t0 = time.mktime(time.strptime(day, "%Y-%m-%d"))

    def at(d):
        return time.strftime("%Y-%m-%d", time.localtime(t0 + d * 86400)) + "T10:00:00+07:00"
    return [received(dossier, "SO-TP", PROC_10D, at(0)),
            {"eid": "sq-" + dossier, "type": "sos_requested", "dossier": dossier,
             "kind": "supplement", "at": at(7)},
            {"eid": "sr-" + dossier, "type": "sos_reviewed", "dossier": dossier,
             "approved": False, "at": at(8)}]


def push_split(c, first, rest, who):
    """Push @first, then @rest at once after it from a second `cchc push`
    already connected and waiting for its input: two commits a moment
    apart. Returns the seconds between the first's acknowledgement and the
    rest's."""
    data = "".join(json.dumps(e) + "\n" for e in rest).encode()
    second = subprocess.Popen([CCHC, "--who=" + who, "--units=SO-TP", "push"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=c.env)
    time.sleep(0.3)  # connected, reading its input
    check(all(r["status"] == "ok" for r in c.push(first, who=who, units="SO-TP")),
          "%d records acknowledged" % len(first))
    t = time.time()
    _, err = second.communicate(data, timeout=60)
    check(second.returncode == 0, "then %d more (%s)" % (len(rest), err.decode()[-300:]))
    return time.time() - t


def late_records():
    """Old records (the clock months past them) wait half a second: alone,
    their alerts reach the subscriber then, even when they came in two
    commits; followed at once by an import, whose first READ catches only
    them, they never do."""
    c = Cluster(test_clock="2025-12-20T09:00:00+07:00")
    try:
        c.start_all()
        w, out = watcher(c, "SO-TP")
        time.sleep(1.0)
        # A counter back online: the records of two dossiers of June, in two
        # commits, then nothing.
        st = c.stats("scoring")
        holds, batches = st["holds"], st["batches_intake"]
        gap = push_split(c, against_the_rule("L-1", "2025-06-02"),
                         against_the_rule("L-2", "2025-06-03"), "quay")
        check(gap < 0.4, "the second commit %.3f s after the first: within the hold" % gap)
        t0 = time.time()
        for d in ("L-1", "L-2"):
            c.wait_for("the late records' alert at the subscriber (%s)" % d,
                       lambda: any(r["alert"]["subject"] == d for r in lines_of(out)), 10)
        print("late records: two commits %.3f s apart; both alerts at the subscriber after "
              "%.2f s" % (gap, time.time() - t0))
        st = c.stats("scoring")
        check(st["batches_intake"] >= batches + 2, "the six records came in two BATCHes or more")
        check(st["held_back"] == 0 and st["holds"] == holds + 1,
              "one hold, nothing held back for six late records (holds %d, held back %d)" %
              (st["holds"] - holds, st["held_back"]))
        # An import: its first three records alone, the rest a moment later.
        rest = [{"eid": "s-I-1", "type": "resolved", "dossier": "I-1",
                 "at": "2025-07-20T10:00:00+07:00"}]
        for n in range(150):
            rest.append(received("I-%03d" % (n + 2), "SO-TP", PROC_10D,
                                 "2025-07-%02dT09:00:00+07:00" % (21 + n % 7)))
        holds = c.stats("scoring")["holds"]
        gap = push_split(c, against_the_rule("I-1", "2025-07-01"), rest, "import")
        print("import: the rest acknowledged %.3f s after the first three" % gap)
        # A hold began: scoring's first READ of the import caught only the
        # first three (with all of it at once there is no hold to test).
        check(c.stats("scoring")["holds"] == holds + 1,
              "the import's first records began a hold")
        head = c.stats("intake")["log_head"]
        c.wait_for("scoring to apply the import",
                   lambda: (lambda s: s["cursor_intake"] == head and not s["catching_up"])(
                       c.stats("scoring")), 30)
        time.sleep(1.5)  # a tick after catching up, and the snapshot
        seen = [r for r in lines_of(out) if r["alert"]["subject"] == "I-1"]
        check(not seen, "the import's first records sent nothing (%r)" % seen[:1])
        check(c.stats("scoring")["held_back"] > 0, "their changes were held back")
        w.terminate()
        w.wait(timeout=10)
    finally:
        c.close()


def history_import():
    """A year of history pushed at once, the clock past it: the subscriber
    gets no more than the alerts true at the end."""
    c = Cluster(test_clock="2025-12-20T09:00:00+07:00")
    try:
        c.start_all()
        w, out = watcher(c, "SO-TP")
        time.sleep(1.0)
        events = []
        n = 0
        # 2025-01-06 .. 2025-11-01, three dossiers a working day: most resolved
        # in time, one in ten late (and asked for a supplement against the
        # rule: an alert that clears when it is resolved), one in fifty never
        # resolved (overdue now).
        day = time.mktime(time.strptime("2025-01-06", "%Y-%m-%d"))
        for d in range(300):
            t = time.localtime(day + d * 86400)
            if t.tm_wday >= 5:
                continue
            date = time.strftime("%Y-%m-%d", t)
            for k in range(3):
                n += 1
                dossier = "H-%05d" % n
                events.append(received(dossier, "SO-TP", PROC_10D, date + "T09:%02d:00+07:00" % k))
                if n % 50 == 0:
                    continue
                late = n % 10 == 0
                when = time.strftime("%Y-%m-%d", time.localtime(
                    day + (d + (20 if late else 3)) * 86400))
                if late:
                    # A supplement asked a week after receipt: against the
                    # "guide once, in full" rule (an alert then), denied.
                    for k2, (typ, extra) in enumerate((("sos_requested", {"kind": "supplement"}),
                                                       ("sos_reviewed", {"approved": False}))):
                        ev = {"eid": "%s-%s" % (typ, dossier), "type": typ, "dossier": dossier,
                              "at": time.strftime("%Y-%m-%d", time.localtime(
                                  day + (d + 7 + k2) * 86400)) + "T10:00:00+07:00"}
                        ev.update(extra)
                        events.append(ev)
                events.append({"eid": "s-" + dossier, "type": "resolved", "dossier": dossier,
                               "at": when + "T10:00:00+07:00"})
        # Time order, as an export of history would be.
        events.sort(key=lambda e: e["at"])
        res = c.push(events, who="import", units="SO-TP")
        check(len(res) == len(events) and all(r["status"] == "ok" for r in res),
              "%d history events acknowledged" % len(events))
        head = c.stats("intake")["log_head"]
        c.wait_for("scoring to apply the year", lambda: (lambda s: s["cursor_intake"] == head and
                                                         not s["catching_up"])(
            c.stats("scoring")), 60)
        time.sleep(1.5)  # a tick after catching up, and the snapshot
        end = alerts(c, "SO-TP")
        got = lines_of(out)
        st = c.stats("scoring")
        print("history: %d events, %d alerts true at the end, %d lines at the subscriber, "
              "%d changes held back" % (len(events), len(end), len(got), st["held_back"]))
        check(len(end) > 0, "some alerts are true at the end (%d)" % len(end))
        check(len(got) <= len(end),
              "the subscriber got at most the alerts true at the end (%d <= %d)" %
              (len(got), len(end)))
        check(ids(got) == ids(end), "and exactly those")
        check(st["held_back"] > 0, "scoring counted the changes it held back (%d)" %
              st["held_back"])
        w.terminate()
        w.wait(timeout=10)
    finally:
        c.close()


if __name__ == "__main__":
    main()
