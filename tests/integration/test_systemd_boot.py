#!/usr/bin/env python3
"""cchc under a real systemd as PID 1: the operator's path, end to end.

  test_systemd_boot.py BUILD_DIR README [--sanitized]

Boots a minimal Debian 12 in a container (systemd-nspawn --boot) with cchc
installed into it by `DESTDIR=<root> cmake --install BUILD_DIR`, and walks
the operator's path of deploy/README.md ("The operator's path") with the
shipped units and their whole sandbox:

  install, daemon-reload, `systemctl enable --now cchc.target`: the target
  and the three services active (READY=1 received: they are Type=notify),
  none restarted; STATUS= with live figures (the count of accepted events
  moves after a push); an event pushed and reported through `cchc` inside;
  reload (same main pid, the daemon logs the reload); journald's fields
  (DAEMON=, PRINCIPAL=, ROLE=, natively through the journal); the state
  directories owned by the services' dynamic users; restart 2 s after
  kill -9; the watchdog killing and restarting a SIGSTOPped daemon; hot
  backup and restore; upgrade; clean stop (exit 0); start at boot with the
  state kept (the container is powered off and booted again); uninstall.
  Each command of the README's section must be one the test ran.

  A canary shows that the test sees a unit that cannot start, and why the
  sandbox allows sched_setscheduler (deploy/sandbox.conf): with that call
  taken away by a drop-in, the daemon must fail.

The root file system is built once with debootstrap from the Debian mirror
apt uses (/etc/apt/sources.list*), with systemd and the Debian packages of
the libraries the built binaries link (found with ldd and dpkg -S), and kept
in $CCHC_BOOT_CACHE (default /var/cache/cchc/boot) under a name that
changes with that package list; each run boots a copy of it.

Needs root, systemd-nspawn (package systemd-container), debootstrap, nsenter
and the mirror. Where the machine cannot boot a container, the test says
exactly why and fails (exit 1). CCHC_SKIP_BOOT_TEST=1 skips it on purpose
(exit 77); so does --sanitized (the sanitizer build: its binaries need the
sanitizer runtimes and ptrace, which the units' sandbox forbids; the plain
build is the one booted). CCHC_KEEP_BOOT_ROOT=1 keeps the container's root
for a look after a failure.

Python 3 standard library only.
"""
import fcntl
import glob
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from harness import Tally

SKIP = 77
SERVICES = ("cchc-intaked", "cchc-hotlined", "cchc-scoringd")
STATE = {"cchc-intaked": "intake", "cchc-hotlined": "hotline", "cchc-scoringd": "scoring"}
DAEMONS = ("intake", "hotline", "scoring")
WATCHDOG_SEC = 30  # WatchdogSec= of the shipped units
INSIDE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# procps: /bin/kill, which the units' ExecReload= runs (priority "important":
# on every Debian but a minbase one).
BASE_PACKAGES = ["systemd", "systemd-sysv", "dbus", "procps"]

# The event pushed from inside: a receipt at the Sở Tư pháp (demo catalogs)
# on a fixed past working day, so that its due date never depends on today.
UNIT, PROC = "SO-TP", "TP-LLTP"
DAY = "2026-03-03"
WHO = "quay-tp-1"

tally = Tally()
ok, bad, check = tally.ok, tally.bad, tally.check
ran = set()  # the commands run, as deploy/README.md writes them


def log(msg):
    print(msg, flush=True)


def cannot(why):
    """The machine cannot run this test: say exactly why, and fail."""
    log("FAIL: cannot boot a container here: " + why)
    sys.exit(1)


def wait_until(pred, timeout, step=0.25):
    """Poll @pred until it returns a true value or @timeout s pass; returns
    its last value."""
    end = time.monotonic() + timeout
    while True:
        v = pred()
        if v or time.monotonic() >= end:
            return v
        time.sleep(step)


def host(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, **kw)


# ---- the cached root file system ---------------------------------------------

