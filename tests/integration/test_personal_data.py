#!/usr/bin/env python3
"""Callers' personal data at the hotline, end to end with the real daemons
and `cchc` on the test clock (PROTOCOL.md §4, §9; README.md "Security"):

- `mdb_dump` of the hotline's store shows no phone number, e-mail, citizen
  id, name or street address of a caller in clear (sealed at rest; the
  published answer redacted), with the key file made in the state
  directory (mode 0600) when none is configured;
- an operator's `cchc ctl hotline erase --phone=...` erases one person's
  data (two complaints, the number written another way), `--pakn=ID` one
  complaint's; the figures of `cchc report` and the complaints' states
  stay;
- when the test clock passes retention_days (365) after a complaint was
  closed, its personal data is erased by the hotline itself, the figures
  staying;
- key rotation: a key file with a second key, the hotline restarted with
  --personal-keys: everything sealed again under key 2, still readable;
  then without key 1; without key 2 the hotline refuses to start and says
  why.
"""
import json
import os
import shutil
import subprocess

from harness import Cluster, check, fail, run_cluster

UNIT = "SO-TP"
DAY = "2025-03-03"
AGENT = "tdv-01"
PEOPLE = [  # id, name, phone as given, text
    ("PA-1", "Nguyễn Văn An", "0912345678",
     "Tôi là Nguyễn Văn An, CCCD 075201001234, email an.nguyen@gmail.com, ở số nhà 12 đường "
     "Võ Thị Sáu, phường Thống Nhất: hồ sơ trễ hạn"),
    ("PA-2", "Nguyễn Văn An", "+84 912 345 678", "Lần hai: vẫn chưa có kết quả"),
    ("PA-3", "Trần Thị Bình", "0987654321",
     "Chị Bình ở tổ 5, khu phố 3, phường Tân Phong phản ánh thái độ"),
]
SECRETS = ["Nguyễn Văn An", "Nguyen", "NGUYỄN", "Trần Thị Bình", "0912345678", "912 345 678",
           "0987654321", "075201001234", "an.nguyen@gmail.com", "Võ Thị Sáu", "khu phố 3",
           "trễ hạn", "thái độ"]


def at(hhmm, day=DAY):
    return "%sT%s:00+07:00" % (day, hhmm)


def cchc(c, args, who=AGENT, units=None, rc=0):
    return c.cchc(args, who=who, units=units, expect_rc=rc)


def dump_hotline(c):
    """Every key and value of every database of the hotline's store, as
    `mdb_dump -a` prints them (hex), decoded to bytes."""
    r = subprocess.run(["mdb_dump", "-a", os.path.join(c.dir, "hotline", "db")],
                       capture_output=True, text=True, check=True)
    return b"\n".join(bytes.fromhex(x.strip()) for x in r.stdout.splitlines()
                       if x.startswith(" "))


def in_clear(c):
    dump = dump_hotline(c)
    return [s for s in SECRETS if s.encode() in dump]


def report(c):
    r = cchc(c, ["report", "--unit=" + UNIT, "--from=2025-03-01", "--to=2026-12-31", "--json"],
             who="gs-1")
    rep = json.loads(r.stdout)
    return {k: rep[k] for k in rep if k.startswith("pakn_") or k.startswith("contacts")}


def show(c, pid):
    return json.loads(cchc(c, ["pakn", "show", pid, "--json"]).stdout)["pakn"]


def main():
    if shutil.which("mdb_dump") is None:
        print("SKIP: mdb_dump not installed (lmdb-utils)")
        raise SystemExit(77)
    c = Cluster(test_clock=at("12:00"))
    run_cluster(run, c)


