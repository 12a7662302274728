/* Unit tests of the intake domain (daemons/intake/intake.c) on a real LMDB
 * store in a temporary directory, with the embedded demo catalogs.
 *
 * The test plays the event daemon core's part: it runs
 * cc_intake_domain.apply inside cc_store_write() and, when the event is
 * accepted, appends the record (eid, type, at, by + the domain's pairs) to
 * the log as cc_evd.c does. Principals come from encoded HELLO maps through
 * cc_principal_from_hello(). Every rejection is checked to leave the
 * "dossier" and "log" databases byte for byte unchanged.
 *
 * Dates: Mon 2025-03-03; TP-LLTP (10 working days, SO-TP and TTHCC) received
 * then is due Mon 2025-03-17 17:00 (see test_dossier.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cc_base.h"
#include "cc_auth.h"
#include "cc_codec.h"
#include "cc_evd.h"
#include "cc_daemon.h"
#include "cc_store.h"
#include "dossier.h"
#include "intake.h"
#include "support.h"

typedef struct {
    char dir[256];
    cc_store_t *store;
    cc_catalog_t *catalog; /* the slot the core would own */
    void *dom;
    MDB_dbi dossier_dbi, log_dbi, meta_dbi;
    unsigned eids;
} fx_t;

/* ---- Events and principals ------------------------------------------------------- */

/* The "ev" map of "type key=value ..." with a fresh eid; "HS-1" unless a
 * dossier is named. *@ret_at receives the event's time. */
static void build_event(fx_t *fx, const char *spec, tmsg_t *m, int64_t *ret_at)
{
    char buf[1024], eid[32], *save = NULL, *tok;
    const char *toks[32];
    size_t n = 0;
    bool has_dossier = false;
    cc_enc_t *e = &m->enc;

    snprintf(buf, sizeof(buf), "%s", spec);
    for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
        toks[n++] = tok;
    for (size_t i = 1; i < n; i++)
        has_dossier |= strncmp(toks[i], "dossier=", 8) == 0;
    snprintf(eid, sizeof(eid), "e-%u", ++fx->eids);
    cc_enc_init(e);
    cc_enc_map(e, 2 + (n - 1) + !has_dossier);
    cc_enc_kv_str(e, "eid", eid);
    cc_enc_kv_str(e, "type", toks[0]);
    if (!has_dossier)
        cc_enc_kv_str(e, "dossier", "HS-1");
    *ret_at = 0;
    for (size_t i = 1; i < n; i++) {
        enc_token(e, toks[i]);
        if (strncmp(toks[i], "at=", 3) == 0)
            *ret_at = T(toks[i] + 3);
    }
    tmsg_decode(m, NULL);
}

/* A principal from an encoded HELLO; @units is a comma list or NULL. */
static cc_principal_t *principal(const char *role, const char *who, const char *units)
{
    cc_principal_t *p = NULL;
    const char *field = NULL;
    char why[256], list[512], *save = NULL, *u;
    const char *items[32];
    size_t n = 0;
    tmsg_t m;
    cc_enc_t *e = &m.enc;

    if (units) {
        snprintf(list, sizeof(list), "%s", units);
        for (u = strtok_r(list, ",", &save); u; u = strtok_r(NULL, ",", &save))
            items[n++] = u;
    }
    cc_enc_init(e);
    cc_enc_map(e, units ? 4 : 3);
    cc_enc_kv_u64(e, "rid", 1);
    cc_enc_kv_str(e, "role", role);
    cc_enc_kv_str(e, "who", who);
    if (units) {
        cc_enc_str(e, "units");
        cc_enc_array(e, n);
        for (size_t i = 0; i < n; i++)
            cc_enc_str(e, items[i]);
    }
    tmsg_decode(&m, NULL);
    if (cc_principal_from_hello(&m.msg.body, &p, &field, why, sizeof(why)) < 0)
        fail_msg("HELLO refused: %s", why);
    tmsg_free(&m);
    return p;
}

/* ---- The core's part: apply in a write transaction, then append ------------ */

typedef struct {
    fx_t *fx;
    const cc_principal_t *who;
    tmsg_t *evs;
    size_t n;
    int64_t now;
    int *results; /* 0 accepted, 1 rejected, per event */
    cc_reject_t *rejs;
    uint64_t *seqs;
} push_ctx_t;

static int push_txn(cc_txn_t *txn, void *arg)
{
    push_ctx_t *c = arg;
    cc_enc_t pairs, rec;
    int r = 0;

    cc_enc_init(&pairs);
    cc_enc_init(&rec);
    for (size_t i = 0; i < c->n && r >= 0; i++) {
        const msgpack_object *ev = &c->evs[i].msg.body;
        uint64_t last = 0, seq = 0;
        size_t map;
        cc_str_t eid, type;
        int64_t at;

        c->results[i] = 1;
        if ((r = cc_log_last(txn, c->fx->log_dbi, &last)) < 0)
            break;
        cc_enc_reset(&pairs);
        r = cc_intake_domain.apply(c->fx->dom, txn, c->who, ev, c->now, last + 1, &pairs,
                                   &c->rejs[i]);
        if (r != 0)
            continue;
        cc_map_str(ev, "eid", &eid);
        cc_map_str(ev, "type", &type);
        cc_map_i64(ev, "at", &at);
        cc_enc_reset(&rec);
        map = cc_enc_map_open(&rec);
        cc_enc_kv_strn(&rec, "eid", eid.ptr, eid.len);
        cc_enc_kv_strn(&rec, "type", type.ptr, type.len);
        cc_enc_kv_i64(&rec, "at", at);
        cc_enc_kv_str(&rec, "by", c->who->who);
        cc_enc_raw(&rec, pairs.buf.data, pairs.buf.size);
        cc_enc_map_close(&rec, map);
        if ((r = cc_log_append(txn, c->fx->log_dbi, rec.buf.data, rec.buf.size, &seq)) < 0)
            break;
        assert_int_equal(seq, last + 1);
        c->results[i] = 0;
        c->seqs[i] = seq;
    }
    cc_enc_deinit(&pairs);
    cc_enc_deinit(&rec);
    return r < 0 ? r : 0;
}

/* Push one event; returns 0 when accepted, else the rejection code. @now
 * 0 means the event's own time. */
static int push_now(fx_t *fx, const cc_principal_t *who, const char *spec, int64_t now,
                    cc_reject_t *ret_rej, uint64_t *ret_seq)
{
    cc_reject_t rej = { 0 };
    tmsg_t msg;
    uint64_t seq = 0;
    int64_t at;
    int res = -1;
    push_ctx_t c = { fx, who, &msg, 1, 0, &res, &rej, &seq };

    build_event(fx, spec, &msg, &at);
    c.now = now ? now : at;
    assert_int_equal(cc_store_write(fx->store, push_txn, &c), 0);
    tmsg_free(&msg);
    if (ret_rej)
        *ret_rej = rej;
    if (ret_seq)
        *ret_seq = seq;
    if (res == 0)
        return 0;
    assert_int_equal(res, 1);
    assert_true(rej.code != 0 && rej.vi[0] && rej.en[0]);
    return (int)rej.code;
}

