/*
 * test_index.c - the real-time service index (daemons/scoring/index.h):
 * its rules, table-driven; what scoring counts for it from intake and
 * hotline records, on a real LMDB store; the index query (rows, total,
 * ranking, refusals, labels); the rebuild of an older layout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_catalog.h"
#include "cc_figures.h"
#include "cc_time.h"
#include "index.h"
#include "report.h"
#include "state.h"
#include "support.h"

/* ---- The rules, table-driven ---------------------------------------------------------- */

/* One indicator's expected value for an input. */
typedef struct {
    const char *what;
    sc_index_input_t in;
    cc_indicator_id_t ind;
    bool measured;
    uint64_t num, den;
    uint32_t points; /* hundredths */
} rule_case_t;

/* clang-format off */
static const rule_case_t rule_cases[] = {
    { "tdgq: 20·r", { .handled = 8, .in_time = 4 }, CC_IX_TDGQ, true, 4, 8, 1000 },
    { "tdgq: r rounded to hundredths", { .handled = 3, .in_time = 1 }, CC_IX_TDGQ, true, 1, 3, 667 },
    { "tdgq: 20/6 rounds down", { .handled = 6, .in_time = 1 }, CC_IX_TDGQ, true, 1, 6, 333 },
    { "tdgq: num above den is taken as den", { .handled = 8, .in_time = 9 }, CC_IX_TDGQ, true, 8, 8, 2000 },
    { "tdgq: no dossier, not measured", { .in_time = 0 }, CC_IX_TDGQ, false, 0, 0, 0 },
    { "3.3: min(6, 6·r/0.5)", { .received = 8, .received_online = 1 }, CC_IX_ONLINE_SHARE, true, 1, 8, 150 },
    { "3.3: full at 50%", { .received = 2, .received_online = 1 }, CC_IX_ONLINE_SHARE, true, 1, 2, 600 },
    { "3.3: capped above 50%", { .received = 4, .received_online = 3 }, CC_IX_ONLINE_SHARE, true, 3, 4, 600 },
    { "3.3: none online", { .received = 5 }, CC_IX_ONLINE_SHARE, true, 0, 5, 0 },
    { "3.3: nothing received", { .handled = 3 }, CC_IX_ONLINE_SHARE, false, 0, 0, 0 },
    { "3.1: min(2, 2·r/0.8), full at 80%", { .procedures = 5, .offered = 4 }, CC_IX_ONLINE_OFFER, true, 4, 5, 200 },
    { "3.1: 60% gives 1.5", { .procedures = 5, .offered = 3 }, CC_IX_ONLINE_OFFER, true, 3, 5, 150 },
    { "3.1: a third gives 0.83", { .procedures = 3, .offered = 1 }, CC_IX_ONLINE_OFFER, true, 1, 3, 83 },
    { "3.1: no procedure", { .received = 1 }, CC_IX_ONLINE_OFFER, false, 0, 0, 0 },
    { "3.2: 4·r of the online procedures", { .procedures = 9, .offered = 3, .used = 2 }, CC_IX_ONLINE_USED, true, 2, 3, 267 },
    { "3.2: none offered online", { .procedures = 9 }, CC_IX_ONLINE_USED, false, 0, 0, 0 },
    { "3.6: 6·r", { .with_fee = 5, .paid_online = 2 }, CC_IX_PAY_ONLINE, true, 2, 5, 240 },
    { "3.6: half up (0.375)", { .with_fee = 16, .paid_online = 1 }, CC_IX_PAY_ONLINE, true, 1, 16, 38 },
    { "3.6: no fee", { .received = 4 }, CC_IX_PAY_ONLINE, false, 0, 0, 0 },
    { "e-result: 6·r of resolved", { .resolved = 5, .e_result = 1 }, CC_IX_E_RESULT, true, 1, 5, 120 },
    { "e-result: nothing resolved", { .received = 5 }, CC_IX_E_RESULT, false, 0, 0, 0 },
    { "components: 4·r of received", { .received = 8, .e_parts = 1 }, CC_IX_E_PARTS, true, 1, 8, 50 },
    { "PAKN on time: 6·r", { .pakn_answered = 10, .pakn_on_time = 9 }, CC_IX_PAKN_TIMELY, true, 9, 10, 540 },
    { "PAKN on time: 6 if none", { .pakn = 2 }, CC_IX_PAKN_TIMELY, true, 0, 0, 600 },
    { "PAKN satisfaction: total - reopened - overdue", { .pakn = 10, .pakn_reopened = 1, .pakn_overdue = 2 }, CC_IX_PAKN_SAT, true, 7, 10, 420 },
    { "PAKN satisfaction: floored at 0", { .pakn = 2, .pakn_reopened = 3 }, CC_IX_PAKN_SAT, true, 0, 2, 0 },
    { "PAKN satisfaction: 6 if none", { .received = 1 }, CC_IX_PAKN_SAT, true, 0, 0, 600 },
    { "dossier satisfaction: full at 90%", { .handled = 10, .in_time = 9 }, CC_IX_DOSSIER_SAT, true, 9, 10, 600 },
    { "dossier satisfaction: late and bad", { .handled = 8, .in_time = 4, .bad = 2 }, CC_IX_DOSSIER_SAT, true, 2, 8, 167 },
    { "dossier satisfaction: bad above in time", { .handled = 8, .in_time = 1, .bad = 2 }, CC_IX_DOSSIER_SAT, true, 0, 8, 0 },
    { "dossier satisfaction: 0 if no dossier", { .pakn = 1 }, CC_IX_DOSSIER_SAT, true, 0, 0, 0 },
    { "transparency: no event carries it", { .handled = 8, .in_time = 8 }, CC_IX_CKMB, false, 0, 0, 0 },
    { "payment, other: no event carries it", { .with_fee = 8 }, CC_IX_PAY_OTHER, false, 0, 0, 0 },
    { "digitization, other: no event carries it", { .received = 8 }, CC_IX_MDSH_OTHER, false, 0, 0, 0 },
};
/* clang-format on */

