#!/usr/bin/env python3
"""A quarter of hotline 1022 traffic at the volume of seeds/001, end to end:
agent -> hotline -> scoring, checked against an independent count.

seeds/001 reports quarter I 2023 (15/12/2022 - 14/3/2023): 7.946 contacts and a
few hundred complaints (PAKN). The demo calendar (deploy/catalog/calendar.tsv)
covers 2024-2026 only and complaint deadlines need it, so the quarter is
shifted to quarter I 2025 (15/12/2024 - 14/3/2025, with Tết Ất Tỵ) keeping the
volumes: about 8.000 contacts and 390 complaints.

Each day is pushed with `cchc push --to=hotline` (role agent) after the test
clock of the hotline has been moved to 16:30 that day, so complaints whose
deadline passed are escalated by the hotline itself, in order. Complaints:
  A  level 1, classified and answered within the hour (some published, some
     reopened the next working day and answered again);
  B  level 1 answered the next working day: escalated to level 2 at 17:00 on
     the day of receipt (unit-less: the hotline's), then answered on time;
  C  assigned to a unit (level 2) and not answered: those assigned before
     21/1 pass their level-2 deadline (15 working days) and escalate to
     level 3 once, and those whose level-3 deadline (15 more) passes by
     14/3 get a `pakn_overdue` record; those assigned from 3/3 do neither;
  E  assigned to a unit whose contact point (`cchc push --role=contact_point`,
     scoped to that unit) accepts it the next working day and answers on the
     5th working day: on time at level 2;
  F  assigned in December, accepted, but answered only on the 35th working
     day: escalated to level 3 at the level-2 deadline, overdue at the
     level-3 deadline (a `pakn_overdue` record), answered late;
  R  refused by the hotline (từ chối tiếp nhận) 1, 2 or 3 working days after
     receipt: late after 2; escalated to level 2 first, like B;
  D  naming a dossier that the test first pushed to intake: counted for the
     dossier's handling unit, answered at level 1.
Scoring's figures (`cchc report --json` for every unit, and unit "-" for the
hotline's own) must equal the test's count of what it sent, by the rules of
PROTOCOL.md §5.1.
"""
import datetime as dt
import json
import os
import random

from harness import Cluster, check, fail, run_cluster

TZ = dt.timezone(dt.timedelta(hours=7))
FIRST = dt.date(2024, 12, 15)
LAST = dt.date(2025, 3, 14)
UNITS = ["SO-TP", "SO-GTVT", "SO-TNMT", "SO-XD", "SO-LDTBXH"]
CTYPES = [("information", 40), ("guidance", 45), ("postal", 10), ("pakn", 5)]
CHANNELS = [("phone", 70), ("email", 8), ("app", 7), ("zalo", 10), ("portal", 5)]
N_CONTACTS = 8000
N_DOSSIERS = 40
HOTLINE = "-"  # report key of the hotline's own figures (no unit)

CALENDAR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "deploy",
                        "catalog", "calendar.tsv")


def calendar_days(kinds):
    days = set()
    with open(CALENDAR, encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) >= 2 and p[1] in kinds:
                days.add(dt.date.fromisoformat(p[0]))
    return days


OFF = calendar_days(("holiday", "compensatory_day_off"))
ON = calendar_days(("working_saturday",))


def working(d):
    return d in ON or (d.weekday() < 5 and d not in OFF)


def next_working(d):
    d += dt.timedelta(days=1)
    while not working(d):
        d += dt.timedelta(days=1)
    return d


def add_working(d, n):
    for _ in range(n):
        d = next_working(d)
    return d


def level3_due(assigned):
    """Day of the level-3 deadline (17:00) of a complaint assigned before the
    15:00 cut-off on @assigned and never answered: level 2 runs 15 working
    days from then; level 3 starts at that deadline, 17:00 (after the
    cut-off: counted from the next working day) and runs 15 more."""
    return add_working(next_working(add_working(assigned, 15)), 15)


def at(d, minutes):
    """ISO time of day d at minutes after local midnight."""
    return dt.datetime(d.year, d.month, d.day, minutes // 60, minutes % 60,
                       tzinfo=TZ).isoformat()


def pick(rng, weighted):
    r = rng.randrange(sum(w for _, w in weighted))
    for v, w in weighted:
        if r < w:
            return v
        r -= w
    return weighted[-1][0]


class Count:
    """The independent count: per unit ("-" = the hotline), per key."""

    def __init__(self):
        self.c = {}

    def add(self, unit, key, n=1):
        self.c.setdefault(unit or HOTLINE, {}).setdefault(key, 0)
        self.c[unit or HOTLINE][key] += n

    def get(self, unit, key):
        return self.c.get(unit, {}).get(key, 0)


