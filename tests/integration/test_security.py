#!/usr/bin/env python3
"""CurveZMQ through the real `cchc` and the three real daemons (PROTOCOL.md
§9, README.md "Security", deploy/README.md "Counters on other machines").

Keys made with `cchc keygen`, a principals file, the daemons with
security = curve (scoring reading both logs with its own key), and the
tool driven as counters, a supervisor, an operator and strangers would:

- a counter pushes with its key alone (no --who): its events carry the
  principal's name; another unit, a wider HELLO (--units='*', another
  --who), another counter's key for this unit: refused, nothing stored;
- the secret key from the environment instead of a file;
- a key the daemon does not know, a tool without keys, the wrong daemon
  key: each told apart, with exit status 1 or 3;
- a supervisor reads its unit's report (scoring fed over CurveZMQ) and
  watches its alerts with its key alone, not
  another unit's;
- backups: only by an operator, only below backup_dir (refused: '..', an
  absolute path elsewhere, a symbolic link below it), each one in the
  journal with its operator;
- a key removed from the file while its `cchc push` is connected: the
  next event on that same connection is refused, and so is a new one;
- start-up refusals: plain mode on a non-loopback endpoint, curve without
  a principals file, a secret key others may read, scoring reading a
  remote log without its key.
"""
import json
import os
import signal
import subprocess
import sys
import time

from harness import CCHC, INTAKED, SCORINGD, Cluster, check, fail, free_port

CLOCK = "2025-03-03T08:00:00+07:00"
AT = "2025-03-03T08:00:00+07:00"
CLIENTS = [  # name, role, units
    ("quay-tp", "counter", "SO-TP"),
    ("quay-gt", "counter", "SO-GTVT"),
    ("gs-tp", "supervisor", "SO-TP"),
    ("vh", "operator", "*"),
    ("tdv", "agent", "-"),
    ("quay-old", "counter", "SO-TP"),
]
negatives = 0


def refused(cond, msg):
    """check() of a negative case, counted."""
    global negatives
    negatives += 1
    check(cond, msg)


def received(n, unit="SO-TP", proc="TP-LLTP"):
    return {"eid": "r-%d" % n, "type": "received", "dossier": "HS-%d" % n, "proc": proc,
            "unit": unit, "channel": "direct", "at": AT}


