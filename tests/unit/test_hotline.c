/* Unit tests of the hotline domain (daemons/hotline/hotline.c) on a real
 * LMDB store in a temporary directory, with the embedded demo catalogs.
 *
 * As test_intake.c, the test plays the core's part: it runs
 * cc_hotline_domain.apply inside cc_store_write() and appends the record
 * (eid, type, at, by + the domain's pairs) when the event is accepted.
 * Escalation runs through cc_hotline_escalate() with an append function
 * that does the same. Every rejection is checked to leave all eight
 * databases byte for byte unchanged; the log is checked never to contain
 * the caller's details or texts.
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
#include "cc_store.h"
#include "complaint.h"
#include "hotline.h"
#include "redact.h"
#include "support.h"

#define CALLER "Nguyễn Văn An"
#define PHONE "0912 345 678"
#define TEXT                                                                                                     \
    "Tôi là Nguyễn Văn An, CCCD 075201001234, phản ánh hồ sơ 000.00.14.H19-230515-0001 trễ hạn; " \
    "gọi 0912345678"

static const char *const dbs[] = { "contact",   "pakn",      "pakn_events",
                                   "personal",  "published", "pakn_timer",
                                   "pakn_open", "log",       "pakn_retention" };

typedef struct {
    char dir[256];
    cc_store_t *store;
    cc_catalog_t *catalog; /* the slot the core would own */
    void *dom;
    MDB_dbi dbi[9];
    cc_evd_settings_t set; /* state_dir: where the personal data key is made */
    unsigned eids;
    cc_principal_t *agent, *cp_tp, *cp_hcc, *sup_tp, *oper;
} fx_t;

/* "type|key=value|..." -> the ev map with a fresh eid (unless eid= is
 * given); "at" takes ISO times; true/false are booleans; the rest strings. */
static void build_event(fx_t *fx, const char *spec, tmsg_t *m, int64_t *ret_at)
{
    char buf[2048], eid[32], *save = NULL, *tok;
    const char *toks[32];
    size_t n = 0;
    bool has_eid = false;
    cc_enc_t *e = &m->enc;

    snprintf(buf, sizeof(buf), "%s", spec);
    for (tok = strtok_r(buf, "|", &save); tok; tok = strtok_r(NULL, "|", &save))
        toks[n++] = tok;
    for (size_t i = 1; i < n; i++)
        has_eid |= strncmp(toks[i], "eid=", 4) == 0;
    snprintf(eid, sizeof(eid), "e-%u", ++fx->eids);
    cc_enc_init(e);
    cc_enc_map(e, 1 + (n - 1) + !has_eid);
    if (!has_eid)
        cc_enc_kv_str(e, "eid", eid);
    cc_enc_kv_str(e, "type", toks[0]);
    *ret_at = 0;
    for (size_t i = 1; i < n; i++) {
        const char *eq = strchr(toks[i], '=');
        const char *v = eq + 1;

        cc_enc_strn(e, toks[i], (size_t)(eq - toks[i]));
        if (strncmp(toks[i], "at=", 3) == 0) {
            *ret_at = T(v);
            cc_enc_i64(e, *ret_at);
        } else if (!strcmp(v, "true") || !strcmp(v, "false")) {
            cc_enc_bool(e, v[0] == 't');
        } else {
            cc_enc_str(e, v);
        }
    }
    tmsg_decode(m, NULL);
}

/* ---- The core's part ----------------------------------------------------------------- */

/* Append a record as cc_evd.c's append_record() does (without dedupe). */
static int append_rec(cc_txn_t *txn, fx_t *fx, cc_str_t eid, cc_str_t type, int64_t at,
                      const char *by, const cc_enc_t *pairs, uint64_t *ret_seq)
{
    cc_enc_t rec;
    size_t map;
    int r;

    cc_enc_init(&rec);
    map = cc_enc_map_open(&rec);
    cc_enc_kv_strn(&rec, "eid", eid.ptr, eid.len);
    cc_enc_kv_strn(&rec, "type", type.ptr, type.len);
    cc_enc_kv_i64(&rec, "at", at);
    cc_enc_kv_str(&rec, "by", by);
    cc_enc_raw(&rec, pairs->buf.data, pairs->buf.size);
    cc_enc_map_close(&rec, map);
    r = cc_log_append(txn, fx->dbi[7], rec.buf.data, rec.buf.size, ret_seq);
    cc_enc_deinit(&rec);
    return r;
}

typedef struct {
    fx_t *fx;
    const cc_principal_t *who;
    tmsg_t *ev;
    int64_t now;
    int result;
    cc_reject_t rej;
} push_ctx_t;

static int push_txn(cc_txn_t *txn, void *arg)
{
    push_ctx_t *c = arg;
    const msgpack_object *ev = &c->ev->msg.body;
    uint64_t last = 0, seq = 0;
    cc_enc_t pairs;
    cc_str_t eid, type;
    int64_t at;
    int r;

    c->result = 1;
    if ((r = cc_log_last(txn, c->fx->dbi[7], &last)) < 0)
        return r;
    cc_enc_init(&pairs);
    r = cc_hotline_domain.apply(c->fx->dom, txn, c->who, ev, c->now, last + 1, &pairs, &c->rej);
    if (r == 0) {
        cc_map_str(ev, "eid", &eid);
        cc_map_str(ev, "type", &type);
        cc_map_i64(ev, "at", &at);
        r = append_rec(txn, c->fx, eid, type, at, c->who->who, &pairs, &seq);
        if (r == 0) {
            assert_int_equal(seq, last + 1);
            c->result = 0;
        }
    }
    cc_enc_deinit(&pairs);
    return r < 0 ? r : 0;
}

/* Push one event; 0 when accepted, else the rejection code. @now 0 means
 * the event's own time. */
static int push_now(fx_t *fx, const cc_principal_t *who, const char *spec, int64_t now,
                    cc_reject_t *ret_rej)
{
    tmsg_t msg;
    int64_t at;
    push_ctx_t c = { fx, who, &msg, 0, -1, { 0 } };

    build_event(fx, spec, &msg, &at);
    c.now = now ? now : at;
    assert_int_equal(cc_store_write(fx->store, push_txn, &c), 0);
    tmsg_free(&msg);
    if (ret_rej)
        *ret_rej = c.rej;
    if (c.result == 0)
        return 0;
    assert_int_equal(c.result, 1);
    assert_true(c.rej.code != 0 && c.rej.vi[0] && c.rej.en[0]);
    /* Rejection reasons may reach the log: never personal data. */
    assert_null(strstr(c.rej.en, "Nguy"));
    assert_null(strstr(c.rej.vi, "Nguy"));
    assert_null(strstr(c.rej.en, "0912"));
    return (int)c.rej.code;
}

#define OK(fx, who, spec)                                                                          \
    do {                                                                                           \
        cc_reject_t rej_;                                                                          \
        int got_ = push_now((fx), (who), (spec), 0, &rej_);                                        \
        if (got_ != 0)                                                                             \
            fail_msg("line %d: %s: refused %s: %s", __LINE__, (spec), cc_err_name((cc_err_t)got_), \
                     rej_.en);                                                                     \
    } while (0)

typedef struct {
    int64_t at;
    fx_t *fx;
} esc_ctx_t;