def generate(rng, dossiers):
    """Events by day ({date: [event, ...]}) and the expected count."""
    days = [FIRST + dt.timedelta(days=i) for i in range((LAST - FIRST).days + 1)]
    wdays = [d for d in days if working(d)]
    ev = {d: [] for d in days}
    exp = Count()
    seq = [0]

    def eid(prefix):
        seq[0] += 1
        return "%s-%d" % (prefix, seq[0])

    # Contacts: every day, more on working days, 07:30-16:30.
    weights = [5 if working(d) else 1 for d in days]
    for i in range(N_CONTACTS):
        d = rng.choices(days, weights)[0]
        ctype, channel = pick(rng, CTYPES), pick(rng, CHANNELS)
        unit = rng.choice(UNITS) if rng.random() < 0.25 else ""
        e = {"eid": eid("c"), "type": "contact", "contact": "LH-%05d" % i, "ctype": ctype,
             "channel": channel, "at": at(d, rng.randrange(450, 990))}
        if unit:
            e["unit"] = unit
        if ctype in ("information", "guidance"):
            e["closed"] = True
        ev[d].append(e)
        exp.add(unit, "contacts")
        exp.add(unit, {"information": "contacts_info", "guidance": "contacts_guide",
                       "postal": "contacts_postal", "pakn": "contacts_pakn"}[ctype])
        exp.add(unit, "contacts_" + channel)

    # Complaints: on working days, received 08:00-14:00.
    early_c = [d for d in wdays if d <= dt.date(2025, 1, 20)]
    late_c = [d for d in wdays if dt.date(2025, 3, 3) <= d <= dt.date(2025, 3, 13)]
    b_days = [d for d in wdays if d < LAST]
    n = 0
    plan = (["A"] * 235 + ["B"] * 55 + ["C1"] * 40 + ["C2"] * 20 + ["D"] * 40 + ["E"] * 30 +
            ["F"] * 10 + ["R"] * 15)
    e_days = [d for d in wdays if add_working(d, 6) <= LAST]
    f_days = [d for d in wdays if d <= dt.date(2024, 12, 31)]
    rng.shuffle(plan)
    for kind in plan:
        n += 1
        pid = "PA-%04d" % n
        d = rng.choice(early_c if kind == "C1" else late_c if kind == "C2" else
                       b_days if kind in ("A", "B") else e_days if kind in ("E", "R") else
                       f_days if kind == "F" else wdays)
        t = rng.randrange(480, 840)
        rec = {"eid": eid("p"), "type": "pakn_received", "pakn": pid, "at": at(d, t),
               "text": "Phản ánh về việc giải quyết hồ sơ, gọi lại số 0912345678"}
        unit = ""
        if kind == "D":
            dossier, unit = dossiers[rng.randrange(len(dossiers))]
            rec["dossier"] = dossier
        ev[d].append(rec)
        exp.add(unit, "pakn_received")
        ev[d].append({"eid": eid("p"), "type": "pakn_classified", "pakn": pid,
                      "category": "procedure", "at": at(d, t + 10)})
        if kind in ("A", "D"):
            ev[d].append({"eid": eid("p"), "type": "pakn_answered", "pakn": pid,
                          "answer": "Đã trả lời công dân", "at": at(d, t + 40)})
            exp.add(unit, "pakn_answered")
            exp.add(unit, "pakn_on_time")
            exp.add(unit, "pakn_ans_l1")
            if kind == "A" and rng.random() < 0.5:
                ev[d].append({"eid": eid("p"), "type": "pakn_published", "pakn": pid,
                              "at": at(d, t + 60)})
                exp.add(unit, "pakn_published")
            if kind == "A" and rng.random() < 0.08 and d < LAST:
                d2 = next_working(d)
                if d2 <= LAST:
                    ev[d2].append({"eid": eid("p"), "type": "pakn_reopened", "pakn": pid,
                                   "at": at(d2, 540)})
                    ev[d2].append({"eid": eid("p"), "type": "pakn_answered", "pakn": pid,
                                   "answer": "Đã trả lời lại", "at": at(d2, 570)})
                    exp.add(unit, "pakn_reopened")
        elif kind == "B":
            d2 = next_working(d)
            ev[d2].append({"eid": eid("p"), "type": "pakn_answered", "pakn": pid,
                           "answer": "Đã trả lời công dân", "at": at(d2, 600)})
            exp.add("", "pakn_escalated")
            exp.add("", "pakn_overdue")
            exp.add("", "pakn_answered")
            exp.add("", "pakn_on_time")  # on time against its level-2 deadline
            exp.add("", "pakn_ans_l2")
        elif kind == "R":
            k = rng.choice((1, 2, 3))
            d2 = add_working(d, k)
            ev[d2].append({"eid": eid("p"), "type": "pakn_refused", "pakn": pid,
                           "reason": rng.choice(("anonymous", "unclear", "not_pakn")),
                           "at": at(d2, 540)})
            exp.add("", "pakn_escalated")  # level 1 ran out at 17:00 on day d
            exp.add("", "pakn_overdue")
            exp.add("", "pakn_refused")
            if k == 3:
                exp.add("", "pakn_ref_late")
        else:
            u = rng.choice(UNITS)
            ev[d].append({"eid": eid("p"), "type": "pakn_assigned", "pakn": pid, "unit": u,
                          "at": at(d, t + 20)})
            exp.add("", "pakn_to_unit")
            exp.add(u, "pakn_received")
            if kind in ("C1", "F"):
                exp.add(u, "pakn_escalated")
                exp.add(u, "pakn_overdue")
                # F is answered on the 35th working day, after its level-3
                # deadline (the 31st); C1 waits to the end of the quarter.
                if kind == "F" or level3_due(d) < LAST:
                    exp.add(u, "_overdue_records")
                    if kind == "C1":
                        exp.add(u, "_overdue_active")  # F's cleared by its answer
            if kind in ("E", "F"):
                # The unit's contact point accepts, then answers.
                d2 = next_working(d)
                d3 = add_working(d, 5 if kind == "E" else 35)
                ev[d2].append({"eid": eid("p"), "type": "pakn_accepted", "pakn": pid,
                               "at": at(d2, 540), "_cp": u})
                ev[d3].append({"eid": eid("p"), "type": "pakn_answered", "pakn": pid,
                               "answer": "Đơn vị đã trả lời công dân", "at": at(d3, 600),
                               "_cp": u})
                exp.add(u, "pakn_answered")
                if kind == "E":
                    exp.add(u, "pakn_on_time")
                    exp.add(u, "pakn_ans_l2")
                else:
                    exp.add(u, "pakn_ans_l3")
    for d in days:
        ev[d].sort(key=lambda e: e["at"])
    # Derived figures: complaints kept (not passed to a unit), and handled
    # (answered, refused or forwarded: none is forwarded here).
    for unit in list(exp.c):
        exp.add(unit, "pakn_to_handle", exp.get(unit, "pakn_received") -
                exp.get(unit, "pakn_to_unit"))
        exp.add(unit, "pakn_handled", exp.get(unit, "pakn_answered") +
                exp.get(unit, "pakn_refused"))
    return ev, exp


