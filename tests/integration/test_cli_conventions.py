#!/usr/bin/env python3
"""The tools behave as operators expect, through the real binaries.

  test_cli_conventions.py COMPLETION_SCRIPT MAN_DIR README

1. Options by getopt_long conventions: the daemons take --name value,
   --name=value, -c FILE, '-' or '_' in a name, --version and --help (with
   each daemon's real defaults, listen included) and refuse what they do not
   know; cchc takes the short forms, the space form, clusters and "--", with
   the same result as the long forms.
2. Every man page renders with `man --warnings -l` without a warning, in the
   C locale and in UTF-8, and says what --help says: every option of each
   daemon with its default (cchc.conf(5) and the daemon's page), every
   option of cchc (cchc(1)); README's configuration table agrees too.
3. The bash completion, as bash runs it: commands, subcommands, options,
   option values, unit and procedure codes from the demo catalogs, from
   --catalog-dir and from $CCHC_CATALOG_DIR; and for every command the
   options it completes are those its help names.
4. `cchc events` and `cchc push --help` list every event type of intake and
   hotline with its fields.
5. Daemon logs outside journald begin with an ISO 8601 time.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from harness import CCHC, HOTLINED, INTAKED, SCORINGD, Cluster, check, free_port, fail

DAEMONS = {"intake": INTAKED, "hotline": HOTLINED, "scoring": SCORINGD}
LISTEN = {"intake": "tcp://127.0.0.1:7301", "hotline": "tcp://127.0.0.1:7302",
          "scoring": "tcp://127.0.0.1:7303"}
CLOCK = "2025-03-03T09:00:00+07:00"


def run(args, env=None, stdin=None):
    return subprocess.run(args, input=stdin, capture_output=True, env=env, timeout=60)


def help_options(text):
    """{option: default} from a daemon's --help ("      --tick-ms=N  ... (default: 1000)")."""
    body = text.split("Options (a file key", 1)[1]
    opts = {}
    for block in re.split(r"\n(?=      --)", body):
        flat = " ".join(block.split())
        m = re.match(r"--([a-z-]+)(?:\[?=\S+)?\s.*\(default:\s*([^)]*)\)$", flat)
        if m:
            opts[m.group(1)] = m.group(2)
    return opts


# ---- 1. options ----------------------------------------------------------------------

def daemon_options(version):
    defaults = {}
    for name, prog in DAEMONS.items():
        program = "cchc-%sd" % name
        for flag in ("--version", "-V"):
            r = run([prog, flag])
            want = "%s %s (protocol 1)" % (program, version)
            check(r.returncode == 0 and r.stdout.decode().strip() == want,
                  "%s %s prints '%s' (got %r)" % (program, flag, want, r.stdout.decode()[:60]))
        r = run([prog, "-h"])
        opts = help_options(r.stdout.decode())
        check(r.returncode == 0 and opts.get("listen") == LISTEN[name],
              "%s --help gives listen's real default %s (got %r)"
              % (program, LISTEN[name], opts.get("listen")))
        check(opts.get("state-dir") == "./state" and opts.get("log-level") == "info",
              "%s --help gives the other defaults from the same table" % program)
        defaults[name] = opts
        r = run([prog, "--bogus"])
        check(r.returncode == 2 and b"unknown option --bogus" in r.stderr,
              "%s refuses an unknown option (status 2)" % program)
        r = run([prog, "--tick-ms", "5"])
        check(r.returncode == 2 and b"--tick-ms: 5 is outside 10..60000" in r.stderr,
              "%s reads --tick-ms 5 (the value as the next argument) and refuses it" % program)
        r = run([prog, "--listen"])
        check(r.returncode == 2 and b"option --listen needs a value" in r.stderr,
              "%s: --listen without a value is refused" % program)
    return defaults


