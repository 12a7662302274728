/*
 * test_security.c - the three real daemons (INTAKED, HOTLINED, SCORINGD,
 * set by CMake) with security = curve, on free loopback ports, driven over
 * real CurveZMQ connections by the client library (daemons/common
 * cc_security.c, cc_principals.c; PROTOCOL.md §9).
 *
 * Keys: one per daemon, and one per principal of the principals file: two
 * counters of two units, an agent, a contact point and a supervisor of
 * SO-TP, an operator, and scoring's own key as the consumer of the logs.
 * Checked:
 *  - every role x message (HELLO, EVENT to intake and to hotline, READ of
 *    both logs, QUERY dossier, pakn, report, alerts, stats, backup, clock)
 *    with the right key, and with a key of another unit: the table below;
 *    nothing a refusal touched is stored;
 *  - a HELLO claiming another role, another name or more units;
 *  - an unknown key, a plain client, a client with the wrong daemon key:
 *    refused at the handshake, and told apart (cc_client_handshake_error);
 *  - a key removed from the file (SIGHUP): refused on the connection that
 *    is already open, from the next message on, and at new handshakes;
 *  - a key whose units shrink: its narrowed HELLO is forgotten;
 *  - scoring reads both logs over CurveZMQ with its own key.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cc_base.h"
#include "cc_client.h"
#include "cc_curve.h"
#include "support.h"

#if !defined(INTAKED) || !defined(HOTLINED) || !defined(SCORINGD)
#error "INTAKED, HOTLINED and SCORINGD must name the daemons"
#endif

enum { D_INTAKE, D_HOTLINE, D_SCORING, D_COUNT };
static const char *const daemon_name[D_COUNT] = { "intake", "hotline", "scoring" };

/* The principals; K_STRANGER is in no file, K_OLD is removed mid-test. */
enum {
    K_COUNTER_TP,
    K_COUNTER_GT,
    K_AGENT,
    K_CP_TP,
    K_CP_GT,
    K_SUP_TP,
    K_SUP_GT,
    K_OPERATOR,
    K_CONSUMER,
    K_OLD,
    K_STRANGER,
    K_COUNT
};
static const struct {
    const char *role, *who, *units;
} principal[K_COUNT] = {
    [K_COUNTER_TP] = { "counter", "quay-tp", "SO-TP" },
    [K_COUNTER_GT] = { "counter", "quay-gt", "SO-GTVT" },
    [K_AGENT] = { "agent", "tdv-1", "-" },
    [K_CP_TP] = { "contact_point", "dm-tp", "SO-TP" },
    [K_CP_GT] = { "contact_point", "dm-gt", "SO-GTVT" },
    [K_SUP_TP] = { "supervisor", "gs-tp", "SO-TP" },
    [K_SUP_GT] = { "supervisor", "gs-gt", "SO-GTVT" },
    [K_OPERATOR] = { "operator", "vh-1", "*" },
    [K_CONSUMER] = { "consumer", "scoring", "-" }, /* scoring's own key */
    [K_OLD] = { "counter", "quay-old", "SO-TP" },
    [K_STRANGER] = { "counter", "nobody", "SO-TP" },
};

static struct {
    char dir[64];
    char endpoint[D_COUNT][64];
    pid_t pid[D_COUNT];
    cc_curve_keypair_t server[D_COUNT];
    cc_curve_keypair_t key[K_COUNT];
    unsigned serial;
    unsigned refusals; /* negative cases checked */
} g;

/* ---- Files and daemons --------------------------------------------------------------- */

static void write_text(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, mode), 0);
}

/* The principals file with every key but @skip (K_COUNT: none) and, when
 * @sup_units is not NULL, those units for the supervisor. */
static void write_principals(int skip, const char *sup_units)
{
    char path[128], text[4096];
    size_t o = 0;

    for (int k = 0; k < K_STRANGER; k++) {
        const char *units = k == K_SUP_TP && sup_units ? sup_units : principal[k].units;

        if (k == skip)
            continue;
        o +=
            (size_t)snprintf(text + o, sizeof(text) - o, "%s %s %s %s\n",
                             k == K_CONSUMER ? g.server[D_SCORING].public_key : g.key[k].public_key,
                             principal[k].role, principal[k].who, units);
    }
    snprintf(path, sizeof(path), "%s/principals.new", g.dir);
    write_text(path, text, 0644);
    /* Replaced at once, as an editor would. */
    snprintf(text, sizeof(text), "%s/principals", g.dir);
    assert_int_equal(rename(path, text), 0);
}