static int push(fx_t *fx, const cc_principal_t *who, const char *spec)
{
    return push_now(fx, who, spec, 0, NULL, NULL);
}

#define EXPECT(fx, who, spec, code)                                                                \
    do {                                                                                           \
        int got_ = push((fx), (who), (spec));                                                      \
        if (got_ != (int)(code))                                                                   \
            fail_msg("%s: got %s, want %s", (spec), got_ ? cc_err_name((cc_err_t)got_) : "ok",     \
                     (code) ? cc_err_name((cc_err_t)(code)) : "ok");                               \
    } while (0)

/* ---- Store dumps -------------------------------------------------------------------- */

typedef struct {
    uint8_t *data;
    size_t len;
    size_t entries;
} dump_t;

static void dump_add(dump_t *d, const void *p, size_t len)
{
    uint64_t l = len;

    d->data = realloc(d->data, d->len + sizeof(l) + len);
    assert_non_null(d->data);
    memcpy(d->data + d->len, &l, sizeof(l));
    memcpy(d->data + d->len + sizeof(l), p, len);
    d->len += sizeof(l) + len;
}

/* Every key/value pair (every duplicate too) of @dbi. */
static dump_t dump(fx_t *fx, MDB_dbi dbi)
{
    dump_t d = { NULL, 0, 0 };
    MDB_cursor *cur;
    MDB_val k, v;
    cc_txn_t txn;
    int r;

    assert_int_equal(cc_store_read_begin(fx->store, &txn), 0);
    assert_int_equal(mdb_cursor_open(txn.txn, dbi, &cur), 0);
    for (r = mdb_cursor_get(cur, &k, &v, MDB_FIRST); r == 0;
         r = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        dump_add(&d, k.mv_data, k.mv_size);
        dump_add(&d, v.mv_data, v.mv_size);
        d.entries++;
    }
    assert_int_equal(r, MDB_NOTFOUND);
    mdb_cursor_close(cur);
    cc_txn_end(&txn);
    return d;
}

typedef struct {
    dump_t dossier, log;
} snapshot_t;

static snapshot_t snap(fx_t *fx)
{
    snapshot_t s = { dump(fx, fx->dossier_dbi), dump(fx, fx->log_dbi) };

    return s;
}

static void snap_free(snapshot_t *s)
{
    free(s->dossier.data);
    free(s->log.data);
}

static void assert_dump_equal(const dump_t *a, const dump_t *b)
{
    assert_int_equal(a->entries, b->entries);
    assert_int_equal(a->len, b->len);
    if (a->len)
        assert_memory_equal(a->data, b->data, a->len);
}

static void assert_unchanged(fx_t *fx, snapshot_t *before)
{
    snapshot_t after = snap(fx);

    assert_dump_equal(&before->dossier, &after.dossier);
    assert_dump_equal(&before->log, &after.log);
    snap_free(&after);
}

/* Push an event that must be rejected with @code and change nothing. */
static void expect_rejected(fx_t *fx, const cc_principal_t *who, const char *spec, int code,
                            int64_t now)
{
    snapshot_t before = snap(fx);
    cc_reject_t rej;
    int got = push_now(fx, who, spec, now, &rej, NULL);

    if (got != code)
        fail_msg("%s: got %s, want %s", spec, got ? cc_err_name((cc_err_t)got) : "ok",
                 cc_err_name((cc_err_t)code));
    assert_unchanged(fx, &before);
    snap_free(&before);
}

/* ---- Queries ------------------------------------------------------------------------ */

/* Run QUERY q=dossier id=@id; returns 0 with *@ret (caller deinits) or the
 * rejection code. */
static int query(fx_t *fx, const cc_principal_t *who, const char *id, tmsg_t *ret)
{
    cc_reject_t rej = { 0 };
    tmsg_t body;
    cc_str_t q = { "dossier", 7 };
    int r;

    cc_enc_init(&body.enc);
    cc_enc_map(&body.enc, 3);
    cc_enc_kv_u64(&body.enc, "rid", 77);
    cc_enc_kv_str(&body.enc, "q", "dossier");
    cc_enc_kv_str(&body.enc, "id", id);
    tmsg_decode(&body, NULL);
    memset(ret, 0, sizeof(*ret));
    cc_enc_init(&ret->enc);
    r = cc_intake_domain.query(fx->dom, fx->store, who, q, &body.msg.body, 77, &ret->enc, &rej);
    if (r == 0) {
        tmsg_decode(ret, &cc_limits_reply);
    } else {
        assert_int_equal(r, 1);
        cc_enc_deinit(&ret->enc);
    }
    tmsg_free(&body);
    return r == 0 ? 0 : (int)rej.code;
}

/* ---- Fixture ------------------------------------------------------------------------- */

static void fx_open(fx_t *fx)
{
    char path[300], err[512] = "";

    snprintf(path, sizeof(path), "%s/db", fx->dir);
    assert_int_equal(cc_store_open(path, NULL, &fx->store), 0);
    if (fx->catalog == NULL &&
        cc_catalog_load(NULL, &fx->catalog, err, sizeof(err)) < 0) /* embedded demo */
        fail_msg("catalog: %s", err);
    if (cc_intake_domain.open(&fx->dom, fx->store, &fx->catalog, NULL, err, sizeof(err)) < 0)
        fail_msg("intake open: %s", err);
    assert_int_equal(cc_store_dbi(fx->store, "dossier", 0, &fx->dossier_dbi), 0);
    assert_int_equal(cc_store_dbi(fx->store, "log", 0, &fx->log_dbi), 0);
}

static void fx_close(fx_t *fx)
{
    cc_intake_domain.close(&fx->dom);
    assert_null(fx->dom);
    cc_store_close(&fx->store);
}

static int setup(void **state)
{
    fx_t *fx = calloc(1, sizeof(*fx));
    const char *tmp = getenv("TMPDIR");

    if (fx == NULL)
        return -1;
    snprintf(fx->dir, sizeof(fx->dir), "%s/cchc-intake-XXXXXX", tmp ? tmp : "/tmp");
    if (mkdtemp(fx->dir) == NULL) {
        free(fx);
        return -1;
    }
    fx_open(fx);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fx_t *fx = *state;

    if (fx->store)
        fx_close(fx);
    cc_catalog_destroy(&fx->catalog);
    rm_tree(fx->dir);
    free(fx);
    return 0;
}

#define RECV "received proc=TP-LLTP unit=SO-TP channel=direct at=2025-03-03T09:00"

/* ---- Tests -------------------------------------------------------------------------- */

