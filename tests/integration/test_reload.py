#!/usr/bin/env python3
"""Catalog reload on SIGHUP, on a live connection.

A counter keeps one `cchc push` connection open while the administrator
edits the catalogs: a new procedure becomes usable after SIGHUP without the
connection dropping; a broken file is refused at reload with file, line and
reason, and the old catalogs keep running; a broken file at start-up stops
the daemon with the same message. Policy keys that no code reads are named
in a warning at start; once the file stops setting them, a reload is quiet.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import time

from harness import CCHC, INTAKED, Cluster, check, fail

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.join(HERE, "..", "..", "deploy", "catalog")
NEW_PROC = ("TP-NEW\tThủ tục thử nghiệm\tTư pháp\tprovince\t5\tworking_days\tnone\tno\t"
            "SO-TP\n")


def received(n, proc="TP-LLTP"):
    return {"eid": "rl-%d" % n, "type": "received", "dossier": "RL-%03d" % n, "proc": proc,
            "unit": "SO-TP", "channel": "direct", "at": "2025-03-03T09:00:00+07:00"}


class Counter:
    """One long-lived `cchc push` connection, fed line by line."""

    def __init__(self, c):
        self.p = subprocess.Popen([CCHC, "--timeout=5000", "--who=quay-tp", "--units=SO-TP",
                                   "push"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=c.env)

    def send(self, ev):
        self.p.stdin.write((json.dumps(ev, ensure_ascii=False) + "\n").encode())
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        if not line:
            fail("push ended early: %s" % self.p.stderr.read().decode())
        return json.loads(line)

    def close(self):
        self.p.stdin.close()
        return self.p.wait(timeout=30)


def wait_log(c, text, timeout=10):
    c.wait_for("intake log to say %r" % text, lambda: text in c.tail("intake"), timeout)


UNREAD = "that this version does not read yet"


def main():
    c = Cluster(test_clock="2025-03-03T10:00:00+07:00")
    catalog = os.path.join(c.dir, "catalog")
    shutil.copytree(DEMO, catalog)
    c.extra["intake"] = ["--catalog-dir=" + catalog]
    procs = os.path.join(catalog, "procedures.tsv")
    try:
        c.start("intake")
        counter = Counter(c)
        check(counter.send(received(1))["status"] == "ok", "receipt acked before the reload")
        r = counter.send(received(2, "TP-NEW"))
        check(r["code"] == "unknown_procedure", "TP-NEW unknown before it is added")

        check(UNREAD not in c.tail("intake"),
              "no warning of unread policy keys: this version reads every key")
        with open(procs, "a", encoding="utf-8") as f:
            f.write(NEW_PROC)
        c.procs["intake"].send_signal(signal.SIGHUP)
        wait_log(c, "Catalogs reloaded")
        check(counter.send(received(3, "TP-NEW"))["status"] == "ok",
              "TP-NEW usable after SIGHUP, on the same connection")
        check(UNREAD not in c.tail("intake"), "nor at reload")

        with open(procs, encoding="utf-8") as f:
            good = f.read()
        lines = good.splitlines(True)
        bad_line = len(lines)
        lines[-1] = lines[-1].replace("working_days", "workdays")
        with open(procs, "w", encoding="utf-8") as f:
            f.write("".join(lines))
        c.procs["intake"].send_signal(signal.SIGHUP)
        wait_log(c, "keeping the old ones")
        log = c.tail("intake")
        check("procedures.tsv:%d:" % bad_line in log and "workdays" in log,
              "a broken file is refused with file, line and reason")
        check(counter.send(received(4, "TP-NEW"))["status"] == "ok",
              "the old catalogs keep running after a failed reload")
        check(c.procs["intake"].poll() is None, "intake still running")
        check(counter.close() == 1, "the connection was never dropped (exit 1: one refusal)")

        c.stop("intake")
        r = subprocess.run([INTAKED, "--state-dir=" + os.path.join(c.dir, "intake"),
                            "--listen=" + c.ep("intake"), "--catalog-dir=" + catalog],
                           capture_output=True, timeout=30)
        err = r.stderr.decode()
        check(r.returncode != 0 and "procedures.tsv:%d:" % bad_line in err,
              "start-up with a broken file fails with file and line (%s)" % err.strip()[-200:])
    finally:
        c.close()
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
