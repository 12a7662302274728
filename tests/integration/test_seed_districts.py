#!/usr/bin/env python3
"""seeds/000's table of districts (Tờ trình 1487/TTr-VP, 6 tháng đầu năm
2020) rebuilt as dossier events at full volume, through the real daemons
and `cchc`.

For each district the seed prints the dossier total and three shares of it:
resolved on time (đúng hạn), late (trễ hạn), still open within due (đang
giải quyết còn trong hạn), and the grade: "6/11 đạt A+", graded by the
on-time rate against the 2020 target of 94% (DOMAIN.md §7.2); every
district was criticised by văn bản 5485/UBND-KGVX (15/5/2020), which did
not lower any grade, and two got a reminder in the "Văn bản nhắc nhở"
column. Vĩnh Cửu's row is cut off in the seed and is left out (10
districts, 5 A+). Counts are the seed's shares of its totals, rounded:
709 732 dossiers, 1.4 million events, streamed through `cchc push`.

Checks: every district's total and shares as the seed prints them
(97,81%; 0,28%; 1,91% ...), the grades A+ / A with "below the on-time
target" for the five below 94%, criticisms counted but not lowering A+,
the ranking, the totals row as sums, and how long `cchc grade` takes
for all districts at this volume (printed, not asserted).

Python 3 standard library only.
"""
import json
import os
import subprocess
import time

from harness import CCHC, Cluster, check, fail

PERIOD = "2020-H1"
PROC = "HT-KHAISINH-NN"  # 3 working days, every district
# code, seed total, on-time share %, late share %, open-within share % (None:
# cut off in the seed, the rest of 100), seed grade
DISTRICTS = [
    ("H-NHONTRACH", 80576, 97.81, 0.28, 1.91, "A+"),
    ("H-LONGKHANH", 52486, 95.49, 1.91, 2.59, "A+"),
    ("H-THONGNHAT", 56679, 94.55, 2.22, 3.24, "A+"),
    ("H-LONGTHANH", 78045, 95.32, 2.78, 1.90, "A+"),
    ("H-TRANGBOM", 68839, 92.59, 3.02, None, "A+"),
    ("H-TANPHU", 42546, 89.17, 6.52, 4.30, "A"),
    ("H-CAMMY", 40554, 90.10, 5.78, 4.12, "A"),
    ("H-XUANLOC", 66930, 88.92, 5.90, 5.17, "A"),
    ("H-BIENHOA", 168407, 89.69, 8.44, None, "A"),
    ("H-DINHQUAN", 57699, 91.32, 6.88, 1.80, "A"),
]
REMINDERS = [("H-XUANLOC", "6254/UBND-KTN", "2020-06-02")]