/* Only counters and supervisors may push events to intake. */
static void test_may_push(void **state)
{
    static const struct {
        const char *role;
        bool may;
    } roles[] = {
        { "counter", true },    { "agent", false },    { "contact_point", false },
        { "supervisor", true }, { "operator", false }, { "consumer", false },
    };

    (void)state;
    for (size_t i = 0; i < CC_N(roles); i++) {
        cc_principal_t *p = principal(roles[i].role, "x", "*");

        assert_int_equal(cc_intake_domain.may_push(p), roles[i].may);
        free(p);
    }
}

/* A receipt, or a refusal at the counter, is taken only from a counter of
 * the receiving unit (or of every unit); anyone else changes nothing. */
static void test_scope_receipt(void **state)
{
    fx_t *fx = *state;
    cc_principal_t *other = principal("counter", "quay-gtvt", "SO-GTVT,SO-XD");
    cc_principal_t *none = principal("counter", "quay-rong", NULL);
    cc_principal_t *all = principal("counter", "quay-tinh", "*");
    cc_principal_t *tp = principal("counter", "quay-tp", "SO-GTVT,SO-TP");
    cc_reject_t rej;
    snapshot_t before = snap(fx);

    assert_int_equal(push_now(fx, other, RECV, 0, &rej, NULL), CC_ERR_NOT_AUTHORIZED);
    assert_string_equal(rej.field, "unit");
    assert_unchanged(fx, &before);
    expect_rejected(fx, none, RECV, CC_ERR_NOT_AUTHORIZED, 0);
    expect_rejected(fx, other,
                    "rejected_at_counter proc=TP-LLTP unit=SO-TP channel=direct "
                    "at=2025-03-03T09:00",
                    CC_ERR_NOT_AUTHORIZED, 0);
    EXPECT(fx, all, RECV, 0);
    EXPECT(fx, tp,
           "received dossier=HS-2 proc=TP-LLTP unit=SO-TP channel=online "
           "at=2025-03-03T09:00",
           0);
    /* Scope comes before the lifecycle: an outsider learns nothing. */
    expect_rejected(fx, other, RECV, CC_ERR_NOT_AUTHORIZED, 0);
    expect_rejected(fx, tp, RECV, CC_ERR_DUPLICATE_DOSSIER, 0);
    snap_free(&before);
    free(other);
    free(none);
    free(all);
    free(tp);
}

/* Later events and queries of a dossier: from the counters of its
 * receiving and handling units only; consumers see every dossier. */
static void test_scope_later(void **state)
{
    fx_t *fx = *state;
    cc_principal_t *all = principal("counter", "quay-tinh", "*");
    cc_principal_t *center = principal("counter", "quay-hcc", "TTHCC");
    cc_principal_t *tp = principal("counter", "quay-tp", "SO-TP");
    cc_principal_t *xd = principal("counter", "quay-xd", "SO-XD,SO-GTVT");
    cc_principal_t *consumer = principal("consumer", "scoring", NULL);
    cc_principal_t *super = principal("supervisor", "giam-sat", "SO-XD");
    tmsg_t res;

    (void)state;
    EXPECT(fx, all, "received proc=TP-LLTP unit=TTHCC channel=direct at=2025-03-03T09:00", 0);
    expect_rejected(fx, tp,
                    "consult_requested agency=SO-XD deadline=2025-03-07T17:00 "
                    "at=2025-03-03T10:00",
                    CC_ERR_NOT_AUTHORIZED, 0);
    EXPECT(fx, center, "transferred to=SO-TP at=2025-03-03T11:00", 0);
    /* The handling unit's counter and the receiving unit's counter may go on. */
    EXPECT(fx, tp,
           "consult_requested agency=SO-XD deadline=2025-03-07T17:00 "
           "at=2025-03-04T09:00",
           0);
    EXPECT(fx, center, "consult_answered agency=SO-XD at=2025-03-04T10:00", 0);
    EXPECT(fx, tp, "fee_paid amount=200000 method=cashless at=2025-03-04T10:30", 0);
    /* Nobody else. */
    expect_rejected(fx, xd, "resolved at=2025-03-05T09:00", CC_ERR_NOT_AUTHORIZED, 0);
    expect_rejected(fx, xd, "rated rating=satisfied at=2025-03-05T09:00", CC_ERR_NOT_AUTHORIZED, 0);
    expect_rejected(fx, xd, "transferred to=SO-XD at=2025-03-05T09:00", CC_ERR_NOT_AUTHORIZED, 0);
    /* Transferred away and back: still the receiving unit's. */
    EXPECT(fx, tp, "transferred to=TTHCC at=2025-03-05T09:00", 0);
    EXPECT(fx, center, "resolved at=2025-03-05T10:00", 0);
    expect_rejected(fx, tp, "returned method=counter at=2025-03-05T11:00", CC_ERR_NOT_AUTHORIZED,
                    0);
    /* Queries follow the same scope; consumers see everything. */
    assert_int_equal(query(fx, xd, "HS-1", &res), CC_ERR_NOT_AUTHORIZED);
    assert_int_equal(query(fx, super, "HS-1", &res), CC_ERR_NOT_AUTHORIZED);
    assert_int_equal(query(fx, tp, "HS-1", &res), CC_ERR_NOT_AUTHORIZED);
    assert_int_equal(query(fx, center, "HS-1", &res), 0);
    tmsg_free(&res);
    assert_int_equal(query(fx, consumer, "HS-1", &res), 0);
    tmsg_free(&res);
    free(all);
    free(center);
    free(tp);
    free(xd);
    free(consumer);
    free(super);
}

