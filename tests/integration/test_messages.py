#!/usr/bin/env python3
"""Every message a Vietnamese reader sees is Vietnamese, with English beside
it, through the real daemons and the real cchc.

The refusals of intake, hotline and scoring are provoked one by one: every
error code events can get (through `cchc push` and the hotline and note
commands), queries of unknown things, and, through the wire itself
(wire.py), what the tool never sends: an EVENT or READ to scoring, queries
to the wrong daemon, a reply type as a request, a bad HELLO. For each:

- the Vietnamese reason (`vi`) has no English word in it (a deny-list of
  common English words; the wire's words stand in single quotes and codes,
  ids and times are set aside) and has Vietnamese letters; `en` is there;
- a value outside its list names the allowed values in both languages;
  future_event gives the server's time; a request sent to the wrong daemon
  names the daemon that takes it.

The tool's own lines are "tiếng Việt / English" in that order: refusals on
stderr, "ok" lines, an unreachable daemon, another daemon at an endpoint
(exit 3).
"""
import json
import re
import subprocess

import wire
from harness import CCHC, Cluster, check, fail

CLOCK = "2025-07-10T09:00:00+07:00"  # a Thursday, after the districts ended (30/6/2025)
AT = "2025-07-10T08:%02d:00+07:00"

# Common English words; none belongs in a Vietnamese sentence. (Words that
# are also Vietnamese without their marks, such as "an" or "to", are left
# out.)
ENGLISH = set("""
the is are was were be been has have had must should may might cannot can not no
field fields required missing unknown invalid event events type types with for and
of from outside only server time future send sent first please allowed value values
number string integer list unit units dossier complaint state before after already
different record daemon request query goes answer answered stored refused reach this
that which its it by or at into where when there here ahead accepted ago
""".split())


def vietnamese_words(text):
    """The words of @text that should be Vietnamese: quoted wire words,
    codes, ids, times, endpoints and acronyms set aside."""
    text = re.sub(r"'[^']*'|\"[^\"]*\"", " ", text)
    words = []
    for tok in text.split():
        tok = tok.strip(".,;:()[]!?")
        if not tok or re.search(r"[0-9_\-/:@.*=+<>]", tok) or tok.isupper():
            continue  # a code, an id, a time, an endpoint, HELLO, PAKN, ASCII
        if tok.lower().startswith("cchc"):
            continue
        words.append(tok)
    return words


def is_vietnamese(text):
    """No English word, and Vietnamese letters."""
    english = [w for w in vietnamese_words(text) if w.lower() in ENGLISH]
    return not english and re.search(r"[à-ỹđĐ]", text) is not None, english


class Seen:
    """Every (source, code, vi, en) met, each checked once."""

    def __init__(self):
        self.n = 0
        self.codes = set()

    def reason(self, where, code, vi, en):
        ok, english = is_vietnamese(vi or "")
        if not ok or not en:
            fail("%s: %s: the Vietnamese reason %r %s" % (
                where, code, vi, "has English words %s" % english if english
                else "is not Vietnamese" if vi else "is missing"))
        self.n += 1
        self.codes.add(code)


def push(c, seen, events, to="intake", who="quay-1", units="*", role=None):
    res = c.push(events, to=to, who=who, units=units, role=role)
    if len(res) != len(events):
        fail("%d results for %d events" % (len(res), len(events)))
    for r in res:
        if r["status"] == "error":
            seen.reason("push line %d" % r["line"], r["code"], r.get("vi"), r.get("en"))
    return res


def ev(eid, typ, minute, **fields):
    return dict({"eid": eid, "type": typ, "at": AT % minute}, **fields)


