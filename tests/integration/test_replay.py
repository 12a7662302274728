#!/usr/bin/env python3
"""Replay a generated busy day of a province's one-stop centre through the
real protocol, and compare intake's stored states and scoring's counts with
an independent count made here from what was sent.

The day: CCHC_REPLAY_DOSSIERS dossiers (default 3000) received on Tuesday
2025-03-04 across the demo catalog's provincial units and their
working-day procedures, with every event kind in a realistic mix:
transfers, consultations, stop/supplement/refuse/withdraw requests and their
reviews, supplements completed, apologies, resolutions (early, on time and
late), returns, fees, digitization, ratings, and counter rejections.

The expected class of each resolution is computed here by an independent
implementation of DOMAIN.md §4-§5 over deploy/catalog/calendar.tsv, so the
test fails if intake's due dates or classification drift from the rules.
"""
import datetime as dt
import json
import os
import random
import sys

from harness import Cluster, check

HERE = os.path.dirname(os.path.abspath(__file__))
CATALOG = os.path.join(HERE, "..", "..", "deploy", "catalog")
N = int(os.environ.get("CCHC_REPLAY_DOSSIERS", "3000"))
TZ = dt.timezone(dt.timedelta(hours=7))
DAY = dt.date(2025, 3, 4)


def tsv(name):
    rows = []
    with open(os.path.join(CATALOG, name), encoding="utf-8") as f:
        header = None
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if header is None:
                header = cols
                continue
            rows.append(dict(zip(header, cols + [""] * (len(header) - len(cols)))))
    return rows


class Calendar:
    """Independent working-day calendar (DOMAIN.md §2, §4)."""

    def __init__(self):
        self.off, self.on = set(), set()
        for r in tsv("calendar.tsv"):
            if r.get("date") == "year" or not r.get("kind"):
                continue
            d = dt.date.fromisoformat(r["date"])
            (self.on if r["kind"] == "working_saturday" else self.off).add(d)

    def working(self, d):
        if d in self.on:
            return True
        return d.weekday() < 5 and d not in self.off

    def next_working(self, d, inclusive):
        if not inclusive:
            d += dt.timedelta(days=1)
        while not self.working(d):
            d += dt.timedelta(days=1)
        return d

    def due(self, t, days):
        """Close (17:00) of the days-th working day after the receipt day."""
        d = t.date()
        if t.time() > dt.time(15, 0) or not self.working(d):
            d = self.next_working(d, False)
        for _ in range(days):
            d = self.next_working(d, False)
        return dt.datetime.combine(d, dt.time(17, 0), TZ)

    def classify(self, r, due):
        if r > due:
            return "late"
        d = r.date()
        if not self.working(d):
            d = self.next_working(d, False)
        return "early" if d < due.date() else "on_time"


def iso(t):
    return t.isoformat()


def generate(rnd, cal):
    def valid(u):
        return (not u["effective_from"] or dt.date.fromisoformat(u["effective_from"]) <= DAY) \
            and (not u["effective_to"] or DAY <= dt.date.fromisoformat(u["effective_to"]))
    units = {u["code"] for u in tsv("units.tsv") if valid(u)}
    procs = [p for p in tsv("procedures.tsv")
             if p["duration_kind"] == "working_days" and int(p["duration"]) >= 2]
    choices = []
    for p in procs:
        for u in p["units"].split(","):
            if u in units:
                choices.append((u, p))
    events, expect = [], {}
    for i in range(N):
        unit, p = rnd.choice(choices)
        dur = int(p["duration"])
        dossier = "RP-%05d" % i
        t = dt.datetime.combine(DAY, dt.time(7, 30), TZ) + dt.timedelta(
            seconds=rnd.randrange(0, 9 * 3600))
        seq = [0]

        def ev(etype, at, **kw):
            seq[0] += 1
            e = {"eid": "%s-%d" % (dossier, seq[0]), "type": etype, "dossier": dossier,
                 "at": iso(at)}
            e.update(kw)
            events.append((at, i, seq[0], e))

        x = rnd.random()
        channel = rnd.choice(["direct", "direct", "online", "online", "online", "postal"])
        if x < 0.04:
            ev("rejected_at_counter", t, proc=p["code"], unit=unit, channel=channel)
            continue
        ev("received", t, proc=p["code"], unit=unit, channel=channel)
        e = expect[dossier] = {"unit": unit, "state": "processing", "class": None,
                               "channel": channel}
        due = cal.due(t, dur)
        now = t + dt.timedelta(minutes=rnd.randrange(10, 120))
        if rnd.random() < 0.1:
            to = rnd.choice([u for u in p["units"].split(",") if u != unit and u in units]
                            or [unit])
            if to != unit:
                ev("transferred", now, to=to)
                e["unit"] = to
                now += dt.timedelta(minutes=30)
        if rnd.random() < 0.05:
            ev("consult_requested", now, agency="SO-XD", deadline=iso(now + dt.timedelta(days=5)))
            now += dt.timedelta(hours=20)
            ev("consult_answered", now, agency="SO-XD")
            now += dt.timedelta(minutes=5)
        if rnd.random() < 0.3:
            ev("fee_paid", now, amount=rnd.choice([50000, 100000, 200000]),
               method=rnd.choice(["cash", "cashless", "online"]))
        if rnd.random() < 0.2:
            ev("digitized", now, what="components")
        y = rnd.random()
        if y < 0.05:
            ev("sos_requested", now, kind="withdraw")
            ev("sos_reviewed", now + dt.timedelta(hours=2), approved=True)
            e["state"] = "withdrawn"
            continue
        if y < 0.09:
            ev("sos_requested", now, kind="refuse")
            ev("sos_reviewed", now + dt.timedelta(hours=3), approved=True)
            e["state"] = "refused"
            continue
        if y < 0.11:
            ev("sos_requested", now, kind="stop")
            ev("sos_reviewed", now + dt.timedelta(hours=3), approved=False)
            now += dt.timedelta(hours=4)
        if y >= 0.11 and y < 0.21:
            ev("sos_requested", now, kind="supplement")
            ev("sos_reviewed", now + dt.timedelta(hours=1), approved=True)
            back = now + dt.timedelta(days=rnd.randrange(1, 6), hours=1)
            if not cal.working(back.date()):
                back = dt.datetime.combine(cal.next_working(back.date(), False),
                                           dt.time(9, 0), TZ)
            ev("supplement_completed", back)
            due = cal.due(back, dur)
            now = back + dt.timedelta(minutes=10)
        if rnd.random() < 0.12:
            e["state"] = "processing"  # still open at the end of the replay
            continue
        z = rnd.random()
        if z < 0.6:
            r = now + dt.timedelta(hours=rnd.randrange(1, 20))
        elif z < 0.8:
            r = due - dt.timedelta(minutes=rnd.randrange(5, 200))
        else:
            if rnd.random() < 0.5:
                ev("extended", now + dt.timedelta(hours=1), promised=iso(due + dt.timedelta(days=10)))
                now += dt.timedelta(hours=1, minutes=5)
            r = due + dt.timedelta(hours=rnd.randrange(1, 200))
        if r < now:
            r = now + dt.timedelta(minutes=1)
        ev("resolved", r)
        e["state"] = "resolved"
        e["class"] = cal.classify(r, due)
        if rnd.random() < 0.7:
            ev("returned", r + dt.timedelta(hours=2), method=rnd.choice(["counter", "post",
                                                                          "electronic"]))
            e["state"] = "returned"
            if rnd.random() < 0.5:
                ev("rated", r + dt.timedelta(hours=2, minutes=5),
                   rating=rnd.choice(["very_satisfied", "satisfied", "satisfied",
                                      "dissatisfied"]))
    events.sort(key=lambda x: (x[0], x[1], x[2]))
    return [x[3] for x in events], expect