/* Every rejection code the domain gives, each leaving the store untouched. */
static void test_rejections_change_nothing(void **state)
{
    fx_t *fx = *state;
    cc_principal_t *all = principal("counter", "quay-tinh", "*");
    cc_principal_t *tp = principal("counter", "quay-tp", "SO-TP");
    static const struct {
        const char *spec;
        int code;
        const char *now; /* NULL: the event's time */
    } bad[] = {
        { "received dossier=HS-3 proc=TP-LLTP unit=NO-SUCH channel=direct at=2025-03-05T09:00",
          CC_ERR_UNKNOWN_UNIT, NULL },
        { "received dossier=HS-3 proc=DD-CHUYENNHUONG unit=H-BIENHOA channel=direct "
          "at=2025-07-01T09:00",
          CC_ERR_UNIT_NOT_VALID, NULL },
        { "received dossier=HS-3 proc=NO-SUCH unit=SO-TP channel=direct at=2025-03-05T09:00",
          CC_ERR_UNKNOWN_PROCEDURE, NULL },
        { "received dossier=HS-3 proc=TP-CT-BANSAO unit=SO-TP channel=direct "
          "at=2025-03-05T09:00",
          CC_ERR_PROCEDURE_NOT_HANDLED, NULL },
        { "received dossier=HS-3 proc=HT-KHAISINH unit=X-TRANBIEN channel=direct "
          "at=2030-03-04T09:00",
          CC_ERR_CALENDAR_NOT_COVERED, NULL },
        { "received dossier=HS-3 proc=TP-LLTP unit=SO-TP channel=direct at=2025-03-05T09:00",
          CC_ERR_FUTURE_EVENT, "2025-03-05T08:54:59" },
        { "received dossier=HS-3 proc=TP-LLTP unit=SO-TP channel=fax at=2025-03-05T09:00",
          CC_ERR_BAD_FIELD, NULL },
        { "received dossier=HS-3 proc=TP-LLTP unit=SO-TP at=2025-03-05T09:00", CC_ERR_BAD_FIELD,
          NULL },
        { "teleported dossier=HS-1 at=2025-03-05T09:00", CC_ERR_UNSUPPORTED, NULL },
        { RECV, CC_ERR_DUPLICATE_DOSSIER, NULL },
        { "resolved dossier=HS-404 at=2025-03-05T09:00", CC_ERR_UNKNOWN_DOSSIER, NULL },
        { "returned method=counter at=2025-03-05T09:00", CC_ERR_ILLEGAL_TRANSITION, NULL },
        { "sos_reviewed approved=true at=2025-03-05T09:00", CC_ERR_ILLEGAL_TRANSITION, NULL },
        { "transferred to=SO-TP at=2025-03-05T09:00", CC_ERR_ILLEGAL_TRANSITION, NULL },
        { "transferred to=SO-GTVT at=2025-03-05T09:00", CC_ERR_PROCEDURE_NOT_HANDLED, NULL },
        { "transferred to=NO-SUCH at=2025-03-05T09:00", CC_ERR_UNKNOWN_UNIT, NULL },
        { "resolved at=2025-03-03T08:00", CC_ERR_BEFORE_PREVIOUS, NULL },
        { "fee_paid amount=1 method=cash at=2025-03-02T08:00", CC_ERR_BEFORE_PREVIOUS, NULL },
        { "extended promised=2025-03-10T17:00 at=2025-03-05T09:00", CC_ERR_BAD_FIELD, NULL },
        { "digitized what=result at=2025-03-05T09:00", CC_ERR_ILLEGAL_TRANSITION, NULL },
    };

    EXPECT(fx, all, RECV, 0);
    EXPECT(fx, all,
           "received dossier=HS-2 proc=TP-LLTP unit=TTHCC channel=online "
           "at=2025-03-03T09:30",
           0);
    EXPECT(fx, all, "sos_requested dossier=HS-2 kind=withdraw at=2025-03-04T09:00", 0);
    for (size_t i = 0; i < CC_N(bad); i++)
        expect_rejected(fx, all, bad[i].spec, bad[i].code, bad[i].now ? T(bad[i].now) : 0);
    /* The same events from a counter of SO-TP: only those about SO-TP's
     * dossiers get past the scope check. */
    /* An unknown unit is named as such, whoever asks (no scope to check). */
    expect_rejected(fx, tp, bad[0].spec, CC_ERR_UNKNOWN_UNIT, 0);
    expect_rejected(fx, tp, bad[1].spec, CC_ERR_NOT_AUTHORIZED, 0);
    expect_rejected(fx, tp, "fee_paid dossier=HS-2 amount=1 method=cash at=2025-03-05T09:00",
                    CC_ERR_NOT_AUTHORIZED, 0);
    expect_rejected(fx, tp, bad[CC_N(bad) - 1].spec, CC_ERR_ILLEGAL_TRANSITION, 0);
    /* Events after a rejection in the same transaction still apply. */
    EXPECT(fx, tp, "resolved at=2025-03-05T09:00", 0);
    free(all);
    free(tp);
}

/* A query gives the dossier's state and its whole history in the log, in
 * order, with each record's fields; unknown ids and queries are refused. */
