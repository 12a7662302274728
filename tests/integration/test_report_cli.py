#!/usr/bin/env python3
"""The province's verdict at the command line, with the real daemons.

Rebuilds, as dossier events, the city figures of seeds/004 (Báo cáo
213/BC-UBND, Biên Hòa, 6 tháng đầu năm 2024: 15/12/2023 - 14/06/2024):
13.616 to handle; 11.822 resolved early or on time (86,82%); 842 still
open within their due date (6,18%); 952 late, resolved or open (7%);
"Đánh giá chung: đạt 93,01%". Two more districts give a table to rank and
grade: Long Khánh (30 on time: A+) and Nhơn Trạch (15 of 25 on time, 60%:
B). Then, through `cchc`:

- `report --unit=H-BIENHOA --period=2024-H1` prints the seed's figures as
  the seed writes them (13.616; 86,82%; 93,01%; 15/12/2023);
- `report --format=csv` (BOM, one row per unit) and `--format=json` agree;
  `--format=xlsx` writes a workbook whose cells hold the numbers;
- `grade --units=district` ranks by the on-time rate, totals as sums, and
  grades A+ / A / B with what decided each;
- `reminder add` (4 reminders: C; 1 reminder: A, "reminded") and
  `grade set` (an override shown beside the computed grade), kept across a
  kill -9 of scoring and a restart;
- bad command lines get exit status 2 and a message naming the option;
  a supervisor outside the unit's scope is refused (exit 1).

Python 3 standard library only.
"""
import csv
import io
import json
import os
import signal
import zipfile

from harness import Cluster, check

BH, LK, NT = "H-BIENHOA", "H-LONGKHANH", "H-NHONTRACH"
PROC = "HT-KHAISINH-NN"  # 3 working days
PERIOD = "2024-H1"


def dossier(out, unit, n, received, resolved=None):
    """@n dossiers of @unit received at @received, resolved at @resolved."""
    base = len(out)
    for i in range(n):
        d = "%s-%05d" % (unit, base + i)
        out.append({"eid": "r-" + d, "type": "received", "dossier": d, "proc": PROC,
                    "unit": unit, "channel": "direct", "at": received})
        if resolved:
            out.append({"eid": "s-" + d, "type": "resolved", "dossier": d, "at": resolved})


def events():
    out = []
    # Due 07/03/2024 (3 working days from Monday 04/03).
    dossier(out, BH, 11822, "2024-03-04T09:00:00+07:00", "2024-03-05T10:00:00+07:00")
    dossier(out, BH, 900, "2024-03-04T09:00:00+07:00", "2024-03-12T10:00:00+07:00")
    # Open past due at the end: due 06/06/2024.
    dossier(out, BH, 52, "2024-06-03T09:00:00+07:00")
    # Open within due at the end: due 18/06/2024, after the period's end.
    dossier(out, BH, 842, "2024-06-13T09:00:00+07:00")
    dossier(out, LK, 30, "2024-03-04T09:00:00+07:00", "2024-03-05T10:00:00+07:00")
    dossier(out, NT, 15, "2024-03-04T09:00:00+07:00", "2024-03-05T10:00:00+07:00")
    dossier(out, NT, 10, "2024-03-04T09:00:00+07:00", "2024-03-12T10:00:00+07:00")
    return out


def cli(c, args, who="vp-ubnd", units="*", rc=0):
    if rc is None:
        return c.cchc(args, check_rc=False, who=who, units=units)
    return c.cchc(args, who=who, units=units, expect_rc=rc)


def report_json(c, unit):
    return json.loads(cli(c, ["report", "--unit=" + unit, "--period=" + PERIOD, "--json"],
                          units=unit).stdout)


def grades(c):
    r = cli(c, ["grade", "--units=district", "--period=" + PERIOD, "--json"])
    return {row["unit"]: row for row in json.loads(r.stdout)["rows"]}


def check_seed_report(c):
    rep = c.wait_for("scoring to count Biên Hòa's 13.616 dossiers",
                     lambda: (lambda r: r if r.get("resolved") == 12722 else None)(
                         report_json(c, BH)), timeout=60)
    check(rep["to_handle"] == 13616, "to handle 13616 (got %s)" % rep["to_handle"])
    check(rep["ok_share_num"] == 11822, "early or on time 11822")
    check(rep["open_within"] == 842, "open within due 842 (got %s)" % rep["open_within"])
    check(rep["late_share_num"] == 952, "late, resolved or open, 952 (got %s)"
          % rep["late_share_num"])
    check((rep["overall_num"], rep["overall_den"]) == (12664, 13616), "overall 12664/13616")
    text = cli(c, ["report", "--unit=" + BH, "--period=" + PERIOD], units=BH).stdout.decode()
    for want in ("13.616", "11.822", "86,82%", "6,18%", "6,99%", "93,01%",
                 "15/12/2023", "14/06/2024", "UBND thành phố Biên Hòa"):
        check(want in text, "the report prints %s" % want)
    return rep


