"""Test harness: start the real daemons on free loopback ports in a temporary
directory and drive them through the real `cchc` command.

Used by the integration tests (test_pipeline.py, test_crash.py, ...). Python
standard library only. Binaries come from the environment variables
CCHC_INTAKED, CCHC_HOTLINED, CCHC_SCORINGD and CCHC (set by ctest), or from
./build.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

BUILD = os.environ.get("CCHC_BUILD_DIR", os.path.join(os.getcwd(), "build"))


def binary(env, rel):
    return os.environ.get(env) or os.path.join(BUILD, rel)


INTAKED = binary("CCHC_INTAKED", "daemons/intake/cchc-intaked")
HOTLINED = binary("CCHC_HOTLINED", "daemons/hotline/cchc-hotlined")
SCORINGD = binary("CCHC_SCORINGD", "daemons/scoring/cchc-scoringd")
CCHC = binary("CCHC", "tools/cchc")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fail(msg):
    print("FAIL: " + msg, flush=True)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)
    print("ok - " + msg, flush=True)


class Tally:
    """Checks that go on after a failure and count it (tests that report
    every broken promise of a run, such as the systemd ones)."""

    def __init__(self):
        self.failures = 0

    def ok(self, msg):
        print("ok - " + msg, flush=True)

    def bad(self, msg):
        self.failures += 1
        print("FAIL: " + msg, flush=True)

    def check(self, cond, msg):
        """ok(@msg) if @cond, else bad(@msg); returns @cond."""
        if cond:
            self.ok(msg)
        else:
            self.bad(msg)
        return cond


class Cluster:
    """The three daemons of one test, on their own ports and state."""

    def __init__(self, test_clock=None, keep=False):
        self.dir = tempfile.mkdtemp(prefix="cchc-it-")
        self.keep = keep
        self.test_clock = test_clock
        self.ports = {n: free_port() for n in ("intake", "hotline", "scoring")}
        self.procs = {}
        self.extra = {}  # daemon name -> extra command-line options
        self.env = dict(os.environ)
        self.env.update({
            "CCHC_INTAKE": self.ep("intake"),
            "CCHC_HOTLINE": self.ep("hotline"),
            "CCHC_SCORING": self.ep("scoring"),
        })
        self.env.pop("NOTIFY_SOCKET", None)

    def ep(self, name):
        return "tcp://127.0.0.1:%d" % self.ports[name]

    def args(self, name):
        common = ["--state-dir=" + os.path.join(self.dir, name), "--tick-ms=200"]
        if self.test_clock:
            common.append("--test-clock=" + self.test_clock)
        if name == "intake":
            return [INTAKED, "--listen=" + self.ep("intake")] + common
        if name == "hotline":
            return [HOTLINED, "--listen=" + self.ep("hotline")] + common
        return [SCORINGD, "--listen=" + self.ep("scoring"),
                "--intake=" + self.ep("intake"), "--hotline=" + self.ep("hotline")] + common

    def start(self, name):
        log = open(os.path.join(self.dir, name + ".log"), "ab")
        self.procs[name] = subprocess.Popen(self.args(name) + self.extra.get(name, []),
                                            stdout=log, stderr=log,
                                            env=self.env)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.procs[name].poll() is not None:
                fail("%s exited at start (%s)" % (name, self.tail(name)))
            r = self.cchc(["ctl", name, "ping"], check_rc=False, timeout_ms=300)
            if r.returncode == 0:
                return
            time.sleep(0.05)
        fail("%s did not answer ping within 10 s" % name)

    def start_all(self):
        for n in ("intake", "hotline", "scoring"):
            self.start(n)

    def start_some(self, names):
        for n in names:
            self.start(n)

    def tail(self, name):
        try:
            with open(os.path.join(self.dir, name + ".log"), "rb") as f:
                return f.read()[-2000:].decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self, name, sig=signal.SIGTERM):
        p = self.procs.pop(name, None)
        if p is None:
            return None
        p.send_signal(sig)
        try:
            return p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()
            fail("%s did not stop within 15 s after signal %d" % (name, sig))

    def close(self):
        for n in list(self.procs):
            self.stop(n)
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    def cchc(self, args, stdin=None, check_rc=True, timeout_ms=5000, who=None, units=None,
             expect_rc=None, env=None):
        """Run the cchc tool; fail unless it exits 0 (check_rc) or expect_rc.
        @env: variables to set (None as a value: unset) over the cluster's."""
        if expect_rc is not None:
            r = self.cchc(args, stdin, False, timeout_ms, who, units, env=env)
            if r.returncode != expect_rc:
                fail("cchc %s exited %d, expected %d: %s %s" % (
                    " ".join(args), r.returncode, expect_rc, r.stdout.decode()[-800:],
                    r.stderr.decode()[-800:]))
            return r
        cmd = [CCHC, "--timeout=%d" % timeout_ms]
        if who:
            cmd.append("--who=" + who)
        if units:
            cmd.append("--units=" + units)
        r = subprocess.run(cmd + args, input=stdin, capture_output=True,
                           env=self.env_with(env), timeout=120)
        if check_rc and r.returncode != 0:
            fail("cchc %s exited %d: %s %s" % (" ".join(args), r.returncode,
                                               r.stdout.decode()[-1000:],
                                               r.stderr.decode()[-1000:]))
        return r

    def env_with(self, extra):
        """The cluster's environment with @extra's variables set (or, for a
        None value, unset)."""
        env = dict(self.env)
        for k, v in (extra or {}).items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        return env

    def push(self, events, to="intake", who="counter-1", units=None, expect_rc=None,
             role=None):
        """Push a list of event dicts; return the list of result dicts."""
        data = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events).encode()
        args = ["push", "--to=" + to] + (["--role=" + role] if role else [])
        r = self.cchc(args, stdin=data, check_rc=False, who=who, units=units)
        if expect_rc is not None and r.returncode != expect_rc:
            fail("cchc push exited %d, expected %d: %s" % (r.returncode, expect_rc,
                                                           r.stderr.decode()[-1000:]))
        return [json.loads(line) for line in r.stdout.decode().splitlines() if line.strip()]

    def stats(self, daemon):
        r = self.cchc(["ctl", daemon, "stats", "--json"])
        return json.loads(r.stdout)

    def clock(self, t):
        for n in ("intake", "hotline", "scoring"):
            if n in self.procs:
                self.cchc(["ctl", n, "clock", t])

    def report(self, unit, date_from, date_to):
        r = self.cchc(["report", "--unit=" + unit, "--from=" + date_from, "--to=" + date_to,
                       "--json"], who="supervisor-1")
        return json.loads(r.stdout)

    def wait_for(self, what, fn, timeout=10.0):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            last = fn()
            if last:
                return last
            time.sleep(0.05)
        fail("timed out waiting for %s (last: %r)" % (what, last))


def run_cluster(run, cluster):
    """Start every daemon of @cluster, call run(cluster), stop them (and
    remove the directory) whatever happens, then print the summary line."""
    try:
        cluster.start_all()
        run(cluster)
    finally:
        cluster.close()
    print("1 passed, 0 failed")