static void test_query_history(void **state)
{
    fx_t *fx = *state;
    cc_principal_t *tp = principal("counter", "quay-tp", "SO-TP,TTHCC");
    static const char *const life[] = {
        RECV,
        "transferred to=TTHCC at=2025-03-03T10:00",
        "consult_requested agency=SO-XD deadline=2025-03-07T17:00 at=2025-03-03T11:00",
        "fee_paid amount=200000 method=online at=2025-03-03T11:30",
        "consult_answered agency=SO-XD at=2025-03-04T09:00",
        "sos_requested kind=supplement at=2025-03-04T10:00",
        "sos_reviewed approved=true at=2025-03-04T11:00",
        "supplement_completed at=2025-03-12T10:00",
        "extended promised=2025-03-31T17:00 at=2025-03-26T09:00", /* on the due day: late */
        "digitized what=components at=2025-03-26T10:00",
        "resolved at=2025-03-27T09:00",
        "returned method=electronic at=2025-03-27T10:00",
        "rated rating=very_satisfied at=2025-03-27T11:00",
    };
    uint64_t seqs[CC_N(life)];
    const msgpack_object *dossier, *history;
    char buf[64];
    tmsg_t res;

    (void)state;
    for (size_t i = 0; i < CC_N(life); i++) {
        char other[160];

        /* Interleave another dossier so that the history is not contiguous. */
        snprintf(other, sizeof(other), "%s dossier=HS-X%zu",
                 "received proc=TP-LLTP unit=SO-TP channel=direct at=2025-03-03T09:00", i);
        EXPECT(fx, tp, other, 0);
        assert_int_equal(push_now(fx, tp, life[i], 0, NULL, &seqs[i]), 0);
    }
    /* A rejected event adds nothing to the history. */
    expect_rejected(fx, tp, "resolved at=2025-03-28T09:00", CC_ERR_ILLEGAL_TRANSITION, 0);

    assert_int_equal(query(fx, tp, "HS-1", &res), 0);
    assert_int_equal(int_of(&res.msg.body, "rid"), 77);
    dossier = cc_map_find(&res.msg.body, "dossier");
    assert_non_null(dossier);
    assert_string_equal(str_of(dossier, "id", buf, sizeof(buf)), "HS-1");
    assert_string_equal(str_of(dossier, "state", buf, sizeof(buf)), "returned");
    assert_string_equal(str_of(dossier, "proc", buf, sizeof(buf)), "TP-LLTP");
    assert_string_equal(str_of(dossier, "runit", buf, sizeof(buf)), "SO-TP");
    assert_string_equal(str_of(dossier, "unit", buf, sizeof(buf)), "TTHCC");
    assert_string_equal(str_of(dossier, "channel", buf, sizeof(buf)), "direct");
    assert_int_equal(int_of(dossier, "received_at"), T("2025-03-03T09:00"));
    assert_int_equal(int_of(dossier, "due"), T("2025-03-26T17:00")); /* restarted */
    assert_int_equal(int_of(dossier, "promised"), T("2025-03-31T17:00"));
    assert_int_equal(int_of(dossier, "resolved_at"), T("2025-03-27T09:00"));
    assert_string_equal(str_of(dossier, "class", buf, sizeof(buf)), "late");
    assert_string_equal(str_of(dossier, "sos_pending", buf, sizeof(buf)), "");

    history = cc_map_find(&res.msg.body, "history");
    assert_non_null(history);
    assert_int_equal(history->type, MSGPACK_OBJECT_ARRAY);
    assert_int_equal(history->via.array.size, CC_N(life));
    for (size_t i = 0; i < CC_N(life); i++) {
        const msgpack_object *item = &history->via.array.ptr[i];
        const msgpack_object *rec;
        char want_type[40], by[40], doss[40];

        assert_int_equal(item->type, MSGPACK_OBJECT_ARRAY);
        assert_int_equal(item->via.array.size, 2);
        assert_int_equal(item->via.array.ptr[0].via.u64, seqs[i]);
        if (i > 0)
            assert_true(seqs[i] > seqs[i - 1] + 1); /* HS-X events in between */
        rec = &item->via.array.ptr[1];
        snprintf(want_type, sizeof(want_type), "%.*s", (int)strcspn(life[i], " "), life[i]);
        assert_string_equal(str_of(rec, "type", buf, sizeof(buf)), want_type);
        assert_string_equal(str_of(rec, "by", by, sizeof(by)), "quay-tp");
        assert_string_equal(str_of(rec, "dossier", doss, sizeof(doss)), "HS-1");
        assert_string_equal(str_of(rec, "runit", buf, sizeof(buf)), "SO-TP");
        /* Per-type fields (PROTOCOL.md "Intake log records"). */
        if (strcmp(want_type, "received") == 0) {
            assert_string_equal(str_of(rec, "state", buf, sizeof(buf)), "processing");
            assert_string_equal(str_of(rec, "channel", buf, sizeof(buf)), "direct");
            assert_int_equal(int_of(rec, "due"), T("2025-03-17T17:00"));
        } else if (strcmp(want_type, "transferred") == 0) {
            assert_string_equal(str_of(rec, "to", buf, sizeof(buf)), "TTHCC");
            assert_string_equal(str_of(rec, "unit", buf, sizeof(buf)), "TTHCC");
        } else if (strcmp(want_type, "sos_requested") == 0) {
            bool broken = true;

            assert_string_equal(str_of(rec, "kind", buf, sizeof(buf)), "supplement");
            assert_int_equal(cc_map_bool(rec, "rule_broken", &broken), 0);
            assert_false(broken);
        } else if (strcmp(want_type, "sos_reviewed") == 0) {
            assert_string_equal(str_of(rec, "state", buf, sizeof(buf)), "supplement_wait");
        } else if (strcmp(want_type, "supplement_completed") == 0) {
            assert_int_equal(int_of(rec, "due"), T("2025-03-26T17:00"));
        } else if (strcmp(want_type, "extended") == 0) {
            assert_string_equal(str_of(rec, "apology", buf, sizeof(buf)), "late");
            assert_int_equal(int_of(rec, "promised"), T("2025-03-31T17:00"));
        } else if (strcmp(want_type, "resolved") == 0) {
            assert_string_equal(str_of(rec, "class", buf, sizeof(buf)), "late");
            assert_string_equal(str_of(rec, "apology", buf, sizeof(buf)), "late");
            assert_string_equal(str_of(rec, "state", buf, sizeof(buf)), "resolved");
        } else if (strcmp(want_type, "fee_paid") == 0) {
            assert_int_equal(int_of(rec, "amount"), 200000);
            assert_string_equal(str_of(rec, "method", buf, sizeof(buf)), "online");
        } else if (strcmp(want_type, "rated") == 0) {
            assert_string_equal(str_of(rec, "rating", buf, sizeof(buf)), "very_satisfied");
            assert_string_equal(str_of(rec, "state", buf, sizeof(buf)), "returned");
        }
    }
    tmsg_free(&res);

    /* Unknown ids and queries. */
    assert_int_equal(query(fx, tp, "HS-404", &res), CC_ERR_UNKNOWN_DOSSIER);
    {
        cc_enc_t out;
        cc_reject_t rej;
        cc_str_t q = { "nothing", 7 };
        msgpack_object empty = { .type = MSGPACK_OBJECT_MAP };

        cc_enc_init(&out);
        assert_int_equal(cc_intake_domain.query(fx->dom, fx->store, tp, q, &empty, 1, &out, &rej),
                         -ENOENT);
        /* A query without its id. */
        q.ptr = "dossier";
        assert_int_equal(cc_intake_domain.query(fx->dom, fx->store, tp, q, &empty, 1, &out, &rej),
                         1);
        assert_int_equal(rej.code, CC_ERR_BAD_FIELD);
        cc_enc_deinit(&out);
    }
    free(tp);
}

/* A refusal at the counter is logged with its fields but stores no
 * dossier: the id stays unknown and may be received later. */
static void test_rejected_at_counter(void **state)
{
    fx_t *fx = *state;
    cc_principal_t *tp = principal("counter", "quay-tp", "SO-TP");
    snapshot_t before = snap(fx), after;
    cc_txn_t txn;
    MDB_val v;
    uint8_t key[8];
    tmsg_t rec, res;
    uint64_t seq;
    char buf[64];

    (void)state;
    assert_int_equal(push_now(fx, tp,
                              "rejected_at_counter dossier=HS-7 proc=TP-LLTP unit=SO-TP "
                              "channel=postal at=2025-03-03T09:00",
                              0, NULL, &seq),
                     0);
    after = snap(fx);
    assert_dump_equal(&before.dossier, &after.dossier);
    assert_int_equal(after.log.entries, before.log.entries + 1);
    snap_free(&after);
    snap_free(&before);
    /* The record: the four fields of PROTOCOL.md and the core's four. */
    assert_int_equal(cc_store_read_begin(fx->store, &txn), 0);
    cc_be64_put(key, seq);
    assert_int_equal(cc_txn_get(&txn, fx->log_dbi, key, 8, &v), 0);
    cc_enc_init(&rec.enc);
    cc_enc_raw(&rec.enc, v.mv_data, v.mv_size); /* a copy that outlives the txn */
    cc_txn_end(&txn);
    tmsg_decode(&rec, &cc_limits_reply);
    assert_int_equal(rec.msg.body.via.map.size, 8);
    assert_string_equal(str_of(&rec.msg.body, "type", buf, sizeof(buf)), "rejected_at_counter");
    assert_string_equal(str_of(&rec.msg.body, "dossier", buf, sizeof(buf)), "HS-7");
    assert_string_equal(str_of(&rec.msg.body, "unit", buf, sizeof(buf)), "SO-TP");
    assert_string_equal(str_of(&rec.msg.body, "proc", buf, sizeof(buf)), "TP-LLTP");
    assert_string_equal(str_of(&rec.msg.body, "channel", buf, sizeof(buf)), "postal");
    tmsg_free(&rec);

    assert_int_equal(query(fx, tp, "HS-7", &res), CC_ERR_UNKNOWN_DOSSIER);
    EXPECT(fx, tp, "resolved dossier=HS-7 at=2025-03-03T10:00", CC_ERR_UNKNOWN_DOSSIER);
    /* The citizen comes back with a complete dossier. */
    EXPECT(fx, tp,
           "received dossier=HS-7 proc=TP-LLTP unit=SO-TP channel=direct "
           "at=2025-03-04T09:00",
           0);
    assert_int_equal(query(fx, tp, "HS-7", &res), 0);
    assert_int_equal(cc_map_find(&res.msg.body, "history")->via.array.size, 1);
    tmsg_free(&res);
    free(tp);
}