def check_csv_json_xlsx(c, tmp):
    r = cli(c, ["report", "--units=%s,%s,%s" % (BH, LK, NT), "--period=" + PERIOD,
                "--format=csv"])
    check(r.stdout.startswith(b"\xef\xbb\xbf"), "CSV starts with a UTF-8 BOM")
    rows = list(csv.DictReader(io.StringIO(r.stdout.decode("utf-8-sig"))))
    by_unit = {row["Mã đơn vị"]: row for row in rows}
    check(set(by_unit) == {BH, LK, NT, ""}, "CSV: one row per unit and the total (%s)"
          % sorted(by_unit))
    total = by_unit[""]
    check(total["Tên đơn vị"] == "Tổng cộng", "CSV: the total row last")
    check(int(total["Tổng số phải giải quyết"]) == 13616 + 30 + 25, "CSV: total is the sum")
    js = json.loads(cli(c, ["report", "--units=%s,%s,%s" % (BH, LK, NT), "--period=" + PERIOD,
                            "--format=json"]).stdout)
    for row in js["rows"]:
        got = by_unit[row["unit"]]
        check(int(got["Tiếp nhận mới"]) == row["received"] and
              int(got["Giải quyết trễ hạn"]) == row["resolved_late"],
              "CSV and JSON agree for %s" % row["unit"])
    check(by_unit[BH]["Đánh giá chung (đúng hạn và trong hạn) (%)"] == "93.01",
          "CSV: overall 93.01 for Biên Hòa")
    check(by_unit[BH]["Từ ngày"] == "15/12/2023" and by_unit[BH]["Đến ngày"] == "14/06/2024",
          "CSV: the period's days")
    path = os.path.join(tmp, "h1-2024.xlsx")
    cli(c, ["report", "--units=%s,%s,%s" % (BH, LK, NT), "--period=" + PERIOD,
            "--format=xlsx", "--output=" + path])
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        strings = z.read("xl/sharedStrings.xml").decode()
    check("<v>13616</v>" in sheet, "xlsx: Biên Hòa's 13616 is a number cell")
    check("<v>13671</v>" in sheet, "xlsx: the total 13671 is a number cell")
    check("UBND thành phố Biên Hòa" in strings and "Tổng cộng" in strings
          and "Đánh giá chung" in strings, "xlsx: names, total row and headers")


def check_grades(c):
    g = grades(c)
    check(g[LK]["grade"] == "A+", "Long Khánh A+ (got %s: %s)" % (g[LK]["grade"],
                                                                   g[LK]["grade_basis"]))
    check(g[BH]["grade"] == "A" and "target" in g[BH]["grade_basis"],
          "Biên Hòa A, below the 97%% target (got %s: %s)" % (g[BH]["grade"],
                                                             g[BH]["grade_basis"]))
    check(g[NT]["grade"] == "B", "Nhơn Trạch B at 60%% (got %s)" % g[NT]["grade"])
    r = json.loads(cli(c, ["grade", "--units=district", "--period=" + PERIOD, "--json"]).stdout)
    order = [row["unit"] for row in r["rows"]][:3]
    check(order == [LK, BH, NT], "ranked by the on-time rate: %s" % order)
    text = cli(c, ["grade", "--units=district", "--period=" + PERIOD]).stdout.decode()
    check("A+" in text and "low volume" in text and "Tổng cộng" in text,
          "the grade table prints grades, low-volume units and the total")
    return g