def rounds_to(total, pct):
    """The smallest and largest count whose share of @total prints as @pct."""
    lo = -(-(total * (pct - 0.005)) // 100)
    hi = (total * (pct + 0.005) - 1e-9) // 100
    return int(lo), int(hi)


def split(total, ok_pct, late_pct, open_pct):
    """Counts (in time, late, open within, withdrawn) summing to @total whose
    shares print as the seed's. The seed's three shares add up to 99,99% or
    100,01% by its own rounding: each count is taken in its rounding range,
    and what the three cannot hold is withdrawn (rút hồ sơ: to handle, with
    no class, in no share), as a district's real total holds."""
    if open_pct is None:
        open_pct = 100.0 - ok_pct - late_pct
    ranges = [rounds_to(total, p) for p in (ok_pct, late_pct, open_pct)]
    counts = [lo for lo, _ in ranges]
    rest = total - sum(counts)
    for i, (lo, hi) in enumerate(ranges):
        more = min(rest, hi - lo)
        counts[i] += more
        rest -= more
    assert rest >= 0 and min(counts) >= 0, "seed shares cannot be met"
    return counts[0], counts[1], counts[2], rest


def write_events(path):
    """The events, one JSON line each; returns how many."""
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        def put(ev):
            nonlocal n
            f.write(json.dumps(ev, ensure_ascii=False, separators=(",", ":")) + "\n")
            n += 1
        for unit, total, ok_pct, late_pct, open_pct, _ in DISTRICTS:
            ok, late, open_, withdrawn = split(total, ok_pct, late_pct, open_pct)
            for i in range(total):
                d = "%s-%06d" % (unit, i)
                # Open ones: received 12/06/2020, due 17/06, after the end (14/06).
                # The others: received Monday 02/03/2020, due 05/03.
                # Withdrawn ones: the last, withdrawn on 03/03/2020.
                opened = ok + late + open_
                at = ("2020-06-12T09:00:00+07:00" if ok + late <= i < opened
                      else "2020-03-02T09:00:00+07:00")
                put({"eid": "r" + d, "type": "received", "dossier": d, "proc": PROC,
                     "unit": unit, "channel": "direct", "at": at})
                if i >= opened:
                    put({"eid": "w" + d, "type": "sos_requested", "dossier": d,
                         "kind": "withdraw", "at": "2020-03-03T08:00:00+07:00"})
                    put({"eid": "v" + d, "type": "sos_reviewed", "dossier": d,
                         "approved": True, "at": "2020-03-03T09:00:00+07:00"})
                if i < ok + late:
                    put({"eid": "s" + d, "type": "resolved", "dossier": d,
                         "at": "2020-03-03T10:00:00+07:00" if i < ok
                         else "2020-03-10T10:00:00+07:00"})
    return n


def push_file(c, path, n):
    units = ",".join(d[0] for d in DISTRICTS)
    t0 = time.time()
    with open(path, "rb") as src:
        p = subprocess.Popen([CCHC, "--who=quay-huyen", "--units=" + units, "push"],
                             stdin=src, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=c.env)
        ok = bad = 0
        for line in p.stdout:
            if b'"status":"ok"' in line.replace(b" ", b""):
                ok += 1
            else:
                bad += 1
                if bad < 5:
                    print("refused:", line.decode()[:300])
        p.wait()
    dt = time.time() - t0
    check(p.returncode == 0 and ok == n and bad == 0,
          "%d events accepted in %.1f s (%.0f ev/s; %d refused)" % (ok, dt, ok / dt, bad))


def grade_rows(c):
    r = c.cchc(["--who=vp-ubnd", "grade", "--units=" + ",".join(d[0] for d in DISTRICTS),
                "--period=" + PERIOD, "--json"])
    return json.loads(r.stdout)


def main():
    c = Cluster()
    try:
        c.start_all()
        path = os.path.join(c.dir, "seed000.jsonl")
        n = write_events(path)
        push_file(c, path, n)
        resolved = sum(sum(split(t, a, b, o)[:2]) for _, t, a, b, o, _ in DISTRICTS)

        def counted():
            res = grade_rows(c)
            return res if res["total"]["resolved"] == resolved else None
        t0 = time.time()
        res = c.wait_for("scoring to count %d resolved dossiers" % resolved, counted,
                         timeout=600)
        print("scoring caught up %.1f s after the push" % (time.time() - t0))
        for unit, doc, day in REMINDERS:
            c.cchc(["--who=gs-tinh", "--units=" + unit, "reminder", "add", "--unit=" + unit,
                    "--kind=reminder", "--doc=" + doc, "--date=" + day, "--reason=Chậm tiến độ"])
        for unit, *_ in DISTRICTS:
            c.cchc(["--who=gs-tinh", "--units=" + unit, "reminder", "add", "--unit=" + unit,
                    "--kind=criticism", "--doc=5485/UBND-KGVX", "--date=15/05/2020",
                    "--reason=Chậm trễ tham mưu phê duyệt danh sách hỗ trợ (Covid-19)"])

        def noted():
            res = grade_rows(c)
            rows = {r["unit"]: r for r in res["rows"]}
            return res if all(rows[u]["criticisms"] == 1 for u, *_ in DISTRICTS) else None
        res = c.wait_for("scoring to count the criticisms", noted, timeout=30)
        rows = {r["unit"]: r for r in res["rows"]}
        text = c.cchc(["--who=vp-ubnd", "grade", "--units=district", "--period=" + PERIOD])
        text = text.stdout.decode()
        for unit, total, ok_pct, late_pct, open_pct, grade in DISTRICTS:
            r = rows[unit]
            ok, late, open_, _ = split(total, ok_pct, late_pct, open_pct)
            check((r["to_handle"], r["ok_share_num"], r["resolved_late"], r["open_within"]) ==
                  (total, ok, late, open_),
                  "%s: %d to handle, %d in time, %d late, %d open within" %
                  (unit, total, ok, late, open_))
            for pct, key in ((ok_pct, "ok_share"), (late_pct, "late_share"),
                             (open_pct, "open_share")):
                if pct is None:
                    continue
                got = 100.0 * r[key + "_num"] / r[key + "_den"]
                check("%.2f" % got == "%.2f" % pct,
                      "%s: %s %.2f%% as the seed prints" % (unit, key, pct))
            check(r["grade"] == grade, "%s: grade %s as the seed (got %s: %s)" %
                  (unit, grade, r["grade"], r["grade_basis"]))
            if grade == "A":
                check("below the on-time target" in r["grade_basis"],
                      "%s: A because below the 94%% target" % unit)
            vn_total = "{:,}".format(total).replace(",", ".")
            check(vn_total in text, "the grade table prints %s" % vn_total)
        check(sum(1 for r in rows.values() if r["grade"] == "A+") == 5,
              "5 of the 10 districts A+ (the seed: 6 of 11, Vĩnh Cửu left out)")
        check(rows["H-XUANLOC"]["reminders"] == 1, "Xuân Lộc: its reminder counted")
        order = [r["unit"] for r in res["rows"]]
        on_time = [r["on_time_num"] / r["on_time_den"] for r in res["rows"]]
        check(on_time == sorted(on_time, reverse=True), "rows ranked by the on-time rate")
        check(all(rows[u]["grade"] == "A+" for u in order[:5]), "the five A+ rank first")
        check(res["total"]["to_handle"] == sum(d[1] for d in DISTRICTS),
              "the total row is the sum: %d" % sum(d[1] for d in DISTRICTS))
        # How long the answers take at this volume (a figure, not a limit).
        for args in (["grade", "--units=district"], ["report", "--units=*"]):
            t0 = time.time()
            for _ in range(5):
                c.cchc(["--who=vp-ubnd"] + args + ["--period=" + PERIOD, "--json"])
            print("cchc %s --period=%s: %.1f ms per run (tool included)" %
                  (" ".join(args), PERIOD, (time.time() - t0) * 200))
    finally:
        c.close()


if __name__ == "__main__":
    main()