/* Several events of one dossier in one transaction (one group commit). */
static void test_same_transaction(void **state)
{
    fx_t *fx = *state;
    cc_principal_t *tp = principal("counter", "quay-tp", "SO-TP");
    static const char *const specs[] = {
        RECV,
        "resolved at=2025-03-03T08:00", /* before_previous */
        "sos_requested kind=stop at=2025-03-03T10:00",
        "resolved at=2025-03-03T11:00", /* pending: illegal */
        "sos_reviewed approved=true at=2025-03-03T12:00",
        "received proc=TP-LLTP unit=SO-TP channel=direct at=2025-03-03T13:00", /* duplicate */
    };
    static const int want[] = {
        0, CC_ERR_BEFORE_PREVIOUS, 0, CC_ERR_ILLEGAL_TRANSITION, 0, CC_ERR_DUPLICATE_DOSSIER,
    };
    tmsg_t evs[CC_N(specs)];
    cc_reject_t rejs[CC_N(specs)];
    uint64_t seqs[CC_N(specs)];
    int results[CC_N(specs)];
    push_ctx_t c = { fx, tp, evs, CC_N(specs), T("2025-03-03T13:00"), results, rejs, seqs };
    char buf[64];
    tmsg_t res;

    (void)state;
    for (size_t i = 0; i < CC_N(specs); i++) {
        int64_t at;

        build_event(fx, specs[i], &evs[i], &at);
    }
    assert_int_equal(cc_store_write(fx->store, push_txn, &c), 0);
    for (size_t i = 0; i < CC_N(specs); i++) {
        int got = results[i] == 0 ? 0 : (int)rejs[i].code;

        if (got != want[i])
            fail_msg("%s: got %s", specs[i], got ? cc_err_name((cc_err_t)got) : "ok");
        tmsg_free(&evs[i]);
    }
    assert_int_equal(query(fx, tp, "HS-1", &res), 0);
    assert_string_equal(str_of(cc_map_find(&res.msg.body, "dossier"), "state", buf, sizeof(buf)),
                        "stopped");
    assert_int_equal(cc_map_find(&res.msg.body, "history")->via.array.size, 3);
    tmsg_free(&res);
    free(tp);
}

/* State survives closing and reopening; reload keeps working. */
static void test_reopen(void **state)
{
    fx_t *fx = *state;
    cc_principal_t *tp = principal("counter", "quay-tp", "SO-TP");
    snapshot_t before, after;
    char buf[64];
    tmsg_t res;

    EXPECT(fx, tp, RECV, 0);
    EXPECT(fx, tp, "extended promised=2025-03-20T17:00 at=2025-03-05T09:00", 0);
    before = snap(fx);
    fx_close(fx);
    fx_open(fx);
    after = snap(fx);
    assert_dump_equal(&before.dossier, &after.dossier);
    snap_free(&before);
    snap_free(&after);
    /* A reload replaces the catalog in the core's slot; the domain follows. */
    assert_int_equal(cc_daemon_reload_catalog(NULL, &fx->catalog), 0);
    EXPECT(fx, tp, "extended promised=2025-03-21T17:00 at=2025-03-06T09:00",
           CC_ERR_ILLEGAL_TRANSITION); /* the first extension was stored */
    EXPECT(fx, tp, "resolved at=2025-03-14T09:00", 0);
    assert_int_equal(query(fx, tp, "HS-1", &res), 0);
    assert_string_equal(str_of(cc_map_find(&res.msg.body, "dossier"), "class", buf, sizeof(buf)),
                        "early");
    assert_int_equal(cc_map_find(&res.msg.body, "history")->via.array.size, 3);
    tmsg_free(&res);
    cc_intake_domain.status(fx->dom, buf, sizeof(buf));
    assert_non_null(strstr(buf, "procedures"));
    free(tp);
}

/* Many dossiers through every kind of event and path of the lifecycle. */
static void push_varied_history(fx_t *fx, const cc_principal_t *tp)
{
    static const char *const stories[][8] = {
        { "transferred to=TTHCC at=2025-03-03T10:00",
          "consult_requested agency=SO-XD deadline=2025-03-07T17:00 at=2025-03-03T11:00",
          "fee_paid amount=200000 method=online at=2025-03-03T11:30",
          "consult_answered agency=SO-XD at=2025-03-04T09:00",
          "sos_requested kind=supplement at=2025-03-04T10:00",
          "sos_reviewed approved=true at=2025-03-04T11:00",
          "supplement_completed at=2025-03-12T10:00",
          "extended promised=2025-03-31T17:00 at=2025-03-26T09:00" },
        { "sos_requested kind=stop at=2025-03-04T10:00",
          "sos_reviewed approved=false at=2025-03-04T11:00",
          "sos_requested kind=supplement at=2025-03-10T10:00", /* late: rule broken */
          "sos_reviewed approved=true at=2025-03-10T11:00",
          "sos_requested kind=withdraw at=2025-03-11T10:00",
          "sos_reviewed approved=true at=2025-03-11T11:00", NULL },
        { "resolved at=2025-03-04T09:00", "digitized what=result at=2025-03-04T10:00",
          "returned method=counter at=2025-03-04T11:00",
          "rated rating=satisfied at=2025-03-04T12:00", NULL },
        { "sos_requested kind=refuse at=2025-03-05T10:00",
          "sos_reviewed approved=true at=2025-03-05T11:00", NULL },
        { "extended promised=2025-03-25T17:00 at=2025-03-05T09:00", "resolved at=2025-03-20T09:00",
          NULL },
    };

    for (size_t i = 0; i < 3 * CC_N(stories); i++) {
        char spec[200];

        snprintf(spec, sizeof(spec), "%s dossier=HS-R%zu", RECV, i);
        EXPECT(fx, tp, spec, 0);
        for (size_t j = 0; j < CC_N(stories[0]) && stories[i % CC_N(stories)][j]; j++) {
            snprintf(spec, sizeof(spec), "%s dossier=HS-R%zu", stories[i % CC_N(stories)][j], i);
            EXPECT(fx, tp, spec, 0);
        }
    }
    EXPECT(fx, tp,
           "rejected_at_counter proc=TP-LLTP unit=SO-TP channel=postal dossier=HS-REJ "
           "at=2025-03-03T09:30",
           0);
}

/* A rebuild from the log alone gives the state the lifecycle left, byte
 * for byte: dossiers and their history index. */
