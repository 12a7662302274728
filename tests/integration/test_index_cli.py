#!/usr/bin/env python3
"""The real-time service index (QĐ 766) through the real daemons and `cchc index`.

Biên Hòa and two of its wards over 6 tháng đầu năm 2024 (15/12/2023 -
14/06/2024), in the proportions of seeds/004 §2.6.2 (84% of the city's
dossiers online, about a fifth of the fees paid without cash, almost
nothing digitized): dossiers resolved in time and late, open within and past
their due date, stopped, and asked twice for a supplement; fees paid online
and in cash; components digitized and electronic results; dissatisfied
ratings; complaints about dossiers through the 1022 hotline, one of them
reopened. An independent count of the rules of DOMAIN.md §7.3 (as PROTOCOL.md
§5.6 states them) gives every indicator's numerator, denominator and points,
the coverage and the score, per unit and for the total; then:

- `cchc index --units=... --json` gives exactly those, the total from the
  sums of the rows (never averaged);
- `--format=csv` (BOM, one row per unit and the total) and `--format=xlsx`
  (the workbook's typed cells) read back agree with the JSON answer;
- `--unit=U` prints the unit's indicators the Vietnamese way, `--with-children`
  lists the city and its wards, `--rank` orders by the score;
- bad command lines exit 2, another unit's supervisor is refused (exit 1).

Python 3 standard library only.
"""
import csv
import io
import json
import os
import re
import zipfile
from fractions import Fraction

from harness import Cluster, check

BH, TM, QV = "H-BIENHOA", "X-TANMAI", "X-QUANGVINH"
PERIOD = "2024-H1"
CATALOG = os.environ.get("CCHC_CATALOG_DIR",
                         os.path.join(os.path.dirname(__file__), "..", "..", "deploy", "catalog"))

# Each unit's dossiers: how many, and the procedures they cycle through.
PLAN = {
    BH: (500, ["KD-HOKINHDOANH"] * 4 + ["HT-KHAISINH-NN"] * 2 + ["DD-CHUYENMUCDICH"]),
    TM: (200, ["HT-XNHONNHAN"] * 3 + ["TP-CT-BANSAO"]),
    QV: (150, ["HT-XNHONNHAN", "TP-CT-CHUKY"]),
}
# (max points, r at which the points are full, points when the denominator is 0)
RULES = {
    "ckmb": (18, None, None), "tdgq": (20, 1, None), "online_share": (6, Fraction(1, 2), None),
    "online_offer": (2, Fraction(4, 5), None), "online_used": (4, 1, None),
    "pay_online": (6, 1, None), "pay_other": (4, None, None), "e_result": (6, 1, None),
    "e_parts": (4, 1, None), "mdsh_other": (12, None, None), "pakn_timely": (6, 1, 6),
    "pakn_sat": (6, 1, 6), "dossier_sat": (6, Fraction(9, 10), 0),
}