def daemon_started_with_short_forms(tmp):
    """intake from -c FILE, --listen EP, --state_dir DIR, --test-clock T: it
    answers, keeps its store where told, and logs with timestamps."""
    port = free_port()
    ep = "tcp://127.0.0.1:%d" % port
    conf = os.path.join(tmp, "cchc.conf")
    with open(conf, "w") as f:
        f.write("[intake]\ntick_ms = 200\nlog_level = warning\n[scoring]\nbogus = 1\n")
    state = os.path.join(tmp, "intake-state")
    log = open(os.path.join(tmp, "intake.log"), "wb")
    env = dict(os.environ)
    env.pop("JOURNAL_STREAM", None)
    p = subprocess.Popen([INTAKED, "-c", conf, "--listen", ep, "--state_dir", state,
                          "--test-clock", CLOCK], stdout=log, stderr=log, env=env)
    try:
        for _ in range(100):
            r = run([CCHC, "--intake", ep, "-t", "300", "ctl", "intake", "ping"])
            if r.returncode == 0:
                break
            if p.poll() is not None:
                fail("intake did not start: %s" % open(log.name).read()[-500:])
        check(r.returncode == 0 and b"test clock" in r.stdout,
              "intake started with -c FILE, --listen EP, --state_dir DIR, --test-clock T "
              "answers ping (%s)" % r.stdout.decode().strip())
        check(os.path.exists(os.path.join(state, "db", "data.mdb")),
              "--state_dir (with '_') put the store in DIR/db")
    finally:
        p.terminate()
        p.wait(timeout=15)
        log.close()
    with open(log.name, encoding="utf-8") as f:
        lines = [l for l in f.read().splitlines() if l.strip()]
    stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+07:00 <\d>intake: ")
    check(lines and all(stamp.match(l) for l in lines),
          "every log line outside journald begins with an ISO 8601 time (%r)" % lines[0][:60])
    check(any("<4>intake:" in l for l in lines) and not any("<5>intake:" in l for l in lines),
          "the [intake] section of -c FILE was read (log_level = warning), [scoring] ignored")


def cli_forms(c):
    r = run([CCHC, "-V"])
    version = r.stdout.decode().split()[1]
    check(r.returncode == 0 and r.stdout.decode().startswith("cchc %s (protocol 1)" % version),
          "cchc -V prints the version")
    # A day's receipts pushed with the short forms and the space form.
    evs = "".join(json.dumps({"eid": "conv-%d" % i, "type": "received",
                              "dossier": "SO-TP-250303-%04d" % i, "proc": "TP-LLTP",
                              "unit": "SO-TP", "channel": "direct",
                              "at": "2025-03-03T08:%02d:00+07:00" % i}) + "\n"
                  for i in range(5)).encode()
    r = run([CCHC, "-w", "quay-conv", "-U", "SO-TP", "-t", "5000", "push", "--to", "intake",
             "--window", "2"], env=c.env, stdin=evs)
    res = [json.loads(l) for l in r.stdout.decode().splitlines()]
    check(r.returncode == 0 and len(res) == 5 and all(x["status"] == "ok" for x in res),
          "push with -w, -U, -t, --to intake, --window 2")
    c.wait_for("scoring to count them", lambda: c.report("SO-TP", "2025-02-15", "2025-03-14")
               ["received"] >= 5)
    forms = [
        ["--who=gs-conv", "report", "--unit=SO-TP", "--period=2025-03", "--json"],
        ["--who", "gs-conv", "report", "--unit", "SO-TP", "--period", "2025-03", "--json"],
        ["-w", "gs-conv", "report", "-u", "SO-TP", "-p", "2025-03", "-j"],
        ["report", "-wgs-conv", "-juSO-TP", "-p2025-03"],
        ["report", "-j", "-p", "2025-03", "--who", "gs-conv", "--unit=SO-TP"],
    ]
    outs = []
    for f in forms:
        r = run([CCHC] + f, env=c.env)
        outs.append(r.stdout)
        if r.returncode != 0:
            fail("cchc %s: %d %s" % (" ".join(f), r.returncode, r.stderr.decode()))
    check(len(set(outs)) == 1 and json.loads(outs[0])["received"] == 5,
          "report gives the same answer whatever the option forms (%d forms)" % len(forms))
    r = run([CCHC, "dossier", "show", "--", "-X"], env=c.env)
    check(r.returncode == 1 and b"unknown_dossier" in r.stderr,
          "after --, -X is an operand (a dossier id), not an option")
    r = run([CCHC, "report", "--bogus"], env=c.env)
    check(r.returncode == 2 and b"unknown option --bogus" in r.stderr,
          "cchc refuses an unknown option with status 2")
    r = run([CCHC, "--help"])
    out = r.stdout.decode()
    check(all(s in out for s in ("-w, --who=NAME", "[CCHC_WHO]", "-t, --timeout=MS",
                                 "(default 3000)", "tcp://127.0.0.1:7301")),
          "cchc --help lists the global options with their variables and defaults")
    return version