def public_key(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("public"):
                return line.split("=", 1)[1].strip()
    fail("no public key in " + path)


def keygen(c, name):
    r = subprocess.run([CCHC, "keygen", os.path.join(c.dir, "keys", name)], capture_output=True,
                       text=True, timeout=30)
    if r.returncode != 0:
        fail("cchc keygen %s: %s" % (name, r.stderr))
    return os.path.join(c.dir, "keys", name + ".key")


def write_principals(c, skip=()):
    lines = ["# key role who units"]
    for name, role, units in CLIENTS:
        if name not in skip:
            lines.append("%s %s %s %s" % (public_key(c.key(name)[:-4] + ".pub"), role, name,
                                          units))
    lines.append("%s consumer scoring -" % public_key(c.key("scoring")[:-4] + ".pub"))
    path = os.path.join(c.dir, "principals")
    with open(path + ".new", "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    os.chmod(path + ".new", 0o644)
    os.replace(path + ".new", path)


def as_key(c, name):
    """The environment of a `cchc` run with @name's key pair."""
    return {"CCHC_KEY": c.key(name), "CCHC_WHO": None, "CCHC_UNITS": None}


def push(c, events, name, expect_rc, args=()):
    data = "".join(json.dumps(e) + "\n" for e in events).encode()
    r = c.cchc(["push"] + list(args), stdin=data, expect_rc=expect_rc, env=as_key(c, name))
    return [json.loads(line) for line in r.stdout.decode().splitlines() if line.strip()], r


def log_text(c, name):
    with open(os.path.join(c.dir, name + ".log"), "rb") as f:
        return f.read().decode("utf-8", "replace")


def wait_log(c, name, text, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if text in log_text(c, name):
            return True
        time.sleep(0.05)
    return False


def main():
    for b in (CCHC, INTAKED, SCORINGD):
        if not os.access(b, os.X_OK):
            print("SKIP: %s not built" % b)
            sys.exit(77)
    c = Cluster(test_clock=CLOCK)
    try:
        run(c)
        startup_refusals(c)
    finally:
        c.close()
    print("%d negative cases checked" % negatives)
    print("1 passed, 0 failed")


def run(c):
    os.makedirs(os.path.join(c.dir, "keys"))
    c.key = lambda name: os.path.join(c.dir, "keys", name + ".key")
    for name in ("intake", "hotline", "scoring", "stranger") + tuple(n for n, _, _ in CLIENTS):
        keygen(c, name)
    key = c.key("quay-tp")
    check(os.stat(key).st_mode & 0o777 == 0o600 and
          os.stat(key[:-4] + ".pub").st_mode & 0o777 == 0o644,
          "cchc keygen: NAME.key mode 0600, NAME.pub 0644")
    r = subprocess.run([CCHC, "keygen", key[:-4]], capture_output=True, text=True)
    refused(r.returncode == 2 and "never overwrites" in r.stderr,
            "cchc keygen never overwrites a key")
    write_principals(c)
    keys = os.path.join(c.dir, "keys")
    for d in ("intake", "hotline", "scoring"):
        c.extra[d] = ["--security=curve", "--server-key=%s/%s.key" % (keys, d),
                      "--principals=" + os.path.join(c.dir, "principals")]
    # scoring: intake's key as a file, hotline's as the key itself.
    c.extra["scoring"] += ["--intake-key=%s/intake.pub" % keys,
                           "--hotline-key=" + public_key(keys + "/hotline.pub")]
    c.env.update({
        "CCHC_INTAKE_KEY": keys + "/intake.pub",
        "CCHC_HOTLINE_KEY": keys + "/hotline.pub",
        "CCHC_SCORING_KEY": public_key(keys + "/scoring.pub"),
        "CCHC_KEY": c.key("vh"),  # the operator's, for the harness's pings
    })
    c.start_all()
    check("CurveZMQ: server key" in log_text(c, "intake"), "intake runs with CurveZMQ")

    # A counter with its key alone: it is its principal.
    res, _ = push(c, [received(1), received(2)], "quay-tp", 0)
    check([x["status"] for x in res] == ["ok", "ok"], "a counter's key pushes for its unit")
    r = c.cchc(["dossier", "show", "HS-1", "--json"], env=as_key(c, "quay-tp"))
    hist = json.loads(r.stdout)["history"]
    check(hist[0][1]["by"] == "quay-tp", "its events carry the principal's name (by quay-tp)")
    res, _ = push(c, [received(3, unit="SO-GTVT", proc="GT-DKX")], "quay-tp", 1)
    refused(res[0]["code"] == "not_authorized", "a counter's key, another unit: not_authorized")
    res, _ = push(c, [received(4)], "quay-gt", 1)
    refused(res[0]["code"] == "not_authorized",
            "another unit's counter key for SO-TP: not_authorized")
    _, r = push(c, [received(5)], "quay-tp", 1, ["--units=*"])
    refused(b"not_authorized" in r.stderr, "a HELLO claiming every unit: not_authorized")
    _, r = push(c, [received(5)], "quay-tp", 1, ["--who=quay-gt"])
    refused(b"not_authorized" in r.stderr, "a HELLO claiming another name: not_authorized")
    check(c.stats("intake")["log_head"] == 2, "nothing refused was stored")

    # The secret key itself from the environment.
    with open(c.key("quay-tp"), encoding="utf-8") as f:
        secret = [x.split("=", 1)[1].strip() for x in f if x.startswith("secret")][0]
    data = (json.dumps(received(6)) + "\n").encode()
    r = c.cchc(["push"], stdin=data, env={"CCHC_KEY": None, "CCHC_SECRET_KEY": secret,
                                          "CCHC_WHO": None, "CCHC_UNITS": None})
    check(json.loads(r.stdout)["status"] == "ok", "CCHC_SECRET_KEY: the key from the environment")

    # Keys the daemon does not take.
    r = c.cchc(["ctl", "intake", "stats"], expect_rc=1, timeout_ms=1500,
               env={"CCHC_KEY": c.key("stranger")})
    refused(b"refused this key" in r.stderr, "an unknown key: 'refused this key', exit 1")
    r = c.cchc(["ctl", "intake", "stats"], expect_rc=3, timeout_ms=1500,
               env={"CCHC_KEY": None, "CCHC_INTAKE_KEY": None})
    refused(b"disagree on CurveZMQ" in r.stderr, "no key at all against CurveZMQ: exit 3, said")
    r = c.cchc(["ctl", "intake", "stats"], expect_rc=3, timeout_ms=1500,
               env={"CCHC_INTAKE_KEY": keys + "/hotline.pub"})
    refused(b"handshake" in r.stderr, "the wrong daemon key: the handshake fails, said")
    r = c.cchc(["ctl", "intake", "stats"], expect_rc=2, env={"CCHC_KEY": None})
    refused(b"needs your own key pair" in r.stderr, "a daemon key without one's own: usage")

    # A supervisor's report, with scoring fed over CurveZMQ.
    sup = as_key(c, "gs-tp")

    def report():
        r = c.cchc(["report", "--unit=SO-TP", "--from=2025-03-01", "--to=2025-03-31", "--json"],
                   env=sup)
        rep = json.loads(r.stdout)
        return rep if rep["received"] == 3 else None
    c.wait_for("scoring to count the 3 receipts read over CurveZMQ", report)
    check(True, "a supervisor's report of its unit (scoring read intake with its own key)")
    r = c.cchc(["report", "--unit=SO-GTVT", "--from=2025-03-01", "--to=2025-03-31"],
               expect_rc=1, env=sup)
    refused(b"not_authorized" in r.stderr, "a supervisor's key, another unit's report: refused")
    # Live alerts over CurveZMQ: the key's principal subscribes (no --who).
    r = c.cchc(["watch", "--summary", "--json", "--count=1", "--timeout=5000"], env=sup)
    first = json.loads(r.stdout.decode().splitlines()[0])
    check("summary" in first and "total" in first,
          "a supervisor's key watches its alerts over CurveZMQ: %r" % first)
    r = c.cchc(["watch", "--unit=SO-GTVT", "--count=1", "--timeout=5000"], expect_rc=1, env=sup)
    refused(b"not_authorized" in r.stderr, "a supervisor's key watching another unit: refused")
    for sel in ("department", "*"):
        r = c.cchc(["report", "--units=" + sel, "--from=2025-03-01", "--to=2025-03-31",
                    "--json"], env=sup)
        rows = [row["unit"] for row in json.loads(r.stdout)["rows"]]
        check(rows == ["SO-TP"], "a table of --units=%s with a supervisor's key: its unit only "
              "(%r)" % (sel, rows))

    # Backups: operators only, below backup_dir only.
    r = c.cchc(["ctl", "intake", "backup", "b-1"], expect_rc=1, env=as_key(c, "quay-tp"))
    refused(b"not_authorized" in r.stderr, "a counter's backup: not_authorized")
    c.cchc(["ctl", "intake", "backup", "b-1"])
    bdir = os.path.join(c.dir, "intake", "backup")
    check(os.path.getsize(os.path.join(bdir, "b-1", "data.mdb")) > 0,
          "an operator's backup, relative to backup_dir")
    c.cchc(["ctl", "intake", "backup", os.path.join(bdir, "2025", "03")])
    check(os.path.exists(os.path.join(bdir, "2025", "03", "data.mdb")),
          "an absolute path below backup_dir, missing directories made")
    outside = os.path.join(c.dir, "outside")
    os.makedirs(outside)
    os.symlink(outside, os.path.join(bdir, "link"))
    for path in ("../escaped", "b-2/../../escaped", outside, "/tmp/cchc-escaped",
                 "link/b-3", os.path.join(bdir, "link")):
        r = c.cchc(["ctl", "intake", "backup", path], expect_rc=1)
        refused(b"not_authorized" in r.stderr, "backup to %s: refused" % path)
    check(os.listdir(outside) == [] and not os.path.exists(os.path.join(c.dir, "escaped")) and
          not os.path.exists(os.path.join(c.dir, "intake", "escaped")),
          "nothing was written outside backup_dir")
    r = c.cchc(["ctl", "intake", "backup", "b-1"], expect_rc=1)
    refused(b"holds a backup already" in r.stderr, "a second backup into b-1: refused")
    log = log_text(c, "intake")
    check("Backed up the store to b-1 for vh PRINCIPAL=vh OPERATOR_COMMAND=backup" in log,
          "the journal names the operator and the backup")
    check("Refused operator command backup from quay-tp" in log and
          "Refused the backup to ../escaped asked by vh" in log,
          "refused operator commands are in the journal too")
    c.cchc(["ctl", "intake", "clock", "2025-03-03T08:30:00+07:00"])
    check("Operator vh set the test clock" in log_text(c, "intake"),
          "the operator's clock command is in the journal")

    revoke_open_connection(c)


def revoke_open_connection(c):
    env = c.env_with(as_key(c, "quay-old"))
    p = subprocess.Popen([CCHC, "--timeout=3000", "push"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        p.stdin.write((json.dumps(received(7)) + "\n").encode())
        p.stdin.flush()
        first = json.loads(p.stdout.readline())
        check(first["status"] == "ok", "quay-old's key pushes on its open connection")
        write_principals(c, skip=("quay-old",))
        c.procs["intake"].send_signal(signal.SIGHUP)
        check(wait_log(c, "intake", "Principals reloaded"), "SIGHUP: intake reread the file")
        p.stdin.write((json.dumps(received(8)) + "\n").encode())
        p.stdin.close()
        rest = [json.loads(x) for x in p.stdout.read().decode().splitlines() if x.strip()]
        rc = p.wait(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
    refused(rc == 1 and rest and rest[0]["code"] == "not_authorized" and
            "revoked" in rest[0]["en"],
            "the removed key's next event on the same connection: not_authorized (revoked)")
    r = c.cchc(["ctl", "intake", "ping"], expect_rc=1, timeout_ms=1500,
               env=as_key(c, "quay-old"))
    refused(b"refused this key" in r.stderr, "a new connection of the removed key: refused")
    check(c.stats("intake")["log_head"] == 4, "the refused event was not stored")


def expect_start_failure(args, words, label):
    p = subprocess.run(args, capture_output=True, text=True, timeout=20)
    out = p.stdout + p.stderr
    refused(p.returncode != 0 and all(w in out for w in words),
            "%s: refuses to start (%s)" % (label, out.strip().splitlines()[-1:] if out else ""))


def startup_refusals(c):
    state = os.path.join(c.dir, "s-refused")
    expect_start_failure([INTAKED, "--listen=tcp://0.0.0.0:%d" % free_port(),
                          "--state-dir=" + state],
                         ["refusing to listen on tcp://0.0.0.0:", "without CurveZMQ"],
                         "plain mode on all interfaces")
    expect_start_failure([INTAKED, "--listen=tcp://*:%d" % free_port(), "--state-dir=" + state],
                         ["refusing to listen on tcp://*:"], "plain mode on *")
    keys = os.path.join(c.dir, "keys")
    expect_start_failure([INTAKED, "--listen=tcp://127.0.0.1:%d" % free_port(),
                          "--state-dir=" + state, "--security=curve",
                          "--server-key=%s/intake.key" % keys],
                         ["needs principals = FILE"], "curve without a principals file")
    os.chmod(keys + "/intake.key", 0o644)
    expect_start_failure([INTAKED, "--listen=tcp://127.0.0.1:%d" % free_port(),
                          "--state-dir=" + state, "--security=curve",
                          "--server-key=%s/intake.key" % keys,
                          "--principals=" + os.path.join(c.dir, "principals")],
                         ["may be read by others", "chmod 600"], "a key pair others may read")
    expect_start_failure([INTAKED, "--listen=tcp://127.0.0.1:%d" % free_port(),
                          "--state-dir=" + state, "--security=tls"],
                         ["security = tls: expected curve or plain"], "an unknown security")
    expect_start_failure([SCORINGD, "--listen=tcp://127.0.0.1:%d" % free_port(),
                          "--intake=tcp://192.0.2.1:7301", "--state-dir=" + state + "-s"],
                         ["refusing to read the intake log from tcp://192.0.2.1:7301",
                          "intake_key"], "scoring reading a remote log without its key")
    # Alert subscriptions travel on scoring's listen socket: plain, it
    # stays on loopback like the others.
    expect_start_failure([SCORINGD, "--listen=tcp://*:%d" % free_port(),
                          "--state-dir=" + state + "-p"],
                         ["refusing to listen on tcp://*:"], "alerts beyond loopback")


if __name__ == "__main__":
    main()