static void write_keypair(const char *name, const cc_curve_keypair_t *kp)
{
    char key[128], pub[128], err[256];

    snprintf(key, sizeof(key), "%s/%s.key", g.dir, name);
    snprintf(pub, sizeof(pub), "%s/%s.pub", g.dir, name);
    assert_int_equal(cc_curve_keypair_write(key, pub, kp, name, err, sizeof(err)), 0);
}

static void start(int d)
{
    char a[12][160];
    char *argv[16];
    int n = 0;

    snprintf(a[n++], sizeof(a[0]), "--listen=%s", g.endpoint[d]);
    snprintf(a[n++], sizeof(a[0]), "--state-dir=%s/%s", g.dir, daemon_name[d]);
    snprintf(a[n++], sizeof(a[0]), "--test-clock=2025-03-03T09:00:00+07:00");
    snprintf(a[n++], sizeof(a[0]), "--security=curve");
    snprintf(a[n++], sizeof(a[0]), "--server-key=%s/%s.key", g.dir, daemon_name[d]);
    snprintf(a[n++], sizeof(a[0]), "--principals=%s/principals", g.dir);
    snprintf(a[n++], sizeof(a[0]), "--log-level=warning");
    snprintf(a[n++], sizeof(a[0]), "--tick-ms=100");
    if (d == D_SCORING) {
        snprintf(a[n++], sizeof(a[0]), "--intake=%s", g.endpoint[D_INTAKE]);
        snprintf(a[n++], sizeof(a[0]), "--hotline=%s", g.endpoint[D_HOTLINE]);
        snprintf(a[n++], sizeof(a[0]), "--intake-key=%s", g.server[D_INTAKE].public_key);
        snprintf(a[n++], sizeof(a[0]), "--hotline-key=%s/hotline.pub", g.dir);
    }
    argv[0] = CC_UNCONST(d == D_INTAKE ? INTAKED : d == D_HOTLINE ? HOTLINED : SCORINGD);
    for (int i = 0; i < n; i++)
        argv[i + 1] = a[i];
    argv[n + 1] = NULL;
    g.pid[d] = fork();
    assert_true(g.pid[d] >= 0);
    if (g.pid[d] == 0) {
        char publish[64];

        /* scoring's alerts on a port of their own */
        if (d == D_SCORING) {
            snprintf(publish, sizeof(publish), "--publish=tcp://127.0.0.1:%d", free_port());
            argv[n + 1] = publish;
            argv[n + 2] = NULL;
        }
        execv(argv[0], argv);
        _exit(127);
    }
}

/* ---- Clients -------------------------------------------------------------------------- */

/* A CurveZMQ client of daemon @d with key @k (K_COUNT: no key, plain;
 * @server: the daemon key it trusts). */
static cc_client_t *client_to(int d, int k, int server, int timeout_ms)
{
    cc_client_opts_t o = { .timeout_ms = timeout_ms };
    cc_client_t *c = NULL;

    if (k < K_COUNT) {
        o.key = k == K_CONSUMER ? &g.server[D_SCORING] : &g.key[k];
        o.server_key = g.server[server].public_key;
    }
    assert_int_equal(cc_client_new(NULL, g.endpoint[d], &o, &c), 0);
    return c;
}

static cc_client_t *client(int d, int k) { return client_to(d, k, d, 5000); }

/* The outcome of a request: "ok", an error code, or "timeout". */
typedef struct {
    char code[40];
    char en[1024];
} outcome_t;