# ---- 2. man pages ----------------------------------------------------------------------

def render(page, locale):
    env = {"PATH": os.environ["PATH"], "MANWIDTH": "80", "LC_ALL": locale}
    r = subprocess.run(["man", "--warnings", "-l", page], capture_output=True, env=env,
                       timeout=60)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode()


def man_pages(man_dir, daemon_defaults, readme):
    if shutil.which("man") is None:
        fail("man is not installed (scripts/setup.sh installs man-db)")
    pages = sorted(os.listdir(man_dir))
    check(pages == ["cchc-catalog.5", "cchc-hotlined.8", "cchc-intaked.8", "cchc-scoringd.8",
                    "cchc.1", "cchc.conf.5"], "the six man pages are built: %s" % pages)
    text = {}
    for page in pages:
        path = os.path.join(man_dir, page)
        for locale in ("C", "C.UTF-8"):
            rc, out, err = render(path, locale)
            check(rc == 0 and err == "" and "NAME" in out and "SEE ALSO" in out,
                  "man --warnings -l %s renders without a warning (LC_ALL=%s)%s"
                  % (page, locale, "" if err == "" else ": " + err[:300]))
        text[page] = render(path, "C.UTF-8")[1]
        r = subprocess.run(["groff", "-ww", "-k", "-man", "-Tutf8", "-z", path],
                           capture_output=True)
        check(r.returncode == 0 and r.stderr == b"", "groff -ww -k -man %s: no warning" % page)
    flat = {p: " ".join(t.replace("\u2010", "-").split()) for p, t in text.items()}
    for name, opts in daemon_defaults.items():
        page = flat["cchc-%sd.8" % name]
        conf = flat["cchc.conf.5"]
        missing = [o for o in opts if "--%s=" % o not in page and "--%s[" % o not in page]
        check(not missing, "cchc-%sd(8) names every option of its --help (missing %s)"
              % (name, missing))
        wrong = [o for o, d in opts.items() if d != "unset" and "Default: %s" % d not in
                 re.split(r"--%s[=\[]" % o, page, 1)[-1][:400]]
        check(not wrong, "cchc-%sd(8) gives each option the default of --help (%s)"
              % (name, wrong))
        missing = [o for o in opts if o.replace("-", "_") not in conf]
        check(not missing, "cchc.conf(5) has every key of cchc-%sd (missing %s)"
              % (name, missing))
        wrong = [o for o, d in opts.items() if d != "unset" and d not in conf]
        check(not wrong, "cchc.conf(5) gives the defaults of cchc-%sd (%s)" % (name, wrong))
    with open(readme, encoding="utf-8") as f:
        table = f.read().split("## Configuration", 1)[1].split("\n\n| option |", 1)[1]
        table = table.split("\n\n", 1)[0]
    rows = [l for l in table.splitlines() if l.startswith("| `")]
    check(len(rows) >= 10, "README's configuration table read (%d rows)" % len(rows))
    shared = {o for n, opts in daemon_defaults.items() if n != "scoring" for o in opts}
    untabled = set()
    for name, opts in daemon_defaults.items():
        for o, d in opts.items():
            key = o.replace("-", "_")
            row = [l for l in rows if l.startswith("| `%s`" % key)]
            if not row:
                untabled.add((name, o))
                continue
            if d != "unset" and (":" + d.rsplit(":", 1)[-1]) not in row[0] and d not in row[0]:
                fail("README's configuration table says %s for %s, --help of %s says %s"
                     % (row[0], key, name, d))
    # Scoring's own options are named after the table; every other is in it.
    check(all(n == "scoring" and o not in shared for n, o in untabled),
          "README's configuration table has every option but scoring's own, with the "
          "daemons' defaults (not in it: %s)" % sorted(o for _, o in untabled))
    return flat["cchc.1"]


