#!/usr/bin/env python3
"""The 1022 hotline commands of `cchc`, end to end with the real intake,
hotline and scoring daemons on the test clock: agents and unit contact
points (`cchc contact ...`, `cchc pakn ...`).

An agent logs contacts and a complaint naming a dossier, classifies it and
assigns it to Sở Tư pháp; a contact point of another unit can neither accept
nor answer it (not_authorized, exit 1); the unit's contact point accepts and
answers it; the agent publishes it; `cchc pakn show --json` has the history
and a published answer without the caller's phone and name; `cchc pakn open`
lists the unit's open complaints by due date; when the test clock passes an
urgent complaint's deadline it is escalated, and `pakn show` has the record;
`cchc report --json` counts the complaints for the unit.
"""
import json
import os
import subprocess

from harness import Cluster, check, fail, run_cluster

UNIT = "SO-TP"        # Sở Tư pháp (demo catalog)
OTHER = "SO-GTVT"     # Sở Giao thông vận tải
PROC = "TP-LLTP"
DAY = "2025-03-03"    # a Monday
AGENT = "tdv-01"
CALLER = "Nguyễn Văn An"
PHONE = "0912345678"


def at(hhmm):
    return "%sT%s:00+07:00" % (DAY, hhmm)


def cchc(c, args, who=AGENT, units=None, rc=0):
    if rc is None:
        return c.cchc(args, check_rc=False, who=who, units=units)
    return c.cchc(args, who=who, units=units, expect_rc=rc)


def cj(c, args, **kw):
    """Run a command with --json; its one JSON line."""
    r = cchc(c, args + ["--json"], **kw)
    return json.loads(r.stdout)


def main():
    c = Cluster(test_clock=at("10:00"))
    # Debug logging: even then, no personal data may reach the daemons' logs.
    c.extra = {n: ["--log-level=debug"] for n in ("intake", "hotline", "scoring")}
    run_cluster(run, c)