def catalog():
    """procedure -> (online, has_fee, same_day, units) from procedures.tsv."""
    procs = {}
    with open(os.path.join(CATALOG, "procedures.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("code\t") or not line.strip():
                continue
            c = line.rstrip("\n").split("\t")
            procs[c[0]] = (c[6], c[7] == "yes", c[5] == "same_day", c[8].split(","))
    return procs


def plan_dossiers(procs):
    """The dossiers: their unit, procedure, channel, fate and what happens to them."""
    out = []
    for unit, (n, cycle) in PLAN.items():
        for i in range(n):
            proc = cycle[i % len(cycle)]
            k = i % 100
            cat = ("ok" if k < 85 else "late" if k < 92 else "within" if k < 96 else
                   "past" if k == 96 else "multi" if k == 97 else "stopped" if k == 98 else "ok")
            if cat in ("within", "past"):
                proc = cycle[0]  # a procedure of working days: its due date is clear
            online, fee, _, _ = procs[proc]
            channel = "online" if online != "none" and i % 25 < 21 else "direct"
            if i == 6 and online == "none":
                channel = "online"  # an online dossier of a procedure not offered online
            d = {"id": "%s-%04d" % (unit, i), "unit": unit, "proc": proc, "channel": channel,
                 "cat": cat, "fee": None, "parts": i % 13 == 0,
                 "result": cat in ("ok", "late") and i % 17 == 0, "bad": i % 19 == 0,
                 "complaint": None}
            if fee:
                d["fee"] = "online" if i % 10 < 2 else "cash" if i % 10 < 5 else None
            elif i % 50 == 4:
                d["fee"] = "cash"  # a fee on a procedure without one: it has a fee too
            if cat in ("ok", "late") and i % 31 == 0:
                d["complaint"] = "reopened" if i % 62 == 0 else "answered"
            out.append(d)
    return out


def intake_events(dossiers, procs, phase):
    """Phase 1: what happens until 06/03/2024; phase 2: the rest."""
    out = []

    def ev(d, typ, at, **kw):
        out.append(dict({"eid": "%s-%s-%d" % (typ, d["id"], len(out)), "type": typ,
                         "dossier": d["id"], "at": at}, **kw))

    for d in dossiers:
        same_day = procs[d["proc"]][2]
        day = {"within": "2024-06-13", "past": "2024-06-03"}.get(d["cat"], "2024-03-04")
        if (phase == 1) != (day == "2024-03-04"):
            if phase == 2 and d["cat"] == "late":
                ev(d, "resolved", "2024-05-20T10:00:00+07:00")
                if d["result"]:
                    ev(d, "digitized", "2024-05-21T09:00:00+07:00", what="result")
            continue
        ev(d, "received", day + "T09:00:00+07:00", proc=d["proc"], unit=d["unit"],
           channel=d["channel"])
        if d["fee"]:
            ev(d, "fee_paid", day + "T09:20:00+07:00", amount=50000, method=d["fee"])
        if d["parts"]:
            ev(d, "digitized", day + "T09:30:00+07:00", what="components")
        if d["bad"]:
            ev(d, "rated", day + "T09:45:00+07:00", rating="dissatisfied")
        if d["cat"] == "multi":
            for hour in ("10", "11"):  # asked twice, denied twice
                ev(d, "sos_requested", day + "T%s:00:00+07:00" % hour, kind="supplement")
                ev(d, "sos_reviewed", day + "T%s:30:00+07:00" % hour, approved=False)
            ev(d, "resolved", "2024-03-05T10:00:00+07:00")
        elif d["cat"] == "stopped":
            ev(d, "sos_requested", day + "T10:00:00+07:00", kind="stop")
            ev(d, "sos_reviewed", day + "T11:00:00+07:00", approved=True)
        elif d["cat"] == "ok":
            ev(d, "resolved", day + "T10:00:00+07:00" if same_day else "2024-03-05T10:00:00+07:00")
            if d["result"]:
                ev(d, "digitized", "2024-03-06T09:00:00+07:00", what="result")
    return out


def hotline_events(dossiers):
    """A complaint about each dossier so marked, answered at once (level 1);
    some reopened and answered again."""
    out = []
    for n, d in enumerate(x for x in dossiers if x["complaint"]):
        p = "PA-%03d" % n

        def ev(typ, t, **kw):
            out.append(dict({"eid": "%s-%s" % (typ, p), "type": typ, "pakn": p,
                             "at": "2024-03-06T%s:00+07:00" % t}, **kw))
        ev("pakn_received", "10:00", text="Hồ sơ %s chưa nhận được kết quả" % d["id"],
           dossier=d["id"])
        ev("pakn_classified", "10:05", category="procedure")
        ev("pakn_answered", "10:10", answer="Đơn vị đã trả kết quả")
        if d["complaint"] == "reopened":
            ev("pakn_reopened", "10:20")
            out.append(dict(out[-2], eid="pakn_answered2-" + p, at="2024-03-06T10:30:00+07:00"))
    return out


def expected(dossiers, procs, units):
    """The index's figures of @units, counted from the plan (PROTOCOL.md §5.6)."""
    figs = {}
    for unit in units:
        mine = [d for d in dossiers if d["unit"] == unit]
        handled = [d for d in mine]
        in_time = [d for d in mine if d["cat"] in ("ok", "stopped", "within")]
        resolved = [d for d in mine if d["cat"] in ("ok", "late", "multi")]
        handles = [p for p, v in procs.items() if unit in v[3]]
        offered = [p for p in handles if procs[p][0] != "none"]
        used = {d["proc"] for d in mine if d["channel"] == "online" and d["proc"] in offered}
        with_fee = [d for d in mine if procs[d["proc"]][1] or d["fee"]]
        complaints = [d for d in mine if d["complaint"]]
        bad = [d for d in mine if d["bad"] or d["complaint"]]
        figs[unit] = {
            "tdgq": (len(in_time), len(handled)),
            "online_share": (sum(d["channel"] == "online" for d in mine), len(mine)),
            "online_offer": (len(offered), len(handles)),
            "online_used": (len(used), len(offered)),
            "pay_online": (sum(d["fee"] == "online" for d in with_fee), len(with_fee)),
            "e_result": (sum(d["result"] for d in resolved), len(resolved)),
            "e_parts": (sum(d["parts"] for d in mine), len(mine)),
            "pakn_timely": (len(complaints), len(complaints)),
            "pakn_sat": (len(complaints) - sum(d["complaint"] == "reopened" for d in complaints),
                         len(complaints)),
            "dossier_sat": (max(0, len(in_time) - len(bad)), len(handled)),
        }
    figs[None] = {k: tuple(sum(figs[u][k][i] for u in units) for i in (0, 1))
                  for k in figs[units[0]]}
    return figs


def points(key, num, den):
    """Hundredths of a point, or None (not measured), by the rules."""
    top, full, empty = RULES[key]
    if full is None or (den == 0 and empty is None):
        return None
    if den == 0:
        return empty * 100
    r = Fraction(min(num, den), den) / full
    return min(top * 100, int(Fraction(top * 100) * r + Fraction(1, 2)))


def decimal(h):
    return "%d.%02d" % (h // 100, h % 100)


def check_row(row, figs, label):
    score, coverage = 0, 0
    for key, (top, _, _) in RULES.items():
        check(row[key + "_max"] == top, "%s: %s out of %d" % (label, key, top))
        if key not in figs:
            check(row[key + "_pts"] == "not measured" and key + "_num" not in row,
                  "%s: %s not measured" % (label, key))
            continue
        num, den = figs[key]
        got = (row[key + "_num"], row[key + "_den"])
        check(got == (num, den), "%s: %s %d/%d (got %d/%d)" % ((label, key, num, den) + got))
        pts = points(key, num, den)
        want = "not measured" if pts is None else decimal(pts)
        check(row[key + "_pts"] == want, "%s: %s %s points (got %s)"
              % (label, key, want, row[key + "_pts"]))
        if pts is not None:
            score += pts
            coverage += top
    check(row["index_score"] == decimal(score) and row["index_coverage"] == coverage,
          "%s: score %s of %d measurable (got %s of %s)" % (
              label, decimal(score), coverage, row["index_score"], row["index_coverage"]))
    share = decimal(int(Fraction(score * 100, coverage) + Fraction(1, 2))) if coverage else \
        "no data"
    check(row["index_share"] == share, "%s: %s%% of the measurable points (got %s)"
          % (label, share, row["index_share"]))


def cli(c, args, who="vp-ubnd", units="*", rc=0):
    return c.cchc(args, who=who, units=units, expect_rc=rc)


def index_json(c, args):
    return json.loads(cli(c, ["index", "--period=" + PERIOD, "--json"] + args).stdout)


def check_csv(c, js):
    r = cli(c, ["index", "--units=%s,%s,%s" % (BH, TM, QV), "--period=" + PERIOD,
                "--format=csv"])
    check(r.stdout.startswith(b"\xef\xbb\xbf"), "CSV starts with a UTF-8 BOM")
    rows = {row["Mã đơn vị"]: row
            for row in csv.DictReader(io.StringIO(r.stdout.decode("utf-8-sig")))}
    check(set(rows) == {BH, TM, QV, ""}, "CSV: a row per unit and the total")
    check(rows[""]["Tên đơn vị"] == "Tổng cộng", "CSV: the total row")
    head = {"tdgq": "Tiến độ giải quyết: đúng hạn hoặc còn hạn",
            "online_share": "Tỷ lệ hồ sơ trực tuyến", "pay_online": "Hồ sơ thanh toán trực tuyến",
            "dossier_sat": "Hài lòng về giải quyết hồ sơ"}
    for jrow in js["rows"] + [dict(js["total"], unit="")]:
        got = rows[jrow["unit"]]
        for key, vi in head.items():
            check(int(got[vi + ": tử số"]) == jrow[key + "_num"] and
                  int(got[vi + ": mẫu số"]) == jrow[key + "_den"] and
                  got[vi + ": điểm"] == jrow[key + "_pts"] and
                  int(got[vi + ": điểm tối đa"]) == jrow[key + "_max"],
                  "CSV and JSON agree on %s of %s" % (key, jrow["unit"] or "the total"))
        check(got["Công khai, minh bạch: điểm"] == "chưa đo" and
              "Công khai, minh bạch: tử số" not in got,
              "CSV: transparency not measured (%s)" % (jrow["unit"] or "the total"))
        check(got["Điểm chỉ số (trên 100)"] == jrow["index_score"] and
              int(got["Điểm đo được"]) == jrow["index_coverage"] and
              got["Tỷ lệ điểm đạt trên điểm đo được (%)"] == jrow["index_share"],
              "CSV and JSON agree on the score of %s" % (jrow["unit"] or "the total"))
        check(got["Từ ngày"] == "15/12/2023" and got["Đến ngày"] == "14/06/2024",
              "CSV: the period's days")


def xlsx_cells(path):
    """{(row, column letters): value} of the first sheet; numbers as floats."""
    with zipfile.ZipFile(path) as z:
        strings = [re.sub(r"<[^>]+>", "", si) for si in
                   re.findall(r"<si>(.*?)</si>", z.read("xl/sharedStrings.xml").decode(), re.S)]
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    cells = {}
    for attrs, body in re.findall(r"<c ([^>]*?)(?:/>|>(.*?)</c>)", sheet, re.S):
        ref = re.search(r'r="([A-Z]+)(\d+)"', attrs)
        v = re.search(r"<v>(.*?)</v>", body or "")
        if not ref or not v:
            continue
        key = (int(ref.group(2)), ref.group(1))
        cells[key] = strings[int(v.group(1))] if 't="s"' in attrs else float(v.group(1))
    return cells


def check_xlsx(c, js):
    path = os.path.join(c.dir, "index-h1-2024.xlsx")
    cli(c, ["index", "--units=%s,%s,%s" % (BH, TM, QV), "--period=" + PERIOD,
            "--format=xlsx", "--output=" + path])
    cells = xlsx_cells(path)
    check("QĐ 766" in cells[(1, "A")], "xlsx: the title names QĐ 766")
    header = {v: col for (r, col), v in cells.items() if r == 4}
    check("STT" in header and "Đơn vị" in header, "xlsx: the header row")
    col_of = {key: header[next(h for h in header if isinstance(h, str) and h.startswith(vi))]
              for key, vi in (("tdgq_pts", "Tiến độ giải quyết"), ("ckmb_pts", "Công khai"),
                              ("index_score", "Điểm chỉ số"), ("index_coverage", "Điểm đo được"),
                              ("index_share", "Tỷ lệ điểm đạt"))}
    for i, jrow in enumerate(js["rows"] + [js["total"]]):
        row, total = 5 + i, i == len(js["rows"])
        check(cells[(row, "B")] == ("Tổng cộng" if total else jrow["unit_name"]),
              "xlsx: row %d is %s" % (row, "the total" if total else jrow["unit"]))
        check(abs(cells[(row, col_of["tdgq_pts"])] - float(jrow["tdgq_pts"])) < 1e-9 and
              abs(cells[(row, col_of["index_score"])] - float(jrow["index_score"])) < 1e-9 and
              cells[(row, col_of["index_coverage"])] == jrow["index_coverage"] and
              abs(cells[(row, col_of["index_share"])] - float(jrow["index_share"]) / 100) < 1e-9,
              "xlsx cells (numbers) agree with the JSON on row %d" % row)
        check(cells[(row, col_of["ckmb_pts"])] == "chưa đo", "xlsx: transparency not measured")


def main():
    c = Cluster(test_clock="2024-03-06T12:00:00+07:00")
    procs = catalog()
    dossiers = plan_dossiers(procs)
    units = [BH, TM, QV]
    try:
        c.start_all()
        for phase in (1, 2):
            if phase == 2:
                c.clock("2024-06-20T12:00:00+07:00")
            evs = intake_events(dossiers, procs, phase)
            res = c.push(evs, who="quay-1", units=",".join(units))
            check(len(res) == len(evs) and all(r["status"] == "ok" for r in res),
                  "phase %d: %d dossier events accepted (%s)" % (
                      phase, len(evs), [r for r in res if r["status"] != "ok"][:2]))
            c.wait_for("scoring to read intake's log", lambda: (
                lambda s: s["lag_intake"] == 0 and s["cursor_intake"] > 0)(c.stats("scoring")),
                timeout=60)
            if phase == 1:
                evs = hotline_events(dossiers)
                res = c.push(evs, to="hotline", who="tdv-01", role="agent")
                check(all(r["status"] == "ok" for r in res),
                      "%d complaint events accepted" % len(evs))
                c.wait_for("scoring to read the hotline's log", lambda: (
                    lambda s: s["lag_hotline"] == 0 and s["cursor_hotline"] > 0)(
                        c.stats("scoring")), timeout=60)
        want = expected(dossiers, procs, units)
        js = index_json(c, ["--units=%s,%s,%s" % (BH, TM, QV)])
        check([r["unit"] for r in js["rows"]] == units, "rows in the order asked")
        for row in js["rows"]:
            check_row(row, want[row["unit"]], row["unit"])
        check_row(js["total"], want[None], "total")
        check(js["from"] and js["period"] == PERIOD, "the answer names its period")

        fam = index_json(c, ["--unit=" + BH, "--with-children"])
        kids = [r["unit"] for r in fam["rows"]][1:]
        check(fam["rows"][0]["unit"] == BH and TM in kids and QV in kids and len(kids) >= 9,
              "--with-children: the city, then its %d wards" % len(kids))
        ranked = index_json(c, ["--units=%s,%s,%s" % (BH, TM, QV), "--rank=index_score"])
        scores = [float(r["index_score"]) for r in ranked["rows"]]
        check(scores == sorted(scores, reverse=True), "--rank=index_score: highest first")

        check_csv(c, js)
        check_xlsx(c, js)

        text = cli(c, ["index", "--unit=" + BH, "--period=" + PERIOD], units=BH).stdout.decode()
        tdgq = js["rows"][0]["tdgq_pts"].replace(".", ",")
        for word in ("TDGQ 2.1", "QĐ 766", "chưa đo / not measured", "UBND thành phố Biên Hòa",
                     "15/12/2023", tdgq):
            check(word in text, "the unit's index prints %s" % word)
        text = cli(c, ["index", "--units=%s,%s,%s" % (BH, TM, QV), "--period=" + PERIOD]
                   ).stdout.decode()
        check("Tổng cộng" in text and "TDGQ 2.1" in text and "/20" in text,
              "the index table prints headers, maxima and the total")

        for args, word in ((["--unit=" + BH, "--period=" + PERIOD, "--rank=on_time"], "--rank"),
                           (["--unit=" + BH, "--period=" + PERIOD, "--format=xlsx"], "--output"),
                           (["--unit=" + BH], "--period")):
            r = cli(c, ["index"] + args, rc=2)
            check(word in r.stderr.decode(), "cchc index %s: exit 2 naming %s" % (args, word))
        r = cli(c, ["index", "--unit=" + BH, "--period=" + PERIOD], who="gs-tm", units=TM, rc=1)
        check(b"not_authorized" in r.stdout + r.stderr, "a ward's supervisor cannot read the city")
        print("ok: the index of 3 units and their total from %d dossiers, csv/xlsx/json agree"
              % len(dossiers))
    finally:
        c.close()


if __name__ == "__main__":
    main()