static void test_rebuild_matches(void **state)
{
    fx_t *fx = *state;
    cc_principal_t *tp = principal("counter", "quay-tp", "SO-TP,TTHCC");
    snapshot_t before, after;
    char err[256] = "";

    push_varied_history(fx, tp);
    before = snap(fx);
    assert_true(before.dossier.entries >= 15);
    assert_int_equal(cc_intake_domain.rebuild(fx->dom, fx->store, err, sizeof(err)), 0);
    after = snap(fx);
    assert_dump_equal(&before.dossier, &after.dossier);
    assert_dump_equal(&before.log, &after.log);
    snap_free(&after);
    /* And the daemon goes on from the rebuilt state. */
    EXPECT(fx, tp, "extended promised=2025-04-30T17:00 dossier=HS-R5 at=2025-03-27T09:00",
           CC_ERR_ILLEGAL_TRANSITION); /* its extension came back from the log */
    EXPECT(fx, tp, "resolved dossier=HS-R5 at=2025-03-27T09:00", 0);
    snap_free(&before);
    free(tp);
}

static int spoil_layout(cc_txn_t *txn, void *arg)
{
    fx_t *fx = arg;
    static const uint8_t old_record[40] = { 0 }; /* another size, version 0 */
    uint8_t seq[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };
    MDB_dbi old_history;
    int r;

    /* The history index of layout 1, which the rebuild removes. */
    if ((r = mdb_dbi_open(txn->txn, "dossier_events", MDB_CREATE | MDB_DUPSORT | MDB_DUPFIXED,
                          &old_history)) != 0 ||
        (r = cc_txn_put(txn, old_history, "HS-R1", 5, seq, sizeof(seq), 0)) < 0)
        return r > 0 ? -r : r;
    if ((r = cc_txn_put(txn, fx->dossier_dbi, "HS-R1", 5, old_record, sizeof(old_record), 0)) < 0)
        return r;
    if ((r = cc_txn_put(txn, fx->dossier_dbi, "HS-GONE", 7, old_record, sizeof(old_record), 0)) < 0)
        return r;
    return cc_txn_put_u64(txn, fx->meta_dbi, "layout",
                          0x0001); /* a layout this version does not write */
}

/* A store of another layout (records of another size and version, and
 * the separate history index of layout 1, as a previous version would leave
 * them) is rebuilt at open, not refused as corrupted; the old index is
 * gone. */
static void test_previous_layout_rebuilt(void **state)
{
    fx_t *fx = *state;
    cc_principal_t *tp = principal("counter", "quay-tp", "SO-TP,TTHCC");
    snapshot_t before, after;
    tmsg_t res;

    push_varied_history(fx, tp);
    before = snap(fx);
    assert_int_equal(cc_store_dbi(fx->store, "meta", 0, &fx->meta_dbi), 0);
    assert_int_equal(cc_store_write(fx->store, spoil_layout, fx), 0);
    fx_close(fx);
    fx_open(fx); /* rebuilds */
    after = snap(fx);
    assert_dump_equal(&before.dossier, &after.dossier);
    assert_int_equal(query(fx, tp, "HS-R1", &res), 0);
    tmsg_free(&res);
    {
        cc_txn_t txn;
        MDB_dbi dbi;

        assert_int_equal(cc_store_read_begin(fx->store, &txn), 0);
        assert_int_equal(mdb_dbi_open(txn.txn, "dossier_events", 0, &dbi), MDB_NOTFOUND);
        cc_txn_end(&txn);
    }
    snap_free(&before);
    snap_free(&after);
    free(tp);
}

/* The key of dossier @id's value in "dossier": the seq of its first log
 * record, the first of the history a query gives. Checked to hold a value
 * that names @id (its length byte, then its bytes). */
static uint64_t stored_key(fx_t *fx, const cc_principal_t *who, const char *id)
{
    const msgpack_object *history;
    uint8_t key[8], named[1 + CC_MAX_ID];
    uint64_t seq;
    cc_txn_t txn;
    tmsg_t res;
    MDB_val v;

    assert_int_equal(query(fx, who, id, &res), 0);
    history = cc_map_find(&res.msg.body, "history");
    assert_non_null(history);
    assert_true(history->via.array.size > 0);
    seq = history->via.array.ptr[0].via.array.ptr[0].via.u64;
    tmsg_free(&res);
    named[0] = (uint8_t)strlen(id);
    memcpy(named + 1, id, named[0]);
    cc_be64_put(key, seq);
    assert_int_equal(cc_store_read_begin(fx->store, &txn), 0);
    assert_int_equal(cc_txn_get(&txn, fx->dossier_dbi, key, sizeof(key), &v), 0);
    assert_non_null(memmem(v.mv_data, v.mv_size, named, 1 + named[0]));
    cc_txn_end(&txn);
    return seq;
}

typedef struct {
    fx_t *fx;
    uint64_t key; /* the dossier whose stored value to spoil */
    bool log_too; /* and the log record before the last */
    size_t keep;  /* the value cut to this many bytes; 0: a byte 0xc1 */
} spoil_t;

/* Spoil the dossier value under the key sp->key (a byte 0xc1, or the value
 * cut short) and, with sp->log_too, the log record before the last (a
 * byte 0xc1: not MessagePack). */
static int spoil_records(cc_txn_t *txn, void *arg)
{
    const spoil_t *sp = arg;
    fx_t *fx = sp->fx;
    static const uint8_t bad[1] = { 0xc1 };
    uint8_t key[8], cut[256];
    uint64_t last;
    MDB_val v;
    int r;

    if (sp->log_too) {
        if ((r = cc_log_last(txn, fx->log_dbi, &last)) < 0)
            return r;
        cc_be64_put(key, last - 1);
        if ((r = cc_txn_put(txn, fx->log_dbi, key, sizeof(key), bad, sizeof(bad), 0)) < 0)
            return r;
    }
    cc_be64_put(key, sp->key);
    if (sp->keep == 0)
        return cc_txn_put(txn, fx->dossier_dbi, key, sizeof(key), bad, sizeof(bad), 0);
    if ((r = cc_txn_get(txn, fx->dossier_dbi, key, sizeof(key), &v)) < 0)
        return r;
    if (sp->keep >= v.mv_size || sp->keep > sizeof(cut))
        return -EINVAL;
    memcpy(cut, v.mv_data, sp->keep);
    return cc_txn_put(txn, fx->dossier_dbi, key, sizeof(key), cut, sp->keep, 0);
}

/* A rebuild skips a record it cannot read and the later records of that
 * dossier (a fee paid for a receipt skipped stores no state that could not
 * be read back); an event for a dossier whose stored state cannot be read
 * is refused alone (internal), and the others go on. */