def apt_mirror():
    """The Debian mirror apt uses for bookworm main (one-line or deb822
    sources), or deb.debian.org."""
    files = ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*"))
    for path in files:
        try:
            text = open(path, encoding="utf-8", errors="replace").read()
        except OSError:
            continue
        for m in re.finditer(r"^deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+bookworm\s.*\bmain\b", text, re.M):
            return m.group(1)
        for stanza in re.split(r"\n\s*\n", text):
            f = dict(re.findall(r"^(\w[\w-]*):\s*(.*)$", stanza, re.M))
            if ("deb" in f.get("Types", "").split() and "bookworm" in f.get("Suites", "").split()
                    and "main" in f.get("Components", "").split()):
                return f["URIs"].split()[0]
    return "http://deb.debian.org/debian"


def runtime_packages(binaries):
    """The Debian packages of the shared libraries @binaries link."""
    pkgs = set()
    for b in binaries:
        r = host(["ldd", b])
        for m in re.finditer(r"=>\s+(/\S+)", r.stdout):
            lib = os.path.realpath(m.group(1))
            for cand in {m.group(1), lib, re.sub(r"^/usr", "", lib), "/usr" + m.group(1)}:
                q = host(["dpkg", "-S", cand])
                if q.returncode == 0:
                    pkgs.add(q.stdout.split(":")[0].split(",")[0].strip())
                    break
            else:
                cannot("no Debian package holds %s (linked by %s)" % (m.group(1), b))
    return sorted(pkgs)