static void test_rules(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rule_cases) / sizeof(rule_cases[0]); i++) {
        const rule_case_t *c = &rule_cases[i];
        sc_index_t ix;
        const sc_indicator_value_t *v;

        sc_index_compute(&c->in, &ix);
        v = &ix.v[c->ind];
        if (v->measured != c->measured ||
            (c->measured && (v->num != c->num || v->den != c->den || v->points != c->points)))
            fail_msg("%s: got %s %llu/%llu = %u, want %s %llu/%llu = %u", c->what,
                     v->measured ? "measured" : "not measured", (unsigned long long)v->num,
                     (unsigned long long)v->den, v->points,
                     c->measured ? "measured" : "not measured", (unsigned long long)c->num,
                     (unsigned long long)c->den, c->points);
    }
}

/* The maximum points add up to 100; coverage and score add the measured. */
static void test_coverage_and_score(void **state)
{
    sc_index_input_t none = { 0 }, all = { .handled = 10,
                                           .in_time = 10,
                                           .received = 10,
                                           .received_online = 10,
                                           .procedures = 4,
                                           .offered = 4,
                                           .used = 4,
                                           .with_fee = 3,
                                           .paid_online = 3,
                                           .resolved = 5,
                                           .e_result = 5,
                                           .e_parts = 10 };
    sc_index_input_t sum = all;
    unsigned max = 0, events = 0;
    sc_index_t ix;
    (void)state;

    for (int i = 0; i < CC_IX_COUNT_; i++) {
        max += cc_indicators[i].max_points;
        events += cc_indicators[i].from_events ? cc_indicators[i].max_points : 0;
    }
    assert_int_equal(max, 100);
    assert_int_equal(events, 66);
    /* Nothing at all: the PAKN indicators give 6 each, dossiers 0. */
    sc_index_compute(&none, &ix);
    assert_int_equal(ix.coverage, 18);
    assert_int_equal(ix.score, 1200);
    /* Everything perfect: all that is measurable. */
    sc_index_compute(&all, &ix);
    assert_int_equal(ix.coverage, 66);
    assert_int_equal(ix.score, 6600);
    /* A total adds figures, not points. */
    sc_index_add(&sum, &(sc_index_input_t){ .handled = 10, .in_time = 0, .received = 30 });
    assert_int_equal(sum.handled, 20);
    assert_int_equal(sum.in_time, 10);
    assert_int_equal(sum.received, 40);
    assert_int_equal(sum.received_online, 10);
    sc_index_compute(&sum, &ix);
    assert_int_equal(ix.v[CC_IX_TDGQ].points, 1000);
    assert_int_equal(ix.v[CC_IX_ONLINE_SHARE].points, 600 * 1 / 2); /* 25%: half of 6 */
}