static void test_unreadable_records(void **state)
{
    fx_t *fx = *state;
    cc_principal_t *tp = principal("counter", "quay-tp", "SO-TP,TTHCC");
    spoil_t sp = { fx, 0, true, 0 };
    char err[256] = "";

    push_varied_history(fx, tp);
    EXPECT(fx, tp, RECV " dossier=HS-ORPH", 0);
    EXPECT(fx, tp, "fee_paid amount=200000 method=online at=2025-03-03T11:30 dossier=HS-ORPH", 0);
    sp.key = stored_key(fx, tp, "HS-R0");
    assert_int_equal(cc_store_write(fx->store, spoil_records, &sp), 0);
    assert_int_equal(cc_intake_domain.rebuild(fx->dom, fx->store, err, sizeof(err)), 0);
    expect_rejected(fx, tp,
                    "fee_paid amount=200000 method=online at=2025-03-03T12:30 dossier=HS-ORPH",
                    CC_ERR_UNKNOWN_DOSSIER, 0);
    EXPECT(fx, tp, RECV " dossier=HS-ORPH", 0); /* received again: a dossier like any other */
    assert_int_equal(stored_key(fx, tp, "HS-R0"), sp.key); /* the rebuild keyed it the same */
    assert_int_equal(cc_store_write(fx->store, spoil_records, &sp), 0);
    expect_rejected(fx, tp, "fee_paid amount=1000 method=online at=2025-03-28T09:00 dossier=HS-R0",
                    CC_ERR_INTERNAL, 0);
    EXPECT(fx, tp, "fee_paid amount=1000 method=online at=2025-03-28T09:00 dossier=HS-R1", 0);
    free(tp);
}

/* A dossier value spoiled on disk while the domain is closed (cut short:
 * it cannot be read, its id is unknown) makes the next open rebuild the
 * dossier state from the log by itself: that dossier's state and history
 * are right again, the table byte for byte what it was, and its events go
 * on. */
static void test_spoiled_rebuilt_at_open(void **state)
{
    fx_t *fx = *state;
    cc_principal_t *tp = principal("counter", "quay-tp", "SO-TP,TTHCC");
    spoil_t sp = { fx, 0, false, 10 };
    snapshot_t before, after;
    char buf[64];
    tmsg_t res;

    push_varied_history(fx, tp);
    EXPECT(fx, tp, "resolved dossier=HS-R5 at=2025-03-27T09:00", 0);
    sp.key = stored_key(fx, tp, "HS-R5");
    before = snap(fx);
    cc_intake_domain.close(&fx->dom);
    assert_null(fx->dom);
    assert_int_equal(cc_store_write(fx->store, spoil_records, &sp), 0);
    cc_store_close(&fx->store);
    fx_open(fx); /* finds the value it cannot read: rebuilds */
    after = snap(fx);
    assert_dump_equal(&before.dossier, &after.dossier);
    assert_dump_equal(&before.log, &after.log);
    assert_int_equal(query(fx, tp, "HS-R5", &res), 0);
    assert_string_equal(str_of(cc_map_find(&res.msg.body, "dossier"), "state", buf, sizeof(buf)),
                        "resolved");
    assert_string_equal(str_of(cc_map_find(&res.msg.body, "dossier"), "class", buf, sizeof(buf)),
                        "late");
    assert_int_equal(cc_map_find(&res.msg.body, "history")->via.array.size, 10);
    tmsg_free(&res);
    assert_int_equal(stored_key(fx, tp, "HS-R5"), sp.key);
    EXPECT(fx, tp, "resolved dossier=HS-R5 at=2025-03-28T09:00", CC_ERR_ILLEGAL_TRANSITION);
    EXPECT(fx, tp, "returned method=counter dossier=HS-R5 at=2025-03-28T09:00", 0);
    EXPECT(fx, tp, "fee_paid amount=1000 method=online at=2025-03-28T09:00 dossier=HS-R1", 0);
    snap_free(&before);
    snap_free(&after);
    free(tp);
}

/* Supervisors' notes on units: a reminder or a grade note from a supervisor
 * of the unit is logged; anyone else, another unit, a bad field, and a
 * dossier event from a supervisor are refused, with nothing stored. */
static void test_unit_notes(void **state)
{
    fx_t *fx = *state;
    cc_principal_t *gs = principal("supervisor", "gs-tp", "SO-TP");
    cc_principal_t *other = principal("supervisor", "gs-xd", "SO-XD");
    cc_principal_t *tp = principal("counter", "quay-tp", "SO-TP");
    static const char *const note =
        "reminder unit=SO-TP kind=reminder doc=5485/UBND-KGVX doc_date=2025-03-03T08:00 "
        "reason=cham_tham_muu at=2025-03-03T09:00";
    char spec[300];

    EXPECT(fx, gs, note, 0);
    EXPECT(fx, gs, "grade_note unit=SO-TP period=2025-H1 reason=tham_muu_tot at=2025-03-03T09:00",
           0);
    EXPECT(fx, gs,
           "grade_note unit=SO-TP period=2025-H1 grade=A+ reason=quyet_dinh at=2025-03-03T09:00",
           0);
    expect_rejected(fx, tp, note, CC_ERR_NOT_AUTHORIZED, 0);
    expect_rejected(fx, other, note, CC_ERR_NOT_AUTHORIZED, 0);
    expect_rejected(fx, gs, RECV, CC_ERR_NOT_AUTHORIZED, 0);
    expect_rejected(fx, gs,
                    "reminder unit=SO-TP kind=warning doc=1 doc_date=2025-03-03T08:00 reason=x "
                    "at=2025-03-03T09:00",
                    CC_ERR_BAD_FIELD, 0);
    expect_rejected(fx, gs,
                    "reminder unit=SO-TP kind=reminder doc=1 doc_date=2025-03-04T08:00 reason=x "
                    "at=2025-03-03T09:00",
                    CC_ERR_BAD_FIELD, 0);
    expect_rejected(fx, gs, "reminder unit=SO-TP kind=reminder doc=1 reason=x at=2025-03-03T09:00",
                    CC_ERR_BAD_FIELD, 0);
    expect_rejected(fx, gs, "grade_note unit=SO-TP period=2025-H3 reason=x at=2025-03-03T09:00",
                    CC_ERR_BAD_FIELD, 0);
    expect_rejected(fx, gs,
                    "grade_note unit=SO-TP period=2025-H1 grade=D reason=x at=2025-03-03T09:00",
                    CC_ERR_BAD_FIELD, 0);
    snprintf(spec, sizeof(spec), "%s", note);
    memcpy(strstr(spec, "at=2025-03-03T09"), "at=2099-03-03T09", 16);
    expect_rejected(fx, gs, spec, CC_ERR_FUTURE_EVENT, T("2025-03-03T09:00"));
    free(gs);
    free(other);
    free(tp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_may_push),
        cmocka_unit_test_setup_teardown(test_scope_receipt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scope_later, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rejections_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_history, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rejected_at_counter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unit_notes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rebuild_matches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreadable_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_previous_layout_rebuilt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spoiled_rebuilt_at_open, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