def intake_refusals(c, seen):
    rec = dict(proc="TP-LLTP", unit="SO-TP", channel="direct")
    res = push(c, seen, [
        {"type": "received", "dossier": "M-0", "at": AT % 1, **rec},            # 1 no eid
        ev("m1", "received", 1, dossier="M-1", **rec),                          # 2 ok
        ev("m2", "received", 2, dossier="M-2", proc="TP-LLTP", unit="SO-TP",
           channel="fax"),                                                      # 3 enum
        ev("m3", "received", 3, dossier="M-3", proc="TP-LLTP", unit="SO-TP",
           channel=5),                                                          # 4 type
        ev("m4", "frobnicated", 4, dossier="M-1"),                              # 5 unknown
        ev("m5", "pakn_received", 5, pakn="P-1", text="x"),                     # 6 hotline's
        dict(ev("m6", "received", 6, dossier="M-6", **rec),
             at="2025-07-11T09:00:00+07:00"),                                   # 7 future
        dict(ev("m7", "received", 7, dossier="M-7", **rec), at=1752112800000),  # 8 ms
        ev("m8", "received", 8, dossier="M-8", proc="TP-LLTP", unit="SO-XX",
           channel="direct"),                                                   # 9 unit
        ev("m9", "received", 9, dossier="M-9", proc="XX-NONE", unit="SO-TP",
           channel="direct"),                                                   # 10 proc
        ev("m10", "received", 10, dossier="M-10", proc="HT-KHAISINH", unit="SO-TP",
           channel="direct"),                                                   # 11 not handled
        ev("m11", "received", 11, dossier="M-11", proc="TP-CT-BANSAO", unit="H-BIENHOA",
           channel="direct"),                                                   # 12 not valid
        ev("m12", "resolved", 12, dossier="M-404"),                             # 13 unknown
        ev("m13", "received", 13, dossier="M-1", **rec),                        # 14 duplicate
        ev("m14", "returned", 14, dossier="M-1", method="counter"),             # 15 illegal
        dict(ev("m15", "resolved", 15, dossier="M-1"),
             at="2025-07-10T07:00:00+07:00"),                                   # 16 before
        ev("m1", "received", 1, dossier="M-1", proc="TP-LLTP", unit="SO-TP",
           channel="online"),                                                   # 17 conflict
        dict(ev("m17", "received", 17, dossier="M-17", **rec),
             at="2019-06-03T09:00:00+07:00"),                                   # 18 calendar
        ev("m18", "fee_paid", 18, dossier="M-1", amount=-5, method="cash"),     # 19 range
        ev("m19", "sos_requested", 19, dossier="M-1", kind="pause"),            # 20 enum
        ev("m20", "extended", 20, dossier="M-1", promised="2025-07-01T17:00:00+07:00"),
        ev("m21", "consult_requested", 21, dossier="M-1", agency="BO-TP",
           deadline="2025-07-09T17:00:00+07:00"),                               # 22 order
    ])
    codes = [r.get("code", "ok") for r in res]
    want = ["bad_field", "ok", "bad_field", "bad_field", "unsupported", "unsupported",
            "future_event", "bad_field", "unknown_unit", "unknown_procedure",
            "procedure_not_handled", "unit_not_valid", "unknown_dossier", "duplicate_dossier",
            "illegal_transition", "before_previous", "event_id_conflict",
            "calendar_not_covered", "bad_field", "bad_field", "bad_field", "bad_field"]
    check(codes == want, "intake refuses each event with its code (%s)" % codes)
    enum = res[2]
    check("'direct', 'online', 'postal'" in enum["vi"] and "direct, online, postal" in enum["en"],
          "bad_field for channel lists the allowed values, in both languages: %s" % enum["vi"])
    fut = res[6]
    check("2025-07-10T09:00:00+07:00" in fut["vi"] and "2025-07-10T09:00:00+07:00" in fut["en"],
          "future_event gives the server's time: %s" % fut["en"])
    wrong = res[5]
    check("cchc-hotlined" in wrong["vi"] and "cchc push --to=hotline" in wrong["en"],
          "a hotline event sent to intake says where it goes: %s" % wrong["en"])
    check(res[0]["field"] == "eid" and "thiếu trường bắt buộc 'eid'" in res[0]["vi"],
          "a missing eid: %s" % res[0]["vi"])
    # A counter outside its units, a supervisor's note with a bad period.
    res = push(c, seen, [ev("m30", "received", 30, dossier="M-30", proc="GT-DOI-GPLX",
                            unit="SO-GTVT", channel="direct")], units="SO-TP")
    check(res[0]["code"] == "not_authorized", "a counter outside its units: not_authorized")


def note_refusals(seen):
    """The supervisors' notes go at the time of the command: intake on the
    system's clock."""
    c = Cluster()
    try:
        c.start("intake")
        for args in (["grade", "set", "--unit=SO-TP", "--period=2025-X9", "--grade=A",
                      "--reason=thử"],
                     ["reminder", "add", "--unit=SO-GTVT", "--kind=reminder", "--doc=1/UBND",
                      "--date=2025-07-01", "--reason=Chậm trả kết quả"]):
            r = c.cchc(args, who="gs-1", units="SO-TP", expect_rc=1)
            cli_line(seen, "cchc " + args[0], r.stderr.decode())
        check("bad_field (field period)" in c.cchc(
            ["grade", "reason", "--unit=SO-TP", "--period=2025-X9", "--reason=x"], who="gs-1",
            units="SO-TP", expect_rc=1).stderr.decode(), "a bad period in a grade note")
    finally:
        c.close()