def run(c):
    keys = os.path.join(c.dir, "hotline", "personal.keys")
    check(os.stat(keys).st_mode & 0o777 == 0o600, "a key file made in the state dir, mode 0600")
    with open(os.path.join(c.dir, "hotline.log"), encoding="utf-8", errors="replace") as f:
        check("Made a personal data key" in f.read(), "... and the journal says so")

    for n, (pid, name, phone, text) in enumerate(PEOPLE):
        cchc(c, ["pakn", "receive", "--id=" + pid, "--text=" + text, "--caller-name=" + name,
                 "--caller-phone=" + phone, "--at=" + at("08:1%d" % n)])
        cchc(c, ["pakn", "classify", pid, "--category=procedure", "--at=" + at("08:2%d" % n)])
        cchc(c, ["pakn", "assign", pid, "--unit=" + UNIT, "--at=" + at("08:3%d" % n)])
        cchc(c, ["pakn", "accept", pid, "--at=" + at("08:4%d" % n)], who="dm-tp", units=UNIT)
        cchc(c, ["pakn", "answer", pid, "--at=" + at("09:0%d" % n),
                 "--text=Kính gửi ông %s (ĐT %s): đã xử lý; gửi về số nhà 12 đường Võ Thị Sáu"
                 % (name, phone)], who="dm-tp", units=UNIT)
        cchc(c, ["pakn", "publish", pid, "--at=" + at("09:1%d" % n)])
    cchc(c, ["pakn", "close", "PA-3", "--at=" + at("10:00")])
    p = show(c, "PA-1")
    check(p["caller_name"] == "Nguyễn Văn An" and "075201001234" in p["text"],
          "the agent reads the caller's data back")
    check(p["published"].startswith("Kính gửi ông [đã ẩn] (ĐT [đã ẩn]): đã xử lý; gửi về "
                                    "[đã ẩn]"), "the published answer is redacted: %r"
          % p["published"])
    check("Kính gửi ông [đã ẩn]".encode() in dump_hotline(c),
          "mdb_dump shows the store's UTF-8 text (the published answer)")
    found = in_clear(c)
    check(not found, "mdb_dump of the hotline's store: no phone, e-mail, id, name or address "
          "in clear (found %r)" % found)

    c.wait_for("scoring to count the complaints", lambda: report(c)["pakn_received"] == 3)
    before = report(c)

    # Erasure on request.
    # (Only an operator may erase: test_hotline and test_security check the
    # refusals; here, in plain mode, `cchc ctl` says it is one.)
    r = cchc(c, ["ctl", "hotline", "erase"], rc=2)
    check(b"--pakn=ID | --phone=NUMBER" in r.stderr, "erase needs --pakn or --phone")
    r = cchc(c, ["ctl", "hotline", "erase", "--phone=84-912-345-678"], who="vh")
    check(r.stdout.decode().strip() == "hotline: erased the personal data of PA-1 PA-2",
          "erase by phone, written another way: both complaints of that caller (%r)"
          % r.stdout)
    for pid in ("PA-1", "PA-2"):
        p = show(c, pid)
        check(p["caller_name"] == "" and p["caller_phone"] == "" and p["text"] == "" and
              p["answer"] == "" and p["erased_at"] > 0 and p["state"] == "published",
              "%s: no personal data left, its state kept" % pid)
    check(show(c, "PA-3")["caller_name"] == "Trần Thị Bình", "another caller's data stays")
    r = cchc(c, ["ctl", "hotline", "erase", "--pakn=PA-1", "--json"], who="vh")
    check(json.loads(r.stdout)["erased"] == 0, "erased again: nothing left")
    with open(os.path.join(c.dir, "hotline.log"), encoding="utf-8", errors="replace") as f:
        log = f.read()
    check("Operator vh erased the personal data of 2 complaint(s) on request (by phone number)"
          in log and "0912345678" not in log and "912-345" not in log,
          "the journal names the operator, never the number")
    check(report(c) == before, "the figures are the same after the erasure")

    # Retention: a year after PA-3 was closed, the hotline erases it itself.
    c.clock(at("09:59", "2026-03-03"))
    check(show(c, "PA-3")["caller_name"] == "Trần Thị Bình", "kept until the year is over")
    c.clock(at("10:00", "2026-03-03"))
    p = show(c, "PA-3")
    check(p["caller_name"] == "" and p["erased_at"] == 1772506800 and p["state"] == "closed",
          "retention_days after closing: erased by the hotline (%r)" % p["erased_at"])
    check(report(c) == before, "the figures are the same after the retention ran out")
    check(not in_clear(c), "mdb_dump: still nothing in clear")

    rotate(c, keys)


def rotate(c, keys):
    cchc(c, ["pakn", "receive", "--id=PA-9", "--text=Khóa mới", "--caller-name=Lê Văn Tám",
             "--caller-phone=0900000009", "--at=" + at("10:05", "2026-03-03")])
    c.stop("hotline")
    new = os.path.join(c.dir, "keys-2")
    line = subprocess.run([os.environ.get("CCHC", ""), "keygen", "--data-key=2"],
                          capture_output=True, text=True, check=True).stdout
    with open(keys, encoding="utf-8") as f:
        old = f.read()
    with open(new, "w", encoding="utf-8") as f:
        f.write(old + line)
    os.chmod(new, 0o600)
    c.extra["hotline"] = ["--personal-keys=" + new]
    c.start("hotline")
    with open(os.path.join(c.dir, "hotline.log"), encoding="utf-8", errors="replace") as f:
        check("Sealed the personal data of 1 complaint(s) with key ID 2" in f.read(),
              "restarted with key 2: the data under key 1 sealed again with it")
    c.stop("hotline")
    with open(new, "w", encoding="utf-8") as f:
        f.write(line)
    c.start("hotline")
    check(show(c, "PA-9")["caller_name"] == "Lê Văn Tám", "readable with key 2 alone")
    c.stop("hotline")
    with open(new, "w", encoding="utf-8") as f:
        f.write(old)
    r = subprocess.run(c.args("hotline") + ["--personal-keys=" + new], capture_output=True,
                       text=True, env=c.env, timeout=30)
    check(r.returncode != 0 and "sealed with key ID 2, which the personal data keys do not "
          "have" in r.stderr, "without key 2 the hotline refuses to start, and says why")


if __name__ == "__main__":
    main()
