#!/usr/bin/env python3
"""EVENT with `evs`, several events in one message (PROTOCOL.md §2.2),
spoken on the wire to a real cchc-intaked:

- five events in one message, each judged alone in order: two receipts
  stored, a receipt and the fee of that dossier (the fee sees the receipt), an unknown procedure refused, the same eid again a duplicate;
  one ACK with `seqs`, `dups` and `errors` (code, reasons, field, eid);
- the message again: every stored event a duplicate with its first seq,
  the refused one refused again, nothing stored;
- an eid reused for another event, in a later message and inside one:
  event_id_conflict, nothing stored;
- message-level refusals, each changing nothing stored: `ev` and `evs`
  together, neither, `evs` empty, not an array, an item that is not a map,
  more items than a map or array may hold, before HELLO, from a role that
  may not push (a supervisor's receipt is refused event by event);
- a batch of 256 events (what `cchc push` sends at most) stored in one message;
  the log head, and `cchc push` of the same events, agree;
- an event nesting to the limit alone is too deep inside `evs`: refused
  on the wire as a message, sent alone by `cchc push`.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wire  # noqa: E402
from harness import Cluster, check, fail  # noqa: E402

CLOCK = "2025-03-03T10:00:00+07:00"
AT = 1740970800  # 2025-03-03T09:00:00+07:00
COUNTER = {"role": "counter", "who": "q1", "units": ["SO-TP"]}
negatives = 0


def received(eid, dossier, proc="TP-LLTP", at=AT):
    return {"eid": eid, "type": "received", "at": at, "dossier": dossier, "proc": proc,
            "unit": "SO-TP", "channel": "direct"}


def hello(c, who=COUNTER):
    d = wire.Dealer("127.0.0.1", c.ports["intake"])
    t, b = d.request(wire.HELLO, who)
    if t != wire.RESULT:
        fail("HELLO refused: %r" % b)
    return d


def head(c):
    return c.stats("intake")["log_head"]


def refused(c, d, body, code, field, label):
    """A message-level refusal: one ERROR, nothing stored."""
    global negatives
    negatives += 1
    before = head(c)
    t, b = d.request(wire.EVENT, body)
    check(t == wire.ERROR and b["code"] == code and b.get("field") == field and
          head(c) == before,
          "%s: ERROR %s (field %s), nothing stored (%r)" % (label, code, field, b))


def mixed_batch(c):
    d = hello(c)
    fee = {"eid": "b-4", "type": "fee_paid", "at": AT + 60, "dossier": "B-3",
           "amount": 50000, "method": "cash"}
    evs = [received("b-1", "B-1"), received("b-2", "B-2", proc="NO-SUCH"),
           received("b-3", "B-3"), fee, received("b-1", "B-1")]
    t, b = d.request(wire.EVENT, {"evs": evs})
    check(t == wire.ACK, "five events: one ACK (%r)" % (b,))
    seqs = b["seqs"]
    check(len(seqs) == 5 and seqs[1] == 0 and seqs[0] > 0 and seqs[2] == seqs[0] + 1,
          "seqs: one per event, 0 for the refused one (%r)" % seqs)
    errors = {e["i"]: e for e in b["errors"]}
    check(set(errors) == {1} and errors[1]["code"] == "unknown_procedure" and
          errors[1]["field"] == "proc" and errors[1]["eid"] == "b-2" and errors[1]["vi"] and
          errors[1]["en"], "the unknown procedure refused with its reasons (%r)" % errors)
    # The fee of B-3 comes after its receipt in the same message.
    check(seqs[3] == seqs[2] + 1, "the fee stored after the receipt it follows (%r)" % (b,))
    check(b["dups"] == [4] and seqs[4] == seqs[0],
          "the same eid again in the message: a duplicate of the first (%r)" % b["dups"])
    first = head(c)
    t, b2 = d.request(wire.EVENT, {"evs": evs})
    check(t == wire.ACK and b2["seqs"] == seqs and sorted(b2["dups"]) ==
          [i for i in range(5) if seqs[i]] and [e["i"] for e in b2["errors"]] == [1],
          "the message again: the stored ones duplicates with their seqs, the refused one "
          "refused (%r)" % (b2,))
    check(head(c) == first, "the message again stored nothing")
    other = dict(received("b-1", "B-9"))
    t, b3 = d.request(wire.EVENT, {"evs": [other]})
    check(t == wire.ACK and b3["seqs"] == [0] and
          b3["errors"][0]["code"] == "event_id_conflict" and head(c) == first,
          "an eid reused for another event: event_id_conflict, nothing stored (%r)" % (b3,))
    # Inside one message: the second use of an eid for another event.
    t, b4 = d.request(wire.EVENT, {"evs": [received("b-5", "B-5"), received("b-5", "B-6")]})
    check(t == wire.ACK and b4["seqs"][0] == first + 1 and b4["seqs"][1] == 0 and
          [(e["i"], e["code"]) for e in b4["errors"]] == [(1, "event_id_conflict")] and
          head(c) == first + 1,
          "an eid reused inside one message: the second refused, the first stored (%r)" % (b4,))
    d.close()


def message_refusals(c):
    d = hello(c)
    one = received("r-1", "R-1")
    refused(c, d, {"ev": one, "evs": [one]}, "bad_field", "evs", "ev and evs together")
    refused(c, d, {}, "bad_field", "ev", "neither ev nor evs")
    refused(c, d, {"evs": []}, "bad_field", "evs", "evs empty")
    refused(c, d, {"evs": one}, "bad_field", "evs", "evs not an array")
    refused(c, d, {"evs": [one, "r-2"]}, "bad_field", "evs", "an item that is not a map")
    global negatives
    negatives += 1
    before = head(c)
    t, b = d.request(wire.EVENT, {"evs": [1] * 1025})
    check(t == wire.ERROR and b["code"] == "bad_request" and head(c) == before,
          "1025 items: bad_request, nothing stored (%r)" % (b,))
    d.close()
    d = wire.Dealer("127.0.0.1", c.ports["intake"])
    refused(c, d, {"evs": [one]}, "not_authorized", None, "before HELLO")
    d.close()
    d = hello(c, {"role": "consumer", "who": "c-1", "units": ["*"]})
    refused(c, d, {"evs": [one]}, "not_authorized", None, "a consumer's batch")
    d.close()
    # A supervisor may push (its notes on units), not receipts: refused
    # event by event.
    d = hello(c, {"role": "supervisor", "who": "gs-1", "units": ["SO-TP"]})
    before = head(c)
    t, b = d.request(wire.EVENT, {"evs": [one]})
    negatives += 1
    check(t == wire.ACK and b["seqs"] == [0] and b["errors"][0]["code"] == "not_authorized" and
          head(c) == before,
          "a supervisor's receipt in a batch: not_authorized, nothing stored (%r)" % (b,))
    d.close()


def large_batch(c):
    d = hello(c)
    evs = [received("L-%03d" % i, "L-%03d" % i, at=AT + i) for i in range(256)]
    before = head(c)
    t, b = d.request(wire.EVENT, {"evs": evs})
    check(t == wire.ACK and b["seqs"] == list(range(before + 1, before + 257)) and
          b["dups"] == [] and b["errors"] == [],
          "256 events in one message: stored in order (%r...)" % (str(b)[:200],))
    d.close()
    # cchc push of the same events (JSON lines): every one a duplicate.
    lines = "".join(json.dumps(e) + "\n" for e in evs).encode()
    r = c.cchc(["push"], stdin=lines, who="q1", units="SO-TP")
    res = [json.loads(x) for x in r.stdout.decode().splitlines()]
    check(len(res) == 256 and all(x["status"] == "ok" and x["dup"] for x in res) and
          [x["seq"] for x in res] == b["seqs"],
          "cchc push of the same 256: duplicates with the same seqs")
    check(head(c) == before + 256, "the log grew by 256")


def deep_event(c):
    """An event that nests to the limit alone (an unknown field, ignored) is
    one level too deep inside `evs`: on the wire that refuses the message;
    `cchc push` sends it alone and every event is stored."""
    evs = [received("D-%d" % i, "D-%d" % i, at=AT + i) for i in range(10)]
    evs[4]["x"] = {"y": [1]}
    d = hello(c)
    before = head(c)
    t, b = d.request(wire.EVENT, {"evs": evs})
    check(t == wire.ERROR and b["code"] == "bad_request" and head(c) == before,
          "an event nesting to the limit inside evs: bad_request, nothing stored (%r)" % (b,))
    d.close()
    lines = "".join(json.dumps(e) + "\n" for e in evs).encode()
    r = c.cchc(["push"], stdin=lines, who="q1", units="SO-TP")
    res = [json.loads(x) for x in r.stdout.decode().splitlines()]
    check(len(res) == 10 and all(x["status"] == "ok" and not x["dup"] for x in res) and
          head(c) == before + 10,
          "cchc push sends it alone: all 10 stored (%r)" % ([x["status"] for x in res],))


def main():
    c = Cluster(test_clock=CLOCK)
    try:
        c.start("intake")
        mixed_batch(c)
        message_refusals(c)
        large_batch(c)
        deep_event(c)
    finally:
        c.close()
    print("%d message-level refusals checked" % negatives)
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