# ---- 3. completion ---------------------------------------------------------------------

def complete(script, words, env=None):
    """COMPREPLY of _cchc for the words after `cchc`, the last being completed."""
    quoted = " ".join("'%s'" % w.replace("'", "'\\''") for w in ["cchc"] + words)
    prog = ("source '%s'; COMP_WORDS=(%s); COMP_CWORD=%d; _cchc; printf '%%s\\n' "
            "\"${COMPREPLY[@]}\"" % (script, quoted, len(words)))
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", prog], capture_output=True,
                       env=env, timeout=60)
    if r.returncode != 0:
        fail("bash completion failed: %s" % r.stderr.decode())
    return [l for l in r.stdout.decode().splitlines() if l]


def completion(script, man_cchc, tmp, daemon_defaults):
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(CCHC) + os.pathsep + env["PATH"]
    env.pop("CCHC_CATALOG_DIR", None)
    units = [l.split("\t")[0] for l in run([CCHC, "catalog", "units"], env=env)
             .stdout.decode().splitlines()]
    procs = [l.split("\t")[0] for l in run([CCHC, "catalog", "procedures"], env=env)
             .stdout.decode().splitlines()]
    check(len(units) > 40 and "SO-TP" in units and "TP-LLTP" in procs,
          "cchc catalog lists the demo catalogs' %d units and %d procedures"
          % (len(units), len(procs)))
    commands = complete(script, [""], env)
    check({"push", "report", "pakn", "events", "catalog", "ctl"} <= set(commands),
          "completes the commands: %s" % " ".join(commands))
    check(sorted(complete(script, ["report", "--unit", "=", ""], env)) == sorted(units),
          "completes --unit= with every unit code of the catalog (%d)" % len(units))
    check(sorted(complete(script, ["report", "--unit", "=", "X-TAN"], env)) ==
          sorted(u for u in units if u.startswith("X-TAN")), "--unit=X-TAN: the codes so begun")
    check(sorted(complete(script, ["-w", "vp", "report", "-u", "SO-"], env)) ==
          sorted(u for u in units if u.startswith("SO-")), "-u SO-: the codes so begun")
    check(sorted(complete(script, ["catalog", "procedures", ""], env)) == sorted(procs),
          "completes the procedure codes of the catalog (%d)" % len(procs))
    check(complete(script, ["push", "--to", ""], env) == ["intake", "hotline"],
          "push --to: intake, hotline")
    check(complete(script, ["pakn", "refuse", "PA-1", "--reason", "=", ""], env) ==
          ["anonymous", "unclear", "handled", "not_pakn", "other"],
          "pakn refuse --reason=: the refusal reasons of the protocol")
    check(set(complete(script, ["report", "--u"], env)) == {"--unit=", "--units="},
          "report --u: --unit= --units=")
    check("received" in complete(script, ["events", ""], env), "events: the event types")
    check(complete(script, ["report", "--output", "=", ""], env) is not None,
          "--output= completes file names")
    # Another catalog: --catalog-dir on the line, or $CCHC_CATALOG_DIR.
    cat = os.path.join(tmp, "catalog")
    shutil.copytree(os.environ["CCHC_CATALOG_DIR"], cat)
    with open(os.path.join(cat, "units.tsv"), "a", encoding="utf-8") as f:
        f.write("X-THUNGHIEM\tUBND xã Thử Nghiệm\tcommune\tH-BIENHOA\t\t\n")
    check("X-THUNGHIEM" in complete(script, ["catalog", "--catalog-dir", cat, "units", "X-"],
                                     env), "--catalog-dir DIR: the codes of DIR")
    env2 = dict(env, CCHC_CATALOG_DIR=cat)
    check("X-THUNGHIEM" in complete(script, ["report", "--unit", "=", "X-TH"], env2),
          "$CCHC_CATALOG_DIR: the codes of that directory")
    # Each command completes the options its help names, and only those.
    for cmd in commands:
        if cmd == "help":
            continue
        offered = {o.rstrip("=") for o in complete(script, [cmd, "--"], env)}
        helps = run([CCHC, cmd, "--help"], env=env).stdout.decode()
        for sub in complete(script, [cmd, ""], env) if cmd not in ("events", "ctl") else []:
            helps += run([CCHC, cmd, sub, "--help"], env=env).stdout.decode()
        named = set(re.findall(r"(--[a-z][a-z-]*)", helps)) - {"--help"}
        # a daemon's option the help mentions (ctl clock: "started with --test-clock")
        named -= {"--" + o for opts in daemon_defaults.values() for o in opts} - \
            set(re.findall(r"--[a-z][a-z-]*", man_cchc))
        globals_ = set(re.findall(r"--[a-z][a-z-]*", run([CCHC, "--help"]).stdout.decode()))
        check(named <= offered | globals_ and offered - globals_ <= named,
              "cchc %s: completion offers the options its help names (only in help: %s; only "
              "completed: %s)" % (cmd, sorted(named - offered - globals_),
                                  sorted(offered - globals_ - named)))
        missing = [o for o in offered if o not in man_cchc]
        check(not missing, "cchc(1) names every option of cchc %s (missing %s)" % (cmd, missing))