def cached_root(binaries):
    """The path of a booted-once-ready root with systemd and the runtime
    libraries, built with debootstrap when missing."""
    cache = os.environ.get("CCHC_BOOT_CACHE", "/var/cache/cchc/boot")
    pkgs = sorted(set(BASE_PACKAGES + runtime_packages(binaries)))
    mirror = apt_mirror()
    key = hashlib.sha256(("bookworm " + " ".join(pkgs)).encode()).hexdigest()[:12]
    root = os.path.join(cache, "bookworm-" + key)
    os.makedirs(cache, exist_ok=True)
    with open(os.path.join(cache, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(os.path.join(root, ".cchc-ready")):
            log("root file system: %s (cached)" % root)
            return root
        # One root at a time: those of other package lists are out of date.
        for old in glob.glob(os.path.join(cache, "bookworm-*")):
            log("root file system: removing the out-of-date %s" % old)
            shutil.rmtree(old, ignore_errors=True)
        part = root + ".partial"
        log("root file system: debootstrap bookworm from %s with %s (once; cached in %s)"
            % (mirror, " ".join(pkgs), cache))
        t0 = time.monotonic()
        r = host(["debootstrap", "--variant=minbase", "--include=" + ",".join(pkgs),
                  "bookworm", part, mirror], timeout=1800)
        if r.returncode != 0:
            shutil.rmtree(part, ignore_errors=True)
            cannot("debootstrap from %s failed (exit %d):\n%s" %
                   (mirror, r.returncode, (r.stdout + r.stderr)[-3000:]))
        open(os.path.join(part, ".cchc-ready"), "w").write(" ".join(pkgs) + "\n")
        os.rename(part, root)
        log("root file system built in %.0f s" % (time.monotonic() - t0))
        return root


# ---- the container -------------------------------------------------------------

class Container:
    """One systemd-nspawn --boot of @root; commands run inside through
    nsenter into its init's namespaces."""

    def __init__(self, root, logdir):
        self.root = root
        self.logdir = logdir
        self.proc = None
        self.init_pid = None
        self.boots = 0

    def boot(self, timeout=90):
        self.boots += 1
        out = open(os.path.join(self.logdir, "console-%d.log" % self.boots), "wb")
        # --register=no --keep-unit: no machined and no scope unit of our own
        # (there is no systemd on the host side); --private-network: the
        # container has its own loopback, so the default ports never clash.
        self.proc = subprocess.Popen(
            ["systemd-nspawn", "--boot", "--register=no", "--keep-unit", "--private-network",
             "--console=read-only", "--quiet", "-D", self.root,
             "--machine=cchc-boot-%d" % os.getpid()],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        self.init_pid = wait_until(self._find_init, 20)
        if not self.init_pid:
            self.stop()
            cannot("systemd-nspawn did not start an init within 20 s; its output:\n" +
                   self.console())
        state = wait_until(lambda: self._running(), timeout, step=0.5)
        if not state:
            r = self.run("systemctl --failed --no-pager; systemctl is-system-running")
            cannot("the container's systemd did not finish booting in %d s:\n%s\n%s" %
                   (timeout, r.stdout, self.console()))
        return state

    def _find_init(self):
        if self.proc.poll() is not None:
            cannot("systemd-nspawn exited with %d:\n%s" % (self.proc.returncode, self.console()))
        for path in glob.glob("/proc/%d/task/*/children" % self.proc.pid):
            try:
                kids = open(path).read().split()
            except OSError:
                continue
            for k in kids:
                try:
                    if open("/proc/%s/comm" % k).read().strip() == "systemd":
                        return int(k)
                except OSError:
                    pass
        return None

    def _running(self):
        r = self.run("systemctl is-system-running", check=False)
        s = r.stdout.strip()
        return s if s in ("running", "degraded") else None

    def console(self):
        try:
            with open(os.path.join(self.logdir, "console-%d.log" % self.boots), "rb") as f:
                return f.read().decode("utf-8", "replace")[-4000:]
        except OSError:
            return ""

    def run(self, cmd, check=True, timeout=60, record=None):
        """Run the shell command @cmd inside; returns the CompletedProcess.
        @check: a non-zero exit fails the test (and is printed). @record: the
        command as the README writes it (default @cmd itself)."""
        r = subprocess.run(["nsenter", "-t", str(self.init_pid), "-a", "env", "-i",
                            "PATH=" + INSIDE_PATH, "LANG=C.UTF-8", "SYSTEMD_PAGER=",
                            "SYSTEMD_COLORS=0", "sh", "-c", cmd],
                           capture_output=True, text=True, timeout=timeout)
        ran.add(record or cmd)
        if check and r.returncode != 0:
            bad("inside: `%s` exited %d:\n%s%s" % (cmd, r.returncode, r.stdout, r.stderr))
        return r

    def show(self, unit, prop):
        return self.run("systemctl show -p %s --value %s" % (prop, unit)).stdout.strip()

    def poweroff(self, timeout=60):
        self.run("systemctl poweroff", check=False)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            bad("the container did not power off within %d s" % timeout)
            self.stop()
        self.proc = None

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)  # nspawn: orderly shutdown of the container
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# ---- the checks -------------------------------------------------------------------

def journal(c, unit, since_cursor=None):
    """The journal of @unit as a list of JSON entries."""
    r = c.run("journalctl -u %s -o json --no-pager%s" %
              (unit, " --after-cursor='%s'" % since_cursor if since_cursor else ""), check=False)
    out = []
    for line in r.stdout.splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            pass
    return out


def journal_tail(c, unit, n=15):
    return c.run("journalctl -u %s -n %d --no-pager -o cat" % (unit, n), check=False).stdout


def all_active(c):
    states = {u: c.show(u + ".service", "ActiveState") for u in SERVICES}
    states["cchc.target"] = c.show("cchc.target", "ActiveState")
    return states if all(s == "active" for s in states.values()) else None


def expect_active(c, what, timeout=30):
    """The target and the three services active within @timeout s, each
    started once (no restart)."""
    good = wait_until(lambda: all_active(c), timeout, step=0.5)
    if not good:
        for u in SERVICES:
            log("--- %s: %s (%s)\n%s" % (u, c.show(u + ".service", "ActiveState"),
                                         c.show(u + ".service", "Result"), journal_tail(c, u)))
    check(bool(good), "%s: cchc.target and the three services active" % what)
    return bool(good)


def main_pid(c, svc):
    try:
        return int(c.show(svc + ".service", "MainPID"))
    except ValueError:
        return 0


def cchc(c, args, check=True, record=None, stdin=None):
    cmd = "cchc " + args
    if stdin is not None:
        cmd = "printf '%%s\\n' '%s' | %s" % (stdin.replace("'", "'\\''"), cmd)
    return c.run(cmd, check=check, record=record or ("cchc " + args))


def receipt(n):
    return json.dumps({"eid": "boot-%d" % n, "type": "received", "dossier": "BOOT-%03d" % n,
                       "proc": PROC, "unit": UNIT, "channel": "direct",
                       "at": DAY + "T09:%02d:00+07:00" % n})


def push(c, n):
    r = cchc(c, "--who=%s --units=%s push" % (WHO, UNIT), stdin=receipt(n),
             record="cchc --who=%s --units=%s push < events.jsonl" % (WHO, UNIT))
    try:
        res = json.loads(r.stdout.splitlines()[0])
    except (ValueError, IndexError):
        res = {}
    return check(res.get("status") == "ok", "event %d pushed through cchc inside (%s)" %
                 (n, r.stdout.strip()))


def received_count(c):
    """The 'received' figure of UNIT's report for DAY, as scoring answers
    it now; None when there is no answer."""
    r = cchc(c, "--who=gs-tp report --unit=%s --from=%s --to=%s --json" % (UNIT, DAY, DAY),
             check=False)
    try:
        rep = json.loads(r.stdout)
    except ValueError:
        return None
    figs = rep.get("figures", rep)
    v = figs.get("received")
    if isinstance(v, dict):
        v = v.get("value")
    return v


def expect_received(c, n, what, timeout=20):
    got = wait_until(lambda: received_count(c) == n, timeout, step=0.5)
    check(bool(got), "%s: cchc report shows %d received (got %s)" % (what, n, received_count(c)))


def accepted_in_status(c):
    m = re.search(r"accepted (\d+)", c.show("cchc-intaked.service", "StatusText"))
    return int(m.group(1)) if m else None


def canary(c, svc, dropin, why):
    """With @dropin in a drop-in, @svc must fail to start, for reason @why
    (a text its journal shows)."""
    d = "/etc/systemd/system/%s.service.d" % svc
    c.run("mkdir -p %s && printf '[Service]\\n%s\\n' > %s/canary.conf && systemctl daemon-reload"
          % (d, dropin, d))
    cursor = c.run("journalctl -n 0 --show-cursor --no-pager | sed -n 's/^-- cursor: //p'",
                   check=False).stdout.strip()
    c.run("systemctl start %s" % svc, check=False, timeout=30)
    failed = wait_until(lambda: c.show(svc + ".service", "NRestarts") not in ("", "0") or
                        c.show(svc + ".service", "ActiveState") == "failed", 15)
    text = " ".join(e.get("MESSAGE", "") if isinstance(e.get("MESSAGE"), str) else ""
                    for e in journal(c, svc, cursor))
    check(bool(failed) and c.show(svc + ".service", "ActiveState") != "active" and why in text,
          "canary: %s with `%s` does not start (%s; journal: %r)" %
          (svc, dropin, c.show(svc + ".service", "Result"), why))
    c.run("systemctl stop %s; rm -rf %s; systemctl daemon-reload; systemctl reset-failed %s"
          % (svc, d, svc), check=False)


def readme_commands(readme):
    """The commands of deploy/README.md's section "The operator's path":
    every line of its sh blocks, comments and `sudo ` dropped."""
    text = open(readme, encoding="utf-8").read()
    m = re.search(r"^## The operator's path.*?(?=^## )", text, re.M | re.S)
    if not m:
        bad("deploy/README.md has no section \"The operator's path\"")
        return []
    cmds = []
    for block in re.findall(r"```sh\n(.*?)```", m.group(0), re.S):
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line and not line.startswith("#"):
                cmds.append(re.sub(r"\bsudo ", "", line))
    return cmds


def operator_path(c, build_dir, root):
    install = ["cmake", "--install", build_dir]
    env = dict(os.environ, DESTDIR=root)

    def cmake_install():
        r = host(install, env=env, timeout=300)
        ran.add("cmake --install build")
        check(r.returncode == 0, "DESTDIR=<root> cmake --install %s%s" %
              (build_dir, "" if r.returncode == 0 else ":\n" + r.stdout + r.stderr))
    ran.add("cmake -S . -B build -DCMAKE_INSTALL_PREFIX=/usr && cmake --build build -j")

    # Install.
    cmake_install()
    c.run("systemctl daemon-reload")
    for u in SERVICES:
        check(c.show(u + ".service", "LoadState") == "loaded", "%s.service loaded" % u)

    # The canary, before anything is enabled.
    canary(c, "cchc-intaked", "SystemCallFilter=~sched_setscheduler", "Operation not permitted")

    # Enable and start.
    c.run("systemctl enable --now cchc.target", timeout=90)
    if not expect_active(c, "enable --now"):
        return False
    for u in SERVICES:
        svc = u + ".service"
        check(c.show(svc, "Type") == "notify" and c.show(svc, "NRestarts") == "0",
              "%s: Type=notify, active without a restart (READY=1 received)" % u)
    check(c.show("cchc.target", "UnitFileState") == "enabled", "cchc.target enabled at boot")

    # Status.
    r = c.run("systemctl status cchc.target cchc-intaked cchc-hotlined cchc-scoringd",
              check=False)
    check(r.returncode == 0 and r.stdout.count("Status: \"") == 3,
          "systemctl status: all active, three STATUS= lines")
    st = wait_until(lambda: re.match(r"StatusText=log \d+; accepted \d+", c.run(
        "systemctl show -p StatusText cchc-intaked").stdout.strip()), 5)
    check(st is not None,
          "STATUS= carries the figures (%s)" % (st and st.group(0)))
    for d in DAEMONS:
        r = cchc(c, "ctl %s ping" % d, check=False)
        check(r.returncode == 0 and "ok" in r.stdout, "cchc ctl %s ping: %s" % (d, r.stdout.strip()))

    # State directories, owned by each service's dynamic user.
    for u in SERVICES:
        pid = main_pid(c, u)
        uid = c.run("awk '/^Uid:/ {print $2}' /proc/%d/status" % pid).stdout.strip()
        st = c.run("stat -c '%%u %%a' /var/lib/private/cchc/%s" % STATE[u]).stdout.split()
        link = c.run("readlink /var/lib/cchc/%s" % STATE[u], check=False).stdout.strip()
        check(uid.isdigit() and 61184 <= int(uid) <= 65519 and st == [uid, "700"] and
              link.endswith("private/cchc/%s" % STATE[u]),
              "%s runs as dynamic uid %s owning /var/lib/private/cchc/%s (%s), mode 700, "
              "/var/lib/cchc/%s -> %s" % (u, uid, STATE[u], st, STATE[u], link))
        db = c.run("test -s /var/lib/private/cchc/%s/db/data.mdb" % STATE[u], check=False)
        check(db.returncode == 0, "%s: LMDB in its state directory" % u)

    # An event pushed and reported; STATUS= follows it.
    before = accepted_in_status(c)
    push(c, 1)
    expect_received(c, 1, "after the push")
    check(wait_until(lambda: accepted_in_status(c) == (before or 0) + 1, 5),
          "STATUS= is live: accepted %s -> %s" % (before, accepted_in_status(c)))

    # Journal: native journald entries with the daemon's fields.
    c.run("journalctl -u cchc-intaked -o verbose -n 20")
    ents = journal(c, "cchc-intaked.service")
    hello = [e for e in ents if e.get("PRINCIPAL") == WHO]
    check(any(e.get("DAEMON") == "intake" and e.get("ROLE") == "counter" and
              e.get("_TRANSPORT") == "journal" and e.get("SYSLOG_IDENTIFIER") == "cchc-intaked"
              for e in hello),
          "journal: the connection of %s logged natively with DAEMON=, PRINCIPAL=, ROLE=" % WHO)
    r = c.run("journalctl -u cchc-intaked PRINCIPAL=%s -o cat --no-pager" % WHO,
              record="journalctl -u cchc-intaked PRINCIPAL=%s" % WHO)
    check(WHO in r.stdout, "journalctl -u cchc-intaked PRINCIPAL=%s finds it" % WHO)

    # Reload: same main pid, RELOADING=1 then READY=1, the daemon logs it.
    pids = {u: main_pid(c, u) for u in SERVICES}
    c.run("systemctl reload cchc-intaked cchc-hotlined cchc-scoringd", timeout=60)
    for u in SERVICES:
        msgs = [e.get("MESSAGE", "") for e in journal(c, u + ".service")]
        check(main_pid(c, u) == pids[u] and c.show(u + ".service", "ActiveState") == "active"
              and any(isinstance(m, str) and m.startswith("Reloaded ") for m in msgs)
              and any(isinstance(m, str) and "atalog" in m and "reload" in m.lower()
                      for m in msgs),
              "%s reloaded, same main pid %d" % (u, pids[u]))

    # Restart 2 s after kill -9, nothing acknowledged lost.
    pid = pids["cchc-intaked"]
    c.run("kill -9 %d" % pid)
    t0 = time.monotonic()
    new = wait_until(lambda: (main_pid(c, "cchc-intaked") not in (0, pid) and
                              c.show("cchc-intaked.service", "ActiveState") == "active"), 20)
    check(bool(new) and c.show("cchc-intaked.service", "NRestarts") == "1",
          "kill -9: cchc-intaked restarted in %.1f s (RestartSec=2s), NRestarts=1" %
          (time.monotonic() - t0))
    push(c, 2)
    expect_received(c, 2, "after the restart")

    # The watchdog: a stopped daemon is killed and restarted after WatchdogSec.
    pid = main_pid(c, "cchc-scoringd")
    c.run("kill -STOP %d" % pid)
    t0 = time.monotonic()
    new = wait_until(lambda: (main_pid(c, "cchc-scoringd") not in (0, pid) and
                              c.show("cchc-scoringd.service", "ActiveState") == "active"),
                     WATCHDOG_SEC + 20, step=1)
    took = time.monotonic() - t0
    msgs = " ".join(str(e.get("MESSAGE", "")) for e in journal(c, "cchc-scoringd.service"))
    check(bool(new) and WATCHDOG_SEC - 2 <= took and "Watchdog timeout" in msgs,
          "watchdog: SIGSTOPped cchc-scoringd killed and restarted after %.0f s" % took)
    expect_received(c, 2, "after the watchdog restart")

    # Backup, then an event the restore must take away again.
    bk = "/var/lib/cchc/intake/backup/2026-12-02"
    cchc(c, "ctl intake backup " + bk)
    c.run("mkdir -p /srv/backup")
    c.run("cp /var/lib/private/cchc/intake/backup/2026-12-02/data.mdb "
          "/srv/backup/intake-2026-12-02.mdb")
    push(c, 3)
    expect_received(c, 3, "after a push past the backup")

    # Restore: intake from the backup; scoring notices that intake's log
    # went back, stops reading it and says so; the operator rebuilds it.
    c.run("systemctl stop cchc.target", timeout=60)
    c.run("cp /srv/backup/intake-2026-12-02.mdb /var/lib/private/cchc/intake/db/data.mdb")
    c.run("chown --reference=/var/lib/private/cchc/intake/db "
          "/var/lib/private/cchc/intake/db/data.mdb")
    c.run("systemctl start cchc.target", timeout=60)
    expect_active(c, "after the restore")
    stopped = wait_until(lambda: "STOPPED" in c.show("cchc-scoringd.service", "StatusText"),
                         20, step=0.5)
    check(bool(stopped), "scoring's STATUS= says the intake log was rolled back: %s" %
          c.show("cchc-scoringd.service", "StatusText"))
    r = cchc(c, "ctl scoring rebuild")
    check(r.returncode == 0 and "rebuilt" in r.stdout, "cchc ctl scoring rebuild ran to its end")
    expect_received(c, 2, "restored from the backup, scoring rebuilt")

    # Upgrade: install again, daemon-reload, restart; state kept.
    cmake_install()
    ran.add("cmake --build build -j && cmake --install build")
    c.run("systemctl daemon-reload && systemctl restart cchc.target", timeout=90)
    expect_active(c, "after the upgrade")
    expect_received(c, 2, "after the upgrade")

    # Clean stop: every service exits 0 by itself after STOPPING=1. (The
    # stop jobs PartOf= adds may still run when systemctl returns for the
    # target's own: each service has a few seconds to be inactive.)
    c.run("systemctl stop cchc.target", timeout=60)
    for u in SERVICES:
        svc = u + ".service"
        state = wait_until(lambda: c.show(svc, "ActiveState") == "inactive", 30, step=0.5)
        check(state and c.show(svc, "Result") == "success"
              and c.show(svc, "ExecMainStatus") == "0",
              "%s stopped cleanly (%s, Result=%s, exit %s)" %
              (u, c.show(svc, "ActiveState"), c.show(svc, "Result"),
               c.show(svc, "ExecMainStatus")))
    c.run("systemctl start cchc.target", timeout=60)
    return expect_active(c, "started again")


def after_reboot(c, build_dir, root):
    expect_active(c, "after a reboot (enabled at boot)", timeout=60)
    for u in SERVICES:
        check(c.show(u + ".service", "NRestarts") == "0", "%s started once at boot" % u)
    expect_received(c, 2, "after a reboot, state kept")

    # Uninstall: files gone, units gone, the state stays until removed.
    c.run("systemctl disable --now cchc.target", timeout=60)
    manifest = os.path.join(build_dir, "install_manifest.txt")
    removed = 0
    for path in open(manifest, encoding="utf-8").read().splitlines():
        if path and os.path.lexists(root + path):  # the manifest leaves $DESTDIR out
            os.unlink(root + path)
            removed += 1
    ran.add("xargs -d '\\n' rm -f < build/install_manifest.txt")
    c.run("systemctl daemon-reload")
    check(removed > 0 and c.show("cchc-intaked.service", "LoadState") == "not-found"
          and c.run("command -v cchc", check=False).returncode != 0,
          "uninstall: %d files removed, units not found any more" % removed)
    check(c.run("test -s /var/lib/private/cchc/intake/db/data.mdb", check=False).returncode == 0,
          "uninstall keeps the state in /var/lib/private/cchc")
    c.run("rm -rf /var/lib/private/cchc /etc/cchc")


def main():
    if len(sys.argv) < 3:
        log(__doc__)
        sys.exit(2)
    build_dir, readme = os.path.abspath(sys.argv[1]), sys.argv[2]
    if os.environ.get("CCHC_SKIP_BOOT_TEST") == "1":
        log("SKIP: CCHC_SKIP_BOOT_TEST=1")
        sys.exit(SKIP)
    if "--sanitized" in sys.argv[3:]:
        log("SKIP: sanitizer build (its runtimes and ptrace are outside the units' sandbox); "
            "the plain build's test boots the units")
        sys.exit(SKIP)
    binaries = [os.path.join(build_dir, p) for p in (
        "daemons/intake/cchc-intaked", "daemons/hotline/cchc-hotlined",
        "daemons/scoring/cchc-scoringd", "tools/cchc")]
    for b in binaries:
        if not os.access(b, os.X_OK):
            log("SKIP: %s not built yet" % b)
            sys.exit(SKIP)
    if os.geteuid() != 0:
        cannot("it needs root (systemd-nspawn, nsenter); run as root")
    for tool, pkg in (("systemd-nspawn", "systemd-container"), ("debootstrap", "debootstrap"),
                      ("nsenter", "util-linux"), ("dpkg", "dpkg")):
        if shutil.which(tool) is None:
            cannot("%s is not installed (apt-get install %s)" % (tool, pkg))
    if not os.path.ismount("/sys/fs/cgroup"):
        cannot("no cgroup file system at /sys/fs/cgroup (systemd needs one to boot)")

    t0 = time.monotonic()
    base = cached_root(binaries)
    work = tempfile.mkdtemp(prefix="cchc-boot-", dir=os.environ.get("TMPDIR", "/var/tmp"))
    root = os.path.join(work, "root")
    c = None
    try:
        r = host(["cp", "-a", "--reflink=auto", base, root], timeout=600)
        if r.returncode != 0:
            cannot("copying %s failed: %s" % (base, r.stderr))
        c = Container(root, work)
        log("booting %s: %s" % (root, c.boot()))
        if operator_path(c, build_dir, root):
            c.poweroff()
            log("booting again: %s" % c.boot())
            after_reboot(c, build_dir, root)
        c.poweroff()
        missing = [cmd for cmd in readme_commands(readme) if cmd not in ran]
        check(not missing, "every command of deploy/README.md's operator's path was run%s" %
              ("" if not missing else "; not run: " + "; ".join(missing)))
    finally:
        if c:
            c.stop()
        if os.environ.get("CCHC_KEEP_BOOT_ROOT") == "1":
            log("kept: " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    log("%s in %.0f s" % ("FAILED" if tally.failures else "passed", time.monotonic() - t0))
    sys.exit(1 if tally.failures else 0)


if __name__ == "__main__":
    main()