static outcome_t outcome(int r, const cc_client_error_t *err)
{
    outcome_t o;

    if (r == 0)
        snprintf(o.code, sizeof(o.code), "ok");
    else if (r == 1)
        snprintf(o.code, sizeof(o.code), "%s", err->code);
    else if (r == -ETIMEDOUT)
        snprintf(o.code, sizeof(o.code), "timeout");
    else
        snprintf(o.code, sizeof(o.code), "errno %d", -r);
    snprintf(o.en, sizeof(o.en), "%s", r == 1 ? err->en : "");
    return o;
}

static outcome_t hello(cc_client_t *c, const char *role, const char *who, const char *units)
{
    cc_client_error_t err;

    return outcome(cc_client_hello(c, role, who, units, NULL, &err), &err);
}

static outcome_t query(cc_client_t *c, const char *q, const cc_enc_t *pairs)
{
    cc_client_error_t err;
    cc_msg_t res = { 0 };
    int r = cc_client_query(c, q, pairs ? pairs->buf.data : NULL, pairs ? pairs->buf.size : 0, &res,
                            &err);

    if (r == 0)
        cc_msg_deinit(&res);
    return outcome(r, &err);
}

/* One EVENT of @type with the pairs "key=value ..." of @spec and a fresh
 * eid; a value "@" becomes a fresh id "SEC-<n>". Its ACK or ERROR. */
static outcome_t event(cc_client_t *c, const char *type, const char *spec)
{
    char buf[512], *save = NULL, *tok, id[32];
    cc_client_error_t err;
    cc_enc_t e;
    cc_msg_t reply = { 0 };
    size_t map;
    int r;

    snprintf(id, sizeof(id), "SEC-%u", ++g.serial);
    cc_enc_init(&e);
    cc_enc_str(&e, "ev"); /* the one pair after rid */
    map = cc_enc_map_open(&e);
    cc_enc_kv_str(&e, "eid", id);
    cc_enc_kv_str(&e, "type", type);
    cc_enc_kv_i64(&e, "at", T("2025-03-03T09:00:00+07:00"));
    snprintf(buf, sizeof(buf), "%s", spec);
    for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(tok, '=');

        assert_non_null(eq);
        *eq = '\0';
        cc_enc_kv_str(&e, tok, strcmp(eq + 1, "@") == 0 ? id : eq + 1);
    }
    cc_enc_map_close(&e, map);
    r = cc_client_call(c, CC_MSG_EVENT, e.buf.data, e.buf.size, &reply);
    if (r == 0) {
        r = reply.type == CC_MSG_ACK ? 0 : 1;
        if (r == 1)
            assert_int_equal(cc_client_error_from_msg(&reply, &err), 0);
        cc_msg_deinit(&reply);
    }
    cc_enc_deinit(&e);
    return outcome(r, &err);
}

static outcome_t read_log(cc_client_t *c)
{
    cc_client_error_t err;
    cc_msg_t batch = { 0 };
    int r = cc_client_read(c, 0, 10, 0, &batch, &err);

    if (r == 0)
        cc_msg_deinit(&batch);
    return outcome(r, &err);
}

static uint64_t log_head(int d)
{
    cc_client_t *c = client(d, K_OPERATOR);
    cc_client_error_t err;
    cc_msg_t res = { 0 };
    uint64_t head = 0;

    assert_int_equal(cc_client_query(c, "stats", NULL, 0, &res, &err), 0);
    cc_map_u64(&res.body, "log_head", &head);
    cc_msg_deinit(&res);
    cc_client_destroy(&c);
    return head;
}

/* Check an outcome against the expected code; count the refusals. */
static void expect(const char *what, outcome_t got, const char *want)
{
    if (strcmp(got.code, want) != 0)
        fail_msg("%s: got %s (%s), expected %s", what, got.code, got.en, want);
    if (strcmp(want, "ok") != 0)
        g.refusals++;
}