# ---- 4. events ---------------------------------------------------------------------------

def events():
    out = run([CCHC, "events"]).stdout.decode()
    types = re.findall(r"^  ([a-z_]+)\s", out, re.M)
    check(len(types) == 30 and "received" in types and "pakn_received" in types and
          "reminder" in types, "cchc events lists the 30 event types (%d)" % len(types))
    one = run([CCHC, "events", "received"]).stdout.decode()
    check("channel" in one and "direct|online|postal" in one and "proc" in one,
          "cchc events received: its fields and channel's values")
    push = run([CCHC, "push", "--help"]).stdout.decode()
    brief = re.findall(r"^  ([a-z_]+)\s{2,}(.*)$", push.split("Event types", 1)[1], re.M)
    listed = {t for t, _ in brief}
    check(listed == set(types) - {"pakn_escalated", "pakn_overdue"},
          "cchc push --help lists every event type a client sends, intake and hotline (%d)"
          % len(listed))
    fields = dict(brief)
    check(fields["fee_paid"].split() == ["dossier", "amount", "method"] and
          "[caller_phone]" in fields["pakn_received"], "with their fields, optional ones in []")


def main():
    if len(sys.argv) != 4:
        fail("usage: test_cli_conventions.py COMPLETION_SCRIPT MAN_DIR README")
    script, man_dir, readme = sys.argv[1:]
    for b in list(DAEMONS.values()) + [CCHC]:
        if not os.access(b, os.X_OK):
            print("SKIP: %s not built" % b)
            sys.exit(77)
    tmp = tempfile.mkdtemp(prefix="cchc-conv-")
    c = Cluster(test_clock=CLOCK)
    try:
        c.start_all()
        version = cli_forms(c)
        defaults = daemon_options(version)
        daemon_started_with_short_forms(tmp)
        man_cchc = man_pages(man_dir, defaults, readme)
        completion(script, man_cchc, tmp, defaults)
        events()
    finally:
        c.close()
        shutil.rmtree(tmp, ignore_errors=True)
    print("5 passed, 0 failed")


if __name__ == "__main__":
    main()