def hotline_refusals(c, seen):
    res = push(c, seen, [
        ev("h1", "contact", 1, contact="C-1", ctype="letter", channel="phone"),
        ev("h2", "contact", 2, contact="C-2", ctype="pakn", channel="fax"),
        ev("h3", "pakn_received", 3, pakn="P-1"),
        ev("h4", "pakn_received", 4, pakn="P-2", text="Chậm", caller_phone="abc"),
        ev("esc:h5", "pakn_classified", 5, pakn="P-2", category="conduct"),
        ev("h6", "pakn_escalated", 6, pakn="P-2"),
        ev("h7", "pakn_classified", 7, pakn="P-404", category="conduct"),
        ev("h8", "received", 8, dossier="M-1", proc="TP-LLTP", unit="SO-TP", channel="direct"),
        ev("h9", "pakn_received", 9, pakn="P-9", text="Hồ sơ chậm"),
        ev("h10", "pakn_published", 10, pakn="P-9"),
        ev("h11", "pakn_accepted", 11, pakn="P-9"),
        ev("h12", "contact_closed", 12, contact="C-404"),
        ev("h13", "pakn_refused", 13, pakn="P-9", reason="rude"),
    ], to="hotline", who="tdv-1")
    codes = [r.get("code", "ok") for r in res]
    want = ["bad_field", "bad_field", "bad_field", "bad_field", "bad_field", "not_authorized",
            "unknown_complaint", "unsupported", "ok", "illegal_transition", "not_authorized",
            "bad_field", "bad_field"]
    check(codes == want, "hotline refuses each event with its code (%s)" % codes)
    check("'information', 'guidance', 'postal', 'pakn'" in res[0]["vi"],
          "bad_field for ctype lists its values: %s" % res[0]["vi"])
    check("cchc-intaked" in res[7]["vi"] and "cchc push" in res[7]["en"],
          "an intake event sent to the hotline says where it goes")
    check("tổng đài viên" in res[10]["vi"],
          "the role is named in Vietnamese: %s" % res[10]["vi"])


def query_refusals(c, seen):
    for args, who, units in ((["dossier", "show", "M-404"], "gs-1", "*"),
                             (["pakn", "show", "P-404"], "tdv-1", "*"),
                             (["report", "--unit=SO-XX", "--period=2025-07"], "gs-1", "*")):
        r = c.cchc(args, who=who, units=units, expect_rc=1)
        cli_line(seen, "cchc " + " ".join(args), r.stderr.decode())


def wire_refusals(c, seen):
    """What only the wire can send: each refused with a reason naming the mistake."""
    def ask(daemon, mtype, body, hello=None):
        d = wire.Dealer("127.0.0.1", c.ports[daemon])
        try:
            if hello:
                t, b = d.request(wire.HELLO, hello)
                if t != wire.RESULT:
                    fail("HELLO refused: %r" % b)
            t, b = d.request(mtype, body)
        finally:
            d.close()
        if t != wire.ERROR:
            fail("%s: %r answered %r, not an ERROR" % (daemon, body, b))
        seen.reason("wire %s 0x%02x" % (daemon, mtype), b["code"], b.get("vi"), b.get("en"))
        return b

    sup = {"role": "supervisor", "who": "gs-1", "units": ["*"]}
    ctr = {"role": "counter", "who": "q-1", "units": ["*"]}
    b = ask("scoring", wire.EVENT, {"ev": {"eid": "w1", "type": "received", "at": 1752112800}},
            ctr)
    check(b["code"] == "unsupported" and "cchc-intaked" in b["vi"] and "takes no events" in b["en"],
          "an EVENT sent to scoring: %s" % b["en"])
    b = ask("scoring", wire.READ, {"after": 0}, ctr)
    check(b["code"] == "unsupported" and "no log to read" in b["en"],
          "a READ sent to scoring: %s" % b["en"])
    b = ask("intake", wire.QUERY, {"q": "report", "unit": "SO-TP"}, sup)
    check(b["code"] == "unsupported" and b["field"] == "q" and "cchc-scoringd" in b["vi"],
          "QUERY report sent to intake names scoring: %s" % b["en"])
    b = ask("intake", wire.QUERY, {"q": "pakn", "id": "P-1"}, sup)
    check("cchc-hotlined" in b["en"], "QUERY pakn sent to intake names the hotline")
    b = ask("hotline", wire.QUERY, {"q": "dossier", "id": "M-1"}, sup)
    check("cchc-intaked" in b["en"], "QUERY dossier sent to the hotline names intake")
    b = ask("intake", wire.QUERY, {"q": "frobnicate"}, sup)
    check(b["code"] == "unsupported" and "'frobnicate'" in b["vi"], "an unknown query")
    b = ask("intake", 0x83, {})
    check(b["code"] == "unsupported" and "not a request" in b["en"], "a reply type as a request")
    ask("intake", wire.QUERY, {"q": "stats"})                          # before HELLO
    ask("intake", wire.READ, {"after": 0}, ctr)                        # a counter reads
    ask("intake", wire.EVENT, {"nothing": 1}, ctr)                     # no ev
    ask("intake", wire.READ, {"after": 0, "max": 0},
        {"role": "consumer", "who": "c-1", "units": ["*"]})            # max out of bounds
    ask("intake", wire.HELLO, {"role": "emperor", "who": "x"})         # a bad HELLO
    ask("intake", wire.QUERY, {"q": "backup", "path": "../outside"},
        {"role": "operator", "who": "op", "units": ["*"]})             # not below backup_dir
    ask("scoring", wire.QUERY, {"q": "report", "unit": "SO-TP"}, sup)  # no period
    ask("scoring", wire.QUERY, {"q": "report", "unit": "SO-TP", "period": "2025-X9"}, sup)


