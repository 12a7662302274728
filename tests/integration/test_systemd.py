#!/usr/bin/env python3
"""The daemons as systemd sees them, without systemd and without root.

  test_systemd.py verify UNIT_DIR SBINDIR BINARY...
      `systemd-analyze verify` on every generated unit (deploy/*.in, as
      configured into the build dir), copied into a temporary unit path with
      ExecStart= pointing at the build's binaries (a daemon not built yet is
      replaced by /bin/true: its unit's syntax is still checked). Any warning
      fails the test. Then `systemd-analyze security --offline=yes` must rate
      every service at or below MAX_EXPOSURE, as shipped and again with its
      drop-in of deploy/credentials/ (its keys as credentials); with
      network.conf too (the clients' networks) at or below
      MAX_EXPOSURE_NETWORK.

  test_systemd.py notify BINARY
      The sd_notify protocol of one daemon, with this script as the service
      manager: a unix datagram socket in $NOTIFY_SOCKET, WATCHDOG_USEC=2 s and
      WATCHDOG_PID set to the daemon's own pid (sd_watchdog_enabled() checks
      it; the daemon is started through `sh -c 'export WATCHDOG_PID=$$; exec
      ...'`). Asserts: READY=1 arrives, and by then the port accepts
      connections and an LMDB environment (data.mdb) exists; WATCHDOG=1 within 2 s; a
      STATUS= line; SIGHUP gives RELOADING=1 then READY=1; SIGTERM gives
      STOPPING=1 and exit status 0.

  test_systemd.py errors BINARY
      Start-up failures: a state dir that is a file, a state dir under a
      missing parent, a port already in use, a missing config file, a state
      dir another daemon holds (its lock file). Each
      must exit non-zero within 10 s with a clear message naming the cause,
      and never send READY=1.

A BINARY that does not exist is "not built": exit 77 (ctest SKIP).
Python 3 standard library only.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from harness import Tally

SKIP = 77
MAX_EXPOSURE = 1.0  # the measured figure of each unit (deploy/README.md, Hardening)
# With deploy/credentials/network.conf (clients' networks through the IP firewall).
MAX_EXPOSURE_NETWORK = 1.1
WATCHDOG_USEC = 2000000

tally = Tally()
ok, bad, check = tally.ok, tally.bad, tally.check


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def skip_if_missing(binary):
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        print("SKIP: %s not built yet" % binary, flush=True)
        sys.exit(SKIP)


# ---- verify -----------------------------------------------------------------

def cmd_verify(unit_dir, sbindir, binaries):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        print("SKIP: systemd-analyze not installed (apt-get install systemd)", flush=True)
        sys.exit(SKIP)
    units = sorted(u for u in os.listdir(unit_dir) if u.startswith("cchc"))
    check(set(units) >= {"cchc-intaked.service", "cchc-hotlined.service",
                         "cchc-scoringd.service", "cchc.target"},
          "all four units generated in %s (%s)" % (unit_dir, " ".join(units)))
    by_name = {os.path.basename(b): b for b in binaries}
    with tempfile.TemporaryDirectory(prefix="cchc-units-") as tmp:
        for u in units:
            with open(os.path.join(unit_dir, u), encoding="utf-8") as f:
                text = f.read()
            if re.search(r"@[A-Z_]+@", text):
                bad("%s: an @VARIABLE@ was left unsubstituted" % u)

            def exec_path(m):
                name = m.group(2)
                b = by_name.get(name)
                if b and os.access(b, os.X_OK):
                    return m.group(1) + b
                print("note: %s not built; %s verified with /bin/true" % (name, u), flush=True)
                return m.group(1) + "/bin/true"
            text2, n = re.subn(r"^(ExecStart=)" + re.escape(sbindir.rstrip("/")) +
                               r"/(cchc-[a-z]+)", exec_path, text, flags=re.M)
            if u.endswith(".service"):
                check(n == 1, "%s: ExecStart= is under %s" % (u, sbindir))
                for key in ("Type=notify", "NotifyAccess=main", "WatchdogSec=30s",
                            "Restart=on-failure", "ExecReload=/bin/kill -HUP $MAINPID",
                            "PartOf=cchc.target", "WantedBy=cchc.target"):
                    check(re.search("^" + re.escape(key) + "$", text, re.M) is not None,
                          "%s has %s" % (u, key))
            with open(os.path.join(tmp, u), "w", encoding="utf-8") as f:
                f.write(text2)
        env = dict(os.environ)
        # The temporary directory first, then the system's unit path (the
        # trailing ':'), for network.target and multi-user.target.
        env["SYSTEMD_UNIT_PATH"] = tmp + ":"
        # Documentation=man:... must name the pages the build installs: a
        # man tree of the build's pages, and verify --man=yes runs man on
        # each.
        pages = os.path.join(os.environ.get("CCHC_BUILD_DIR", ""), "deploy", "man")
        if shutil.which("man") and os.path.isdir(pages):
            for page in os.listdir(pages):
                section = os.path.join(tmp, "man", "man" + page.rsplit(".", 1)[1])
                os.makedirs(section, exist_ok=True)
                shutil.copy(os.path.join(pages, page), section)
            env["MANPATH"] = os.path.join(tmp, "man")
        analyze_units(analyze, tmp, units, env, "as shipped")
        # Each service's credentials drop-in from deploy/credentials/.
        curve = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "deploy",
                             "credentials")
        for u in units:
            dropin = os.path.join(curve, u.replace(".service", ".conf"))
            if u.endswith(".service") and check(os.path.exists(dropin),
                                                "%s has a credentials drop-in" % u):
                os.makedirs(os.path.join(tmp, u + ".d"))
                shutil.copy(dropin, os.path.join(tmp, u + ".d", "credentials.conf"))
                with open(dropin, encoding="utf-8") as f:
                    text = f.read()
                check(re.search(r"^LoadCredential=server\.key:/etc/cchc/keys/", text, re.M),
                      "%s's drop-in loads the key pair as the credential server.key" % u)
                if u == "cchc-hotlined.service":
                    check(re.search(r"^LoadCredential=personal\.keys:/etc/cchc/keys/", text,
                                    re.M),
                          "the hotline's drop-in loads the personal data keys too")
        analyze_units(analyze, tmp, units, env, "with credentials")
        for u in units:
            if u.endswith(".service"):
                shutil.copy(os.path.join(curve, "network.conf"),
                            os.path.join(tmp, u + ".d", "network.conf"))
        analyze_units(analyze, tmp, units, env, "with credentials and other networks",
                      MAX_EXPOSURE_NETWORK)


def analyze_units(analyze, tmp, units, env, how, max_exposure=MAX_EXPOSURE):
    """`systemd-analyze verify` and `security` of @units in @tmp."""
    man = "--man=yes" if "MANPATH" in env else "--man=no"
    r = subprocess.run([analyze, "verify", man] + [os.path.join(tmp, u) for u in units],
                       capture_output=True, text=True, env=env, timeout=60)
    out = (r.stdout + r.stderr).strip()
    check(r.returncode == 0 and out == "",
          "systemd-analyze verify %s %s: no error, no warning%s" % (
              man, how, "" if not out else ":\n" + out))
    for u in units:
        if not u.endswith(".service"):
            continue
        r = subprocess.run([analyze, "security", "--offline=yes", "--no-pager", u],
                           capture_output=True, text=True, env=env, cwd=tmp, timeout=60)
        m = re.search(r"Overall exposure level for \S+: ([0-9.]+)", r.stdout)
        if m is None:
            bad("systemd-analyze security %s: no figure (%s)" % (u, r.stderr.strip()))
            continue
        check(float(m.group(1)) <= max_exposure,
              "%s exposure %s <= %.1f %s" % (u, m.group(1), max_exposure, how))


# ---- notify -----------------------------------------------------------------

def endpoint_args(binary, listen_port):
    """--listen on a free port, plus every option whose default is a loopback
    endpoint (scoring's intake/hotline) moved to a free port too, so
    that the test never touches the default ports of a running system."""
    args = ["--listen=tcp://127.0.0.1:%d" % listen_port]
    r = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=10)
    for m in re.finditer(r"^\s+--(\S+)\s.*\(default: tcp://127\.0\.0\.1:\d+\)\s*$", r.stdout,
                         re.M):
        if m.group(1) != "listen":
            args.append("--%s=tcp://127.0.0.1:%d" % (m.group(1), free_port()))
    return args


class Daemon:
    """One daemon started under a fake service manager."""

    def __init__(self, binary, tmp, extra_args, notify=True):
        self.tmp = tmp
        self.messages = []  # (monotonic time, {key: value}) per datagram
        self.sock = None
        env = dict(os.environ)
        for k in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "STATE_DIRECTORY",
                  "JOURNAL_STREAM", "LISTEN_FDS", "LISTEN_PID"):
            env.pop(k, None)
        if notify:
            path = os.path.join(tmp, "notify.sock")
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            self.sock.bind(path)
            env["NOTIFY_SOCKET"] = path
            env["WATCHDOG_USEC"] = str(WATCHDOG_USEC)
        self.log_path = os.path.join(tmp, "daemon.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            ["sh", "-c", 'export WATCHDOG_PID=$$; exec "$0" "$@"', binary] + extra_args,
            stdout=self.log, stderr=subprocess.STDOUT, env=env)

    def output(self):
        self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def receive(self, timeout):
        """Wait up to @timeout s for one datagram; None on timeout."""
        self.sock.settimeout(max(timeout, 0.001))
        try:
            data = self.sock.recv(4096)
        except socket.timeout:
            return None
        fields = {}
        for line in data.decode("utf-8", "replace").split("\n"):
            if "=" in line:
                k, v = line.split("=", 1)
                fields[k] = v
        msg = (time.monotonic(), fields)
        self.messages.append(msg)
        return msg

    def wait_for(self, key, value=None, timeout=10.0):
        """Wait for a datagram carrying key (=value); returns (t, fields)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            msg = self.receive(left)
            if msg and key in msg[1] and (value is None or msg[1][key] == value):
                return msg
            if msg is None and self.proc.poll() is not None:
                return None

    def seen(self, key, value=None):
        return any(key in f and (value is None or f[key] == value) for _, f in self.messages)

    def drain(self):
        while self.receive(0.05):
            pass

    def wait_exit(self, timeout):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        if self.sock:
            self.sock.close()


def cmd_notify(binary):
    skip_if_missing(binary)
    name = os.path.basename(binary)
    with tempfile.TemporaryDirectory(prefix="cchc-sd-") as tmp:
        port = free_port()
        state = os.path.join(tmp, "state")
        d = Daemon(binary, tmp, endpoint_args(binary, port) + ["--state-dir=" + state,
                                                               "--log-level=debug"])
        try:
            ready = d.wait_for("READY", "1", timeout=15)
            if not check(ready is not None, "%s sends READY=1" % name):
                print(d.output())
                return
            # By the time READY=1 is sent the socket is bound and LMDB is open.
            check(port_accepts(port), "port %d accepts connections at READY=1" % port)
            envs = [root for root, _, files in os.walk(state) if "data.mdb" in files]
            check(bool(envs), "LMDB environment under %s exists at READY=1 (%s)"
                  % (state, ", ".join(envs)))
            check(d.seen("STATUS"), "a STATUS= line")
            wd = d.wait_for("WATCHDOG", "1", timeout=2.0)
            check(wd is not None and wd[0] - ready[0] <= 2.0,
                  "WATCHDOG=1 within 2 s of READY=1 (WATCHDOG_USEC=%d)" % WATCHDOG_USEC)
            wd2 = d.wait_for("WATCHDOG", "1", timeout=2.0)
            check(wd2 is not None, "WATCHDOG=1 keeps coming")
            status = d.wait_for("STATUS", timeout=3.0)
            check(status is not None and status[1]["STATUS"] != "",
                  "periodic STATUS=%s" % (status[1]["STATUS"] if status else ""))

            d.drain()
            d.messages.clear()
            d.proc.send_signal(signal.SIGHUP)
            rel = d.wait_for("RELOADING", "1", timeout=5)
            check(rel is not None, "SIGHUP: RELOADING=1")
            again = d.wait_for("READY", "1", timeout=5)
            check(again is not None, "SIGHUP: READY=1 after RELOADING=1")
            check(d.proc.poll() is None and port_accepts(port), "still serving after reload")

            d.messages.clear()
            d.proc.send_signal(signal.SIGTERM)
            stopping = d.wait_for("STOPPING", "1", timeout=10)
            check(stopping is not None, "SIGTERM: STOPPING=1")
            rc = d.wait_exit(15)
            check(rc == 0, "SIGTERM: exit status 0 (got %s)" % rc)
            if rc != 0:
                print(d.output())
        finally:
            d.close()


# ---- errors -----------------------------------------------------------------

def expect_failure(binary, tmp, label, args, words):
    """Start with @args; expect a non-zero exit within 10 s, no READY=1, and
    each of @words in the output."""
    sub = tempfile.mkdtemp(dir=tmp)
    d = Daemon(binary, sub, args)
    try:
        rc = d.wait_exit(10)
        d.drain()
        out = d.output()
        if not check(rc is not None and rc != 0,
                     "%s: exits non-zero (got %s)" % (label, rc)):
            print(out)
        check(not d.seen("READY", "1"), "%s: never sends READY=1" % label)
        missing = [w for w in words if w.lower() not in out.lower()]
        check(not missing, "%s: message names %s: %s" % (label, " and ".join(words),
                                                          out.strip().splitlines()[-1:]))
    finally:
        d.close()


def cmd_errors(binary):
    skip_if_missing(binary)
    with tempfile.TemporaryDirectory(prefix="cchc-sd-") as tmp:
        listen = endpoint_args(binary, free_port())

        afile = os.path.join(tmp, "not-a-dir")
        with open(afile, "w") as f:
            f.write("a file where the state directory should be\n")
        expect_failure(binary, tmp, "state dir is a file", listen + ["--state-dir=" + afile],
                       [afile])

        missing = os.path.join(tmp, "no", "such", "parent")
        expect_failure(binary, tmp, "state dir under a missing parent",
                       listen + ["--state-dir=" + missing], [missing, "state"])

        # A port that is already taken.
        holder = socket.socket()
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        busy = holder.getsockname()[1]
        try:
            args = endpoint_args(binary, busy)
            expect_failure(binary, tmp, "port %d in use" % busy,
                           args + ["--state-dir=" + os.path.join(tmp, "s-busy")],
                           ["bind", "tcp://127.0.0.1:%d" % busy])
        finally:
            holder.close()

        conf = os.path.join(tmp, "missing.conf")
        expect_failure(binary, tmp, "missing config file",
                       ["--config=" + conf, "--state-dir=" + os.path.join(tmp, "s-conf")] +
                       listen, [conf])

        # One daemon per state directory: a second one on the same directory
        # (on another port) exits naming the directory and the first's pid.
        used = os.path.join(tmp, "s-used")
        first = Daemon(binary, tempfile.mkdtemp(dir=tmp),
                       endpoint_args(binary, free_port()) + ["--state-dir=" + used])
        try:
            if check(first.wait_for("READY", "1", timeout=15) is not None,
                     "a first daemon on %s is ready" % used):
                expect_failure(binary, tmp, "state dir used by another daemon",
                               endpoint_args(binary, free_port()) + ["--state-dir=" + used],
                               [used, "in use", "pid %d" % first.proc.pid])
                check(first.proc.poll() is None, "the first daemon still runs")
        finally:
            first.close()

        bad_conf = os.path.join(tmp, "bad.conf")
        with open(bad_conf, "w") as f:
            f.write("[%s]\nno_such_option = 1\n" % name_section(binary))
        expect_failure(binary, tmp, "unknown option in the config file",
                       ["--config=" + bad_conf, "--state-dir=" + os.path.join(tmp, "s-bad")] +
                       listen, [bad_conf + ":2", "no_such_option"])


def name_section(binary):
    # cchc-intaked -> intake
    base = os.path.basename(binary)
    return re.sub(r"^cchc-(.*)d$", r"\1", base)


def main(argv):
    if len(argv) >= 4 and argv[1] == "verify":
        cmd_verify(argv[2], argv[3], argv[4:])
    elif len(argv) == 3 and argv[1] == "notify":
        cmd_notify(argv[2])
    elif len(argv) == 3 and argv[1] == "errors":
        cmd_errors(argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    if tally.failures:
        print("%d check(s) failed" % tally.failures, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