/* ---- Counting from the logs, and the query ---------------------------------------------- */

/* 2025-03-03 (Monday) 09:00 +07:00; TP-LLTP's 10 working days end on the 17th. */
#define T0 1740967200LL
#define DAY 86400LL
#define DUE (T0 + 14 * DAY + 8 * 3600)

typedef struct {
    char dir[64];
    cc_catalog_t *cat;
    sc_state_t *st;
} fx_t;

/* Records of one feed, applied as one BATCH. */
typedef struct {
    cc_enc_t items;
    size_t n;
    uint64_t seq;
} feed_t;

/* Append the record made of the "key=value" tokens (space separated) of
 * @subject (the dossier or complaint and its unit) and @what (type, state,
 * the type's fields), and of the times @at and @due; an intake record also
 * gets received_at T0. */
static void rec(feed_t *f, const char *subject, const char *what, int64_t at, int64_t due)
{
    char buf[512], *save = NULL;
    size_t map;

    cc_enc_array(&f->items, 2);
    cc_enc_u64(&f->items, f->seq++);
    map = cc_enc_map_open(&f->items);
    cc_enc_kv_str(&f->items, "eid", "e");
    cc_enc_kv_str(&f->items, "by", "quay-1");
    cc_enc_kv_i64(&f->items, "at", at);
    cc_enc_kv_i64(&f->items, "due", due);
    if (strstr(subject, "pakn=") == NULL)
        cc_enc_kv_i64(&f->items, "received_at", T0);
    snprintf(buf, sizeof(buf), "%s %s", subject, what);
    for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
        enc_token(&f->items, t);
    cc_enc_map_close(&f->items, map);
    f->n++;
}

/* Apply @f's records to @feed in one batch. */
static void apply(fx_t *fx, feed_t *f, sc_feed_id_t feed)
{
    tmsg_t m = { 0 };
    sc_batch_result_t res;
    size_t map;

    cc_enc_init(&m.enc);
    map = cc_enc_map_open(&m.enc);
    cc_enc_kv_u64(&m.enc, "rid", 1);
    cc_enc_str(&m.enc, "events");
    cc_enc_array(&m.enc, f->n);
    cc_enc_raw(&m.enc, f->items.buf.data, f->items.buf.size);
    cc_enc_map_close(&m.enc, map);
    tmsg_decode(&m, &cc_limits_reply);
    assert_int_equal(sc_state_apply_batch(fx->st, feed, m.enc.buf.data, m.enc.buf.size, T0, &res),
                     0);
    assert_int_equal(res.applied, f->n);
    tmsg_free(&m);
    cc_enc_reset(&f->items);
    f->n = 0;
}

static void fx_open(fx_t *fx)
{
    char err[512];

    assert_int_equal(sc_state_open(fx->dir, 1 << 20, fx->cat, &fx->st, err, sizeof(err)), 0);
}

/* A scoring state in a new directory, with the demo catalogs. */
static int setup(void **state)
{
    fx_t *fx = calloc(1, sizeof(*fx));

    assert_int_equal(cc_catalog_load(NULL, &fx->cat, NULL, 0), 0);
    temp_dir(fx->dir, sizeof(fx->dir), "test-index");
    fx_open(fx);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fx_t *fx = *state;

    sc_state_close(&fx->st);
    cc_catalog_destroy(&fx->cat);
    rm_tree(fx->dir);
    free(fx);
    return 0;
}

/* QUERY index as @who for @units (NULL: all) with the extra "key=value"
 * @tokens; the RESULT in @m (0), or the refusal in @rej (1). */
static int index_query(fx_t *fx, const cc_principal_t *who, const char *const *units, size_t n,
                       const char *tokens, tmsg_t *m, cc_reject_t *rej)
{
    tmsg_t q = { 0 };
    char buf[256], *save = NULL;
    size_t map;
    int r;

    cc_enc_init(&q.enc);
    map = cc_enc_map_open(&q.enc);
    cc_enc_kv_u64(&q.enc, "rid", 5);
    cc_enc_kv_str(&q.enc, "q", "index");
    if (units) {
        cc_enc_str(&q.enc, "units");
        cc_enc_array(&q.enc, n);
        for (size_t i = 0; i < n; i++)
            cc_enc_str(&q.enc, units[i]);
    }
    snprintf(buf, sizeof(buf), "%s", tokens);
    for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
        enc_token(&q.enc, t);
    cc_enc_map_close(&q.enc, map);
    tmsg_decode(&q, NULL);
    *m = (tmsg_t){ 0 };
    cc_enc_init(&m->enc);
    r = sc_index_query(fx->st, who, &q.msg.body, 5, &m->enc, rej);
    if (r == 0)
        tmsg_decode(m, &cc_limits_reply);
    tmsg_free(&q);
    return r;
}

