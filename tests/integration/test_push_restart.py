#!/usr/bin/env python3
"""cchc push rides out a restart of intake, and says what happened when it
gives up.

1. A long file (300 000 receipts by default, CCHC_RESTART_EVENTS) is pushed
   with the default options; intake is killed with SIGKILL part-way and
   started again a moment later. The push goes on by itself: it exits 0,
   every line has exactly one result and it is "ok", intake's log holds
   exactly one record per line (each acknowledged line stored once), and
   pushing the file again gives only duplicates. --progress showed the
   share done, the rate, the time left, and the silence while intake was
   away.
2. intake is killed part-way through another file and not started again:
   with --retry-for=2s the push gives up, exits 3, and its last message says
   how many lines were acknowledged, how many not (and which), that the rest
   of the file was not read, and that running the same file again is safe.
   It is: once intake is back, the same file again is acknowledged whole,
   each line stored once.
3. Results written to a full disk (/dev/full): the push says it could not
   write them and exits 1, though every line was acknowledged.
"""
import json
import os
import signal
import subprocess
import tempfile
import time

from harness import CCHC, Cluster, check, fail

N = int(os.environ.get("CCHC_RESTART_EVENTS", "300000"))
CLOCK = "2026-12-31T00:00:00+07:00"


def write_events(path, n, prefix):
    with open(path, "w") as f:
        for i in range(n):
            day = 1 + (i // 5000) % 28
            f.write('{"eid":"%s-%07d","type":"received","dossier":"%s-D%07d","proc":"TP-LLTP",'
                    '"unit":"SO-TP","channel":"direct","at":"2026-04-%02dT09:%02d:00+07:00"}\n'
                    % (prefix, i, prefix, i, day, i % 60))


def start_push(c, path, out_path, extra):
    return subprocess.Popen([CCHC, "--who=quay-restart", "--units=SO-TP", "push"] + extra,
                            stdin=open(path, "rb"), stdout=open(out_path, "wb"),
                            stderr=subprocess.PIPE, env=c.env)


def kill9(c, name):
    c.procs[name].send_signal(signal.SIGKILL)
    c.procs[name].wait()
    del c.procs[name]


def finish(push, what, timeout):
    """Wait for the push; return its status and stderr."""
    try:
        rc = push.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        push.kill()
        fail("the push did not %s" % what)
    return rc, push.stderr.read().decode()


def results(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def rides_out_a_restart(c, tmp):
    path = os.path.join(tmp, "day.jsonl")
    out = os.path.join(tmp, "day.out")
    write_events(path, N, "r")
    push = start_push(c, path, out, ["--progress"])
    c.wait_for("a fifth of the file stored", lambda: c.stats("intake")["log_head"] > N // 5,
               timeout=120)
    check(push.poll() is None, "the push is still running when intake is killed")
    kill9(c, "intake")
    killed = time.time()
    time.sleep(3)  # about what `systemctl restart` or Restart=on-failure takes, and more
    c.start("intake")
    print("# intake killed with SIGKILL, back after %.1f s" % (time.time() - killed), flush=True)
    rc, err = finish(push, "finish after intake came back", 600)
    print("# " + "\n# ".join(err.splitlines()[-3:]), flush=True)
    check(rc == 0, "the push exits 0 across the restart (got %d: %s)" % (rc, err[-600:]))
    res = results(out)
    lines = sorted(r["line"] for r in res)
    check(lines == list(range(1, N + 1)), "every one of the %d lines has exactly one result" % N)
    check(all(r["status"] == "ok" for r in res), "every line acknowledged")
    dups = sum(1 for r in res if r["dup"])
    print("# %d lines acknowledged as stored before the kill (dup)" % dups, flush=True)
    head = c.stats("intake")["log_head"]
    check(head == N, "intake's log holds exactly %d records (got %d): each line stored once"
          % (N, head))
    check("no answer from intake" in err and "chưa trả lời" in err,
          "--progress said that intake was silent while it was away")
    check("%" in err and "/s" in err and "còn / left" in err,
          "--progress showed the share of the file done, the rate and the time left")
    check(("%d lines: %d acknowledged" % (N, N)) in err,
          "the summary counts %d lines acknowledged" % N)
    again = subprocess.run([CCHC, "--who=quay-restart", "--units=SO-TP", "push"],
                           stdin=open(path, "rb"), capture_output=True, env=c.env)
    res = [json.loads(line) for line in again.stdout.decode().splitlines() if line.strip()]
    check(again.returncode == 0 and len(res) == N and all(r.get("dup") is True for r in res),
          "pushing the file again gives %d duplicates" % N)
    check(c.stats("intake")["log_head"] == N, "and stores nothing more")


def gives_up_and_says_so(c, tmp):
    n = 60000
    path = os.path.join(tmp, "late.jsonl")
    out = os.path.join(tmp, "late.out")
    write_events(path, n, "g")
    before = c.stats("intake")["log_head"]
    push = start_push(c, path, out, ["--window=200", "--retry-for=2s"])
    c.wait_for("part of the file stored",
               lambda: c.stats("intake")["log_head"] > before + 1000, timeout=60)
    kill9(c, "intake")
    rc, err = finish(push, "give up", 120)
    last = err.strip().splitlines()[-1]
    print("# " + last, flush=True)
    check(rc == 3, "the push gives up with status 3 (got %d)" % rc)
    res = results(out)
    ok = sum(1 for r in res if r["status"] == "ok")
    timeouts = [r["line"] for r in res if r.get("code") == "timeout"]
    check(ok > 0 and timeouts, "some lines acknowledged (%d), some not (%d)"
          % (ok, len(timeouts)))
    vi, _, en = last.partition(" / ")
    check(("%d lines acknowledged" % ok) in en and ("%d dòng đã được xác nhận" % ok) in vi,
          "the last message says how many lines were acknowledged (%d)" % ok)
    check(("%d not acknowledged (lines %d..%d" % (len(timeouts), timeouts[0], timeouts[-1]))
          in en, "and how many not, and which (%d..%d)" % (timeouts[0], timeouts[-1]))
    check("were not read" in en and "chưa được đọc" in vi,
          "and that the rest of the file was not read")
    check("Running the same file again is safe" in en and "an toàn" in vi,
          "and that running the same file again is safe")
    c.start("intake")
    again = subprocess.run([CCHC, "--who=quay-restart", "--units=SO-TP", "push"],
                           stdin=open(path, "rb"), capture_output=True, env=c.env)
    res = [json.loads(line) for line in again.stdout.decode().splitlines() if line.strip()]
    check(again.returncode == 0 and len(res) == n and all(r["status"] == "ok" for r in res),
          "the same file again, intake back: all %d lines acknowledged" % n)
    check(sum(1 for r in res if r["dup"]) >= ok,
          "the %d acknowledged before are duplicates now" % ok)
    head = c.stats("intake")["log_head"]
    check(head == before + n, "each line stored once (log head %d, expected %d)"
          % (head, before + n))


def results_to_a_full_disk(c, tmp):
    path = os.path.join(tmp, "full.jsonl")
    write_events(path, 5, "f")
    with open(path, "rb") as src, open("/dev/full", "wb") as full:
        r = subprocess.run([CCHC, "--who=quay-restart", "--units=SO-TP", "push"], stdin=src,
                           stdout=full, stderr=subprocess.PIPE, env=c.env, timeout=60)
    check(r.returncode == 1 and b"cannot write results to stdout" in r.stderr,
          "results to /dev/full: exit 1 and said so (%d, %r)" % (r.returncode, r.stderr[-300:]))


def main():
    c = Cluster(test_clock=CLOCK)
    tmp = tempfile.mkdtemp(prefix="cchc-restart-", dir=c.dir)
    try:
        c.start("intake")
        rides_out_a_restart(c, tmp)
        gives_up_and_says_so(c, tmp)
        results_to_a_full_disk(c, tmp)
    finally:
        c.close()
    print("3 passed, 0 failed")


if __name__ == "__main__":
    main()