def cli_line(seen, where, text):
    """A line of the tool, "cchc: <vi> / <en>", or for a refusal "cchc: <daemon>
    refused [what]: <code> (field F): <vi> / <en>": the Vietnamese first."""
    line = text.strip().splitlines()[-1]
    m = re.match(r"^cchc(?: push)?: (?:\S+ refused[^:]*: [a-z_]+(?: \(field [^)]*\))?: )?(.*)$",
                 line)
    if m is None or " / " not in m.group(1):
        fail("%s: no 'vi / en' in %r" % (where, line))
    vi, _, en = m.group(1).rpartition(" / ")
    ok, english = is_vietnamese(vi)
    if not ok or re.search(r"[à-ỹđĐ]", en):
        fail("%s: not 'vi / en' (%s): %r" % (where, english or "order", line))
    seen.reason(where, "cli", vi, en)


def tool_lines(c, seen):
    r = c.cchc(["--hotline=tcp://127.0.0.1:1", "pakn", "show", "P-1"], timeout_ms=300,
               expect_rc=3)
    cli_line(seen, "cchc, hotline unreachable", r.stderr.decode())
    r = c.cchc(["--intake=" + c.ep("scoring"), "push"], stdin=b"", expect_rc=3)
    cli_line(seen, "cchc, scoring at --intake", r.stderr.decode())
    check("cchc-scoringd" in r.stderr.decode() and "--intake" in r.stderr.decode(),
          "another daemon at --intake: exit 3, naming it and the option to fix")
    r = c.cchc(["--scoring=" + c.ep("hotline"), "ctl", "scoring", "ping"], expect_rc=3)
    cli_line(seen, "cchc ctl, hotline at --scoring", r.stderr.decode())
    r = c.cchc(["contact", "log", "--id=C-9", "--type=information", "--channel=zalo",
                "--at=" + AT % 30], who="tdv-1")
    line = r.stdout.decode().strip()
    vi_en = line.rsplit(": ", 1)[-1]
    check(line.startswith("ok: contact C-9 (seq") and vi_en == "đã ghi nhận / stored",
          "an ok line ends 'đã ghi nhận / stored': %s" % line)
    r = c.cchc(["contact", "log", "--id=C-9", "--type=information", "--channel=zalo",
                "--at=" + AT % 30], who="tdv-1", expect_rc=1)
    cli_line(seen, "cchc contact log, refused", r.stderr.decode())
    r = c.push([ev("t1", "received", 1, dossier="M-1", proc="TP-LLTP", unit="SO-TP",
                   channel="direct")], who="quay-1")
    r = subprocess.run([CCHC, "--who=quay-1", "push"], input=b"{}\n", capture_output=True,
                       env=c.env)
    summary = r.stderr.decode().strip().splitlines()[-1]
    cli_line(seen, "cchc push summary", summary.replace("cchc push: ", "cchc push: : ", 1))


def main():
    c = Cluster(test_clock=CLOCK)
    seen = Seen()
    try:
        c.start_all()
        intake_refusals(c, seen)
        hotline_refusals(c, seen)
        query_refusals(c, seen)
        wire_refusals(c, seen)
        tool_lines(c, seen)
    finally:
        c.close()
    note_refusals(seen)
    check(len(seen.codes) >= 15, "%d reasons of %d codes checked, each Vietnamese "
          "without English words: %s" % (seen.n, len(seen.codes), sorted(seen.codes)))
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