def run(c):
    # The dossier the complaint is about.
    res = c.push([{"eid": "r-1", "type": "received", "dossier": "HS-001", "proc": PROC,
                   "unit": UNIT, "channel": "direct", "at": at("08:00")}],
                 who="quay-tp-1", units=UNIT, expect_rc=0)
    check(res[0]["status"] == "ok", "dossier HS-001 received at intake")

    # 1. Contacts.
    r = cchc(c, ["contact", "log", "--id=C-1", "--type=information", "--channel=phone",
                 "--closed", "--at=" + at("09:10")])
    check(r.stdout.startswith(b"ok: contact C-1 (seq 1, eid tdv-01-contact-C-1-"),
          "contact log prints one line with seq and generated eid (%r)" % r.stdout)
    j = cj(c, ["contact", "log", "--id=C-2", "--type=pakn", "--channel=zalo",
               "--at=" + at("09:20")])
    check(j["status"] == "ok" and j["eid"].startswith("tdv-01-contact-C-2-"),
          "contact log --json: status ok and eid <who>-<type>-<id>-<ms>")
    r = cchc(c, ["contact", "log", "--id=C-3", "--type=letter", "--channel=phone"], rc=2)
    check(b"information|guidance|postal|pakn" in r.stderr, "unknown contact type: usage, exit 2")

    # 2. The complaint, naming the dossier, with the caller's details.
    receive = ["pakn", "receive", "--id=PA-1", "--contact=C-2", "--dossier=HS-001",
               "--text=Hồ sơ HS-001 chưa có kết quả. Tôi là %s, số %s" % (CALLER, PHONE),
               "--caller-name=" + CALLER, "--caller-phone=" + PHONE, "--at=" + at("09:21"),
               "--eid=pa1-recv"]
    j = cj(c, receive)
    check(j == {"eid": "pa1-recv", "status": "ok", "seq": 3, "dup": False},
          "pakn receive with --eid: stored as seq 3 (%r)" % j)
    j = cj(c, receive)
    check(j["status"] == "ok" and j["dup"] is True, "the same command again: acked as duplicate")
    j = cj(c, ["pakn", "receive", "--id=PA-1", "--text=again", "--at=" + at("09:21"),
               "--eid=pa1-recv"], rc=1)
    check(j["code"] == "event_id_conflict",
          "another complaint under the same --eid: event_id_conflict, exit 1")
    r = cchc(c, ["pakn", "classify", "PA-1", "--category=procedure", "--at=" + at("09:25")])
    check(b"ok: pakn_classified PA-1" in r.stdout, "agent classifies PA-1")
    cchc(c, ["pakn", "classify", "PA-1", "--category=weather"], rc=2)
    r = cchc(c, ["pakn", "assign", "PA-1", "--unit=" + UNIT, "--at=" + at("09:30")])
    check(b"ok: pakn_assigned PA-1" in r.stdout, "agent assigns PA-1 to " + UNIT)

    # More complaints for the open list and the escalation: PA-2 urgent
    # (level 2 due in 4 office hours), PA-3 not assigned (level 1, due 17:00).
    cchc(c, ["pakn", "receive", "--id=PA-2", "--text=Cán bộ hẹn nhiều lần", "--urgent",
             "--at=" + at("09:40")])
    cchc(c, ["pakn", "classify", "PA-2", "--category=conduct", "--at=" + at("09:41")])
    cchc(c, ["pakn", "assign", "PA-2", "--unit=" + UNIT, "--at=" + at("09:42")])
    cchc(c, ["pakn", "receive", "--id=PA-3", "--text=Đề nghị thêm quầy", "--at=" + at("09:45")])
    cchc(c, ["pakn", "classify", "PA-3", "--category=proposal", "--at=" + at("09:46")])

    # 3. A contact point of another unit can neither accept nor answer it.
    r = cchc(c, ["pakn", "accept", "PA-1", "--at=" + at("09:50")], who="dm-gtvt", units=OTHER,
             rc=1)
    check(b"not_authorized" in r.stderr, "another unit's contact point cannot accept (exit 1)")
    j = cj(c, ["pakn", "answer", "PA-1", "--text=Không phải việc của chúng tôi",
               "--at=" + at("09:51")], who="dm-gtvt", units=OTHER, rc=1)
    check(j["status"] == "error" and j["code"] == "not_authorized",
          "another unit's contact point cannot answer (exit 1, --json error line)")
    # An agent cannot accept for the unit either.
    r = cchc(c, ["pakn", "accept", "PA-1", "--role=agent", "--at=" + at("09:52")], rc=1)
    check(b"not_authorized" in r.stderr, "an agent cannot accept an assigned complaint")

    # 4. The unit's contact point accepts and answers (role contact_point by
    # default, since --units is a list).
    r = cchc(c, ["pakn", "accept", "PA-1", "--at=" + at("09:55")], who="dm-tp", units=UNIT)
    check(b"ok: pakn_accepted PA-1" in r.stdout, "the unit's contact point accepts PA-1")
    answer = ("Kính gửi ông %s (ĐT %s): Sở Tư pháp trả kết quả hồ sơ HS-001 ngày 5/3/2025."
              % (CALLER, PHONE))
    r = cchc(c, ["pakn", "answer", "PA-1", "--text=" + answer, "--at=" + at("09:58")],
             who="dm-tp", units=UNIT)
    check(b"ok: pakn_answered PA-1" in r.stdout, "the unit's contact point answers PA-1")
    # cchc push --role=contact_point: the same kind of event from JSON lines.
    cchc(c, ["pakn", "receive", "--id=PA-4", "--text=Hỏi về lệ phí", "--at=" + at("09:59")])
    cchc(c, ["pakn", "classify", "PA-4", "--category=procedure", "--at=" + at("09:59")])
    cchc(c, ["pakn", "assign", "PA-4", "--unit=" + UNIT, "--at=" + at("09:59")])
    lines = [{"eid": "cp-acc-4", "type": "pakn_accepted", "pakn": "PA-4", "at": at("10:00")},
             {"eid": "cp-acc-4b", "type": "pakn_accepted", "pakn": "PA-4", "at": at("10:00")}]
    r = c.cchc(["push", "--to=hotline", "--role=contact_point"],
               stdin="".join(json.dumps(e) + "\n" for e in lines).encode(), check_rc=False,
               who="dm-tp", units=UNIT)
    res = [json.loads(l) for l in r.stdout.decode().splitlines()]
    check(r.returncode == 1 and res[0]["status"] == "ok" and
          res[1]["code"] == "illegal_transition",
          "push --role=contact_point: the unit's contact point accepts PA-4 from JSON lines")
    res = c.push([dict(lines[0], eid="cp-acc-4c")], to="hotline", who="dm-tp", units=UNIT,
                 expect_rc=1)
    check(res[0]["code"] == "not_authorized", "push --to=hotline defaults to role agent")

    # 5. The agent publishes it.
    r = cchc(c, ["pakn", "publish", "PA-1", "--at=" + at("10:00")])
    check(b"ok: pakn_published PA-1" in r.stdout, "agent publishes PA-1")

    # 6. show: the history, and the published answer without personal data.
    show = cj(c, ["pakn", "show", "PA-1"])
    p = show["pakn"]
    types = [rec["type"] for _, rec in show["history"]]
    check(types == ["pakn_received", "pakn_classified", "pakn_assigned", "pakn_accepted",
                    "pakn_answered", "pakn_published"], "history of PA-1: %s" % types)
    check(p["state"] == "published" and p["unit"] == UNIT and p["dossier"] == "HS-001",
          "PA-1 is published, for %s, about HS-001" % UNIT)
    check(p["published"] and PHONE not in p["published"] and "Nguyễn" not in p["published"]
          and "HS-001" in p["published"],
          "published answer has phone and name removed: %r" % p["published"])
    check(p.get("caller_phone") == PHONE, "an agent sees the caller's phone as logged")
    by = [rec["by"] for _, rec in show["history"]]
    check(by[3] == "dm-tp" and by[0] == AGENT, "history says who did what: %s" % by)
    cp = cj(c, ["pakn", "show", "PA-1"], who="dm-tp", units=UNIT)
    check("caller_name" not in cp["pakn"] and PHONE not in cp["pakn"]["text"],
          "the unit's contact point sees the complaint without the caller's details")
    cchc(c, ["pakn", "show", "PA-1"], who="dm-gtvt", units=OTHER, rc=1)
    r = cchc(c, ["pakn", "show", "PA-1"])
    out = r.stdout.decode()
    check("PAKN / Complaint PA-1" in out and "pakn_published" in out and PHONE in out,
          "pakn show prints the table and the history")
    cchc(c, ["pakn", "show", "PA-404"], rc=1)

    # 7. open: the unit's open complaints, sorted by due.
    op = cj(c, ["pakn", "open", "--unit=" + UNIT], who="dm-tp", units=UNIT)
    ids = [it["pakn"] for it in op["items"]]
    dues = [it["due"] for it in op["items"]]
    check("PA-2" in ids and "PA-4" in ids and ids[0] == "PA-2",
          "open list of %s has PA-2 (urgent) first: %s" % (UNIT, ids))
    check(dues == sorted(dues), "open complaints sorted by due date")
    r = cchc(c, ["pakn", "open", "--unit=" + UNIT], who="dm-tp", units=UNIT)
    lines = [l for l in r.stdout.decode().splitlines() if "PA-" in l]
    check(len(lines) == len(ids) and lines[0].split()[-2:] == ["PA-2", "khẩn/urgent"],
          "pakn open prints one line per complaint, due first: %r" % lines[:1])
    hot = cj(c, ["pakn", "open", "--unit=-"])
    check([it["pakn"] for it in hot["items"]] == ["PA-3"], "--unit=- lists the unassigned PA-3")

    # 8. Escalation: the test clock passes PA-2's deadline (urgent: 4 office
    # hours) and PA-3's (level 1: close of the day).
    due2 = next(it["due"] for it in op["items"] if it["pakn"] == "PA-2")
    c.clock(at("17:30"))
    show2 = c.wait_for("PA-2 escalated", lambda: (
        lambda s: s if any(rec["type"] == "pakn_escalated" for _, rec in s["history"])
        else None)(cj(c, ["pakn", "show", "PA-2"])))
    esc = [rec for _, rec in show2["history"] if rec["type"] == "pakn_escalated"][0]
    check(esc["by"] == "hotline" and esc["level"] == 3 and esc["at"] == due2,
          "PA-2 escalated to level 3 by the hotline at its old deadline")
    check(show2["pakn"]["level"] == 3, "PA-2 is at level 3 now")
    r = cchc(c, ["pakn", "show", "PA-2"])
    check(b"pakn_escalated" in r.stdout and b"level=3" in r.stdout,
          "pakn show prints the escalation in the history")
    show3 = cj(c, ["pakn", "show", "PA-3"])
    check(show3["pakn"]["level"] == 2, "PA-3 (level 1, unanswered at 17:00) escalated to 2")

    # Refusal: an agent refuses a complaint that is really a denunciation.
    cchc(c, ["pakn", "receive", "--id=PA-5", "--text=Tố cáo cán bộ X", "--at=" + at("10:05")])
    cchc(c, ["pakn", "refuse", "PA-5", "--reason=rude"], rc=2)
    r = cchc(c, ["pakn", "refuse", "PA-5", "--reason=not_pakn", "--role=contact_point",
                 "--at=" + at("10:10")], who="dm-tp", units=UNIT, rc=1)
    check(b"not_authorized" in r.stderr, "a contact point cannot refuse a complaint")
    r = cchc(c, ["pakn", "refuse", "PA-5", "--reason=not_pakn", "--at=" + at("10:10")])
    check(b"ok: pakn_refused PA-5" in r.stdout, "agent refuses PA-5")
    j = cj(c, ["pakn", "refuse", "PA-5", "--reason=other", "--at=" + at("10:11")], rc=1)
    check(j["code"] == "illegal_transition", "a refused complaint is final")
    show5 = cj(c, ["pakn", "show", "PA-5"])
    check(show5["pakn"]["state"] == "refused" and show5["pakn"]["refusal"] == "not_pakn",
          "pakn show: PA-5 refused, reason not_pakn")
    rec = show5["history"][-1][1]
    check(rec["type"] == "pakn_refused" and rec["reason"] == "not_pakn" and rec["late"] is False,
          "the pakn_refused record carries its reason, in time")

    # 9. The report for the unit counts its complaints.
    def report():
        rep = c.report(UNIT, "2025-03-01", "2025-03-31")
        return rep if rep.get("pakn_escalated") == 1 and rep.get("pakn_published") == 1 \
            else None
    rep = c.wait_for("scoring to count the complaints", report)
    check(rep["pakn_received"] == 3 and rep["pakn_answered"] == 1,
          "report %s: 3 complaints received (PA-1, PA-2, PA-4), 1 answered, 1 published, "
          "1 escalation (got %d/%d)" % (UNIT, rep["pakn_received"], rep["pakn_answered"]))

    # 10. Help and usage.
    for sub in ("log", "close"):
        r = cchc(c, ["contact", sub, "--help"])
        check(r.stdout.startswith(b"Usage: cchc contact " + sub.encode()),
              "cchc contact %s --help" % sub)
    for sub in ("receive", "classify", "assign", "forward", "refuse", "accept", "answer",
                "publish", "close", "reopen", "show", "open"):
        r = cchc(c, ["pakn", sub, "--help"])
        if not r.stdout.startswith(b"Usage: cchc pakn " + sub.encode()):
            fail("cchc pakn %s --help: %r" % (sub, r.stdout[:80]))
    check(True, "every pakn subcommand has its --help")
    cchc(c, ["pakn", "frobnicate", "X"], rc=2)
    cchc(c, ["pakn", "assign", "PA-1", "--unit=" + UNIT, "--role=boss"], rc=2)

    # 11. Personal data stays in the hotline's "personal" database: never in
    # a daemon's log (at debug level), never in a log record.
    personal = [CALLER, PHONE, "Tôi là", "Kính gửi ông", "Tố cáo cán bộ"]
    for name in ("intake", "hotline", "scoring"):
        with open(os.path.join(c.dir, name + ".log"), encoding="utf-8", errors="replace") as f:
            text = f.read()
        leaked = [s for s in personal if s in text]
        if leaked:
            fail("%s's log holds personal data %r" % (name, leaked))
    check(True, "no personal data in the three daemons' logs (debug level)")
    # The log's records, and its table of strings (values from small sets,
    # such as unit codes, are stored there once).
    values = []
    for db in ("log", "log_strings"):
        dump = subprocess.run(["mdb_dump", "-s", db, os.path.join(c.dir, "hotline", "db")],
                              capture_output=True, text=True)
        check(dump.returncode == 0, "mdb_dump reads the hotline %s (%s)" % (db, dump.stderr.strip()))
        values += [line.strip() for line in dump.stdout.splitlines() if line.startswith(" ")]
    for s in personal:
        h = s.encode().hex()
        if any(i % 2 == 0 for v in values for i in find_all(v, h)):
            fail("a hotline log record holds personal data %r" % s)
    # The search itself works: the records do name the unit and the dossier.
    control = [s for s in (UNIT, "HS-001")
               if any(i % 2 == 0 for v in values for i in find_all(v, s.encode().hex()))]
    check(len(values) > 40 and len(control) == 2,
          "none of the %d hotline log records holds personal data" % (len(values) // 2))


def find_all(s, sub):
    i = s.find(sub)
    while i >= 0:
        yield i
        i = s.find(sub, i + 1)


if __name__ == "__main__":
    main()