def main():
    c = Cluster(test_clock=at(dt.date(2024, 12, 16), 16 * 60 + 30))
    run_cluster(run, c)


def run(c):
    rng = random.Random(1022)
    # Dossiers the complaints of kind D name: received at SO-TP, 10 moved to
    # SO-GTVT? (TP-LLTP is handled by SO-TP and TTHCC only: 10 go to TTHCC).
    d0 = dt.date(2024, 12, 16)
    dossiers, evs = [], []
    for i in range(N_DOSSIERS):
        dossier = "SO-TP-241216-%04d" % (i + 1)
        evs.append({"eid": "r-%d" % i, "type": "received", "dossier": dossier,
                    "proc": "TP-LLTP", "unit": "SO-TP", "channel": "online",
                    "at": at(d0, 480 + i)})
        unit = "SO-TP"
        if i % 4 == 0:
            evs.append({"eid": "t-%d" % i, "type": "transferred", "dossier": dossier,
                        "to": "TTHCC", "at": at(d0, 600 + i)})
            unit = "TTHCC"
        dossiers.append((dossier, unit))
    res = c.push(evs, who="quay-1", units="SO-TP,TTHCC")
    check(all(r["status"] == "ok" for r in res), "%d intake events acked" % len(evs))
    c.wait_for("scoring to read the intake log",
               lambda: c.stats("scoring")["cursor_intake"] == len(evs), timeout=30)

    ev, exp = generate(rng, dossiers)
    sent = 0
    for d in sorted(ev):
        c.cchc(["ctl", "hotline", "clock", at(d, 16 * 60 + 30)])
        if not ev[d]:
            continue
        # The agents' events, then each unit's contact point with its own
        # scope (their events of a day concern complaints assigned earlier).
        batches = [(None, [e for e in ev[d] if "_cp" not in e])]
        for u in UNITS:
            batches.append((u, [dict((k, v) for k, v in e.items() if k != "_cp")
                                for e in ev[d] if e.get("_cp") == u]))
        for u, evs in batches:
            if not evs:
                continue
            if u is None:
                res = c.push(evs, to="hotline", who="dtv-1", units="*")
            else:
                res = c.push(evs, to="hotline", who="daumoi-" + u.lower(), units=u,
                             role="contact_point")
            bad = [r for r in res if r.get("status") != "ok"]
            if bad or len(res) != len(evs):
                fail("%s: %d of %d hotline events refused, first: %r"
                     % (d, len(bad), len(evs), bad[:1]))
            sent += len(res)
    check(True, "%d hotline events acked over %d days" % (sent, len(ev)))
    # The end of the quarter: the last escalations.
    end = at(LAST, 23 * 60 + 59)
    c.clock(end)
    head = c.stats("hotline")["log_head"]
    c.wait_for("scoring to read the hotline log",
               lambda: c.stats("scoring")["cursor_hotline"] == head, timeout=60)
    st = c.stats("scoring")
    check(st["invalid_hotline"] == 0 and st["skipped_hotline"] == 0,
          "scoring applied every hotline record (%d)" % st["applied_hotline"])
    escalated = exp.get(HOTLINE, "pakn_escalated") + sum(exp.get(u, "pakn_escalated")
                                                         for u in UNITS)
    overdue = sum(exp.get(u, "_overdue_records") for u in UNITS)
    check(head == sent + escalated + overdue,
          "the hotline logged exactly the expected %d escalations and %d level-3 overdue "
          "records (log head %d)" % (escalated, overdue, head))
    # A supervisor of every unit sees the level-3 overdue alerts still active.
    r = c.cchc(["--who=vp-ubnd", "--units=*", "watch", "--json", "--timeout=3000"],
               check_rc=False)
    snap = [json.loads(x) for x in r.stdout.decode().splitlines() if x.strip()]
    active = sorted(x["alert"]["subject"] for x in snap
                    if x["alert"]["kind"] == "pakn_overdue" and x.get("op") == "raise")
    want = sum(exp.get(u, "_overdue_active") for u in UNITS)
    check(len(active) == want and all(x["alert"]["severity"] == "critical" for x in snap
                                      if x["alert"]["kind"] == "pakn_overdue"),
          "%d critical pakn_overdue alerts active (expected %d)" % (len(active), want))

    keys = ["contacts", "contacts_info", "contacts_guide", "contacts_postal", "contacts_pakn",
            "contacts_phone", "contacts_email", "contacts_app", "contacts_zalo",
            "contacts_portal", "pakn_received", "pakn_to_unit", "pakn_answered",
            "pakn_on_time", "pakn_ans_l1", "pakn_ans_l2", "pakn_ans_l3", "pakn_published",
            "pakn_escalated", "pakn_overdue", "pakn_reopened", "pakn_refused",
            "pakn_ref_late", "pakn_to_handle", "pakn_handled"]
    total = {k: 0 for k in keys}
    print("%-10s %8s %6s %6s %6s %6s %6s %6s" % ("unit", "contacts", "pakn", "answd",
                                               "ontime", "publ", "escal", "reopn"))
    for unit in [HOTLINE] + UNITS + ["TTHCC"]:
        rep = c.report(unit, FIRST.isoformat(), LAST.isoformat())
        for k in keys:
            if rep[k] != exp.get(unit, k):
                fail("%s %s: scoring %d, sent %d" % (unit, k, rep[k], exp.get(unit, k)))
            total[k] += rep[k]
        print("%-10s %8d %6d %6d %6d %6d %6d %6d" % (
            unit, rep["contacts"], rep["pakn_received"], rep["pakn_answered"],
            rep["pakn_on_time"], rep["pakn_published"], rep["pakn_escalated"],
            rep["pakn_reopened"]))
        if unit == HOTLINE:
            hot = rep
    check(True, "every unit's figures equal the independent count")
    complaints = total["pakn_received"] - total["pakn_to_unit"]
    check(total["contacts"] == N_CONTACTS, "contacts over all units: %d" % total["contacts"])
    check(complaints == 445, "complaints received: %d" % complaints)
    print("QUARTER I 2025 (15/12/2024-14/3/2025): contacts %d; complaints received %d, "
          "answered %d, on time %d (%s%%), published %d, escalated %d, overdue at level 3 "
          "%d, refused %d (%d late), reopened %d; "
          "hotline on-time rate %s%%, resolution rate %s%%"
          % (total["contacts"], complaints, total["pakn_answered"], total["pakn_on_time"],
             "%.2f" % (100.0 * total["pakn_on_time"] / total["pakn_answered"]),
             total["pakn_published"], total["pakn_escalated"], overdue,
             total["pakn_refused"], total["pakn_ref_late"], total["pakn_reopened"],
             hot["pakn_ot_rate"], hot["pakn_res_rate"]), flush=True)


if __name__ == "__main__":
    main()