static int test_append(void *ctx, cc_txn_t *txn, const char *eid, const char *type, int64_t at,
                       const cc_enc_t *pairs, uint64_t *ret_seq)
{
    fx_t *fx = ctx;

    return append_rec(txn, fx, (cc_str_t){ eid, strlen(eid) }, (cc_str_t){ type, strlen(type) }, at,
                      "hotline", pairs, ret_seq);
}

typedef struct {
    fx_t *fx;
    int64_t now;
    size_t count;
} tick_t;

static int tick_txn(cc_txn_t *txn, void *arg)
{
    tick_t *t = arg;

    return cc_hotline_escalate(t->fx->dom, txn, t->now, test_append, t->fx, &t->count);
}

static size_t tick(fx_t *fx, const char *now)
{
    tick_t t = { fx, T(now), 0 };

    assert_int_equal(cc_store_write(fx->store, tick_txn, &t), 0);
    return t.count;
}

/* ---- Store dumps ------------------------------------------------------------------------ */

typedef struct {
    uint8_t *data;
    size_t len;
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

/* Every key/value of every database, in one buffer. */
static dump_t snap(fx_t *fx)
{
    dump_t d = { NULL, 0 };
    cc_txn_t txn;

    assert_int_equal(cc_store_read_begin(fx->store, &txn), 0);
    for (size_t i = 0; i < CC_N(dbs); i++) {
        MDB_cursor *cur;
        MDB_val k, v;
        int r;

        assert_int_equal(mdb_cursor_open(txn.txn, fx->dbi[i], &cur), 0);
        for (r = mdb_cursor_get(cur, &k, &v, MDB_FIRST); r == 0;
             r = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
            dump_add(&d, k.mv_data, k.mv_size);
            dump_add(&d, v.mv_data, v.mv_size);
        }
        assert_int_equal(r, MDB_NOTFOUND);
        mdb_cursor_close(cur);
        dump_add(&d, "|", 1);
    }
    cc_txn_end(&txn);
    return d;
}

static void expect_rejected_now(fx_t *fx, const cc_principal_t *who, const char *spec, int code,
                                int64_t now, int line)
{
    dump_t before = snap(fx), after;
    cc_reject_t rej;
    int got = push_now(fx, who, spec, now, &rej);

    if (got != code)
        fail_msg("line %d: %s: got %s, want %s", line, spec,
                 got ? cc_err_name((cc_err_t)got) : "ok", cc_err_name((cc_err_t)code));
    after = snap(fx);
    assert_int_equal(before.len, after.len);
    assert_memory_equal(before.data, after.data, before.len);
    free(before.data);
    free(after.data);
}

#define REJECT(fx, who, spec, code) expect_rejected_now((fx), (who), (spec), (code), 0, __LINE__)

/* ---- Reading back ------------------------------------------------------------------------ */

/* The last log record, decoded (caller deinits). */
static void last_record(fx_t *fx, tmsg_t *ret)
{
    uint64_t last;
    cc_txn_t txn;
    MDB_val v;
    uint8_t key[8];

    assert_int_equal(cc_store_read_begin(fx->store, &txn), 0);
    assert_int_equal(cc_log_last(&txn, fx->dbi[7], &last), 0);
    cc_be64_put(key, last);
    assert_int_equal(cc_txn_get(&txn, fx->dbi[7], key, 8, &v), 0);
    cc_enc_init(&ret->enc);
    cc_enc_raw(&ret->enc, v.mv_data, v.mv_size);
    cc_txn_end(&txn);
    tmsg_decode(ret, &cc_limits_reply);
}

/* Check the last record: type, state, level, unit, due. */
static void expect_record(fx_t *fx, const char *type, const char *state, int level,
                          const char *unit, const char *due)
{
    tmsg_t m;
    char buf[128];

    last_record(fx, &m);
    assert_string_equal(str_of(&m.msg.body, "type", buf, sizeof(buf)), type);
    assert_string_equal(str_of(&m.msg.body, "state", buf, sizeof(buf)), state);
    assert_int_equal(int_of(&m.msg.body, "level"), level);
    assert_string_equal(str_of(&m.msg.body, "unit", buf, sizeof(buf)), unit);
    if (due)
        assert_int_equal(int_of(&m.msg.body, "due"), T(due));
    tmsg_free(&m);
}

static int query(fx_t *fx, const cc_principal_t *who, const char *q, const char *key,
                 const char *val, tmsg_t *ret)
{
    cc_reject_t rej = { 0 };
    tmsg_t body;
    cc_str_t qs = { q, strlen(q) };
    int r;

    cc_enc_init(&body.enc);
    cc_enc_map(&body.enc, 3);
    cc_enc_kv_u64(&body.enc, "rid", 7);
    cc_enc_kv_str(&body.enc, "q", q);
    cc_enc_kv_str(&body.enc, key, val);
    tmsg_decode(&body, NULL);
    memset(ret, 0, sizeof(*ret));
    cc_enc_init(&ret->enc);
    r = cc_hotline_domain.query(fx->dom, fx->store, who, qs, &body.msg.body, 7, &ret->enc, &rej);
    if (r == 0) {
        tmsg_decode(ret, &cc_limits_reply);
    } else {
        assert_int_equal(r, 1);
        cc_enc_deinit(&ret->enc);
    }
    tmsg_free(&body);
    return r == 0 ? 0 : (int)rej.code;
}

/* Whether @needle occurs anywhere in the store: every key and value of
 * every database (what mdb_dump would show). */
static bool store_contains(fx_t *fx, const char *needle)
{
    dump_t d = snap(fx);
    bool found = memmem(d.data, d.len, needle, strlen(needle)) != NULL;

    free(d.data);
    return found;
}

/* Whether @needle occurs anywhere in the log's bytes. */
static bool log_contains(fx_t *fx, const char *needle)
{
    cc_txn_t txn;
    MDB_cursor *cur;
    MDB_val k, v;
    bool found = false;

    assert_int_equal(cc_store_read_begin(fx->store, &txn), 0);
    assert_int_equal(mdb_cursor_open(txn.txn, fx->dbi[7], &cur), 0);
    while (!found && mdb_cursor_get(cur, &k, &v, MDB_NEXT) == 0)
        found = memmem(v.mv_data, v.mv_size, needle, strlen(needle)) != NULL;
    mdb_cursor_close(cur);
    cc_txn_end(&txn);
    return found;
}

/* ---- Fixture ------------------------------------------------------------------------------- */

static int setup(void **state)
{
    fx_t *fx = calloc(1, sizeof(*fx));
    char err[512];

    assert_non_null(fx);
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_hotline.XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    fx->set.d.state_dir = fx->dir;
    assert_int_equal(cc_store_open(fx->dir, NULL, &fx->store), 0);
    assert_int_equal(cc_catalog_load(NULL, &fx->catalog, err, sizeof(err)), 0);
    assert_int_equal(
        cc_hotline_domain.open(&fx->dom, fx->store, &fx->catalog, &fx->set, err, sizeof(err)), 0);
    for (size_t i = 0; i < CC_N(dbs); i++)
        assert_int_equal(
            cc_store_dbi(fx->store, dbs[i], i == 2 ? MDB_DUPSORT | MDB_DUPFIXED : 0, &fx->dbi[i]),
            0);
    fx->agent = principal_of(CC_ROLE_AGENT, "tdv-01", NULL);
    fx->cp_tp = principal_of(CC_ROLE_CONTACT_POINT, "daumoi-sotp", "SO-TP");
    fx->cp_hcc = principal_of(CC_ROLE_CONTACT_POINT, "daumoi-tthcc", "TTHCC");
    fx->sup_tp = principal_of(CC_ROLE_SUPERVISOR, "gs-sotp", "SO-TP");
    fx->oper = principal_of(CC_ROLE_OPERATOR, "vanhanh", NULL);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fx_t *fx = *state;

    cc_hotline_domain.close(&fx->dom);
    cc_store_close(&fx->store);
    cc_catalog_destroy(&fx->catalog);
    rm_tree(fx->dir);
    free(fx->agent);
    free(fx->cp_tp);
    free(fx->cp_hcc);
    free(fx->sup_tp);
    free(fx->oper);
    free(fx);
    return 0;
}

/* Received Mon 3/3/2025 10:00 (level 1 due 17:00 that day). */
static void receive(fx_t *fx, const char *id)
{
    char spec[1024];

    snprintf(spec, sizeof(spec),
             "pakn_received|pakn=%s|at=2025-03-03T10:00|text=" TEXT "|caller_name=" CALLER
             "|caller_phone=" PHONE "|dossier=000.00.14.H19-230515-0001",
             id);
    OK(fx, fx->agent, spec);
}

/* ---- Tests --------------------------------------------------------------------------------- */

static void test_contacts(void **state)
{
    fx_t *fx = *state;
    tmsg_t m;
    char buf[64];

    OK(fx, fx->agent,
       "contact|contact=C-1|ctype=information|channel=phone|at=2025-03-03T08:00|closed=true");
    last_record(fx, &m);
    assert_string_equal(str_of(&m.msg.body, "ctype", buf, sizeof(buf)), "information");
    assert_string_equal(str_of(&m.msg.body, "channel", buf, sizeof(buf)), "phone");
    assert_string_equal(str_of(&m.msg.body, "unit", buf, sizeof(buf)), "");
    assert_true(bool_of(&m.msg.body, "closed"));
    assert_string_equal(str_of(&m.msg.body, "by", buf, sizeof(buf)), "tdv-01");
    tmsg_free(&m);
    OK(fx, fx->agent,
       "contact|contact=C-2|ctype=postal|channel=zalo|unit=TTHCC|agent=tdv-01|at=2025-03-03T08:05");
    OK(fx, fx->agent, "contact|contact=C-3|ctype=guidance|channel=portal|at=2025-03-03T08:06");
    OK(fx, fx->agent, "contact|contact=C-4|ctype=pakn|channel=email|at=2025-03-03T08:07");
    OK(fx, fx->agent, "contact|contact=C-5|ctype=information|channel=app|at=2025-03-03T08:08");
    OK(fx, fx->agent, "contact_closed|contact=C-2|at=2025-03-04T08:00");
    REJECT(fx, fx->agent, "contact_closed|contact=C-2|at=2025-03-04T08:00",
           CC_ERR_ILLEGAL_TRANSITION);
    REJECT(fx, fx->agent, "contact_closed|contact=C-4|at=2025-03-04T08:00",
           CC_ERR_ILLEGAL_TRANSITION);
    REJECT(fx, fx->agent, "contact_closed|contact=C-9|at=2025-03-04T08:00", CC_ERR_BAD_FIELD);
    REJECT(fx, fx->agent, "contact|contact=C-1|ctype=information|channel=phone|at=2025-03-03T09:00",
           CC_ERR_ILLEGAL_TRANSITION);
    REJECT(fx, fx->agent,
           "contact|contact=C-6|ctype=postal|channel=phone|closed=true|at=2025-03-03T09:00",
           CC_ERR_ILLEGAL_TRANSITION);
    REJECT(fx, fx->agent,
           "contact|contact=C-6|ctype=pakn|channel=phone|closed=true|at=2025-03-03T09:00",
           CC_ERR_ILLEGAL_TRANSITION);
    REJECT(fx, fx->agent, "contact|contact=C-6|ctype=postal|channel=fax|at=2025-03-03T09:00",
           CC_ERR_BAD_FIELD);
    REJECT(fx, fx->agent,
           "contact|contact=C-6|ctype=postal|channel=app|unit=NO-SUCH|at=2025-03-03T09:00",
           CC_ERR_UNKNOWN_UNIT);
    REJECT(fx, fx->agent,
           "contact|contact=C-6|ctype=postal|channel=app|agent=tdv-02|at=2025-03-03T09:00",
           CC_ERR_NOT_AUTHORIZED);
    REJECT(fx, fx->cp_tp, "contact|contact=C-6|ctype=postal|channel=app|at=2025-03-03T09:00",
           CC_ERR_NOT_AUTHORIZED);
    /* A complaint may name its contact, which must be a pakn contact. */
    REJECT(fx, fx->agent, "pakn_received|pakn=P-9|contact=C-1|text=x|at=2025-03-03T09:00",
           CC_ERR_BAD_FIELD);
    REJECT(fx, fx->agent, "pakn_received|pakn=P-9|contact=C-404|text=x|at=2025-03-03T09:00",
           CC_ERR_BAD_FIELD);
    OK(fx, fx->agent, "pakn_received|pakn=P-9|contact=C-4|text=x|at=2025-03-03T09:00");
}

/* The whole life of a complaint, each step with its rejections. */
static void test_lifecycle(void **state)
{
    fx_t *fx = *state;
    tmsg_t m;
    char buf[512];

    receive(fx, "P-1");
    expect_record(fx, "pakn_received", "received", 1, "", "2025-03-03T17:00");
    last_record(fx, &m);
    assert_string_equal(str_of(&m.msg.body, "dossier", buf, sizeof(buf)),
                        "000.00.14.H19-230515-0001");
    assert_string_equal(str_of(&m.msg.body, "category", buf, sizeof(buf)), "");
    assert_false(bool_of(&m.msg.body, "urgent"));
    assert_null(cc_map_find(&m.msg.body, "text"));
    assert_null(cc_map_find(&m.msg.body, "caller_name"));
    tmsg_free(&m);
    REJECT(fx, fx->agent, "pakn_received|pakn=P-1|text=again|at=2025-03-03T10:01",
           CC_ERR_ILLEGAL_TRANSITION);
    REJECT(fx, fx->agent, "pakn_assigned|pakn=P-1|unit=SO-TP|at=2025-03-03T10:05",
           CC_ERR_ILLEGAL_TRANSITION);
    REJECT(fx, fx->agent, "pakn_answered|pakn=P-1|answer=x|at=2025-03-03T10:05",
           CC_ERR_ILLEGAL_TRANSITION);
    REJECT(fx, fx->agent, "pakn_published|pakn=P-1|at=2025-03-03T10:05", CC_ERR_ILLEGAL_TRANSITION);
    REJECT(fx, fx->agent, "pakn_closed|pakn=P-1|at=2025-03-03T10:05", CC_ERR_ILLEGAL_TRANSITION);
    REJECT(fx, fx->agent, "pakn_reopened|pakn=P-1|at=2025-03-03T10:05", CC_ERR_ILLEGAL_TRANSITION);
    REJECT(fx, fx->agent, "pakn_classified|pakn=P-1|category=other|at=2025-03-03T10:05",
           CC_ERR_BAD_FIELD);
    REJECT(fx, fx->agent, "pakn_classified|pakn=P-1|category=procedure|at=2025-03-03T09:00",
           CC_ERR_BEFORE_PREVIOUS);
    REJECT(fx, fx->agent, "pakn_classified|pakn=P-2|category=procedure|at=2025-03-03T10:05",
           CC_ERR_UNKNOWN_COMPLAINT);
    REJECT(fx, fx->cp_tp, "pakn_classified|pakn=P-1|category=procedure|at=2025-03-03T10:05",
           CC_ERR_NOT_AUTHORIZED);
    expect_rejected_now(fx, fx->agent,
                        "pakn_classified|pakn=P-1|category=procedure|at=2025-03-03T11:00",
                        CC_ERR_FUTURE_EVENT, T("2025-03-03T10:05"), __LINE__);
    OK(fx, fx->agent, "pakn_classified|pakn=P-1|category=procedure|at=2025-03-03T10:05");
    expect_record(fx, "pakn_classified", "classified", 1, "", "2025-03-03T17:00");
    REJECT(fx, fx->agent, "pakn_assigned|pakn=P-1|unit=NO-SUCH|at=2025-03-03T10:10",
           CC_ERR_UNKNOWN_UNIT);
    REJECT(fx, fx->agent, "pakn_accepted|pakn=P-1|at=2025-03-03T10:10", CC_ERR_NOT_AUTHORIZED);
    OK(fx, fx->agent, "pakn_assigned|pakn=P-1|unit=SO-TP|at=2025-03-03T10:10");
    expect_record(fx, "pakn_assigned", "assigned", 2, "SO-TP", "2025-03-24T17:00");
    /* Scope: another unit's contact point, the agent on the unit's part. */
    REJECT(fx, fx->cp_hcc, "pakn_accepted|pakn=P-1|at=2025-03-03T10:20", CC_ERR_NOT_AUTHORIZED);
    REJECT(fx, fx->agent, "pakn_accepted|pakn=P-1|at=2025-03-03T10:20", CC_ERR_NOT_AUTHORIZED);
    REJECT(fx, fx->cp_tp, "pakn_answered|pakn=P-1|answer=x|at=2025-03-03T10:20",
           CC_ERR_ILLEGAL_TRANSITION);
    REJECT(fx, fx->agent, "pakn_forwarded|pakn=P-1|outside=Bộ Tư pháp|at=2025-03-03T10:20",
           CC_ERR_ILLEGAL_TRANSITION);
    OK(fx, fx->cp_tp, "pakn_accepted|pakn=P-1|at=2025-03-03T10:20");
    expect_record(fx, "pakn_accepted", "accepted", 2, "SO-TP", NULL);
    REJECT(fx, fx->cp_hcc, "pakn_answered|pakn=P-1|answer=x|at=2025-03-03T10:30",
           CC_ERR_NOT_AUTHORIZED);
    REJECT(fx, fx->agent, "pakn_answered|pakn=P-1|answer=x|at=2025-03-03T10:30",
           CC_ERR_NOT_AUTHORIZED);
    REJECT(fx, fx->cp_tp, "pakn_accepted|pakn=P-1|at=2025-03-03T10:30", CC_ERR_ILLEGAL_TRANSITION);
    OK(fx, fx->cp_tp,
       "pakn_answered|pakn=P-1|at=2025-03-05T09:00|answer=Kính gửi ông NGUYỄN VĂN AN "
       "(ĐT 0912.345.678): hồ sơ 000.00.14.H19-230515-0001 đã có kết quả ngày 04/3/2025.");
    expect_record(fx, "pakn_answered", "answered", 2, "SO-TP", NULL);
    last_record(fx, &m);
    assert_true(bool_of(&m.msg.body, "on_time"));
    tmsg_free(&m);
    REJECT(fx, fx->cp_tp, "pakn_published|pakn=P-1|at=2025-03-05T10:00", CC_ERR_NOT_AUTHORIZED);
    REJECT(fx, fx->agent, "pakn_closed|pakn=P-1|at=2025-03-05T10:00", CC_ERR_ILLEGAL_TRANSITION);
    OK(fx, fx->agent, "pakn_published|pakn=P-1|at=2025-03-10T10:00"); /* Wed + 2 = Fri: late */
    expect_record(fx, "pakn_published", "published", 2, "SO-TP", NULL);
    last_record(fx, &m);
    assert_true(bool_of(&m.msg.body, "late"));
    tmsg_free(&m);
    OK(fx, fx->agent, "pakn_closed|pakn=P-1|at=2025-03-10T11:00");
    expect_record(fx, "pakn_closed", "closed", 2, "SO-TP", NULL);
    REJECT(fx, fx->agent, "pakn_closed|pakn=P-1|at=2025-03-10T11:30", CC_ERR_ILLEGAL_TRANSITION);
    /* Not satisfied: back to the unit, with a new level-2 deadline. */
    OK(fx, fx->agent, "pakn_reopened|pakn=P-1|at=2025-03-11T09:00");
    expect_record(fx, "pakn_reopened", "assigned", 2, "SO-TP", "2025-04-01T17:00");
    last_record(fx, &m);
    assert_int_equal(int_of(&m.msg.body, "reopened"), 1);
    tmsg_free(&m);
    OK(fx, fx->cp_tp, "pakn_accepted|pakn=P-1|at=2025-03-11T10:00");

    /* The query: history, published answer redacted, caller shown only to
     * agents and operators. */
    assert_int_equal(query(fx, fx->agent, "pakn", "id", "P-1", &m), 0);
    {
        const msgpack_object *p = cc_map_find(&m.msg.body, "pakn");
        const msgpack_object *h = cc_map_find(&m.msg.body, "history");

        assert_non_null(p);
        assert_non_null(h);
        assert_int_equal(h->via.array.size, 9);
        assert_string_equal(str_of(p, "state", buf, sizeof(buf)), "accepted");
        assert_string_equal(str_of(p, "caller_name", buf, sizeof(buf)), CALLER);
        assert_string_equal(str_of(p, "text", buf, sizeof(buf)), TEXT);
        assert_string_equal(str_of(p, "published", buf, sizeof(buf)),
                            "Kính gửi ông " CC_REDACTED " (ĐT " CC_REDACTED "): hồ sơ "
                            "000.00.14.H19-230515-0001 đã có kết quả ngày 04/3/2025.");
        assert_int_equal(int_of(p, "reopened"), 1);
    }
    tmsg_free(&m);
    assert_int_equal(query(fx, fx->cp_tp, "pakn", "id", "P-1", &m), 0);
    {
        const msgpack_object *p = cc_map_find(&m.msg.body, "pakn");

        assert_null(cc_map_find(p, "caller_name"));
        assert_null(cc_map_find(p, "caller_phone"));
        assert_string_equal(str_of(p, "text", buf, sizeof(buf)),
                            "Tôi là " CC_REDACTED ", CCCD " CC_REDACTED ", phản ánh hồ sơ "
                            "000.00.14.H19-230515-0001 trễ hạn; gọi " CC_REDACTED);
    }
    tmsg_free(&m);
    assert_int_equal(query(fx, fx->sup_tp, "pakn", "id", "P-1", &m), 0);
    tmsg_free(&m);
    assert_int_equal(query(fx, fx->cp_hcc, "pakn", "id", "P-1", &m), CC_ERR_NOT_AUTHORIZED);
    assert_int_equal(query(fx, fx->agent, "pakn", "id", "P-404", &m), CC_ERR_UNKNOWN_COMPLAINT);

    /* No personal data anywhere in the log. */
    assert_false(log_contains(fx, CALLER));
    assert_false(log_contains(fx, "NGUYỄN"));
    assert_false(log_contains(fx, PHONE));
    assert_false(log_contains(fx, "0912"));
    assert_false(log_contains(fx, "075201001234"));
    assert_false(log_contains(fx, "Kính gửi"));
    /* Nor anywhere in the store: the personal database is sealed, the
     * published answer redacted. */
    assert_false(store_contains(fx, CALLER));
    assert_false(store_contains(fx, "NGUYỄN"));
    assert_false(store_contains(fx, "Nguy"));
    assert_false(store_contains(fx, "0912"));
    assert_false(store_contains(fx, "075201001234"));
    assert_false(store_contains(fx, "trễ hạn"));
}

/* Level 1 answered by the hotline; forwarding outside the province. */
static void test_level1_and_forward(void **state)
{
    fx_t *fx = *state;
    tmsg_t m;

    OK(fx, fx->agent, "pakn_received|pakn=P-1|text=x|at=2025-03-03T10:00|urgent=true");
    expect_record(fx, "pakn_received", "received", 1, "", "2025-03-03T15:30"); /* 4 office hours */
    OK(fx, fx->agent, "pakn_classified|pakn=P-1|category=proposal|at=2025-03-03T10:01");
    OK(fx, fx->agent, "pakn_answered|pakn=P-1|answer=Cảm ơn đề xuất|at=2025-03-03T15:31");
    last_record(fx, &m);
    assert_false(bool_of(&m.msg.body, "on_time"));
    assert_true(bool_of(&m.msg.body, "urgent"));
    tmsg_free(&m);
    OK(fx, fx->agent, "pakn_published|pakn=P-1|at=2025-03-04T08:00");
    OK(fx, fx->agent, "pakn_reopened|pakn=P-1|at=2025-03-04T09:00");
    expect_record(fx, "pakn_reopened", "classified", 1, "", "2025-03-04T14:30");

    OK(fx, fx->agent, "pakn_received|pakn=P-2|text=x|at=2025-03-03T10:00");
    OK(fx, fx->agent,
       "pakn_forwarded|pakn=P-2|outside=Bảo hiểm xã hội Việt Nam|at=2025-03-04T10:00");
    expect_record(fx, "pakn_forwarded", "forwarded", 1, "", NULL);
    last_record(fx, &m);
    assert_false(bool_of(&m.msg.body, "late"));
    tmsg_free(&m);
    REJECT(fx, fx->agent, "pakn_reopened|pakn=P-2|at=2025-03-05T10:00", CC_ERR_ILLEGAL_TRANSITION);
    REJECT(fx, fx->agent, "pakn_escalated|pakn=P-2|at=2025-03-05T10:00", CC_ERR_NOT_AUTHORIZED);
    REJECT(fx, fx->agent, "pakn_closed|eid=esc:P-2:2|pakn=P-2|at=2025-03-05T10:00",
           CC_ERR_BAD_FIELD);
    OK(fx, fx->agent, "pakn_closed|pakn=P-2|at=2025-03-05T10:00");

    /* Refused: final, with its reason; late after 2 working days. */
    OK(fx, fx->agent, "pakn_received|pakn=P-3|text=x|at=2025-03-03T10:00");
    REJECT(fx, fx->cp_tp, "pakn_refused|pakn=P-3|reason=anonymous|at=2025-03-06T10:00",
           CC_ERR_NOT_AUTHORIZED);
    REJECT(fx, fx->agent, "pakn_refused|pakn=P-3|reason=rude|at=2025-03-06T10:00",
           CC_ERR_BAD_FIELD);
    OK(fx, fx->agent, "pakn_refused|pakn=P-3|reason=anonymous|at=2025-03-06T10:00");
    expect_record(fx, "pakn_refused", "refused", 1, "", NULL);
    last_record(fx, &m);
    {
        char buf[32];

        assert_string_equal(str_of(&m.msg.body, "reason", buf, sizeof(buf)), "anonymous");
    }
    assert_true(bool_of(&m.msg.body, "late"));
    tmsg_free(&m);
    REJECT(fx, fx->agent, "pakn_classified|pakn=P-3|category=proposal|at=2025-03-06T11:00",
           CC_ERR_ILLEGAL_TRANSITION);
    REJECT(fx, fx->agent, "pakn_reopened|pakn=P-3|at=2025-03-06T11:00", CC_ERR_ILLEGAL_TRANSITION);
    /* Never escalated: it is not waiting for an answer. The reopened P-1
     * is: level 2, level 3, then overdue. */
    assert_int_equal(tick(fx, "2025-12-31T00:00"), 3);
    assert_int_equal(query(fx, fx->agent, "pakn", "id", "P-3", &m), 0);
    {
        const msgpack_object *p = cc_map_find(&m.msg.body, "pakn");
        char buf[32];

        assert_string_equal(str_of(p, "state", buf, sizeof(buf)), "refused");
        assert_string_equal(str_of(p, "refusal", buf, sizeof(buf)), "anonymous");
        assert_int_equal(int_of(p, "escalations"), 0);
        assert_false(bool_of(p, "overdue"));
    }
    tmsg_free(&m);
}

/* The last record's eid is "esc:<its own seq>". */
static void expect_own_seq_eid(fx_t *fx)
{
    char want[32], buf[64];
    uint64_t last;
    cc_txn_t txn;
    tmsg_t m;

    assert_int_equal(cc_store_read_begin(fx->store, &txn), 0);
    assert_int_equal(cc_log_last(&txn, fx->dbi[7], &last), 0);
    cc_txn_end(&txn);
    snprintf(want, sizeof(want), "esc:%llu", (unsigned long long)last);
    last_record(fx, &m);
    assert_string_equal(str_of(&m.msg.body, "eid", buf, sizeof(buf)), want);
    tmsg_free(&m);
}

/* Escalation by the test clock, over a weekend and over 30/4-1/5. */
static void test_escalation(void **state)
{
    fx_t *fx = *state;
    tmsg_t m;
    char buf[128];

    /* Friday 25/4/2025 10:00: level 1 due 17:00 that day. */
    OK(fx, fx->agent, "pakn_received|pakn=P-1|text=x|at=2025-04-25T10:00");
    OK(fx, fx->agent, "pakn_received|pakn=P-2|text=x|at=2025-04-25T10:30");
    OK(fx, fx->agent, "pakn_classified|pakn=P-2|category=conduct|at=2025-04-25T10:40");
    OK(fx, fx->agent, "pakn_assigned|pakn=P-2|unit=SO-TP|at=2025-04-25T10:45");
    assert_int_equal(tick(fx, "2025-04-25T17:00"), 0);
    /* Saturday 26/4 is a swapped working day; the tick at 09:00 sees P-1 late. */
    assert_int_equal(tick(fx, "2025-04-26T09:00"), 1);
    expect_record(fx, "pakn_escalated", "received", 2, "", NULL);
    last_record(fx, &m);
    assert_string_equal(str_of(&m.msg.body, "eid", buf, sizeof(buf)), "esc:P-1:2");
    assert_string_equal(str_of(&m.msg.body, "by", buf, sizeof(buf)), "hotline");
    assert_int_equal(int_of(&m.msg.body, "at"), T("2025-04-25T17:00"));
    /* From Fri 17:00 (after the cut-off: Sat 26/4 working), 15 working
     * days skipping 30/4, 1/5, 2/5 and the weekends: Wed 21/5. */
    assert_int_equal(int_of(&m.msg.body, "due"), T("2025-05-21T17:00"));
    tmsg_free(&m);
    /* The same tick again does nothing. */
    assert_int_equal(tick(fx, "2025-04-26T09:00"), 0);
    /* P-2 (level 2 from Fri 25/4 10:45, Sat 26/4 counted: due Tue 20/5)
     * and P-1 reach level 3. */
    assert_int_equal(tick(fx, "2025-05-20T17:00"), 0);
    assert_int_equal(tick(fx, "2025-05-21T17:00:01"), 2);
    /* Level 3 of P-2 (from Tue 20/5 17:00) is due Wed 11/6 17:00: then it
     * is overdue, once, recorded at the deadline under the record's seq. */
    assert_int_equal(tick(fx, "2025-06-11T17:00"), 0);
    assert_int_equal(tick(fx, "2025-06-11T17:00:01"), 1);
    expect_record(fx, "pakn_overdue", "assigned", 3, "SO-TP", "2025-06-11T17:00");
    expect_own_seq_eid(fx);
    last_record(fx, &m);
    assert_int_equal(int_of(&m.msg.body, "at"), T("2025-06-11T17:00"));
    tmsg_free(&m);
    assert_int_equal(tick(fx, "2026-12-31T00:00"), 1); /* P-1's level 3 */
    assert_int_equal(tick(fx, "2026-12-31T00:00"), 0);
    assert_int_equal(query(fx, fx->agent, "pakn", "id", "P-2", &m), 0);
    {
        const msgpack_object *p = cc_map_find(&m.msg.body, "pakn");
        const msgpack_object *h = cc_map_find(&m.msg.body, "history");

        assert_int_equal(int_of(p, "level"), 3);
        assert_int_equal(int_of(p, "escalations"), 1);
        assert_int_equal(int_of(p, "level_at"), T("2025-05-20T17:00"));
        assert_true(bool_of(p, "overdue"));
        /* received, classified, assigned, escalated, overdue */
        assert_int_equal(h->via.array.size, 5);
    }
    tmsg_free(&m);
    /* Answering late at level 3 is recorded as not on time. */
    OK(fx, fx->cp_tp, "pakn_accepted|pakn=P-2|at=2025-06-20T09:00");
    OK(fx, fx->cp_tp, "pakn_answered|pakn=P-2|answer=x|at=2025-06-20T09:30");
    last_record(fx, &m);
    assert_false(bool_of(&m.msg.body, "on_time"));
    assert_int_equal(int_of(&m.msg.body, "level"), 3);
    tmsg_free(&m);
    /* Reopened (Mon 23/6): a new round at level 3, due Mon 14/7; when it
     * passes, a second pakn_overdue record with its own eid. */
    OK(fx, fx->agent, "pakn_reopened|pakn=P-2|at=2025-06-23T09:00");
    expect_record(fx, "pakn_reopened", "assigned", 3, "SO-TP", "2025-07-14T17:00");
    assert_int_equal(tick(fx, "2025-07-14T17:00:01"), 1);
    expect_record(fx, "pakn_overdue", "assigned", 3, "SO-TP", "2025-07-14T17:00");
    expect_own_seq_eid(fx);
    last_record(fx, &m);
    assert_int_equal(int_of(&m.msg.body, "reopened"), 1);
    tmsg_free(&m);
    assert_int_equal(tick(fx, "2025-12-31T00:00"), 0);
}

/* Entries of database @dbi. */
static size_t count_entries(fx_t *fx, MDB_dbi dbi)
{
    MDB_stat st;
    cc_txn_t txn;

    assert_int_equal(cc_store_read_begin(fx->store, &txn), 0);
    assert_int_equal(mdb_stat(txn.txn, dbi, &st), 0);
    cc_txn_end(&txn);
    return st.ms_entries;
}

/* Empty the timer and forget the index version, as a store written by a
 * hotline that kept level-3 complaints out of the timer. */
static MDB_dbi meta_dbi;

static int make_old_store(cc_txn_t *txn, void *arg)
{
    fx_t *fx = arg;
    MDB_dbi meta = meta_dbi;
    int r;

    if ((r = mdb_drop(txn->txn, fx->dbi[5], 0)) != 0)
        return -r;
    r = cc_txn_del(txn, meta, "indexes", strlen("indexes"));
    return r == -ENOENT ? 0 : r;
}

/* A store of older index rules is reindexed when the hotline opens it. */
static void test_reindex_old_store(void **state)
{
    fx_t *fx = *state;
    char err[256];

    OK(fx, fx->agent, "pakn_received|pakn=P-1|text=x|at=2025-03-03T10:00");
    OK(fx, fx->agent, "pakn_classified|pakn=P-1|category=conduct|at=2025-03-03T10:01");
    OK(fx, fx->agent, "pakn_assigned|pakn=P-1|unit=SO-TP|at=2025-03-03T10:02");
    assert_int_equal(tick(fx, "2025-03-25T00:00"), 1); /* level 3, due 16/4 17:00 */
    OK(fx, fx->agent, "pakn_received|pakn=P-2|text=x|at=2025-03-03T10:00");
    OK(fx, fx->agent, "pakn_forwarded|pakn=P-2|outside=Bộ Y tế|at=2025-03-03T10:05");
    assert_int_equal(count_entries(fx, fx->dbi[5]), 1);
    assert_int_equal(cc_store_dbi(fx->store, "meta", 0, &meta_dbi), 0);
    assert_int_equal(cc_store_write(fx->store, make_old_store, fx), 0);
    assert_int_equal(count_entries(fx, fx->dbi[5]), 0);
    cc_hotline_domain.close(&fx->dom);
    assert_int_equal(
        cc_hotline_domain.open(&fx->dom, fx->store, &fx->catalog, &fx->set, err, sizeof(err)), 0);
    assert_int_equal(count_entries(fx, fx->dbi[5]), 1); /* P-1 only: P-2 has left */
    assert_int_equal(tick(fx, "2025-04-16T17:00"), 0);
    assert_int_equal(tick(fx, "2025-04-16T17:00:01"), 1);
    expect_record(fx, "pakn_overdue", "assigned", 3, "SO-TP", NULL);
    /* Opened again: nothing to do. */
    cc_hotline_domain.close(&fx->dom);
    assert_int_equal(
        cc_hotline_domain.open(&fx->dom, fx->store, &fx->catalog, &fx->set, err, sizeof(err)), 0);
    assert_int_equal(count_entries(fx, fx->dbi[5]), 0);
}

static void test_open_query(void **state)
{
    fx_t *fx = *state;
    tmsg_t m;
    char buf[64];

    OK(fx, fx->agent, "pakn_received|pakn=P-A|text=x|at=2025-03-03T10:00");
    OK(fx, fx->agent, "pakn_classified|pakn=P-A|category=conduct|at=2025-03-03T10:01");
    OK(fx, fx->agent, "pakn_assigned|pakn=P-A|unit=SO-TP|at=2025-03-05T10:00");
    OK(fx, fx->agent, "pakn_received|pakn=P-B|text=x|at=2025-03-03T10:00|urgent=true");
    OK(fx, fx->agent, "pakn_classified|pakn=P-B|category=conduct|at=2025-03-03T10:01");
    OK(fx, fx->agent, "pakn_assigned|pakn=P-B|unit=SO-TP|at=2025-03-04T10:00");
    OK(fx, fx->agent, "pakn_received|pakn=P-C|text=x|at=2025-03-03T10:00");
    OK(fx, fx->agent, "pakn_classified|pakn=P-C|category=conduct|at=2025-03-03T10:01");
    OK(fx, fx->agent, "pakn_assigned|pakn=P-C|unit=TTHCC|at=2025-03-03T11:00");
    assert_int_equal(query(fx, fx->cp_tp, "pakn_open", "unit", "SO-TP", &m), 0);
    {
        const msgpack_object *items = cc_map_find(&m.msg.body, "items");

        assert_int_equal(items->via.array.size, 2);
        assert_string_equal(str_of(&items->via.array.ptr[0], "pakn", buf, sizeof(buf)), "P-B");
        assert_string_equal(str_of(&items->via.array.ptr[1], "pakn", buf, sizeof(buf)), "P-A");
    }
    tmsg_free(&m);
    assert_int_equal(query(fx, fx->cp_tp, "pakn_open", "unit", "TTHCC", &m), CC_ERR_NOT_AUTHORIZED);
    assert_int_equal(query(fx, fx->cp_tp, "pakn_open", "unit", "", &m), CC_ERR_NOT_AUTHORIZED);
    assert_int_equal(query(fx, fx->agent, "pakn_open", "unit", "TTHCC", &m), 0);
    assert_int_equal(int_of(&m.msg.body, "count"), 1);
    tmsg_free(&m);
    assert_int_equal(query(fx, fx->cp_tp, "pakn", "id", "P-C", &m), CC_ERR_NOT_AUTHORIZED);
}

/* The personal data of @id as the agent's query shows it: text, caller
 * name and erased_at. */
static int64_t personal_of(fx_t *fx, const char *id, char *text, size_t len)
{
    tmsg_t m;
    const msgpack_object *p;
    char name[256];
    int64_t erased_at;

    assert_int_equal(query(fx, fx->agent, "pakn", "id", id, &m), 0);
    p = cc_map_find(&m.msg.body, "pakn");
    str_of(p, "text", text, len);
    str_of(p, "caller_name", name, sizeof(name));
    erased_at = int_of(p, "erased_at");
    if (erased_at)
        assert_string_equal(name, "");
    tmsg_free(&m);
    return erased_at;
}

static int expire_txn(cc_txn_t *txn, void *arg)
{
    tick_t *e = arg;

    return cc_hotline_expire(e->fx->dom, txn, e->now, &e->count);
}

static size_t expire(fx_t *fx, const char *now)
{
    tick_t e = { fx, T(now), 0 };

    assert_int_equal(cc_store_write(fx->store, expire_txn, &e), 0);
    return e.count;
}

/* The log and the complaints' states: what the figures come from. */
static dump_t figures_of(fx_t *fx)
{
    dump_t d = { NULL, 0 };
    cc_txn_t txn;
    const int keep[] = { 1, 2, 7 }; /* pakn, pakn_events, log */

    assert_int_equal(cc_store_read_begin(fx->store, &txn), 0);
    for (size_t i = 0; i < CC_N(keep); i++) {
        MDB_cursor *cur;
        MDB_val k, v;

        assert_int_equal(mdb_cursor_open(txn.txn, fx->dbi[keep[i]], &cur), 0);
        while (mdb_cursor_get(cur, &k, &v, MDB_NEXT) == 0) {
            dump_add(&d, k.mv_data, k.mv_size);
            dump_add(&d, v.mv_data, v.mv_size);
        }
        mdb_cursor_close(cur);
    }
    cc_txn_end(&txn);
    return d;
}

/* Policy retention_days (365): a closed or refused complaint's personal
 * data is erased a year after, and only then; the figures stay. */
static void test_retention(void **state)
{
    fx_t *fx = *state;
    char text[512];
    dump_t before, after;

    (void)state;
    receive(fx, "P-1");
    OK(fx, fx->agent, "pakn_classified|pakn=P-1|category=procedure|at=2025-03-03T10:05");
    OK(fx, fx->agent, "pakn_answered|pakn=P-1|answer=Đã xử lý cho ông An|at=2025-03-03T11:00");
    OK(fx, fx->agent, "pakn_published|pakn=P-1|at=2025-03-03T11:10");
    OK(fx, fx->agent, "pakn_closed|pakn=P-1|at=2025-03-04T09:00");
    OK(fx, fx->agent,
       "pakn_received|pakn=P-2|text=Ẩn danh 0987654321|caller_name=Lê Văn Tám|"
       "at=2025-03-03T10:00");
    OK(fx, fx->agent, "pakn_refused|pakn=P-2|reason=unclear|at=2025-03-05T09:00");
    OK(fx, fx->agent,
       "pakn_received|pakn=P-3|text=Vẫn mở|caller_name=Phạm Thị Mai|"
       "at=2025-03-03T10:00");
    assert_int_equal(count_entries(fx, fx->dbi[8]), 2);
    before = figures_of(fx);
    assert_int_equal(expire(fx, "2026-03-04T08:59:59"), 0);
    assert_int_equal(personal_of(fx, "P-1", text, sizeof(text)), 0);
    assert_string_equal(text, TEXT);
    /* A year after closing: P-1 erased, P-2 (refused two days later) not yet. */
    assert_int_equal(expire(fx, "2026-03-04T09:00:00"), 1);
    assert_int_equal(personal_of(fx, "P-1", text, sizeof(text)), T("2026-03-04T09:00:00"));
    assert_string_equal(text, "");
    assert_int_equal(personal_of(fx, "P-2", text, sizeof(text)), 0);
    assert_int_equal(expire(fx, "2026-03-06T00:00"), 1);
    assert_int_equal(personal_of(fx, "P-2", text, sizeof(text)), T("2026-03-06T00:00"));
    /* The open one stays; nothing is left to do; the figures are the same. */
    assert_int_equal(expire(fx, "2030-01-01T00:00"), 0);
    assert_int_equal(personal_of(fx, "P-3", text, sizeof(text)), 0);
    assert_string_equal(text, "Vẫn mở");
    assert_int_equal(count_entries(fx, fx->dbi[8]), 0);
    after = figures_of(fx);
    assert_int_equal(before.len, after.len);
    assert_memory_equal(before.data, after.data, before.len);
    free(before.data);
    free(after.data);
    assert_false(store_contains(fx, "0912") || store_contains(fx, "0987654321"));
    /* The published answer (redacted) stays public. */
    {
        tmsg_t m;

        assert_int_equal(query(fx, fx->agent, "pakn", "id", "P-1", &m), 0);
        assert_string_equal(
            str_of(cc_map_find(&m.msg.body, "pakn"), "published", text, sizeof(text)),
            "Đã xử lý cho ông " CC_REDACTED);
        tmsg_free(&m);
    }
    /* A reopened complaint's retention starts again when it closes again. */
    OK(fx, fx->agent, "pakn_received|pakn=P-4|text=x|at=2025-03-03T10:00");
    OK(fx, fx->agent, "pakn_classified|pakn=P-4|category=procedure|at=2025-03-03T10:05");
    OK(fx, fx->agent, "pakn_answered|pakn=P-4|answer=a|at=2025-03-03T11:00");
    OK(fx, fx->agent, "pakn_published|pakn=P-4|at=2025-03-03T11:10");
    OK(fx, fx->agent, "pakn_closed|pakn=P-4|at=2025-03-04T09:00");
    OK(fx, fx->agent, "pakn_reopened|pakn=P-4|at=2025-03-05T09:00");
    assert_int_equal(expire(fx, "2026-03-05T00:00"), 0);
    assert_int_equal(personal_of(fx, "P-4", text, sizeof(text)), 0);
}

/* cc_hotline_domain.query "erase" with one string field. */
static int erase(fx_t *fx, const cc_principal_t *who, const char *key, const char *val,
                 size_t *ret_erased)
{
    tmsg_t m;
    int r = query(fx, who, "erase", key, val, &m);

    if (r == 0) {
        *ret_erased = (size_t)int_of(&m.msg.body, "erased");
        assert_int_equal(cc_map_find(&m.msg.body, "pakn")->via.array.size, *ret_erased);
        tmsg_free(&m);
    }
    return r;
}

/* An operator erases one person's data on request; the figures stay. */
static void test_erase_on_request(void **state)
{
    fx_t *fx = *state;
    char text[512];
    dump_t before, after, all;
    size_t n = 99;

    receive(fx, "P-1"); /* caller 0912345678 */
    OK(fx, fx->agent,
       "pakn_received|pakn=P-2|text=Lần hai|caller_phone=+84 912 345 678|"
       "at=2025-03-03T10:30");
    OK(fx, fx->agent,
       "pakn_received|pakn=P-3|text=Người khác|caller_phone=0987654321|"
       "at=2025-03-03T10:40");
    before = figures_of(fx);
    all = snap(fx);
    /* Refused: another role; neither or both fields; a bad number; an
     * unknown complaint. Nothing changes. */
    assert_int_equal(erase(fx, fx->agent, "pakn", "P-1", &n), CC_ERR_NOT_AUTHORIZED);
    assert_int_equal(erase(fx, fx->sup_tp, "phone", "0912345678", &n), CC_ERR_NOT_AUTHORIZED);
    assert_int_equal(erase(fx, fx->oper, "nothing", "x", &n), CC_ERR_BAD_FIELD);
    assert_int_equal(erase(fx, fx->oper, "phone", "12345", &n), CC_ERR_BAD_FIELD);
    assert_int_equal(erase(fx, fx->oper, "phone", "0912 345 678 0912 345 678", &n),
                     CC_ERR_BAD_FIELD);
    assert_int_equal(erase(fx, fx->oper, "pakn", "P-404", &n), CC_ERR_UNKNOWN_COMPLAINT);
    after = snap(fx);
    assert_int_equal(all.len, after.len);
    assert_memory_equal(all.data, after.data, all.len);
    free(after.data);
    free(all.data);
    /* By phone, written another way: both of that caller's complaints. */
    assert_int_equal(erase(fx, fx->oper, "phone", "84-912-345-678", &n), 0);
    assert_int_equal(n, 2);
    assert_true(personal_of(fx, "P-1", text, sizeof(text)) > 0);
    assert_true(personal_of(fx, "P-2", text, sizeof(text)) > 0);
    assert_int_equal(personal_of(fx, "P-3", text, sizeof(text)), 0);
    assert_string_equal(text, "Người khác");
    /* Again: nothing left. By complaint id: the third. */
    assert_int_equal(erase(fx, fx->oper, "phone", "0912345678", &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(erase(fx, fx->oper, "pakn", "P-3", &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(erase(fx, fx->oper, "pakn", "P-3", &n), 0);
    assert_int_equal(n, 0);
    after = figures_of(fx);
    assert_int_equal(before.len, after.len);
    assert_memory_equal(before.data, after.data, before.len);
    free(before.data);
    free(after.data);
    /* The complaint goes on without its personal data. */
    OK(fx, fx->agent, "pakn_classified|pakn=P-3|category=procedure|at=2025-03-03T11:00");
    OK(fx, fx->agent, "pakn_answered|pakn=P-3|answer=Trả lời mới|at=2025-03-03T11:10");
    assert_int_equal(personal_of(fx, "P-3", text, sizeof(text)), 0);
}

typedef struct {
    MDB_dbi dbi;
    const char *key;
    const void *val;
    size_t len;
} raw_put_t;

static int raw_put_txn(cc_txn_t *txn, void *arg)
{
    raw_put_t *p = arg;

    return cc_txn_put(txn, p->dbi, p->key, strlen(p->key), p->val, p->len, 0);
}

/* Personal data in clear (an older version) or under an older key is
 * sealed again with the current key at open; a missing key stops it. */
static void test_reseal_at_open(void **state)
{
    fx_t *fx = *state;
    char path[300], err[512], line[96], text[512];
    static const uint8_t clear[] = { 1,   0,   2,   'A', 'n', 0, 10,  '0', '9', '1', '1', '1', '1',
                                     '2', '2', '2', '2', 0,   4, 't', 'e', 'x', 't', 0,   0 };
    FILE *f;

    receive(fx, "P-1");
    OK(fx, fx->agent, "pakn_received|pakn=P-OLD|text=x|at=2025-03-03T10:00");
    /* Its personal data as an older version kept it, in clear. */
    {
        raw_put_t put = { fx->dbi[3], "P-OLD", clear, sizeof(clear) };

        assert_int_equal(cc_store_write(fx->store, raw_put_txn, &put), 0);
    }
    assert_true(store_contains(fx, "0911112222"));
    /* Rotation: key 2 appended. */
    snprintf(path, sizeof(path), "%s/personal.keys", fx->dir);
    f = fopen(path, "a");
    assert_non_null(f);
    snprintf(line, sizeof(line), "2 %s\n",
             "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
    fputs(line, f);
    fclose(f);
    cc_hotline_domain.close(&fx->dom);
    assert_int_equal(
        cc_hotline_domain.open(&fx->dom, fx->store, &fx->catalog, &fx->set, err, sizeof(err)), 0);
    assert_false(store_contains(fx, "0911112222"));
    assert_int_equal(personal_of(fx, "P-OLD", text, sizeof(text)), 0);
    assert_string_equal(text, "text");
    assert_int_equal(personal_of(fx, "P-1", text, sizeof(text)), 0);
    assert_string_equal(text, TEXT);
    /* Everything is under key 2 now: key 1 may go. Without key 2, the
     * hotline does not start, and says why. */
    cc_hotline_domain.close(&fx->dom);
    f = fopen(path, "w");
    fputs(line, f);
    fclose(f);
    assert_int_equal(
        cc_hotline_domain.open(&fx->dom, fx->store, &fx->catalog, &fx->set, err, sizeof(err)), 0);
    assert_int_equal(personal_of(fx, "P-1", text, sizeof(text)), 0);
    cc_hotline_domain.close(&fx->dom);
    f = fopen(path, "w");
    fputs("3 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", f);
    fclose(f);
    assert_true(
        cc_hotline_domain.open(&fx->dom, fx->store, &fx->catalog, &fx->set, err, sizeof(err)) < 0);
    assert_non_null(strstr(err, "sealed with key ID 2"));
    assert_null(fx->dom);
    f = fopen(path, "w");
    fputs(line, f);
    fclose(f);
    assert_int_equal(
        cc_hotline_domain.open(&fx->dom, fx->store, &fx->catalog, &fx->set, err, sizeof(err)), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_contacts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_level1_and_forward, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escalation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_query, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reindex_old_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retention, setup, teardown),
        cmocka_unit_test_setup_teardown(test_erase_on_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reseal_at_open, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