/* The row of @unit in the answer @m (the total when @unit is NULL). */
static const msgpack_object *row_of(const tmsg_t *m, const char *unit)
{
    const msgpack_object *rows = cc_map_find(&m->msg.body, "rows");
    char code[40];

    if (unit == NULL)
        return cc_map_find(&m->msg.body, "total");
    assert_non_null(rows);
    for (uint32_t i = 0; i < rows->via.array.size; i++)
        if (strcmp(str_of(&rows->via.array.ptr[i], "unit", code, sizeof(code)), unit) == 0)
            return &rows->via.array.ptr[i];
    fail_msg("no row for %s", unit);
    return NULL;
}

/* Indicator @key of @row: "num/den=points" (or "points" when the row has no
 * num/den for it) into @buf. */
static const char *ind(const msgpack_object *row, const char *key, char *buf, size_t len)
{
    char k[32], pts[32];
    uint64_t num, den;

    snprintf(k, sizeof(k), "%s_pts", key);
    str_of(row, k, pts, sizeof(pts));
    snprintf(k, sizeof(k), "%s_num", key);
    if (cc_map_u64(row, k, &num) < 0) {
        snprintf(buf, len, "%s", pts);
        return buf;
    }
    snprintf(k, sizeof(k), "%s_den", key);
    assert_int_equal(cc_map_u64(row, k, &den), 0);
    snprintf(buf, len, "%llu/%llu=%s", (unsigned long long)num, (unsigned long long)den, pts);
    return buf;
}