def check_notes(c):
    for i in range(4):
        cli(c, ["reminder", "add", "--unit=" + NT, "--kind=reminder",
                "--doc=%d/UBND-THNC" % (6026 + i), "--date=%02d/04/2024" % (10 + i),
                "--reason=Hồ sơ trễ hạn kéo dài"], who="gs-tinh", units=NT)
    cli(c, ["reminder", "add", "--unit=" + LK, "--kind=criticism", "--doc=17082/UBND-THNC",
            "--date=2024-05-02", "--reason=Chậm báo cáo"], who="gs-tinh", units=LK)
    cli(c, ["reminder", "add", "--unit=" + LK, "--kind=reminder", "--doc=507/SNV-TT",
            "--date=2024-05-03", "--reason=Chưa công khai TTHC"], who="gs-tinh", units=LK)
    cli(c, ["grade", "set", "--unit=" + BH, "--period=" + PERIOD, "--grade=A+",
            "--reason=Đạt 93,01% đánh giá chung"], who="gs-tinh", units=BH)

    def noted():
        g = grades(c)
        return g if g[NT]["grade"] == "C" and g[BH]["grade"] == "A+" and \
            g[LK]["grade"] == "A" else None
    g = c.wait_for("scoring to count the reminders and the override", noted, timeout=20)
    check("more than 3 reminders" in g[NT]["grade_basis"], "Nhơn Trạch C: more than 3")
    check(g[LK]["grade_basis"].endswith("reminded"), "Long Khánh A: reminded")
    check(g[BH]["grade_computed"] == "A" and g[BH]["grade_override"] == "A+",
          "Biên Hòa: override A+ beside the computed A")
    text = cli(c, ["grade", "--units=district", "--period=" + PERIOD]).stdout.decode()
    check("set by a supervisor: Đạt 93,01% đánh giá chung (tính / computed: A" in text,
          "the grade table shows the override, its reason and the computed grade")
    rep = report_json(c, LK)
    check(rep["reminders"] == 1 and rep["criticisms"] == 1, "Long Khánh: 1 reminder, 1 criticism")
    text = cli(c, ["reminder", "list", "--unit=" + NT, "--period=" + PERIOD],
               units=NT).stdout.decode()
    check(text.count("nhắc nhở") >= 4 and "6029/UBND-THNC" in text and "13/04/2024" in text,
          "reminder list shows the 4 documents with their dates")
    return g


def check_bad_lines(c):
    bad = [
        (["report", "--unit=" + BH, "--period=2024-Q5"], "--period=2024-Q5"),
        (["report", "--unit=" + BH, "--period=" + PERIOD, "--format=pdf"], "--format=pdf"),
        (["report", "--units=district", "--period=" + PERIOD, "--rank=speed"], "--rank=speed"),
        (["report", "--unit=" + BH, "--period=" + PERIOD, "--format=xlsx"], "--output"),
        (["report", "--unit=" + BH, "--period=" + PERIOD, "--from=2024-01-01"], "not both"),
        (["report", "--unit=" + BH], "--period"),
        (["report", "--unit=" + BH, "--from=2024-13-01", "--to=2024-12-01"], "--from/--to"),
        (["grade", "set", "--unit=" + BH, "--period=" + PERIOD, "--grade=D", "--reason=x"],
         "--grade"),
        (["reminder", "add", "--unit=" + BH, "--kind=praise", "--doc=1", "--date=2024-01-02",
          "--reason=x"], "--kind"),
        (["reminder", "add", "--unit=" + BH, "--kind=reminder", "--doc=1", "--date=31/02/2024",
          "--reason=x"], "--date"),
        (["reminder", "add", "--unit=" + BH, "--kind=reminder", "--doc=1", "--date=2099-01-02",
          "--reason=x"], "after today"),
        (["reminder", "add", "--unit=" + BH, "--kind=reminder", "--date=2024-01-02",
          "--reason=x"], "--doc"),
        (["reminder", "remove"], "remove"),
    ]
    for args, word in bad:
        r = cli(c, args, rc=2)
        check(word in r.stderr.decode(), "cchc %s: exit 2 naming %s" % (" ".join(args[:2]), word))
    r = cli(c, ["reminder", "add", "--unit=" + BH, "--kind=reminder", "--doc=1",
                "--date=2024-01-02", "--reason=x"], who="gs-lk", units=LK, rc=1)
    check(b"not_authorized" in r.stdout + r.stderr, "a supervisor of another unit is refused")
    return len(bad) + 1


def main():
    c = Cluster()
    try:
        c.start_all()
        evs = events()
        res = c.push(evs, who="quay-1", units="%s,%s,%s" % (BH, LK, NT))
        check(len(res) == len(evs) and all(r["status"] == "ok" for r in res),
              "%d events accepted" % len(evs))
        check_seed_report(c)
        check_csv_json_xlsx(c, c.dir)
        check_grades(c)
        check_notes(c)
        n_bad = check_bad_lines(c)
        c.stop("scoring", signal.SIGKILL)
        c.start("scoring")
        g = c.wait_for("scoring to come back with the notes", lambda: (
            lambda g: g if g[NT]["grade"] == "C" else None)(grades(c)), timeout=30)
        check(g[BH]["grade"] == "A+" and g[LK]["grade"] == "A",
              "after kill -9 of scoring: the override and the reminders are kept")
        print("ok: seeds/004 figures, csv/json/xlsx, grades, notes, %d bad command lines, "
              "kill -9" % n_bad)
    finally:
        c.close()


if __name__ == "__main__":
    main()