/* ---- Set-up ----------------------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    snprintf(g.dir, sizeof(g.dir), "/tmp/test_security.XXXXXX");
    if (mkdtemp(g.dir) == NULL)
        return -1;
    for (int d = 0; d < D_COUNT; d++) {
        if (cc_curve_keypair_new(&g.server[d]) < 0)
            return -1;
        write_keypair(daemon_name[d], &g.server[d]);
        snprintf(g.endpoint[d], sizeof(g.endpoint[d]), "tcp://127.0.0.1:%d", free_port());
    }
    for (int k = 0; k < K_COUNT; k++)
        if (cc_curve_keypair_new(&g.key[k]) < 0)
            return -1;
    write_principals(K_COUNT, NULL);
    for (int d = 0; d < D_COUNT; d++)
        start(d);
    /* Ready when each answers an operator's ping. */
    for (int d = 0; d < D_COUNT; d++) {
        time_t until = time(NULL) + 15;
        outcome_t o;

        do {
            cc_client_t *c = client_to(d, K_OPERATOR, d, 300);

            o = query(c, "ping", NULL);
            cc_client_destroy(&c);
        } while (strcmp(o.code, "ok") != 0 && time(NULL) < until);
        if (strcmp(o.code, "ok") != 0)
            return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    int failed = 0;

    (void)state;
    for (int d = D_COUNT; d-- > 0;) {
        int status = 0;

        if (g.pid[d] <= 0)
            continue;
        kill(g.pid[d], SIGTERM);
        waitpid(g.pid[d], &status, 0);
        failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    print_message("%u refusals checked\n", g.refusals);
    rm_tree(g.dir);
    return failed ? -1 : 0;
}

/* ---- The matrix ----------------------------------------------------------------------- */

/* The columns: one key per role, and for the roles scoped to units, one
 * of SO-TP (whose dossier and complaint the rows ask about) and one of
 * another unit. */
static const int cols[] = { K_COUNTER_TP, K_COUNTER_GT, K_AGENT,    K_CP_TP,   K_CP_GT,
                            K_SUP_TP,     K_SUP_GT,     K_OPERATOR, K_CONSUMER };

typedef enum {
    M_HELLO,
    M_EVENT_INTAKE,
    M_EVENT_HOTLINE,
    M_READ_INTAKE,
    M_READ_HOTLINE,
    M_DOSSIER,
    M_PAKN,
    M_REPORT,
    M_ALERTS,
    M_STATS,
    M_BACKUP,
    M_CLOCK,
    M_COUNT
} message_t;

/* Expected outcome per message (rows) and key (columns, as cols[]):
 * "ok" or the error code. */
#define N_COLS (sizeof(cols) / sizeof(cols[0]))
static const char *const want[M_COUNT][N_COLS] = {
    /*           counter: tp  gt     agent  cp: tp  gt     sup: tp gt    operator consumer */
    [M_HELLO] = { "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok" },
    [M_EVENT_INTAKE] = { "ok", "NA", "NA", "NA", "NA", "NA", "NA", "NA", "NA" },
    [M_EVENT_HOTLINE] = { "NA", "NA", "ok", "NA", "NA", "NA", "NA", "NA", "NA" },
    [M_READ_INTAKE] = { "NA", "NA", "NA", "NA", "NA", "NA", "NA", "ok", "ok" },
    [M_READ_HOTLINE] = { "NA", "NA", "NA", "NA", "NA", "NA", "NA", "ok", "ok" },
    [M_DOSSIER] = { "ok", "NA", "NA", "ok", "NA", "ok", "NA", "ok", "ok" },
    [M_PAKN] = { "NA", "NA", "ok", "ok", "NA", "ok", "NA", "ok", "ok" },
    [M_REPORT] = { "NA", "NA", "NA", "NA", "NA", "ok", "NA", "ok", "NA" },
    [M_ALERTS] = { "NA", "NA", "NA", "NA", "NA", "ok", "ok", "ok", "NA" },
    [M_STATS] = { "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok" },
    [M_BACKUP] = { "NA", "NA", "NA", "NA", "NA", "NA", "NA", "ok", "NA" },
    [M_CLOCK] = { "NA", "NA", "NA", "NA", "NA", "NA", "NA", "ok", "NA" },
};

/* The pairs of a query, from "key=value ..." (a value of digits is a
 * uint, of "T..." a time). */
static void pairs_of(cc_enc_t *e, const char *spec)
{
    char buf[256], *save = NULL, *tok;

    cc_enc_init(e);
    snprintf(buf, sizeof(buf), "%s", spec);
    for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
        enc_token(e, tok);
}

static outcome_t query_with(cc_client_t *c, const char *q, const char *spec)
{
    cc_enc_t e;
    outcome_t o;

    pairs_of(&e, spec);
    o = query(c, q, &e);
    cc_enc_deinit(&e);
    return o;
}

/* Do message @m as key @k on a fresh connection. */
static outcome_t act(message_t m, int k)
{
    static const int daemon_of[M_COUNT] = {
        [M_HELLO] = D_INTAKE,       [M_EVENT_INTAKE] = D_INTAKE,  [M_EVENT_HOTLINE] = D_HOTLINE,
        [M_READ_INTAKE] = D_INTAKE, [M_READ_HOTLINE] = D_HOTLINE, [M_DOSSIER] = D_INTAKE,
        [M_PAKN] = D_HOTLINE,       [M_REPORT] = D_SCORING,       [M_ALERTS] = D_SCORING,
        [M_STATS] = D_INTAKE,       [M_BACKUP] = D_INTAKE,        [M_CLOCK] = D_INTAKE,
    };
    cc_client_t *c = client(daemon_of[m], k);
    char spec[64];
    outcome_t o = { "", "" };

    switch (m) {
    case M_HELLO:
        o = hello(c, NULL, NULL, NULL);
        break;
    case M_EVENT_INTAKE:
        o = event(c, "received", "dossier=@ proc=TP-LLTP unit=SO-TP channel=direct");
        break;
    case M_EVENT_HOTLINE:
        o = event(c, "contact", "contact=@ ctype=information channel=phone");
        break;
    case M_READ_INTAKE:
    case M_READ_HOTLINE:
        o = read_log(c);
        break;
    case M_DOSSIER:
        o = query_with(c, "dossier", "id=HS-SEC");
        break;
    case M_PAKN:
        o = query_with(c, "pakn", "id=PA-SEC");
        break;
    case M_REPORT:
        o = query_with(c, "report", "unit=SO-TP period=2025-03");
        break;
    case M_ALERTS:
        o = query(c, "alerts", NULL);
        break;
    case M_STATS:
        o = query(c, "stats", NULL);
        break;
    case M_BACKUP:
        snprintf(spec, sizeof(spec), "path=b-%u", ++g.serial);
        o = query_with(c, "backup", spec);
        break;
    case M_CLOCK:
        o = query_with(c, "clock", "t=1740967200"); /* 2025-03-03T09:00:00+07:00 */
        break;
    default:
        fail();
    }
    cc_client_destroy(&c);
    return o;
}

static void test_every_role_and_message(void **state)
{
    static const char *const names[M_COUNT] = {
        "HELLO",        "EVENT intake",  "EVENT hotline", "READ intake",
        "READ hotline", "QUERY dossier", "QUERY pakn",    "QUERY report",
        "QUERY alerts", "QUERY stats",   "QUERY backup",  "QUERY clock",
    };
    uint64_t intake0, hotline0;
    cc_client_t *c;
    char what[128];

    (void)state;
    /* A dossier of SO-TP and a complaint assigned to SO-TP to ask about. */
    c = client(D_INTAKE, K_COUNTER_TP);
    expect("setup: dossier",
           event(c, "received", "dossier=HS-SEC proc=TP-LLTP unit=SO-TP channel=direct"), "ok");
    cc_client_destroy(&c);
    c = client(D_HOTLINE, K_AGENT);
    expect("setup: complaint", event(c, "pakn_received", "pakn=PA-SEC text=Trễ-hạn"), "ok");
    expect("setup: classified", event(c, "pakn_classified", "pakn=PA-SEC category=procedure"),
           "ok");
    expect("setup: assigned", event(c, "pakn_assigned", "pakn=PA-SEC unit=SO-TP"), "ok");
    cc_client_destroy(&c);
    intake0 = log_head(D_INTAKE);
    hotline0 = log_head(D_HOTLINE);

    for (int m = 0; m < M_COUNT; m++)
        for (size_t k = 0; k < N_COLS; k++) {
            const char *w = strcmp(want[m][k], "NA") == 0 ? "not_authorized" : want[m][k];

            snprintf(what, sizeof(what), "%s as %s %s (units %s)", names[m],
                     principal[cols[k]].role, principal[cols[k]].who, principal[cols[k]].units);
            expect(what, act((message_t)m, cols[k]), w);
        }
    /* Refusals stored nothing: one receipt (counter-tp) and one contact
     * (agent) were accepted. */
    assert_int_equal(log_head(D_INTAKE), intake0 + 1);
    assert_int_equal(log_head(D_HOTLINE), hotline0 + 1);

    /* Another unit's key: the supervisor of SO-TP on SO-GTVT. */
    c = client(D_SCORING, K_SUP_TP);
    expect("report of another unit", query_with(c, "report", "unit=SO-GTVT period=2025-03"),
           "not_authorized");
    cc_client_destroy(&c);
    /* The counter of SO-GTVT on SO-TP's dossier, through its units. */
    c = client(D_INTAKE, K_COUNTER_GT);
    expect("transfer another unit's dossier", event(c, "transferred", "dossier=HS-SEC to=SO-GTVT"),
           "not_authorized");
    cc_client_destroy(&c);
}

static void test_hello_cannot_widen(void **state)
{
    cc_client_t *c = client(D_INTAKE, K_COUNTER_TP);

    (void)state;
    expect("HELLO as another role", hello(c, "operator", NULL, NULL), "not_authorized");
    expect("HELLO as another name", hello(c, NULL, "quay-gt", NULL), "not_authorized");
    expect("HELLO with every unit", hello(c, NULL, NULL, "*"), "not_authorized");
    expect("HELLO with another unit", hello(c, NULL, NULL, "SO-TP,SO-GTVT"), "not_authorized");
    /* A refused HELLO changes nothing: the key's principal still applies. */
    expect("event after the refused HELLOs",
           event(c, "received", "dossier=@ proc=TP-LLTP unit=SO-TP channel=direct"), "ok");
    /* Narrowed to no unit: nothing to push for. */
    expect("HELLO narrowed to no unit", hello(c, "counter", "quay-tp", ""), "ok");
    expect("HELLO narrowed to SO-TP", hello(c, "counter", "quay-tp", "SO-TP"), "ok");
    cc_client_destroy(&c);
    c = client(D_SCORING, K_SUP_TP);
    expect("supervisor narrowed to no unit", hello(c, NULL, NULL, ""), "ok");
    /* "" sends no units: the key's. An empty array is the narrowest. */
    cc_client_destroy(&c);
}

static void test_handshake_refusals(void **state)
{
    cc_client_t *c;

    (void)state;
    /* A key the principals file does not list. */
    c = client_to(D_INTAKE, K_STRANGER, D_INTAKE, 700);
    expect("unknown key", query(c, "ping", NULL), "timeout");
    assert_int_equal(cc_client_handshake_error(c), -EACCES);
    cc_client_destroy(&c);
    /* A plain client, HELLO believed nowhere: no handshake at all. */
    c = client_to(D_INTAKE, K_COUNT, D_INTAKE, 700);
    expect("plain HELLO against a CURVE endpoint", hello(c, "operator", "vh-1", "*"), "timeout");
    assert_int_equal(cc_client_handshake_error(c), -EPROTONOSUPPORT);
    cc_client_destroy(&c);
    /* A known key that trusts another daemon's key (a man in the middle
     * would look like this). */
    c = client_to(D_INTAKE, K_OPERATOR, D_HOTLINE, 700);
    expect("wrong daemon key", query(c, "ping", NULL), "timeout");
    assert_true(cc_client_handshake_error(c) < 0);
    cc_client_destroy(&c);
}

/* SIGHUP: @d rereads the principals file (asynchronously). */
static void reload(int d) { assert_int_equal(kill(g.pid[d], SIGHUP), 0); }

static void test_revoked_key(void **state)
{
    cc_client_t *open = client(D_INTAKE, K_OLD), *c;
    time_t until;
    outcome_t o;

    (void)state;
    expect("the old key before its removal",
           event(open, "received", "dossier=@ proc=TP-LLTP unit=SO-TP channel=direct"), "ok");
    write_principals(K_OLD, NULL);
    reload(D_INTAKE);
    /* The connection stays open; from the reload on, each message is
     * refused (the reload is asynchronous: wait for it). */
    until = time(NULL) + 10;
    do
        o = query(open, "ping", NULL);
    while (strcmp(o.code, "ok") == 0 && time(NULL) < until);
    expect("ping on an open connection of a removed key", o, "not_authorized");
    assert_non_null(strstr(o.en, "revoked"));
    expect("event on an open connection of a removed key",
           event(open, "received", "dossier=@ proc=TP-LLTP unit=SO-TP channel=direct"),
           "not_authorized");
    expect("HELLO on an open connection of a removed key", hello(open, NULL, NULL, NULL),
           "not_authorized");
    expect("stats on an open connection of a removed key", query(open, "stats", NULL),
           "not_authorized");
    cc_client_destroy(&open);
    /* And a new connection fails at the handshake. */
    c = client_to(D_INTAKE, K_OLD, D_INTAKE, 700);
    expect("new connection of a removed key", query(c, "ping", NULL), "timeout");
    assert_int_equal(cc_client_handshake_error(c), -EACCES);
    cc_client_destroy(&c);
    /* Other keys go on. */
    c = client(D_INTAKE, K_COUNTER_TP);
    expect("another key after the reload",
           event(c, "received", "dossier=@ proc=TP-LLTP unit=SO-TP channel=direct"), "ok");
    cc_client_destroy(&c);
}

static void test_rights_shrink_on_reload(void **state)
{
    cc_client_t *c = client(D_SCORING, K_SUP_TP);
    time_t until;
    outcome_t o;

    (void)state;
    expect("supervisor narrowed to SO-TP", hello(c, "supervisor", "gs-tp", "SO-TP"), "ok");
    expect("report of SO-TP", query_with(c, "report", "unit=SO-TP period=2025-03"), "ok");
    write_principals(K_OLD, "SO-GTVT");
    reload(D_SCORING);
    until = time(NULL) + 10;
    do
        o = query_with(c, "report", "unit=SO-TP period=2025-03");
    while (strcmp(o.code, "ok") == 0 && time(NULL) < until);
    /* Its HELLO (SO-TP) no longer fits the key (SO-GTVT): said again. */
    expect("a HELLO wider than the key's new units", o, "not_authorized");
    assert_non_null(strstr(o.en, "HELLO again"));
    expect("report of SO-TP after the change", query_with(c, "report", "unit=SO-TP period=2025-03"),
           "not_authorized");
    expect("report of SO-GTVT after the change",
           query_with(c, "report", "unit=SO-GTVT period=2025-03"), "ok");
    cc_client_destroy(&c);
    write_principals(K_OLD, NULL);
    reload(D_SCORING);
}

static void test_scoring_reads_the_logs_with_its_key(void **state)
{
    cc_client_t *c = client(D_SCORING, K_OPERATOR);
    time_t until = time(NULL) + 15;
    cc_client_error_t err;
    uint64_t received = 0, pakn = 0;
    cc_enc_t e;

    (void)state;
    pairs_of(&e, "unit=SO-TP period=2025-03");
    while (time(NULL) < until) {
        cc_msg_t res = { 0 };

        assert_int_equal(cc_client_query(c, "report", e.buf.data, e.buf.size, &res, &err), 0);
        cc_map_u64(&res.body, "received", &received);
        cc_map_u64(&res.body, "pakn_received", &pakn);
        cc_msg_deinit(&res);
        if (received >= 3 && pakn >= 1)
            break;
        usleep(100 * 1000);
    }
    /* HS-SEC, the matrix's and the HELLO test's. */
    assert_int_equal(received, 3);
    assert_int_equal(pakn, 1);
    cc_enc_deinit(&e);
    cc_client_destroy(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_role_and_message),
        cmocka_unit_test(test_hello_cannot_widen),
        cmocka_unit_test(test_handshake_refusals),
        cmocka_unit_test(test_scoring_reads_the_logs_with_its_key),
        cmocka_unit_test(test_revoked_key),
        cmocka_unit_test(test_rights_shrink_on_reload),
    };

    return cmocka_run_group_tests_name("security", tests, setup, teardown);
}