/* Dossier records of SO-TP, March 2025 (period 2025-03: 15/02-14/03). */
static void feed_dossiers(fx_t *fx)
{
#define OF(id, proc) "dossier=" id " unit=SO-TP runit=SO-TP proc=" proc
    static const char A[] = OF("A", "TP-LLTP"), B[] = OF("B", "TP-LLTP"),
                      C[] = OF("C", "TP-DAUGIA"), D[] = OF("D", "TP-DAUGIA"),
                      E[] = OF("E", "TP-DAUGIA"), F[] = OF("F", "TP-CONGCHUNG-DK"),
                      G[] = OF("G", "TP-LLTP"), H[] = OF("H", "TP-LLTP"), I[] = OF("I", "TP-LLTP"),
                      I_THERE[] = "dossier=I unit=TTHCC runit=SO-TP proc=TP-LLTP";
#undef OF
    static const char RECEIVED[] = "type=received state=processing channel=direct",
                      SUPP[] = "type=sos_requested state=processing kind=supplement";
    feed_t f = { .seq = 1 };
    const int64_t h = 3600;

    cc_enc_init(&f.items);
    /* A: online, resolved on time, paid online (twice: counted once), its
     * components digitized, its electronic result issued after the period
     * (counted on the day of its resolution). */
    rec(&f, A, "type=received state=processing channel=online", T0, DUE);
    rec(&f, A, "type=fee_paid state=processing method=online amount=50000", T0 + h, DUE);
    rec(&f, A, "type=fee_paid state=processing method=online amount=1000", T0 + h, DUE);
    rec(&f, A, "type=digitized state=processing what=components", T0 + h, DUE);
    rec(&f, A, "type=resolved state=resolved class=on_time apology=none", T0 + 2 * DAY, DUE);
    rec(&f, A, "type=digitized state=resolved what=result", T0 + 17 * DAY, DUE);
    /* B: resolved late, paid in cash. */
    rec(&f, B, RECEIVED, T0, DUE);
    rec(&f, B, "type=fee_paid state=processing method=cash amount=50000", T0 + h, DUE);
    rec(&f, B, "type=resolved state=resolved class=late apology=none", T0 + 2 * DAY, DUE);
    /* C: two supplement requests, open within due at the end: late for the index. */
    rec(&f, C, RECEIVED, T0, DUE);
    rec(&f, C, SUPP, T0 + h, DUE);
    rec(&f, C, "type=sos_reviewed state=supplement_wait approved=true", T0 + 2 * h, DUE);
    rec(&f, C, "type=supplement_completed state=processing", T0 + DAY, DUE + 20 * DAY);
    rec(&f, C, SUPP, T0 + 2 * DAY, DUE + 20 * DAY);
    /* D: stopped, approved before its due date: ended in time. */
    rec(&f, D, RECEIVED, T0, DUE);
    rec(&f, D, "type=sos_requested state=processing kind=stop", T0 + h, DUE);
    rec(&f, D, "type=sos_reviewed state=stopped approved=true", T0 + DAY, DUE);
    /* E: open past due at the end. */
    rec(&f, E, RECEIVED, T0, T0 + 2 * DAY);
    /* F: resolved early, paid online, rated dissatisfied (twice: once). */
    rec(&f, F, RECEIVED, T0, DUE);
    rec(&f, F, "type=fee_paid state=processing method=online amount=20000", T0 + h, DUE);
    rec(&f, F, "type=resolved state=resolved class=early apology=none", T0 + DAY, DUE);
    rec(&f, F, "type=rated state=resolved rating=dissatisfied", T0 + DAY + h, DUE);
    rec(&f, F, "type=rated state=resolved rating=dissatisfied", T0 + DAY + 2 * h, DUE);
    /* G: resolved on time; a complaint will name it. */
    rec(&f, G, RECEIVED, T0, DUE);
    rec(&f, G, "type=resolved state=resolved class=on_time apology=none", T0 + DAY, DUE);
    /* H: two supplement requests (denied), then resolved early: late for the index. */
    rec(&f, H, RECEIVED, T0, DUE);
    rec(&f, H, SUPP, T0 + h, DUE);
    rec(&f, H, "type=sos_reviewed state=processing approved=false", T0 + 2 * h, DUE);
    rec(&f, H, SUPP, T0 + 3 * h, DUE);
    rec(&f, H, "type=sos_reviewed state=processing approved=false", T0 + 4 * h, DUE);
    rec(&f, H, "type=resolved state=resolved class=early apology=none", T0 + DAY, DUE);
    /* I: received by SO-TP, transferred to TTHCC, resolved there in time. */
    rec(&f, I, RECEIVED, T0, DUE);
    rec(&f, I_THERE, "type=transferred state=processing to=TTHCC", T0 + h, DUE);
    rec(&f, I_THERE, "type=resolved state=resolved class=on_time apology=none", T0 + DAY, DUE);
    apply(fx, &f, SC_FEED_INTAKE);
    /* Two complaints about G: the dossier counts once; one about E (of which
     * the index had nothing to remember before). */
    f.seq = 1;
    rec(&f, "pakn=PA-1 dossier=G unit=", "type=pakn_received level=1 state=received", T0 + 2 * DAY,
        T0 + 3 * DAY);
    rec(&f, "pakn=PA-2 dossier=G unit=", "type=pakn_received level=1 state=received", T0 + 2 * DAY,
        T0 + 3 * DAY);
    rec(&f, "pakn=PA-3 dossier=E unit=", "type=pakn_received level=1 state=received", T0 + 2 * DAY,
        T0 + 3 * DAY);
    apply(fx, &f, SC_FEED_HOTLINE);
    cc_enc_deinit(&f.items);
}