def main():
    rnd = random.Random(20250304)
    cal = Calendar()
    events, expect = generate(rnd, cal)
    kinds = sorted({e["type"] for e in events})
    classes = {}
    for e in expect.values():
        key = e["class"] or e["state"]
        classes[key] = classes.get(key, 0) + 1
    print("# outcomes: %s" % ", ".join("%s %d" % kv for kv in sorted(classes.items())))
    for k in ("early", "on_time", "late", "withdrawn", "refused", "processing"):
        check(classes.get(k, 0) > 0, "the generated day has %s dossiers" % k)
    print("# %d events for %d dossiers; kinds: %s" % (len(events), N, ", ".join(kinds)))
    c = Cluster(test_clock="2025-12-31T00:00:00+07:00")
    try:
        c.start_some(["intake", "scoring"])
        run(c, events, expect)
    finally:
        c.close()
    print("1 passed, 0 failed")


def run(c, events, expect):
    res = c.push(events, who="replay", units="*")
    bad = [r for r in res if r["status"] != "ok"]
    check(not bad, "all %d events accepted (first refusals: %r)" % (len(events), bad[:3]))
    check(c.stats("intake")["log_head"] == len(events), "intake stored each event once")

    # Intake's stored state of every dossier equals the expected one.
    sample = sorted(expect)
    wrong = []
    for d in sample:
        r = c.cchc(["dossier", "show", d, "--json"], who="op", units="*")
        got = json.loads(r.stdout)["dossier"]
        want = expect[d]
        if got["state"] != want["state"] or got["unit"] != want["unit"] or \
                (want["class"] or "") != (got.get("class") or ""):
            wrong.append((d, want, {k: got.get(k) for k in ("state", "unit", "class")}))
    check(not wrong, "intake state, unit and class of all %d dossiers match (wrong: %r)"
          % (len(sample), wrong[:3]))

    # Scoring's per-unit counts equal the independent count.
    per_unit = {}
    for d, e in expect.items():
        u = per_unit.setdefault(e["unit"], {"received": 0, "early": 0, "on_time": 0, "late": 0,
                                            "ended": 0, "open": 0})
        u["received"] += 1
        if e["class"]:
            u[e["class"]] += 1
        elif e["state"] in ("withdrawn", "refused", "stopped"):
            u["ended"] += 1
        else:
            u["open"] += 1
    total = sum(u["received"] for u in per_unit.values())
    c.wait_for("scoring to apply the whole log",
               lambda: c.stats("scoring")["cursor_intake"] == len(events), timeout=120)
    mism = []
    for unit, u in sorted(per_unit.items()):
        rep = c.report(unit, "2025-01-01", "2025-12-30")
        got = (rep["resolved_early"], rep["resolved_on_time"], rep["resolved_late"],
               rep["ended_no_class"], rep["open_at_end"])
        want = (u["early"], u["on_time"], u["late"], u["ended"], u["open"])
        # Receipts count for the receiving unit, resolutions for the handling unit.
        if got != want:
            mism.append((unit, want, got))
    check(not mism, "scoring's class and open counts match for %d units (mismatch: %r)"
          % (len(per_unit), mism[:3]))
    recv = sum(c.report(u, "2025-01-01", "2025-12-30")["received"] for u in per_unit)
    check(recv == total, "scoring counts %d receipts in all (got %d)" % (total, recv))


if __name__ == "__main__":
    sys.exit(main())