static void test_counting_and_query(void **state)
{
    fx_t *fx = *state;
    cc_principal_t *op = principal_of(CC_ROLE_OPERATOR, "op", NULL);
    static const char *const units[] = { "SO-TP", "TTHCC" };
    const cc_procedure_t *const *procs;
    size_t n_procs, offered = 0;
    const msgpack_object *so, *hc, *total;
    cc_reject_t rej;
    char buf[64], want[64];
    tmsg_t m;

    feed_dossiers(fx);
    assert_int_equal(index_query(fx, op, units, 2, "period=2025-03", &m, &rej), 0);
    so = row_of(&m, "SO-TP");
    /* 8 handled (I went to TTHCC); in time: A, D, F, G (B late, C and H
     * two supplement requests, E past due). */
    assert_string_equal(ind(so, "tdgq", buf, sizeof(buf)), "4/8=10.00");
    assert_string_equal(ind(so, "online_share", buf, sizeof(buf)), "1/9=1.33");
    assert_string_equal(ind(so, "online_offer", buf, sizeof(buf)), "3/3=2.00");
    assert_string_equal(ind(so, "online_used", buf, sizeof(buf)), "1/3=1.33");
    /* With a fee: A, B, G, H, I (TP-LLTP) and F; paid online A and F. */
    assert_string_equal(ind(so, "pay_online", buf, sizeof(buf)), "2/6=2.00");
    assert_string_equal(ind(so, "e_result", buf, sizeof(buf)), "1/5=1.20");
    assert_string_equal(ind(so, "e_parts", buf, sizeof(buf)), "1/9=0.44");
    assert_string_equal(ind(so, "pakn_timely", buf, sizeof(buf)), "0/0=6.00");
    assert_string_equal(ind(so, "pakn_sat", buf, sizeof(buf)), "3/3=6.00");
    /* Bad: F (dissatisfied), G and E (complaints): (4 - 3) / 8. */
    assert_string_equal(ind(so, "dossier_sat", buf, sizeof(buf)), "1/8=0.83");
    assert_string_equal(ind(so, "ckmb", buf, sizeof(buf)), "not measured");
    assert_int_equal(int_of(so, "ckmb_max"), 18);
    assert_string_equal(str_of(so, "index_score", buf, sizeof(buf)), "31.13");
    assert_int_equal(int_of(so, "index_coverage"), 66);
    assert_string_equal(str_of(so, "index_share", buf, sizeof(buf)), "47.17");

    /* TTHCC resolved I in time; it received nothing. */
    hc = row_of(&m, "TTHCC");
    procs = cc_catalog_unit_procedures(fx->cat, cc_catalog_unit(fx->cat, "TTHCC"), &n_procs);
    for (size_t i = 0; i < n_procs; i++)
        offered += procs[i]->online != CC_ONLINE_NONE;
    assert_string_equal(ind(hc, "tdgq", buf, sizeof(buf)), "1/1=20.00");
    assert_string_equal(ind(hc, "online_share", buf, sizeof(buf)), "0/0=not measured");
    assert_string_equal(ind(hc, "e_result", buf, sizeof(buf)), "0/1=0.00");
    assert_string_equal(ind(hc, "dossier_sat", buf, sizeof(buf)), "1/1=6.00");
    snprintf(want, sizeof(want), "0/%zu=0.00", offered);
    assert_string_equal(ind(hc, "online_used", buf, sizeof(buf)), want);

    /* The total: sums of the rows' figures, never averages of points. */
    total = row_of(&m, NULL);
    assert_string_equal(ind(total, "tdgq", buf, sizeof(buf)), "5/9=11.11");
    snprintf(want, sizeof(want), "%zu/%zu=", 3 + offered, 3 + n_procs);
    assert_memory_equal(ind(total, "online_offer", buf, sizeof(buf)), want, strlen(want));
    assert_string_equal(ind(total, "dossier_sat", buf, sizeof(buf)), "2/9=1.48");
    tmsg_free(&m);

    /* Ranked by the score, lowest first. */
    assert_int_equal(
        index_query(fx, op, units, 2, "period=2025-03 sort=index_score asc=true", &m, &rej), 0);
    {
        const msgpack_object *rows = cc_map_find(&m.msg.body, "rows");

        assert_string_equal(str_of(&rows->via.array.ptr[0], "unit", buf, sizeof(buf)), "SO-TP");
    }
    tmsg_free(&m);

    /* April: A's result still counts in March (the day of its resolution). */
    assert_int_equal(index_query(fx, op, units, 1, "period=2025-04", &m, &rej), 0);
    so = row_of(&m, "SO-TP");
    assert_string_equal(ind(so, "e_result", buf, sizeof(buf)), "0/0=not measured");
    /* C and E are still open: the backlog; C keeps its two requests. */
    assert_string_equal(ind(so, "tdgq", buf, sizeof(buf)), "0/2=0.00");
    tmsg_free(&m);
    free(op);
}

static void test_query_refusals_and_labels(void **state)
{
    fx_t *fx = *state;
    cc_principal_t *sup = principal_of(CC_ROLE_SUPERVISOR, "gs", "SO-TP");
    cc_principal_t *counter = principal_of(CC_ROLE_COUNTER, "quay", "SO-TP");
    static const char *const other[] = { "SO-GTVT" }, *const mine[] = { "SO-TP" };
    cc_reject_t rej;
    tmsg_t m;

    assert_int_equal(index_query(fx, sup, other, 1, "period=2025-03", &m, &rej), 1);
    assert_int_equal(rej.code, CC_ERR_NOT_AUTHORIZED);
    assert_int_equal(index_query(fx, counter, mine, 1, "period=2025-03", &m, &rej), 1);
    assert_int_equal(rej.code, CC_ERR_NOT_AUTHORIZED);
    assert_int_equal(index_query(fx, sup, mine, 1, "period=2025-03 sort=on_time", &m, &rej), 1);
    assert_int_equal(rej.code, CC_ERR_BAD_FIELD);
    assert_string_equal(rej.field, "sort");
    assert_int_equal(index_query(fx, sup, mine, 1, "period=2025-Q5", &m, &rej), 1);
    assert_int_equal(rej.code, CC_ERR_BAD_FIELD);
    assert_int_equal(index_query(fx, sup, mine, 1, "", &m, &rej), 1);
    assert_int_equal(rej.code, CC_ERR_BAD_FIELD);

    /* Every key of a row and of the total has its labels (cc_figures.h). */
    assert_int_equal(index_query(fx, sup, NULL, 0, "period=2025-03 sort=tdgq", &m, &rej), 0);
    {
        static const char *const head[] = { "unit", "unit_name", "kind", "parent", "from", "to" };
        const msgpack_object *rows = cc_map_find(&m.msg.body, "rows");
        const msgpack_object *maps[] = { &rows->via.array.ptr[0], row_of(&m, NULL) };

        assert_int_equal(rows->via.array.size, 1); /* all in scope: SO-TP only */
        for (size_t i = 0; i < 2; i++)
            for (uint32_t k = 0; k < maps[i]->via.map.size; k++) {
                const msgpack_object_str *key = &maps[i]->via.map.ptr[k].key.via.str;
                bool known = cc_indicator_find(key->ptr, key->size, NULL) ||
                             cc_index_figure_find(key->ptr, key->size);

                for (size_t h = 0; h < sizeof(head) / sizeof(head[0]) && !known; h++)
                    known = strlen(head[h]) == key->size && !memcmp(head[h], key->ptr, key->size);
                if (!known)
                    fail_msg("index key '%.*s' has no label in cc_figures", (int)key->size,
                             key->ptr);
            }
    }
    tmsg_free(&m);
    free(sup);
    free(counter);
}

/* A store of the previous layout (4) loses its derived state, the index's
 * databases with it, and is rebuilt from the logs. */
static int put_layout_4(cc_txn_t *txn, void *arg)
{
    const MDB_dbi *dbi = arg;
    int r = cc_txn_put_u64(txn, dbi[0], "layout", 0x040201u);

    return r < 0 ? r : cc_txn_put(txn, dbi[1], "Z", 1, "stale", 5, 0);
}

static void test_layout_4_rebuilt(void **state)
{
    fx_t *fx = *state;
    cc_store_t *store = NULL;
    cc_store_opts_t so = { .map_size = 1 << 20 };
    MDB_dbi dbi[2];
    uint64_t entries = 9;
    cc_txn_t txn;

    feed_dossiers(fx);
    sc_state_close(&fx->st);
    assert_int_equal(cc_store_open(fx->dir, &so, &store), 0);
    assert_int_equal(cc_store_dbi(store, "meta", 0, &dbi[0]), 0);
    assert_int_equal(cc_store_dbi(store, "ixonline", 0, &dbi[1]), 0);
    assert_int_equal(cc_store_write(store, put_layout_4, dbi), 0);
    cc_store_close(&store);
    fx_open(fx);
    assert_int_equal(sc_state_rebuilt_from(fx->st), 0x040201u);
    assert_int_equal(cc_store_read_begin(sc_state_store(fx->st), &txn), 0);
    assert_int_equal(cc_txn_entries(&txn, sc_state_index(fx->st)->retired, &entries), 0);
    assert_int_equal(entries, 0);
    assert_int_equal(cc_txn_entries(&txn, sc_state_index(fx->st)->online, &entries), 0);
    assert_int_equal(entries, 0);
    cc_txn_end(&txn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_coverage_and_score),
        cmocka_unit_test_setup_teardown(test_counting_and_query, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_refusals_and_labels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layout_4_rebuilt, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
