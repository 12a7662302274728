/*
 * test_scoring.c - the scoring library (state, tally, alerts, report) on a
 * real LMDB environment in a temporary directory, fed with intake and
 * hotline log records encoded as the source daemons encode them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "cc_catalog.h"
#include "cc_base.h"
#include "cc_codec.h"
#include "cc_figures.h"
#include "cc_time.h"
#include "report.h"
#include "cc_embedded.h"
#include "state.h"
#include "tally.h"

/* 2025-03-03 (Monday) 09:00 +07:00 and the days around it. */
#define T0 1740967200LL
#define DAY 86400LL
#define DUE0 (T0 + 14 * DAY + 8 * 3600) /* 2025-03-17 17:00 */

typedef struct {
    char dir[64];
    cc_catalog_t *cat;
    sc_state_t *st;
    /* captured publications */
    int n_pub;
    char pub_unit[16][40];
    char pub_op[16][8];
    char pub_subject[16][72];
    uint64_t pub_seq[16];
} fx_t;

/* ---- Batch builder ---------------------------------------------------------------- */

typedef struct {
    cc_enc_t items;
    size_t n;
    uint64_t seq; /* seq of the next record */
} batch_t;

static void b_init(batch_t *b, uint64_t first_seq)
{
    cc_enc_init(&b->items);
    b->n = 0;
    b->seq = first_seq;
}

/* Start item [seq, {...}] with @pairs pairs to follow. */
static cc_enc_t *b_item(batch_t *b, size_t pairs)
{
    cc_enc_array(&b->items, 2);
    cc_enc_u64(&b->items, b->seq++);
    cc_enc_map(&b->items, pairs);
    b->n++;
    return &b->items;
}

/* An intake dossier record as intake.c encode_record writes it; @xk/@xv
 * add one type-specific string field (channel, class, to) when not NULL. */
static void b_dossier(batch_t *b, const char *type, const char *dossier, const char *unit,
                      const char *state, int64_t at, int64_t due, const char *xk, const char *xv)
{
    cc_enc_t *e = b_item(b, 11 + (xk != NULL));

    cc_enc_kv_str(e, "eid", "e");
    cc_enc_kv_str(e, "type", type);
    cc_enc_kv_i64(e, "at", at);
    cc_enc_kv_str(e, "by", "quay-1");
    cc_enc_kv_str(e, "dossier", dossier);
    cc_enc_kv_str(e, "unit", unit);
    cc_enc_kv_str(e, "runit", unit);
    cc_enc_kv_str(e, "proc", "TP-LLTP");
    cc_enc_kv_str(e, "state", state);
    cc_enc_kv_i64(e, "received_at", T0);
    cc_enc_kv_i64(e, "due", due);
    if (xk)
        cc_enc_kv_str(e, xk, xv);
}

static void b_received(batch_t *b, const char *dossier, const char *unit, const char *channel,
                       int64_t at, int64_t due)
{
    b_dossier(b, "received", dossier, unit, "processing", at, due, "channel", channel);
}

static void b_resolved(batch_t *b, const char *dossier, const char *unit, const char *klass,
                       int64_t at, int64_t due)
{
    b_dossier(b, "resolved", dossier, unit, "resolved", at, due, "class", klass);
}

static void b_rejected(batch_t *b, const char *dossier, const char *unit, int64_t at)
{
    cc_enc_t *e = b_item(b, 8);

    cc_enc_kv_str(e, "eid", "e");
    cc_enc_kv_str(e, "type", "rejected_at_counter");
    cc_enc_kv_i64(e, "at", at);
    cc_enc_kv_str(e, "by", "quay-1");
    cc_enc_kv_str(e, "dossier", dossier);
    cc_enc_kv_str(e, "unit", unit);
    cc_enc_kv_str(e, "proc", "TP-LLTP");
    cc_enc_kv_str(e, "channel", "direct");
}

/* Record one published change (an sc_publish_fn). */
static void on_publish(void *ctx, const sc_change_t *ch)
{
    fx_t *fx = ctx;
    cc_msg_t m = { 0 };
    char why[128];
    int i = fx->n_pub;

    assert_true(i < 16);
    assert_int_equal(
        cc_body_decode(ch->alert, ch->alert_len, &cc_limits_reply, &m, why, sizeof(why)), 0);
    snprintf(fx->pub_unit[i], sizeof(fx->pub_unit[i]), "%s", ch->head.unit);
    snprintf(fx->pub_op[i], sizeof(fx->pub_op[i]), "%s", sc_alert_op_name(ch->op));
    fx->pub_seq[i] = ch->seq;
    assert_int_equal(
        cc_map_strcpy(&m.body, "subject", fx->pub_subject[i], sizeof(fx->pub_subject[i])), 0);
    fx->n_pub++;
    cc_msg_deinit(&m);
}

/* sc_state_tick, then publish what it raised. */
static int fx_tick(fx_t *fx, int64_t now, size_t *ret_raised)
{
    int r = sc_state_tick(fx->st, now, ret_raised);

    sc_state_publish(fx->st, on_publish, fx);
    return r;
}

/* Apply @b to @feed; returns sc_state_apply_batch's result. */
static int b_apply(fx_t *fx, batch_t *b, sc_feed_id_t feed, int64_t now, sc_batch_result_t *res)
{
    cc_enc_t whole;
    cc_msg_t m = { 0 };
    char why[128];
    int r;

    cc_enc_init(&whole);
    cc_enc_map(&whole, 4);
    cc_enc_kv_u64(&whole, "rid", 7);
    cc_enc_kv_u64(&whole, "last", b->seq - 1);
    cc_enc_kv_u64(&whole, "head", b->seq - 1);
    cc_enc_str(&whole, "events");
    cc_enc_array(&whole, b->n);
    cc_enc_raw(&whole, b->items.buf.data, b->items.buf.size);
    assert_int_equal(
        cc_body_decode(whole.buf.data, whole.buf.size, &cc_limits_reply, &m, why, sizeof(why)), 0);
    r = sc_state_apply_batch(fx->st, feed, whole.buf.data, whole.buf.size, now, res);
    sc_state_publish(fx->st, on_publish, fx);
    cc_msg_deinit(&m);
    cc_enc_deinit(&whole);
    return r;
}

static void b_free(batch_t *b) { cc_enc_deinit(&b->items); }

/* ---- Fixture ------------------------------------------------------------------------ */

static void fx_open(fx_t *fx)
{
    char err[512];

    assert_int_equal(sc_state_open(fx->dir, 1 << 20, fx->cat, &fx->st, err, sizeof(err)), 0);
}

static int setup(void **state)
{
    fx_t *fx = calloc(1, sizeof(*fx));
    char err[512];

    snprintf(fx->dir, sizeof(fx->dir), "/tmp/test-scoring-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    assert_int_equal(cc_catalog_load(NULL, &fx->cat, err, sizeof(err)), 0);
    fx_open(fx);
    *state = fx;
    return 0;
}

/* As setup, with the policy's due-soon alerts off (due_soon_working_days
 * 0), for the tests written about other alerts. */
static int setup_no_due_soon(void **state)
{
    static const char policy[] = "[dossier]\ndue_soon_working_days = 0\n";
    cc_catalog_sources_t src = {
        (const char *)cc_embedded_units,
        cc_embedded_units_len,
        (const char *)cc_embedded_procedures,
        cc_embedded_procedures_len,
        (const char *)cc_embedded_calendar,
        cc_embedded_calendar_len,
        policy,
        sizeof(policy) - 1,
    };
    fx_t *fx = calloc(1, sizeof(*fx));
    char err[512];

    snprintf(fx->dir, sizeof(fx->dir), "/tmp/test-scoring-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    assert_int_equal(cc_catalog_load_buffers(&src, &fx->cat, err, sizeof(err)), 0);
    fx_open(fx);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fx_t *fx = *state;
    char cmd[128];

    sc_state_close(&fx->st);
    cc_catalog_destroy(&fx->cat);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
    assert_int_equal(system(cmd), 0);
    free(fx);
    return 0;
}

/* A principal: role and scope (NULL unit = all units). */
static cc_principal_t *principal(cc_role_t role, const char *unit)
{
    cc_principal_t *p = calloc(1, sizeof(*p) + sizeof(p->units[0]));

    p->role = role;
    snprintf(p->who, sizeof(p->who), "tester");
    if (unit) {
        p->n_units = 1;
        snprintf(p->units[0], sizeof(p->units[0]), "%s", unit);
    } else {
        p->all_units = true;
    }
    return p;
}

/* The report of @unit over [from, to] as a decoded map in @m. */
static int report(fx_t *fx, const cc_principal_t *who, const char *unit, int64_t from, int64_t to,
                  cc_msg_t *m, cc_reject_t *rej)
{
    cc_enc_t q, out;
    cc_msg_t qm = { 0 };
    char why[128];
    int r;

    cc_enc_init(&q);
    cc_enc_init(&out);
    cc_enc_map(&q, 5);
    cc_enc_kv_u64(&q, "rid", 3);
    cc_enc_kv_str(&q, "q", "report");
    cc_enc_kv_str(&q, "unit", unit);
    cc_enc_kv_i64(&q, "from", from);
    cc_enc_kv_i64(&q, "to", to);
    assert_int_equal(cc_body_decode(q.buf.data, q.buf.size, NULL, &qm, why, sizeof(why)), 0);
    r = sc_report_query(fx->st, who, &qm.body, 3, &out, rej);
    if (r == 0)
        assert_int_equal(
            cc_body_decode(out.buf.data, out.buf.size, &cc_limits_reply, m, why, sizeof(why)), 0);
    cc_msg_deinit(&qm);
    cc_enc_deinit(&q);
    cc_enc_deinit(&out);
    return r;
}

static uint64_t u(const cc_msg_t *m, const char *key)
{
    uint64_t v = 12345678;

    assert_int_equal(cc_map_u64(&m->body, key, &v), 0);
    return v;
}

static void rate_is(const cc_msg_t *m, const char *want)
{
    char buf[32];

    assert_int_equal(cc_map_strcpy(&m->body, "on_time_rate", buf, sizeof(buf)), 0);
    assert_string_equal(buf, want);
}

/* Operator report over whole local days [d0, d1] counted from T0's day. */
static void op_report(fx_t *fx, const char *unit, int d0, int d1, cc_msg_t *m)
{
    cc_principal_t *op = principal(CC_ROLE_OPERATOR, NULL);
    cc_reject_t rej;
    int32_t day0 = cc_local_day(T0);

    *m = (cc_msg_t){ 0 };
    assert_int_equal(
        report(fx, op, unit, cc_day_start(day0 + d0), cc_day_start(day0 + d1) + DAY - 1, m, &rej),
        0);
    free(op);
}

/* ---- Tests ---------------------------------------------------------------------------- */

static void test_rate_format(void **state)
{
    char buf[32];

    (void)state;
    sc_rate_format(0, 0, buf, sizeof(buf));
    assert_string_equal(buf, "no data");
    sc_rate_format(5, 5, buf, sizeof(buf));
    assert_string_equal(buf, "100.00");
    sc_rate_format(2, 3, buf, sizeof(buf));
    assert_string_equal(buf, "66.67");
    sc_rate_format(1, 3, buf, sizeof(buf));
    assert_string_equal(buf, "33.33");
    /* seeds/004: (11.822 + 842) / 13.616 = 93,01% */
    sc_rate_format(11822 + 842, 13616, buf, sizeof(buf));
    assert_string_equal(buf, "93.01");
    sc_rate_format(0, 7, buf, sizeof(buf));
    assert_string_equal(buf, "0.00");
}

static void test_counts_per_unit_and_day(void **state)
{
    fx_t *fx = *state;
    sc_batch_result_t res;
    batch_t b;
    cc_msg_t m;

    b_init(&b, 1);
    b_received(&b, "HS-001", "SO-TP", "direct", T0, DUE0);
    b_received(&b, "HS-002", "SO-TP", "online", T0 + 60, DUE0);
    b_received(&b, "HS-003", "SO-GTVT", "postal", T0 + 120, DUE0);
    b_received(&b, "HS-004", "SO-TP", "postal", T0 + DAY, DUE0 + DAY);
    b_rejected(&b, "HS-005", "SO-TP", T0 + 180);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0 + DAY, &res), 0);
    assert_int_equal(res.applied, 5);
    assert_int_equal(res.cursor, 5);
    b_free(&b);

    op_report(fx, "SO-TP", 0, 0, &m);
    assert_int_equal(u(&m, "received"), 2);
    assert_int_equal(u(&m, "received_direct"), 1);
    assert_int_equal(u(&m, "received_online"), 1);
    assert_int_equal(u(&m, "received_postal"), 0);
    assert_int_equal(u(&m, "rejected"), 1);
    assert_int_equal(u(&m, "backlog_at_start"), 0);
    assert_int_equal(u(&m, "open_at_end"), 2);
    rate_is(&m, "no data");
    cc_msg_deinit(&m);

    op_report(fx, "SO-TP", 1, 1, &m);
    assert_int_equal(u(&m, "received"), 1);
    assert_int_equal(u(&m, "received_postal"), 1);
    assert_int_equal(u(&m, "backlog_at_start"), 2);
    assert_int_equal(u(&m, "to_handle"), 3);
    assert_int_equal(u(&m, "open_at_end"), 3);
    cc_msg_deinit(&m);

    op_report(fx, "SO-GTVT", 0, 5, &m);
    assert_int_equal(u(&m, "received"), 1);
    assert_int_equal(u(&m, "received_postal"), 1);
    cc_msg_deinit(&m);
}

static void test_transfer_moves_open(void **state)
{
    fx_t *fx = *state;
    batch_t b;
    cc_msg_t m;

    b_init(&b, 1);
    b_received(&b, "HS-010", "SO-TP", "direct", T0, DUE0);
    b_dossier(&b, "transferred", "HS-010", "SO-GTVT", "processing", T0 + DAY, DUE0, "to",
              "SO-GTVT");
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0 + DAY, NULL), 0);
    b_free(&b);

    op_report(fx, "SO-TP", 0, 1, &m);
    assert_int_equal(u(&m, "received"), 1);
    assert_int_equal(u(&m, "transferred_out"), 1);
    assert_int_equal(u(&m, "open_at_end"), 0);
    cc_msg_deinit(&m);
    op_report(fx, "SO-GTVT", 0, 1, &m);
    assert_int_equal(u(&m, "received"), 0);
    assert_int_equal(u(&m, "transferred_in"), 1);
    assert_int_equal(u(&m, "open_at_end"), 1);
    assert_int_equal(u(&m, "to_handle"), 1);
    cc_msg_deinit(&m);
    op_report(fx, "SO-GTVT", 2, 2, &m);
    assert_int_equal(u(&m, "backlog_at_start"), 1);
    cc_msg_deinit(&m);

    /* Resolved by the new handling unit: counted there. */
    b_init(&b, 3);
    b_resolved(&b, "HS-010", "SO-GTVT", "early", T0 + 2 * DAY, DUE0);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0 + 2 * DAY, NULL), 0);
    b_free(&b);
    op_report(fx, "SO-GTVT", 0, 5, &m);
    assert_int_equal(u(&m, "resolved_early"), 1);
    assert_int_equal(u(&m, "open_at_end"), 0);
    rate_is(&m, "100.00");
    cc_msg_deinit(&m);
    op_report(fx, "SO-TP", 0, 5, &m);
    assert_int_equal(u(&m, "resolved"), 0);
    cc_msg_deinit(&m);
}

static void test_report_range_and_rate(void **state)
{
    fx_t *fx = *state;
    cc_principal_t *sup = principal(CC_ROLE_SUPERVISOR, "SO-TP");
    cc_principal_t *counter = principal(CC_ROLE_COUNTER, NULL);
    cc_reject_t rej;
    batch_t b;
    cc_msg_t m = { 0 };

    b_init(&b, 1);
    for (int i = 0; i < 4; i++) {
        char id[16];

        snprintf(id, sizeof(id), "HS-%03d", 20 + i);
        b_received(&b, id, "SO-TP", "online", T0, DUE0);
    }
    b_resolved(&b, "HS-020", "SO-TP", "early", T0 + 2 * DAY, DUE0);
    b_resolved(&b, "HS-021", "SO-TP", "on_time", T0 + 14 * DAY, DUE0);
    b_resolved(&b, "HS-022", "SO-TP", "late", T0 + 15 * DAY, DUE0);
    /* refused after review: ends without a class */
    b_dossier(&b, "sos_reviewed", "HS-023", "SO-TP", "refused", T0 + 3 * DAY, DUE0, NULL, NULL);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0 + 16 * DAY, NULL), 0);
    b_free(&b);

    op_report(fx, "SO-TP", 0, 30, &m);
    assert_int_equal(u(&m, "received"), 4);
    assert_int_equal(u(&m, "resolved"), 3);
    assert_int_equal(u(&m, "resolved_early"), 1);
    assert_int_equal(u(&m, "resolved_on_time"), 1);
    assert_int_equal(u(&m, "resolved_late"), 1);
    assert_int_equal(u(&m, "ended_no_class"), 1);
    assert_int_equal(u(&m, "on_time_num"), 2);
    assert_int_equal(u(&m, "on_time_den"), 3);
    assert_int_equal(u(&m, "open_at_end"), 0);
    rate_is(&m, "66.67");
    cc_msg_deinit(&m);

    /* Only the first week: one early resolution, one refusal. */
    op_report(fx, "SO-TP", 0, 6, &m);
    assert_int_equal(u(&m, "resolved"), 1);
    assert_int_equal(u(&m, "open_at_end"), 2);
    rate_is(&m, "100.00");
    cc_msg_deinit(&m);
    /* The second half: backlog 2, nothing received. */
    op_report(fx, "SO-TP", 7, 30, &m);
    assert_int_equal(u(&m, "backlog_at_start"), 2);
    assert_int_equal(u(&m, "to_handle"), 2);
    rate_is(&m, "50.00");
    cc_msg_deinit(&m);
    /* A year before: no data. */
    op_report(fx, "SO-TP", -400, -300, &m);
    rate_is(&m, "no data");
    assert_int_equal(u(&m, "received"), 0);
    cc_msg_deinit(&m);

    /* Scope: the supervisor of SO-TP, yes; of another unit or a counter, no. */
    assert_int_equal(report(fx, sup, "SO-TP", T0, T0 + DAY, &m, &rej), 0);
    cc_msg_deinit(&m);
    assert_int_equal(report(fx, sup, "SO-GTVT", T0, T0 + DAY, &m, &rej), 1);
    assert_int_equal(rej.code, CC_ERR_NOT_AUTHORIZED);
    assert_int_equal(report(fx, counter, "SO-TP", T0, T0 + DAY, &m, &rej), 1);
    assert_int_equal(rej.code, CC_ERR_NOT_AUTHORIZED);
    free(sup);
    sup = principal(CC_ROLE_SUPERVISOR, NULL);
    assert_int_equal(report(fx, sup, "NO-SUCH", T0, T0 + DAY, &m, &rej), 1);
    assert_int_equal(rej.code, CC_ERR_UNKNOWN_UNIT);
    assert_int_equal(report(fx, sup, "SO-TP", T0 + DAY, T0, &m, &rej), 1);
    assert_int_equal(rej.code, CC_ERR_BAD_FIELD);
    free(sup);
    free(counter);
}

/* The text of the active alert @id (sc_alerts_each). */
typedef struct {
    const char *id;
    char text[512];
} text_of_t;

static int text_of(const char *id, const sc_alert_head_t *h, const void *map, size_t len, void *arg)
{
    text_of_t *t = arg;
    cc_msg_t m = { 0 };

    (void)h;
    if (strcmp(id, t->id) != 0)
        return 0;
    assert_int_equal(cc_body_decode(map, len, &cc_limits_reply, &m, NULL, 0), 0);
    assert_int_equal(cc_map_strcpy(&m.body, "text", t->text, sizeof(t->text)), 0);
    cc_msg_deinit(&m);
    return 1;
}

static void test_overdue_alert_once_and_clear(void **state)
{
    fx_t *fx = *state;
    sc_stats_t st;
    size_t raised = 99;
    batch_t b;

    b_init(&b, 1);
    b_received(&b, "HS-030", "SO-TP", "direct", T0, DUE0);
    b_received(&b, "HS-031", "SO-TP", "direct", T0, DUE0 + DAY);
    /* Extended: no apology_missing alert beside the overdue one here. */
    b_dossier(&b, "extended", "HS-030", "SO-TP", "processing", T0 + 60, DUE0, "apology", "in_time");
    b_dossier(&b, "extended", "HS-031", "SO-TP", "processing", T0 + 60, DUE0 + DAY, "apology",
              "in_time");
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0, NULL), 0);
    b_free(&b);

    assert_int_equal(fx_tick(fx, DUE0, &raised), 0); /* due < now is false */
    assert_int_equal(raised, 0);
    assert_int_equal(fx_tick(fx, DUE0 + 60, &raised), 0);
    assert_int_equal(raised, 1);
    assert_int_equal(fx->n_pub, 1);
    assert_string_equal(fx->pub_op[0], "raise");
    assert_string_equal(fx->pub_unit[0], "SO-TP");
    assert_string_equal(fx->pub_subject[0], "HS-030");
    assert_int_equal(fx->pub_seq[0], 1);
    /* Raised once: no repeat while it holds. */
    assert_int_equal(fx_tick(fx, DUE0 + 120, &raised), 0);
    assert_int_equal(raised, 0);
    assert_int_equal(fx->n_pub, 1);
    assert_int_equal(sc_state_stats(fx->st, &st), 0);
    assert_int_equal(st.active_alerts, 1);
    assert_int_equal(st.open_dossiers, 2);

    /* The text has the figures. */
    {
        text_of_t t = { "dossier_overdue:HS-030", "" };
        cc_txn_t txn;

        assert_int_equal(cc_store_read_begin(sc_state_store(fx->st), &txn), 0);
        assert_int_equal(sc_alerts_each(sc_state_alerts(fx->st), &txn, NULL, text_of, &t), 0);
        cc_txn_end(&txn);
        assert_non_null(strstr(t.text, "HS-030"));
        assert_non_null(strstr(t.text, "Cấp Phiếu lý lịch tư pháp"));
        assert_non_null(strstr(t.text, "17:00 17/03/2025"));
    }

    /* Resolved (late): cleared. */
    b_init(&b, 5);
    b_resolved(&b, "HS-030", "SO-TP", "late", DUE0 + 3600, DUE0);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, DUE0 + 3600, NULL), 0);
    b_free(&b);
    assert_int_equal(fx->n_pub, 2);
    assert_string_equal(fx->pub_op[1], "clear");
    assert_string_equal(fx->pub_subject[1], "HS-030");
    assert_int_equal(fx->pub_seq[1], 2);
    assert_int_equal(sc_state_stats(fx->st, &st), 0);
    assert_int_equal(st.active_alerts, 0);
    assert_int_equal(st.open_dossiers, 1);
    /* Nothing comes back for it later. */
    assert_int_equal(fx_tick(fx, DUE0 + 2 * 3600, &raised), 0);
    assert_int_equal(raised, 0);
    assert_int_equal(fx_tick(fx, DUE0 + DAY + 1, &raised), 0);
    assert_int_equal(raised, 1); /* HS-031 now */
    assert_string_equal(fx->pub_subject[2], "HS-031");
}

static void test_supplement_restart_clears(void **state)
{
    fx_t *fx = *state;
    int64_t due2 = DUE0 + 20 * DAY;
    size_t raised;
    batch_t b;
    sc_stats_t st;

    b_init(&b, 1);
    b_received(&b, "HS-040", "SO-TP", "direct", T0, DUE0);
    b_dossier(&b, "extended", "HS-040", "SO-TP", "processing", T0 + 60, DUE0, "apology", "in_time");
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0, NULL), 0);
    b_free(&b);
    assert_int_equal(fx_tick(fx, DUE0 + 10, &raised), 0);
    assert_int_equal(raised, 1);

    /* Supplement approved: the clock stops, the alert stays. */
    b_init(&b, 3);
    b_dossier(&b, "sos_requested", "HS-040", "SO-TP", "processing", DUE0 + 20, DUE0, "kind",
              "supplement");
    b_dossier(&b, "sos_reviewed", "HS-040", "SO-TP", "supplement_wait", DUE0 + 30, DUE0, NULL,
              NULL);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, DUE0 + 30, NULL), 0);
    b_free(&b);
    assert_int_equal(fx->n_pub, 1);
    assert_int_equal(fx_tick(fx, DUE0 + 40, &raised), 0);
    assert_int_equal(raised, 0);

    /* Completed: the due date restarts in the future, the alert clears. */
    b_init(&b, 5);
    b_dossier(&b, "supplement_completed", "HS-040", "SO-TP", "processing", DUE0 + 50, due2, NULL,
              NULL);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, DUE0 + 50, NULL), 0);
    b_free(&b);
    assert_int_equal(fx->n_pub, 2);
    assert_string_equal(fx->pub_op[1], "clear");
    assert_int_equal(sc_state_stats(fx->st, &st), 0);
    assert_int_equal(st.active_alerts, 0);
    assert_int_equal(st.open_dossiers, 1);
    assert_int_equal(fx_tick(fx, due2 - 1, &raised), 0);
    assert_int_equal(raised, 0);
    /* Past the new due date: raised again. */
    assert_int_equal(fx_tick(fx, due2 + 1, &raised), 0);
    assert_int_equal(raised, 1);
    assert_string_equal(fx->pub_op[2], "raise");
    assert_int_equal(fx->pub_seq[2], 3);
}

static void test_cursor_same_txn(void **state)
{
    fx_t *fx = *state;
    sc_batch_result_t res;
    uint64_t cursor = 0;
    batch_t b;
    cc_msg_t m;

    b_init(&b, 1);
    b_received(&b, "HS-050", "SO-TP", "direct", T0, DUE0);
    b_received(&b, "HS-051", "SO-TP", "online", T0, DUE0);
    b_resolved(&b, "HS-050", "SO-TP", "early", T0 + DAY, DUE0);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0 + DAY, &res), 0);
    assert_int_equal(res.cursor, 3);

    /* Reopen: the cursor and the counts agree. */
    sc_state_close(&fx->st);
    fx_open(fx);
    assert_int_equal(sc_state_cursor(fx->st, SC_FEED_INTAKE, &cursor), 0);
    assert_int_equal(cursor, 3);
    assert_int_equal(sc_state_cursor(fx->st, SC_FEED_HOTLINE, &cursor), 0);
    assert_int_equal(cursor, 0);
    op_report(fx, "SO-TP", 0, 5, &m);
    assert_int_equal(u(&m, "received"), 2);
    assert_int_equal(u(&m, "resolved_early"), 1);
    cc_msg_deinit(&m);

    /* The same batch again (a re-sent READ): ignored. */
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0 + DAY, &res), 0);
    assert_int_equal(res.applied, 0);
    assert_int_equal(res.duplicate, 3);
    assert_int_equal(res.cursor, 3);
    b_free(&b);
    op_report(fx, "SO-TP", 0, 5, &m);
    assert_int_equal(u(&m, "received"), 2);
    assert_int_equal(u(&m, "resolved_early"), 1);
    cc_msg_deinit(&m);

    /* Overlapping: 3 is old, 4 is new. */
    b_init(&b, 3);
    b_resolved(&b, "HS-050", "SO-TP", "early", T0 + DAY, DUE0);
    b_resolved(&b, "HS-051", "SO-TP", "on_time", T0 + DAY, DUE0);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0 + DAY, &res), 0);
    assert_int_equal(res.duplicate, 1);
    assert_int_equal(res.applied, 1);
    assert_int_equal(res.cursor, 4);
    b_free(&b);

    /* A gap: nothing applied, the cursor stays. */
    b_init(&b, 9);
    b_received(&b, "HS-059", "SO-TP", "direct", T0, DUE0);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0 + DAY, &res), 0);
    assert_true(res.gap);
    assert_int_equal(res.applied, 0);
    assert_int_equal(res.cursor, 4);
    b_free(&b);

    /* Feeds have their own cursors. */
    b_init(&b, 1);
    b_received(&b, "HS-060", "SO-TP", "direct", T0, DUE0); /* not a hotline type */
    assert_int_equal(b_apply(fx, &b, SC_FEED_HOTLINE, T0 + DAY, &res), 0);
    assert_int_equal(res.skipped, 1);
    assert_int_equal(res.cursor, 1);
    b_free(&b);
    assert_int_equal(sc_state_cursor(fx->st, SC_FEED_INTAKE, &cursor), 0);
    assert_int_equal(cursor, 4);
}

static void test_bad_records_skipped(void **state)
{
    fx_t *fx = *state;
    sc_batch_result_t res;
    sc_stats_t st;
    cc_enc_t *e;
    batch_t b;
    cc_msg_t m;

    b_init(&b, 1);
    /* 1: missing unit */
    e = b_item(&b, 5);
    cc_enc_kv_str(e, "type", "received");
    cc_enc_kv_i64(e, "at", T0);
    cc_enc_kv_str(e, "dossier", "HS-070");
    cc_enc_kv_str(e, "state", "processing");
    cc_enc_kv_i64(e, "due", DUE0);
    /* 2: due is a string */
    e = b_item(&b, 6);
    cc_enc_kv_str(e, "type", "received");
    cc_enc_kv_i64(e, "at", T0);
    cc_enc_kv_str(e, "dossier", "HS-071");
    cc_enc_kv_str(e, "unit", "SO-TP");
    cc_enc_kv_str(e, "state", "processing");
    cc_enc_kv_str(e, "due", "tomorrow");
    /* 3: unknown state */
    b_dossier(&b, "received", "HS-072", "SO-TP", "flying", T0, DUE0, "channel", "direct");
    /* 4: resolved without a class */
    b_dossier(&b, "resolved", "HS-073", "SO-TP", "resolved", T0, DUE0, NULL, NULL);
    /* 5: no type at all; 6: "at" in milliseconds */
    e = b_item(&b, 1);
    cc_enc_kv_str(e, "dossier", "HS-074");
    e = b_item(&b, 2);
    cc_enc_kv_str(e, "type", "received");
    cc_enc_kv_i64(e, "at", T0 * 1000);
    /* 7: an unknown type (forward compatibility) */
    b_dossier(&b, "teleported", "HS-075", "SO-TP", "processing", T0, DUE0, NULL, NULL);
    /* 8: a good one */
    b_received(&b, "HS-076", "SO-TP", "fax", T0, DUE0);
    /* 9: not a map at all */
    cc_enc_array(&b.items, 2);
    cc_enc_u64(&b.items, b.seq++);
    cc_enc_str(&b.items, "garbage");
    b.n++;
    /* 10: a hotline-only type on the intake feed */
    e = b_item(&b, 2);
    cc_enc_kv_str(e, "type", "contact");
    cc_enc_kv_i64(e, "at", T0);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0, &res), 0);
    assert_int_equal(res.applied, 1);
    assert_int_equal(res.invalid, 7);
    assert_int_equal(res.skipped, 2);
    assert_int_equal(res.cursor, 10);
    b_free(&b);

    /* An item that is not [seq, record] stops the batch before it. */
    b_init(&b, 11);
    b_received(&b, "HS-077", "SO-TP", "direct", T0, DUE0);
    cc_enc_str(&b.items, "not an item");
    b.n++;
    b_received(&b, "HS-078", "SO-TP", "direct", T0, DUE0);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0, &res), 0);
    assert_true(res.malformed);
    assert_int_equal(res.applied, 1);
    assert_int_equal(res.cursor, 11);
    b_free(&b);

    assert_int_equal(sc_state_stats(fx->st, &st), 0);
    assert_int_equal(st.applied[SC_FEED_INTAKE], 2);
    assert_int_equal(st.invalid[SC_FEED_INTAKE], 7);
    assert_int_equal(st.skipped[SC_FEED_INTAKE], 2);
    op_report(fx, "SO-TP", 0, 0, &m);
    assert_int_equal(u(&m, "received"), 2); /* HS-076 (channel unknown) and HS-077 */
    assert_int_equal(u(&m, "received_direct"), 1);
    cc_msg_deinit(&m);

    /* A BATCH without events is refused as a whole. */
    {
        cc_enc_t e2;

        cc_enc_init(&e2);
        cc_enc_map(&e2, 1);
        cc_enc_kv_u64(&e2, "rid", 1);
        assert_int_equal(
            sc_state_apply_batch(fx->st, SC_FEED_INTAKE, e2.buf.data, e2.buf.size, T0, &res),
            -EINVAL);
        cc_enc_deinit(&e2);
    }
}

static void test_hotline_records(void **state)
{
    fx_t *fx = *state;
    sc_batch_result_t res;
    cc_enc_t *e;
    batch_t b;
    cc_msg_t m;

    /* The dossier the complaint names. */
    b_init(&b, 1);
    b_received(&b, "HS-080", "SO-GTVT", "direct", T0, DUE0);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0, NULL), 0);
    b_free(&b);

    b_init(&b, 1);
    e = b_item(&b, 6);
    cc_enc_kv_str(e, "type", "contact");
    cc_enc_kv_i64(e, "at", T0);
    cc_enc_kv_str(e, "contact", "C-1");
    cc_enc_kv_str(e, "ctype", "guidance");
    cc_enc_kv_str(e, "channel", "phone");
    cc_enc_kv_str(e, "unit", "SO-TP");
    e = b_item(&b, 5);
    cc_enc_kv_str(e, "type", "contact");
    cc_enc_kv_i64(e, "at", T0);
    cc_enc_kv_str(e, "contact", "C-2");
    cc_enc_kv_str(e, "ctype", "pakn");
    cc_enc_kv_str(e, "unit", "SO-TP");
    /* PAKN with its own unit */
    e = b_item(&b, 6);
    cc_enc_kv_str(e, "type", "pakn_received");
    cc_enc_kv_i64(e, "at", T0);
    cc_enc_kv_str(e, "pakn", "PA-1");
    cc_enc_kv_str(e, "unit", "SO-TP");
    cc_enc_kv_u64(e, "level", 2);
    cc_enc_kv_i64(e, "due", DUE0);
    /* PAKN without a unit, naming a dossier: counts for its handling unit */
    e = b_item(&b, 5);
    cc_enc_kv_str(e, "type", "pakn_received");
    cc_enc_kv_i64(e, "at", T0);
    cc_enc_kv_str(e, "pakn", "PA-2");
    cc_enc_kv_str(e, "dossier", "HS-080");
    cc_enc_kv_u64(e, "level", 1);
    e = b_item(&b, 5);
    cc_enc_kv_str(e, "type", "pakn_answered");
    cc_enc_kv_i64(e, "at", T0 + DAY);
    cc_enc_kv_str(e, "pakn", "PA-1");
    cc_enc_kv_str(e, "unit", "SO-TP");
    cc_enc_kv_bool(e, "on_time", true);
    /* on_time missing: invalid */
    e = b_item(&b, 4);
    cc_enc_kv_str(e, "type", "pakn_answered");
    cc_enc_kv_i64(e, "at", T0 + DAY);
    cc_enc_kv_str(e, "pakn", "PA-2");
    cc_enc_kv_str(e, "unit", "SO-GTVT");
    /* published (first publication counted); an unknown type: skipped */
    e = b_item(&b, 3);
    cc_enc_kv_str(e, "type", "pakn_published");
    cc_enc_kv_i64(e, "at", T0 + DAY);
    cc_enc_kv_str(e, "pakn", "PA-1");
    e = b_item(&b, 3);
    cc_enc_kv_str(e, "type", "pakn_teleported");
    cc_enc_kv_i64(e, "at", T0 + DAY);
    cc_enc_kv_str(e, "pakn", "PA-1");
    assert_int_equal(b_apply(fx, &b, SC_FEED_HOTLINE, T0 + DAY, &res), 0);
    assert_int_equal(res.applied, 6);
    assert_int_equal(res.invalid, 1);
    assert_int_equal(res.skipped, 1);
    b_free(&b);

    op_report(fx, "SO-TP", 0, 3, &m);
    assert_int_equal(u(&m, "contacts"), 2);
    assert_int_equal(u(&m, "contacts_guide"), 1);
    assert_int_equal(u(&m, "contacts_pakn"), 1);
    assert_int_equal(u(&m, "pakn_received"), 1);
    assert_int_equal(u(&m, "pakn_answered"), 1);
    assert_int_equal(u(&m, "pakn_on_time"), 1);
    assert_int_equal(u(&m, "pakn_published"), 1);
    assert_int_equal(u(&m, "contacts_phone"), 1);
    cc_msg_deinit(&m);
    op_report(fx, "SO-GTVT", 0, 3, &m);
    assert_int_equal(u(&m, "pakn_received"), 1);
    assert_int_equal(u(&m, "pakn_answered"), 0);
    assert_int_equal(u(&m, "received"), 1);
    cc_msg_deinit(&m);
}

/* A report's string field @key equals @want. */
static void str_is(const cc_msg_t *m, const char *key, const char *want)
{
    char buf[64];

    assert_int_equal(cc_map_strcpy(&m->body, key, buf, sizeof(buf)), 0);
    assert_string_equal(buf, want);
}

/* An intake record with one string and one bool field (sos_requested). */
static void b_sos(batch_t *b, const char *dossier, const char *kind, bool rule_broken, int64_t at)
{
    cc_enc_t *e = b_item(b, 13);

    cc_enc_kv_str(e, "eid", "e");
    cc_enc_kv_str(e, "type", "sos_requested");
    cc_enc_kv_i64(e, "at", at);
    cc_enc_kv_str(e, "by", "quay-1");
    cc_enc_kv_str(e, "dossier", dossier);
    cc_enc_kv_str(e, "unit", "SO-TP");
    cc_enc_kv_str(e, "runit", "SO-TP");
    cc_enc_kv_str(e, "proc", "TP-LLTP");
    cc_enc_kv_str(e, "state", "processing");
    cc_enc_kv_i64(e, "received_at", T0);
    cc_enc_kv_i64(e, "due", DUE0);
    cc_enc_kv_str(e, "kind", kind);
    cc_enc_kv_bool(e, "rule_broken", rule_broken);
}

static void b_reviewed(batch_t *b, const char *dossier, const char *state, bool approved,
                       int64_t at)
{
    cc_enc_t *e = b_item(b, 12);

    cc_enc_kv_str(e, "eid", "e");
    cc_enc_kv_str(e, "type", "sos_reviewed");
    cc_enc_kv_i64(e, "at", at);
    cc_enc_kv_str(e, "by", "quay-1");
    cc_enc_kv_str(e, "dossier", dossier);
    cc_enc_kv_str(e, "unit", "SO-TP");
    cc_enc_kv_str(e, "runit", "SO-TP");
    cc_enc_kv_str(e, "proc", "TP-LLTP");
    cc_enc_kv_str(e, "state", state);
    cc_enc_kv_i64(e, "received_at", T0);
    cc_enc_kv_i64(e, "due", DUE0);
    cc_enc_kv_bool(e, "approved", approved);
}

/* A late resolution with its apology. */
static void b_resolved_late(batch_t *b, const char *dossier, const char *apology, int64_t at)
{
    cc_enc_t *e = b_item(b, 13);

    cc_enc_kv_str(e, "eid", "e");
    cc_enc_kv_str(e, "type", "resolved");
    cc_enc_kv_i64(e, "at", at);
    cc_enc_kv_str(e, "by", "quay-1");
    cc_enc_kv_str(e, "dossier", dossier);
    cc_enc_kv_str(e, "unit", "SO-TP");
    cc_enc_kv_str(e, "runit", "SO-TP");
    cc_enc_kv_str(e, "proc", "TP-LLTP");
    cc_enc_kv_str(e, "state", "resolved");
    cc_enc_kv_i64(e, "received_at", T0);
    cc_enc_kv_i64(e, "due", DUE0);
    cc_enc_kv_str(e, "class", "late");
    cc_enc_kv_str(e, "apology", apology);
}

static bool active(fx_t *fx, const char *kind, const char *subject)
{
    char id[SC_ALERT_ID_MAX + 1];
    cc_txn_t txn;
    MDB_val v;
    MDB_dbi dbi;
    int r;

    sc_alert_id(id, sizeof(id),
                (cc_alert_kind_t)cc_vocab_find(&cc_alert_kinds, 0, kind, strlen(kind)), subject,
                NULL);
    assert_int_equal(cc_store_dbi(sc_state_store(fx->st), "alerts", 0, &dbi), 0);
    assert_int_equal(cc_store_read_begin(sc_state_store(fx->st), &txn), 0);
    r = cc_txn_get(&txn, dbi, id, strlen(id), &v);
    cc_txn_end(&txn);
    return r == 0;
}

static void test_sos_table_and_pending(void **state)
{
    fx_t *fx = *state;
    size_t raised;
    batch_t b;
    cc_msg_t m;

    b_init(&b, 1);
    for (int i = 0; i < 6; i++) {
        char id[16];

        snprintf(id, sizeof(id), "HS-1%02d", i);
        b_received(&b, id, "SO-TP", "direct", T0, DUE0);
    }
    b_sos(&b, "HS-100", "stop", false, T0 + 3600);       /* approved -> stopped */
    b_sos(&b, "HS-101", "supplement", false, T0 + 3600); /* denied */
    b_sos(&b, "HS-102", "supplement", true, T0 + 3600);  /* rule broken, pending */
    b_sos(&b, "HS-103", "refuse", false, T0 + 3600);     /* approved -> refused */
    b_sos(&b, "HS-104", "withdraw", false, T0 + 3600);   /* pending at day 0 end */
    b_reviewed(&b, "HS-100", "stopped", true, T0 + 7200);
    b_reviewed(&b, "HS-101", "processing", false, T0 + 7200);
    b_reviewed(&b, "HS-103", "refused", true, T0 + 7200);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0 + 7200, NULL), 0);
    b_free(&b);
    /* Rule broken: alert at once. */
    assert_true(active(fx, "supplement_rule_broken", "HS-102"));
    assert_int_equal(fx->n_pub, 1);

    op_report(fx, "SO-TP", 0, 0, &m);
    assert_int_equal(u(&m, "sos_stop_req"), 1);
    assert_int_equal(u(&m, "sos_stop_ok"), 1);
    assert_int_equal(u(&m, "sos_supp_req"), 2);
    assert_int_equal(u(&m, "sos_supp_deny"), 1);
    assert_int_equal(u(&m, "sos_supp_ok"), 0);
    assert_int_equal(u(&m, "sos_refuse_ok"), 1);
    assert_int_equal(u(&m, "sos_wdraw_req"), 1);
    assert_int_equal(u(&m, "sos_supp_pend"), 1);
    assert_int_equal(u(&m, "sos_wdraw_pend"), 1);
    assert_int_equal(u(&m, "sos_pending"), 2);
    assert_int_equal(u(&m, "sos_requests"), 5);
    assert_int_equal(u(&m, "supp_rule_broken"), 1);
    /* stopped and refused end without a class */
    assert_int_equal(u(&m, "ended_no_class"), 2);
    assert_int_equal(u(&m, "resolved"), 0);
    assert_int_equal(u(&m, "open_at_end"), 4);
    cc_msg_deinit(&m);

    /* Unreviewed past 1 working day (policy): sos_pending alerts, once. */
    assert_int_equal(fx_tick(fx, T0 + DAY, &raised), 0);
    assert_int_equal(raised, 0);
    assert_int_equal(fx_tick(fx, T0 + 2 * DAY, &raised), 0);
    assert_int_equal(raised, 2);
    assert_true(active(fx, "sos_pending", "HS-102"));
    assert_true(active(fx, "sos_pending", "HS-104"));
    assert_int_equal(fx_tick(fx, T0 + 3 * DAY, &raised), 0);
    assert_int_equal(raised, 0);

    /* Reviewed on day 2: the pending alert clears; the count moves. The
     * supplement is approved (supplement_wait); the withdrawal ends it,
     * which also clears nothing else. */
    b_init(&b, 15);
    b_reviewed(&b, "HS-102", "supplement_wait", true, T0 + 2 * DAY + 60);
    b_reviewed(&b, "HS-104", "withdrawn", true, T0 + 2 * DAY + 60);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0 + 2 * DAY + 60, NULL), 0);
    b_free(&b);
    assert_false(active(fx, "sos_pending", "HS-102"));
    assert_false(active(fx, "sos_pending", "HS-104"));
    assert_true(active(fx, "supplement_rule_broken", "HS-102"));
    op_report(fx, "SO-TP", 0, 2, &m);
    assert_int_equal(u(&m, "sos_pending"), 0);
    assert_int_equal(u(&m, "sos_supp_ok"), 1);
    assert_int_equal(u(&m, "sos_wdraw_ok"), 1);
    assert_int_equal(u(&m, "ended_no_class"), 3);
    cc_msg_deinit(&m);
    /* The range ending on day 0 still shows them pending then. */
    op_report(fx, "SO-TP", 0, 0, &m);
    assert_int_equal(u(&m, "sos_pending"), 2);
    cc_msg_deinit(&m);

    /* The rule-broken dossier ends (refused after a new request): cleared. */
    b_init(&b, 17);
    b_dossier(&b, "supplement_completed", "HS-102", "SO-TP", "processing", T0 + 3 * DAY, DUE0, NULL,
              NULL);
    b_sos(&b, "HS-102", "refuse", false, T0 + 3 * DAY + 60);
    b_reviewed(&b, "HS-102", "refused", true, T0 + 3 * DAY + 120);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0 + 3 * DAY + 120, NULL), 0);
    b_free(&b);
    assert_false(active(fx, "supplement_rule_broken", "HS-102"));
}

static void test_apology_payment_rating(void **state)
{
    fx_t *fx = *state;
    size_t raised;
    batch_t b;
    cc_msg_t m;

    b_init(&b, 1);
    b_received(&b, "HS-200", "SO-TP", "online", T0, DUE0);
    b_received(&b, "HS-201", "SO-TP", "online", T0, DUE0);
    b_received(&b, "HS-202", "SO-TP", "direct", T0, DUE0);
    b_received(&b, "HS-203", "SO-TP", "direct", T0, DUE0);
    b_dossier(&b, "extended", "HS-200", "SO-TP", "processing", T0 + DAY, DUE0, "apology",
              "in_time");
    b_dossier(&b, "fee_paid", "HS-200", "SO-TP", "processing", T0 + 60, DUE0, "method", "cash");
    b_dossier(&b, "fee_paid", "HS-201", "SO-TP", "processing", T0 + 60, DUE0, "method", "cashless");
    b_dossier(&b, "fee_paid", "HS-202", "SO-TP", "processing", T0 + 60, DUE0, "method", "online");
    b_dossier(&b, "digitized", "HS-202", "SO-TP", "processing", T0 + 60, DUE0, "what",
              "components");
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0 + DAY, NULL), 0);
    b_free(&b);

    /* Overdue: HS-200 has an extension, the others not. */
    assert_int_equal(fx_tick(fx, DUE0 + 60, &raised), 0);
    assert_int_equal(raised, 4 + 3);
    assert_false(active(fx, "apology_missing", "HS-200"));
    assert_true(active(fx, "apology_missing", "HS-201"));
    assert_true(active(fx, "dossier_overdue", "HS-201"));
    /* A late extension clears apology_missing (the overdue alert stays). */
    b_init(&b, 10);
    b_dossier(&b, "extended", "HS-201", "SO-TP", "processing", DUE0 + 120, DUE0, "apology", "late");
    b_resolved_late(&b, "HS-200", "in_time", DUE0 + DAY);
    b_resolved_late(&b, "HS-201", "late", DUE0 + DAY);
    b_resolved_late(&b, "HS-202", "none", DUE0 + DAY);
    b_dossier(&b, "digitized", "HS-202", "SO-TP", "resolved", DUE0 + DAY, DUE0, "what", "result");
    b_dossier(&b, "rated", "HS-200", "SO-TP", "resolved", DUE0 + DAY, DUE0, "rating",
              "very_satisfied");
    b_dossier(&b, "rated", "HS-201", "SO-TP", "resolved", DUE0 + DAY, DUE0, "rating", "satisfied");
    b_dossier(&b, "rated", "HS-202", "SO-TP", "resolved", DUE0 + DAY, DUE0, "rating",
              "dissatisfied");
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, DUE0 + DAY, NULL), 0);
    b_free(&b);
    assert_false(active(fx, "apology_missing", "HS-201"));
    assert_false(active(fx, "dossier_overdue", "HS-201")); /* resolved */
    assert_false(active(fx, "apology_missing", "HS-202")); /* resolved */
    assert_true(active(fx, "apology_missing", "HS-203"));

    op_report(fx, "SO-TP", 0, 30, &m);
    assert_int_equal(u(&m, "extended"), 2);
    assert_int_equal(u(&m, "apology_in_time"), 1);
    assert_int_equal(u(&m, "apology_late"), 1);
    assert_int_equal(u(&m, "apology_missing"), 1);
    assert_int_equal(u(&m, "paid_cash"), 1);
    assert_int_equal(u(&m, "paid_cashless"), 1);
    assert_int_equal(u(&m, "paid_online"), 1);
    assert_int_equal(u(&m, "paid"), 3);
    assert_int_equal(u(&m, "digitized_parts"), 1);
    assert_int_equal(u(&m, "digitized_result"), 1);
    assert_int_equal(u(&m, "rated_very"), 1);
    assert_int_equal(u(&m, "rated_ok"), 1);
    assert_int_equal(u(&m, "rated_bad"), 1);
    assert_int_equal(u(&m, "satisfied_num"), 2);
    assert_int_equal(u(&m, "satisfied_den"), 3);
    str_is(&m, "satisfied_rate", "66.67");
    str_is(&m, "cashless_rate", "66.67");
    str_is(&m, "online_rate", "50.00");
    assert_int_equal(u(&m, "online_num"), 2);
    assert_int_equal(u(&m, "online_den"), 4);
    cc_msg_deinit(&m);
    /* Nothing in an empty range: "no data". */
    op_report(fx, "SO-TP", 100, 110, &m);
    str_is(&m, "satisfied_rate", "no data");
    str_is(&m, "cashless_rate", "no data");
    str_is(&m, "online_rate", "no data");
    cc_msg_deinit(&m);
}

/* One pakn_* record as hotline.c writes it. */
static void b_pakn(batch_t *b, const char *type, const char *pakn, const char *unit, unsigned level,
                   const char *dossier, int64_t at, const char *xk, bool xv)
{
    cc_enc_t *e = b_item(b, 12 + (xk != NULL));

    cc_enc_kv_str(e, "eid", "e");
    cc_enc_kv_str(e, "type", type);
    cc_enc_kv_i64(e, "at", at);
    cc_enc_kv_str(e, "by", "dtv-1");
    cc_enc_kv_str(e, "pakn", pakn);
    cc_enc_kv_str(e, "unit", unit);
    cc_enc_kv_u64(e, "level", level);
    cc_enc_kv_str(e, "state", "x");
    cc_enc_kv_i64(e, "due", DUE0);
    cc_enc_kv_str(e, "category", "procedure");
    cc_enc_kv_bool(e, "urgent", false);
    cc_enc_kv_str(e, "dossier", dossier);
    if (xk)
        cc_enc_kv_bool(e, xk, xv);
}

static void test_pakn_rules(void **state)
{
    fx_t *fx = *state;
    cc_principal_t *sup1 = principal(CC_ROLE_SUPERVISOR, "SO-TP");
    cc_reject_t rej;
    sc_batch_result_t res;
    batch_t b;
    cc_msg_t m;

    b_init(&b, 1);
    b_received(&b, "HS-300", "SO-GTVT", "direct", T0, DUE0);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0, NULL), 0);
    b_free(&b);

    b_init(&b, 1);
    /* P1: level 1, answered on time by the hotline, published, reopened,
     * answered again (counted once). */
    b_pakn(&b, "pakn_received", "P1", "", 1, "", T0, NULL, false);
    b_pakn(&b, "pakn_answered", "P1", "", 1, "", T0 + 60, "on_time", true);
    b_pakn(&b, "pakn_published", "P1", "", 1, "", T0 + 120, "late", false);
    b_pakn(&b, "pakn_reopened", "P1", "", 1, "", T0 + DAY, NULL, false);
    b_pakn(&b, "pakn_answered", "P1", "", 1, "", T0 + DAY + 60, "on_time", false);
    /* P2: assigned to SO-TP on day 1, escalated to 3 on day 2. */
    b_pakn(&b, "pakn_received", "P2", "", 1, "", T0, NULL, false);
    b_pakn(&b, "pakn_assigned", "P2", "SO-TP", 2, "", T0 + DAY, NULL, false);
    b_pakn(&b, "pakn_escalated", "P2", "SO-TP", 3, "", T0 + 2 * DAY, NULL, false);
    /* P3: names HS-300 (SO-GTVT) and is assigned to SO-TP: SO-GTVT's. */
    b_pakn(&b, "pakn_received", "P3", "", 1, "HS-300", T0, NULL, false);
    b_pakn(&b, "pakn_assigned", "P3", "SO-TP", 2, "HS-300", T0 + 60, NULL, false);
    b_pakn(&b, "pakn_answered", "P3", "SO-TP", 2, "HS-300", T0 + 3 * DAY, "on_time", false);
    /* P4: escalated at level 1 (hotline), answered at level 2. */
    b_pakn(&b, "pakn_received", "P4", "", 1, "", T0, NULL, false);
    b_pakn(&b, "pakn_escalated", "P4", "", 2, "", T0 + 28800, NULL, false);
    b_pakn(&b, "pakn_answered", "P4", "", 2, "", T0 + DAY, "on_time", true);
    /* A contact_closed record: applied, not counted again. */
    {
        cc_enc_t *e = b_item(&b, 4);

        cc_enc_kv_str(e, "type", "contact_closed");
        cc_enc_kv_i64(e, "at", T0);
        cc_enc_kv_str(e, "contact", "C-9");
        cc_enc_kv_str(e, "ctype", "information");
    }
    assert_int_equal(b_apply(fx, &b, SC_FEED_HOTLINE, T0 + 3 * DAY, &res), 0);
    assert_int_equal(res.applied, 15);
    assert_int_equal(res.invalid, 0);
    b_free(&b);
    /* The escalation alerts: P2 still open; P4 answered (cleared). */
    assert_true(active(fx, "pakn_escalated", "P2"));
    assert_false(active(fx, "pakn_escalated", "P4"));

    /* The hotline's own figures: unit "-". */
    op_report(fx, SC_REPORT_HOTLINE, 0, 5, &m);
    str_is(&m, "unit_name", "Tổng đài 1022");
    assert_int_equal(u(&m, "pakn_received"), 3); /* P1, P2, P4 */
    assert_int_equal(u(&m, "pakn_to_unit"), 1);  /* P2 */
    assert_int_equal(u(&m, "pakn_to_handle"), 2);
    assert_int_equal(u(&m, "pakn_answered"), 2); /* P1 once, P4 */
    assert_int_equal(u(&m, "pakn_on_time"), 2);
    assert_int_equal(u(&m, "pakn_ans_l1"), 1);
    assert_int_equal(u(&m, "pakn_ans_l2"), 1);
    assert_int_equal(u(&m, "pakn_published"), 1);
    assert_int_equal(u(&m, "pakn_reopened"), 1);
    assert_int_equal(u(&m, "pakn_escalated"), 1);
    assert_int_equal(u(&m, "pakn_overdue"), 1);
    str_is(&m, "pakn_res_rate", "100.00");
    cc_msg_deinit(&m);
    op_report(fx, "SO-TP", 0, 5, &m);
    assert_int_equal(u(&m, "pakn_received"), 1); /* P2 at assignment */
    assert_int_equal(u(&m, "pakn_escalated"), 1);
    assert_int_equal(u(&m, "pakn_overdue"), 1);
    assert_int_equal(u(&m, "pakn_answered"), 0);
    str_is(&m, "pakn_ot_rate", "no data");
    cc_msg_deinit(&m);
    op_report(fx, "SO-TP", 0, 0, &m);
    assert_int_equal(u(&m, "pakn_received"), 0); /* assigned on day 1 */
    cc_msg_deinit(&m);
    op_report(fx, "SO-GTVT", 0, 5, &m);
    assert_int_equal(u(&m, "pakn_received"), 1); /* P3 */
    assert_int_equal(u(&m, "pakn_answered"), 1);
    assert_int_equal(u(&m, "pakn_on_time"), 0);
    assert_int_equal(u(&m, "pakn_overdue"), 1); /* answered late */
    assert_int_equal(u(&m, "pakn_ans_l2"), 1);
    str_is(&m, "pakn_ot_rate", "0.00");
    cc_msg_deinit(&m);
    /* "-" needs a supervisor of all units. */
    assert_int_equal(report(fx, sup1, SC_REPORT_HOTLINE, T0, T0 + DAY, &m, &rej), 1);
    assert_int_equal(rej.code, CC_ERR_NOT_AUTHORIZED);
    free(sup1);

    /* P5 (day 10): never assigned; escalated to 2, to 3, then overdue at
     * level 3: critical alerts until it is refused (late). */
    b_init(&b, 16);
    b_pakn(&b, "pakn_received", "P5", "", 1, "", T0 + 10 * DAY, NULL, false);
    b_pakn(&b, "pakn_escalated", "P5", "", 2, "", T0 + 10 * DAY + 60, NULL, false);
    b_pakn(&b, "pakn_escalated", "P5", "", 3, "", T0 + 11 * DAY, NULL, false);
    b_pakn(&b, "pakn_overdue", "P5", "", 3, "", T0 + 12 * DAY, NULL, false);
    assert_int_equal(b_apply(fx, &b, SC_FEED_HOTLINE, T0 + 12 * DAY, &res), 0);
    assert_int_equal(res.applied, 4);
    b_free(&b);
    assert_true(active(fx, "pakn_escalated", "P5"));
    assert_true(active(fx, "pakn_overdue", "P5"));
    b_init(&b, 20);
    b_pakn(&b, "pakn_refused", "P5", "", 3, "", T0 + 13 * DAY, "late", true);
    b_pakn(&b, "pakn_received", "P6", "", 1, "", T0 + 13 * DAY, NULL, false);
    b_pakn(&b, "pakn_refused", "P6", "", 1, "", T0 + 13 * DAY + 60, "late", false);
    assert_int_equal(b_apply(fx, &b, SC_FEED_HOTLINE, T0 + 13 * DAY, &res), 0);
    assert_int_equal(res.applied, 3);
    b_free(&b);
    assert_false(active(fx, "pakn_escalated", "P5"));
    assert_false(active(fx, "pakn_overdue", "P5"));
    op_report(fx, SC_REPORT_HOTLINE, 10, 13, &m);
    assert_int_equal(u(&m, "pakn_received"), 2);
    assert_int_equal(u(&m, "pakn_escalated"), 2);
    assert_int_equal(u(&m, "pakn_overdue"), 1); /* P5, once */
    assert_int_equal(u(&m, "pakn_refused"), 2);
    assert_int_equal(u(&m, "pakn_ref_late"), 1);
    assert_int_equal(u(&m, "pakn_answered"), 0);
    /* A refusal ends the complaint: handled, for the resolution rate. */
    assert_int_equal(u(&m, "pakn_to_handle"), 2);
    assert_int_equal(u(&m, "pakn_handled"), 2);
    str_is(&m, "pakn_res_rate", "100.00");
    cc_msg_deinit(&m);
}

/* Store meta "layout" = 1 (an older layout). */
static int put_layout_1(cc_txn_t *txn, void *arg)
{
    return cc_txn_put_u64(txn, *(MDB_dbi *)arg, "layout", 1);
}

static void test_layout_rebuild(void **state)
{
    fx_t *fx = *state;
    cc_txn_t txn;
    MDB_dbi meta;
    batch_t b;
    cc_msg_t m;
    uint64_t cursor = 9, seq = 0;

    b_init(&b, 1);
    b_received(&b, "HS-400", "SO-TP", "direct", T0, DUE0);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0, NULL), 0);
    b_free(&b);
    assert_int_equal(sc_state_rebuilt_from(fx->st), 0);
    sc_state_close(&fx->st);
    fx_open(fx);
    assert_int_equal(sc_state_rebuilt_from(fx->st), 0); /* same layout: kept */
    assert_int_equal(sc_state_cursor(fx->st, SC_FEED_INTAKE, &cursor), 0);
    assert_int_equal(cursor, 1);

    /* Pretend an older layout: everything derived goes, cursors to 0. */
    assert_int_equal(cc_store_dbi(sc_state_store(fx->st), "meta", 0, &meta), 0);
    {
        cc_store_t *store = sc_state_store(fx->st);

        assert_int_equal(cc_store_read_begin(store, &txn), 0);
        assert_int_equal(cc_txn_get_u64(&txn, meta, "layout", &seq), 0);
        cc_txn_end(&txn);
        assert_int_equal(seq, SC_STATE_LAYOUT_CURRENT);
    }
    sc_state_close(&fx->st);
    {
        cc_store_t *store = NULL;
        cc_store_opts_t so = { .map_size = 1 << 20 };
        MDB_dbi md;

        assert_int_equal(cc_store_open(fx->dir, &so, &store), 0);
        assert_int_equal(cc_store_dbi(store, "meta", 0, &md), 0);
        assert_int_equal(cc_store_write(store, put_layout_1, &md), 0);
        cc_store_close(&store);
    }
    fx_open(fx);
    assert_int_equal(sc_state_rebuilt_from(fx->st), 1);
    assert_int_equal(sc_state_cursor(fx->st, SC_FEED_INTAKE, &cursor), 0);
    assert_int_equal(cursor, 0);
    op_report(fx, "SO-TP", 0, 0, &m);
    assert_int_equal(u(&m, "received"), 0);
    cc_msg_deinit(&m);
    /* Rebuilt from the log: the same record again counts once. */
    b_init(&b, 1);
    b_received(&b, "HS-400", "SO-TP", "direct", T0, DUE0);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0, NULL), 0);
    b_free(&b);
    op_report(fx, "SO-TP", 0, 0, &m);
    assert_int_equal(u(&m, "received"), 1);
    cc_msg_deinit(&m);
}

static void test_tally_keys(void **state)
{
    uint8_t a[SC_TALLY_KEY_MAX], b2[SC_TALLY_KEY_MAX];
    size_t la, lb;

    (void)state;
    /* Days sort in order, negative ones first; units never run together. */
    la = sc_tally_key(a, "SO-TP", -5);
    lb = sc_tally_key(b2, "SO-TP", 3);
    assert_int_equal(la, lb);
    assert_true(memcmp(a, b2, la) < 0);
    lb = sc_tally_key(b2, "SO-TP2", -100);
    assert_int_equal(a[5], 0);
    assert_true(memcmp(a, b2, la < lb ? la : lb) < 0);
    assert_string_equal(sc_counter_name(SC_RESOLVED_ON_TIME), "resolved_on_time");
}

/* ---- The verdict: open within / past due, overall rate, table, grades ----------- */

/* Open within and past due at the end of day @d (from T0's day) of @unit,
 * checked against open_at_end. */
static void open_at(fx_t *fx, const char *unit, int d, uint64_t within, uint64_t past)
{
    cc_msg_t m;

    op_report(fx, unit, 0, d, &m);
    if (u(&m, "open_within") != within || u(&m, "open_past") != past)
        fail_msg("%s, end of day %d: open within %llu, past %llu; want %llu, %llu", unit, d,
                 (unsigned long long)u(&m, "open_within"), (unsigned long long)u(&m, "open_past"),
                 (unsigned long long)within, (unsigned long long)past);
    assert_int_equal(u(&m, "open_within") + u(&m, "open_past"), u(&m, "open_at_end"));
    cc_msg_deinit(&m);
}

/* Days of 2023-11-20 .. 2025-02-10 that get counts, with their counts:
 * month firsts and lasts, a leap day, and the days between. */
typedef struct {
    const char *date;
    uint32_t n;
} tally_day_t;

static const tally_day_t tally_days[] = {
    { "2023-11-20", 1 },    { "2023-11-30", 2 },    { "2023-12-01", 4 },     { "2023-12-14", 8 },
    { "2023-12-15", 16 },   { "2023-12-31", 32 },   { "2024-01-01", 64 },    { "2024-02-29", 128 },
    { "2024-03-01", 256 },  { "2024-06-14", 512 },  { "2024-06-15", 1024 },  { "2024-12-14", 2048 },
    { "2024-12-15", 4096 }, { "2025-01-31", 8192 }, { "2025-02-10", 16384 },
};

static int add_tally_days(cc_txn_t *txn, void *arg)
{
    MDB_dbi dbi = *(MDB_dbi *)arg;
    sc_tally_acc_t *acc = sc_tally_acc_new();
    int r;

    for (size_t i = 0; i < CC_N(tally_days); i++) {
        int32_t day;

        cc_date_parse(tally_days[i].date, &day);
        sc_tally_add(acc, "SO-TP", day, SC_RECEIVED, tally_days[i].n);
        /* Another unit, whose rows sort right after: never mixed in. */
        sc_tally_add(acc, "SO-TP2", day, SC_RECEIVED, 100000);
    }
    r = sc_tally_acc_write(acc, txn, dbi);
    sc_tally_acc_destroy(&acc);
    return r;
}

/* A range's sums come from whole months and the days of its first and
 * last month: every range between the counted days gives the sums of the
 * days themselves. */
static void test_tally_months(void **state)
{
    fx_t *fx = *state;
    MDB_dbi dbi = sc_state_tally_dbi(fx->st);
    int32_t days[CC_N(tally_days)];
    cc_txn_t txn;

    assert_int_equal(cc_store_write(sc_state_store(fx->st), add_tally_days, &dbi), 0);
    for (size_t i = 0; i < CC_N(tally_days); i++)
        cc_date_parse(tally_days[i].date, &days[i]);
    assert_int_equal(cc_store_read_begin(sc_state_store(fx->st), &txn), 0);
    for (size_t a = 0; a < CC_N(days); a++)
        for (size_t b = a; b < CC_N(days); b++)
            for (int da = -1; da <= 1; da++)
                for (int db = -1; db <= 1; db++) {
                    int32_t from = days[a] + da, to = days[b] + db;
                    uint64_t want_before = 0, want_within = 0;
                    sc_sum_t before, within;

                    if (to < from)
                        continue;
                    for (size_t k = 0; k < CC_N(days); k++) {
                        if (days[k] < from)
                            want_before += tally_days[k].n;
                        else if (days[k] <= to)
                            want_within += tally_days[k].n;
                    }
                    assert_int_equal(sc_tally_range(&txn, dbi, "SO-TP", from, to, &before, &within),
                                     0);
                    if (before.c[SC_RECEIVED] != want_before ||
                        within.c[SC_RECEIVED] != want_within)
                        fail_msg("%s%+d .. %s%+d: before %llu within %llu, want %llu %llu",
                                 tally_days[a].date, da, tally_days[b].date, db,
                                 (unsigned long long)before.c[SC_RECEIVED],
                                 (unsigned long long)within.c[SC_RECEIVED],
                                 (unsigned long long)want_before, (unsigned long long)want_within);
                }
    cc_txn_end(&txn);
}

static void test_open_within_and_past_due(void **state)
{
    fx_t *fx = *state;
    int64_t due5 = T0 + 5 * DAY + 8 * 3600, due20 = T0 + 20 * DAY + 8 * 3600;
    batch_t b;

    b_init(&b, 1);
    /* A: due on day 5, resolved late on day 7. */
    b_received(&b, "HS-A", "SO-TP", "direct", T0, due5);
    b_resolved(&b, "HS-A", "SO-TP", "late", T0 + 7 * DAY, due5);
    /* B: due on day 5, waits for a supplement from day 1 to day 10, then
     * due on day 20 (the clock counts again). */
    b_received(&b, "HS-B", "SO-TP", "direct", T0, due5);
    b_dossier(&b, "sos_reviewed", "HS-B", "SO-TP", "supplement_wait", T0 + DAY, due5, NULL, NULL);
    b_dossier(&b, "supplement_completed", "HS-B", "SO-TP", "processing", T0 + 10 * DAY, due20, NULL,
              NULL);
    /* C: due on day 5, moves to TTHCC on day 3. */
    b_received(&b, "HS-C", "SO-TP", "direct", T0, due5);
    b_dossier(&b, "transferred", "HS-C", "TTHCC", "processing", T0 + 3 * DAY, due5, "to", "TTHCC");
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0 + 11 * DAY, NULL), 0);
    b_free(&b);

    open_at(fx, "SO-TP", 0, 3, 0);
    open_at(fx, "SO-TP", 2, 3, 0);  /* A runs, B waits, C is still here */
    open_at(fx, "SO-TP", 3, 2, 0);  /* C moved */
    open_at(fx, "SO-TP", 5, 1, 1);  /* A past due at the end of its due day; B paused */
    open_at(fx, "SO-TP", 7, 1, 0);  /* A resolved */
    open_at(fx, "SO-TP", 19, 1, 0); /* B running again, due on day 20 */
    open_at(fx, "SO-TP", 20, 0, 1);
    open_at(fx, "TTHCC", 2, 0, 0);
    open_at(fx, "TTHCC", 4, 1, 0);
    open_at(fx, "TTHCC", 5, 0, 1);
}

/* The overall rate and the seeds' shares of all to handle (DOMAIN.md §5). */
static void test_overall_and_shares(void **state)
{
    fx_t *fx = *state;
    int64_t due5 = T0 + 5 * DAY + 8 * 3600, due30 = T0 + 30 * DAY + 8 * 3600;
    char id[16], buf[32];
    batch_t b;
    cc_msg_t m;

    b_init(&b, 1);
    for (int i = 0; i < 14; i++) {
        snprintf(id, sizeof(id), "HS-%02d", i);
        b_received(&b, id, "SO-TP", "online", T0, i == 13 ? due5 : due30);
    }
    for (int i = 0; i < 11; i++) {
        snprintf(id, sizeof(id), "HS-%02d", i);
        b_resolved(&b, id, "SO-TP", i == 10 ? "late" : "on_time", T0 + 4 * DAY, due30);
    }
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0 + 11 * DAY, NULL), 0);
    b_free(&b);
    /* 10 on time, 1 late, 2 open within due, 1 open past due, of 14. */
    op_report(fx, "SO-TP", 0, 10, &m);
    assert_int_equal(u(&m, "to_handle"), 14);
    assert_int_equal(u(&m, "overall_num"), 12);
    assert_int_equal(u(&m, "overall_den"), 14);
    assert_int_equal(cc_map_strcpy(&m.body, "overall_rate", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "85.71");
    assert_int_equal(u(&m, "ok_share_num"), 10);
    assert_int_equal(u(&m, "open_share_num"), 2);
    assert_int_equal(u(&m, "late_share_num"), 2);
    cc_msg_deinit(&m);
}

/* Run a table query whose fields are @tokens ("k=v" strings, "units=A,B"
 * as an array, booleans "grades", "children"). */
static int table(fx_t *fx, const cc_principal_t *who, const char *const *tokens, size_t n,
                 cc_msg_t *m, cc_reject_t *rej)
{
    cc_enc_t q, out;
    cc_msg_t qm = { 0 };
    char why[128];
    size_t map;
    int r;

    cc_enc_init(&q);
    cc_enc_init(&out);
    map = cc_enc_map_open(&q);
    cc_enc_kv_u64(&q, "rid", 4);
    cc_enc_kv_str(&q, "q", "table");
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(tokens[i], '=');

        if (eq == NULL) {
            cc_enc_kv_bool(&q, tokens[i], true);
        } else if (strncmp(tokens[i], "units=", 6) == 0) {
            char list[256], *save = NULL;
            size_t k = 0;
            const char *parts[16];

            snprintf(list, sizeof(list), "%s", eq + 1);
            for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save))
                parts[k++] = t;
            cc_enc_str(&q, "units");
            cc_enc_array(&q, k);
            for (size_t j = 0; j < k; j++)
                cc_enc_str(&q, parts[j]);
        } else {
            cc_enc_strn(&q, tokens[i], (size_t)(eq - tokens[i]));
            cc_enc_str(&q, eq + 1);
        }
    }
    cc_enc_map_close(&q, map);
    assert_int_equal(cc_body_decode(q.buf.data, q.buf.size, NULL, &qm, why, sizeof(why)), 0);
    r = sc_table_query(fx->st, who, &qm.body, 4, &out, rej);
    if (r == 0)
        assert_int_equal(
            cc_body_decode(out.buf.data, out.buf.size, &cc_limits_reply, m, why, sizeof(why)), 0);
    cc_msg_deinit(&qm);
    cc_enc_deinit(&q);
    cc_enc_deinit(&out);
    return r;
}

static const msgpack_object *row_of(const cc_msg_t *m, size_t i)
{
    const msgpack_object *rows = cc_map_find(&m->body, "rows");

    assert_non_null(rows);
    assert_true(i < rows->via.array.size);
    return &rows->via.array.ptr[i];
}

static void field_is(const msgpack_object *map, const char *key, const char *want)
{
    char buf[256];

    assert_int_equal(cc_map_strcpy(map, key, buf, sizeof(buf)), 0);
    if (strcmp(buf, want) != 0)
        fail_msg("%s = '%s', want '%s'", key, buf, want);
}

static bool bool_field(const msgpack_object *map, const char *key)
{
    bool v = false;

    assert_int_equal(cc_map_bool(map, key, &v), 0);
    return v;
}

/* @n resolutions of @unit on day 4, @late of them late. */
static void resolutions(batch_t *b, const char *unit, int n, int late)
{
    int64_t due = T0 + 10 * DAY + 8 * 3600;

    for (int i = 0; i < n; i++) {
        char id[32];

        snprintf(id, sizeof(id), "%s-%03d", unit, i);
        b_received(b, id, unit, "direct", T0, due);
        b_resolved(b, id, unit, i < late ? "late" : "on_time", T0 + 4 * DAY, due);
    }
}

static void b_note(batch_t *b, const char *type, const char *unit, const char *kx, const char *vx,
                   const char *ky, const char *vy)
{
    cc_enc_t *e = b_item(b, 7 + (size_t)(ky != NULL) + (size_t)(kx != NULL));

    cc_enc_kv_str(e, "eid", vx);
    cc_enc_kv_str(e, "type", type);
    cc_enc_kv_i64(e, "at", T0 + DAY);
    cc_enc_kv_str(e, "by", "gs-1");
    cc_enc_kv_str(e, "unit", unit);
    cc_enc_kv_str(e, "reason", "lý do");
    cc_enc_kv_i64(e, "doc_date", T0 + DAY);
    if (kx)
        cc_enc_kv_str(e, kx, vx);
    if (ky)
        cc_enc_kv_str(e, ky, vy);
}

/* Many units in one table: ranked, totals as sums, grades with what
 * decided them, low volume last, reminders and the written reason. */
static void test_table_and_grades(void **state)
{
    fx_t *fx = *state;
    cc_principal_t *op = principal(CC_ROLE_OPERATOR, NULL);
    cc_principal_t *sup = principal(CC_ROLE_SUPERVISOR, "SO-TP");
    static const char *const q[] = { "units=SO-TP,SO-XD,H-BIENHOA,H-NHONTRACH,SO-GTVT",
                                     "period=2025-03", "sort=on_time", "grades" };
    const char *order[] = { "SO-TP", "H-NHONTRACH", "H-BIENHOA", "SO-XD", "SO-GTVT" };
    cc_reject_t rej;
    cc_msg_t m;
    batch_t b;

    b_init(&b, 1);
    resolutions(&b, "SO-TP", 40, 0);       /* 100%, a department: A+ needs a reason */
    resolutions(&b, "H-NHONTRACH", 50, 0); /* 100%, a district: A+ */
    resolutions(&b, "H-BIENHOA", 100, 10); /* 90%: below 97, A */
    resolutions(&b, "SO-XD", 30, 20);      /* 33.3%: C */
    resolutions(&b, "SO-GTVT", 5, 0);      /* low volume: last */
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0 + 11 * DAY, NULL), 0);
    b_free(&b);

    assert_int_equal(table(fx, op, q, CC_N(q), &m, &rej), 0);
    for (size_t i = 0; i < CC_N(order); i++)
        field_is(row_of(&m, i), "unit", order[i]);
    field_is(row_of(&m, 1), "grade", "A+");
    field_is(row_of(&m, 0), "grade", "A"); /* no written reason */
    field_is(row_of(&m, 0), "grade_basis",
             "A+ cần lý do bằng văn bản chưa có / A+ needs a written reason, none recorded");
    field_is(row_of(&m, 2), "grade", "A");
    field_is(row_of(&m, 3), "grade", "C");
    assert_true(bool_field(row_of(&m, 4), "low_volume"));
    assert_int_equal(u(&(cc_msg_t){ .body = *cc_map_find(&m.body, "total") }, "resolved"), 225);
    assert_int_equal(u(&(cc_msg_t){ .body = *cc_map_find(&m.body, "total") }, "on_time_num"), 195);
    cc_msg_deinit(&m);

    /* The written reason for SO-TP, and a reminder for H-NHONTRACH (after
     * the 450 records above). */
    b_init(&b, 451);
    b_note(&b, "grade_note", "SO-TP", "period", "2025-03", NULL, NULL);
    b_note(&b, "reminder", "H-NHONTRACH", "kind", "reminder", "doc", "12/UBND");
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0 + 11 * DAY, NULL), 0);
    b_free(&b);
    assert_int_equal(table(fx, op, q, CC_N(q), &m, &rej), 0);
    field_is(row_of(&m, 0), "grade", "A+"); /* SO-TP, with its reason */
    field_is(row_of(&m, 0), "aplus_reason", "lý do");
    field_is(row_of(&m, 1), "grade", "A"); /* H-NHONTRACH, reminded */
    assert_int_equal(u(&(cc_msg_t){ .body = *row_of(&m, 1) }, "reminders"), 1);
    cc_msg_deinit(&m);

    /* A supervisor of SO-TP: only its own units. */
    assert_int_equal(table(fx, sup, q, CC_N(q), &m, &rej), 1);
    assert_int_equal(rej.code, CC_ERR_NOT_AUTHORIZED);
    {
        static const char *const mine[] = { "units=*", "period=2025-03" };

        assert_int_equal(table(fx, sup, mine, CC_N(mine), &m, &rej), 0);
        assert_int_equal(cc_map_find(&m.body, "rows")->via.array.size, 1);
        cc_msg_deinit(&m);
    }
    {
        static const char *const bad[] = { "units=SO-TP", "period=2025-13" };
        static const char *const sort[] = { "units=SO-TP", "period=2025-03", "sort=nothing" };

        assert_int_equal(table(fx, op, bad, CC_N(bad), &m, &rej), 1);
        assert_string_equal(rej.field, "period");
        assert_int_equal(table(fx, op, sort, CC_N(sort), &m, &rej), 1);
        assert_string_equal(rej.field, "sort");
    }
    free(op);
    free(sup);
}

/* Every key of a report is a figure with its labels (proto/cc_figures.h),
 * but for the heading. */
static void test_report_keys_have_labels(void **state)
{
    static const char *const heading[] = { "rid", "unit", "unit_name", "period", "from", "to" };
    fx_t *fx = *state;
    cc_msg_t m;

    op_report(fx, "SO-TP", 0, 30, &m);
    for (uint32_t i = 0; i < m.body.via.map.size; i++) {
        const msgpack_object *k = &m.body.via.map.ptr[i].key;
        bool head = false;

        for (size_t h = 0; h < CC_N(heading); h++)
            head |= k->via.str.size == strlen(heading[h]) &&
                    memcmp(k->via.str.ptr, heading[h], k->via.str.size) == 0;
        if (!head && cc_figure_find(k->via.str.ptr, k->via.str.size, NULL) == NULL)
            fail_msg("report key '%.*s' has no label in cc_figures", (int)k->via.str.size,
                     k->via.str.ptr);
    }
    cc_msg_deinit(&m);
}

/* ---- Alert kinds of DOMAIN.md §8 ----------------------------------------------------- */

/* A dossier record with one string field @sk and one integer field @ik
 * (either may be NULL). */
static void b_dossier_x(batch_t *b, const char *type, const char *dossier, const char *state,
                        int64_t at, int64_t due, const char *sk, const char *sv, const char *ik,
                        int64_t iv)
{
    cc_enc_t *e = b_item(b, 11u + (sk != NULL) + (ik != NULL));

    cc_enc_kv_str(e, "eid", "e");
    cc_enc_kv_str(e, "type", type);
    cc_enc_kv_i64(e, "at", at);
    cc_enc_kv_str(e, "by", "quay-1");
    cc_enc_kv_str(e, "dossier", dossier);
    cc_enc_kv_str(e, "unit", "SO-TP");
    cc_enc_kv_str(e, "runit", "SO-TP");
    cc_enc_kv_str(e, "proc", "TP-LLTP");
    cc_enc_kv_str(e, "state", state);
    cc_enc_kv_i64(e, "received_at", T0);
    cc_enc_kv_i64(e, "due", due);
    if (sk)
        cc_enc_kv_str(e, sk, sv);
    if (ik)
        cc_enc_kv_i64(e, ik, iv);
}

/* The raised_at and severity of the active alert @id; false when none. */
static bool alert_head(fx_t *fx, const char *id, sc_alert_head_t *ret)
{
    cc_txn_t txn;
    int r;

    assert_int_equal(cc_store_read_begin(sc_state_store(fx->st), &txn), 0);
    r = sc_alerts_get(sc_state_alerts(fx->st), &txn, id, ret);
    cc_txn_end(&txn);
    assert_true(r == 0 || r == -ENOENT);
    return r == 0;
}

/* Due soon (policy due_soon_working_days 1): from 07:00 of the working day
 * before the due day; raised once, replaced by overdue, gone when the
 * dossier waits for a supplement or ends. */
static void test_due_soon(void **state)
{
    fx_t *fx = *state;
    int64_t soon = DUE0 - 3 * DAY - 10 * 3600; /* Friday 14/03/2025 07:00 */
    sc_alert_head_t h;
    size_t raised;
    batch_t b;

    b_init(&b, 1);
    b_received(&b, "HS-050", "SO-TP", "direct", T0, DUE0);
    b_received(&b, "HS-051", "SO-TP", "direct", T0, DUE0);
    b_received(&b, "HS-052", "SO-TP", "direct", T0, DUE0);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0, NULL), 0);
    b_free(&b);
    assert_int_equal(fx_tick(fx, soon, &raised), 0);
    assert_int_equal(raised, 0);
    assert_int_equal(fx_tick(fx, soon + 1, &raised), 0);
    assert_int_equal(raised, 3);
    assert_true(alert_head(fx, "dossier_due_soon:HS-050", &h));
    assert_int_equal(h.severity, CC_SEV_INFO);
    assert_int_equal(h.raised_at, soon);
    assert_int_equal(fx_tick(fx, soon + 3600, &raised), 0);
    assert_int_equal(raised, 0); /* not repeated */

    /* HS-051 waits for a supplement: cleared; HS-052 is resolved: cleared. */
    b_init(&b, 4);
    b_dossier(&b, "sos_requested", "HS-051", "SO-TP", "processing", soon + 100, DUE0, "kind",
              "supplement");
    b_dossier(&b, "sos_reviewed", "HS-051", "SO-TP", "supplement_wait", soon + 200, DUE0, NULL,
              NULL);
    b_resolved(&b, "HS-052", "SO-TP", "on_time", soon + 300, DUE0);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, soon + 300, NULL), 0);
    b_free(&b);
    assert_false(alert_head(fx, "dossier_due_soon:HS-051", &h));
    assert_false(alert_head(fx, "dossier_due_soon:HS-052", &h));
    /* HS-050 passes its due date: overdue replaces due soon. */
    assert_int_equal(fx_tick(fx, DUE0 + 1, &raised), 0);
    assert_true(alert_head(fx, "dossier_overdue:HS-050", &h));
    assert_int_equal(h.raised_at, DUE0);
    assert_false(alert_head(fx, "dossier_due_soon:HS-050", &h));
    /* A same-day deadline was never "soon": nothing for it. */
    b_init(&b, 7);
    b_received(&b, "HS-053", "SO-TP", "direct", DUE0 + 2 * DAY, DUE0 + 2 * DAY + 3600);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, DUE0 + 2 * DAY, NULL), 0);
    b_free(&b);
    assert_int_equal(fx_tick(fx, DUE0 + 2 * DAY + 60, &raised), 0);
    assert_false(alert_head(fx, "dossier_due_soon:HS-053", &h));
}

/* promise_missed at the promised date of an extension; consult_late at a
 * consultation's deadline unless answered; both cleared when the dossier
 * ends or the agency answers. */
static void test_promise_and_consult(void **state)
{
    fx_t *fx = *state;
    int64_t promised = DUE0 + 2 * DAY, deadline = T0 + 2 * DAY;
    sc_alert_head_t h;
    size_t raised;
    batch_t b;

    b_init(&b, 1);
    b_received(&b, "HS-060", "SO-TP", "direct", T0, DUE0);
    b_dossier_x(&b, "consult_requested", "HS-060", "processing", T0 + 60, DUE0, "agency", "SO-XD",
                "deadline", deadline);
    b_dossier_x(&b, "consult_requested", "HS-060", "processing", T0 + 70, DUE0, "agency", "SO-TNMT",
                "deadline", deadline);
    b_dossier_x(&b, "consult_answered", "HS-060", "processing", T0 + 3600, DUE0, "agency",
                "SO-TNMT", NULL, 0);
    b_dossier_x(&b, "extended", "HS-060", "processing", T0 + 7200, DUE0, "apology", "in_time",
                "promised", promised);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0 + 7200, NULL), 0);
    b_free(&b);
    assert_int_equal(fx_tick(fx, deadline + 1, &raised), 0);
    assert_int_equal(raised, 1);
    assert_true(alert_head(fx, "consult_late:HS-060:SO-XD", &h));
    assert_int_equal(h.raised_at, deadline);
    assert_false(alert_head(fx, "consult_late:HS-060:SO-TNMT", &h));
    /* The late answer clears it. */
    b_init(&b, 6);
    b_dossier_x(&b, "consult_answered", "HS-060", "processing", deadline + 60, DUE0, "agency",
                "SO-XD", NULL, 0);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, deadline + 60, NULL), 0);
    b_free(&b);
    assert_false(alert_head(fx, "consult_late:HS-060:SO-XD", &h));
    /* Past the due date (overdue, no apology alert: extended), then past
     * the promise. */
    assert_int_equal(fx_tick(fx, promised - 1, &raised), 0);
    assert_true(alert_head(fx, "dossier_overdue:HS-060", &h));
    assert_false(alert_head(fx, "apology_missing:HS-060", &h));
    assert_false(alert_head(fx, "promise_missed:HS-060", &h));
    assert_int_equal(fx_tick(fx, promised + 1, &raised), 0);
    assert_int_equal(raised, 1);
    assert_true(alert_head(fx, "promise_missed:HS-060", &h));
    assert_int_equal(h.raised_at, promised);
    /* Resolved: everything about it clears. */
    b_init(&b, 7);
    b_resolved(&b, "HS-060", "SO-TP", "late", promised + 60, DUE0);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, promised + 60, NULL), 0);
    b_free(&b);
    assert_false(alert_head(fx, "promise_missed:HS-060", &h));
    assert_false(alert_head(fx, "dossier_overdue:HS-060", &h));
}

/* A complaint record with its state and deadline. */
static void b_pakn_due(batch_t *b, const char *type, const char *pakn, unsigned level,
                       const char *state, int64_t at, int64_t due)
{
    bool answered = strcmp(type, "pakn_answered") == 0;
    cc_enc_t *e = b_item(b, 10u + answered);

    cc_enc_kv_str(e, "eid", "e");
    cc_enc_kv_str(e, "type", type);
    cc_enc_kv_i64(e, "at", at);
    cc_enc_kv_str(e, "by", "dtv-1");
    cc_enc_kv_str(e, "pakn", pakn);
    if (answered)
        cc_enc_kv_bool(e, "on_time", false);
    cc_enc_kv_str(e, "unit", "SO-TP");
    cc_enc_kv_u64(e, "level", level);
    cc_enc_kv_str(e, "state", state);
    cc_enc_kv_i64(e, "due", due);
    cc_enc_kv_str(e, "dossier", "");
}

/* pakn_due_soon before the deadline while it waits; pakn_escalated
 * warning at level 2, critical at level 3 (the alert is replaced);
 * pakn_reopened; an answer clears them all. */
static void test_pakn_alert_kinds(void **state)
{
    fx_t *fx = *state;
    int64_t soon = DUE0 - 3 * DAY - 10 * 3600;
    sc_alert_head_t h;
    size_t raised;
    batch_t b;

    b_init(&b, 1);
    b_pakn_due(&b, "pakn_received", "P-70", 1, "received", T0, DUE0);
    assert_int_equal(b_apply(fx, &b, SC_FEED_HOTLINE, T0, NULL), 0);
    b_free(&b);
    assert_int_equal(fx_tick(fx, soon + 1, &raised), 0);
    assert_true(alert_head(fx, "pakn_due_soon:P-70", &h));
    assert_int_equal(h.severity, CC_SEV_INFO);
    /* Escalated to level 2: a new deadline, due soon gone. */
    b_init(&b, 2);
    b_pakn_due(&b, "pakn_escalated", "P-70", 2, "assigned", DUE0, DUE0 + 20 * DAY);
    assert_int_equal(b_apply(fx, &b, SC_FEED_HOTLINE, DUE0, NULL), 0);
    b_free(&b);
    assert_false(alert_head(fx, "pakn_due_soon:P-70", &h));
    assert_true(alert_head(fx, "pakn_escalated:P-70", &h));
    assert_int_equal(h.severity, CC_SEV_WARNING);
    /* Level 3: critical. */
    b_init(&b, 3);
    b_pakn_due(&b, "pakn_escalated", "P-70", 3, "assigned", DUE0 + 20 * DAY, DUE0 + 40 * DAY);
    assert_int_equal(b_apply(fx, &b, SC_FEED_HOTLINE, DUE0 + 20 * DAY, NULL), 0);
    b_free(&b);
    assert_true(alert_head(fx, "pakn_escalated:P-70", &h));
    assert_int_equal(h.severity, CC_SEV_CRITICAL);
    assert_int_equal(h.raised_at, DUE0 + 20 * DAY);
    /* Answered: cleared; reopened: pakn_reopened; answered again: cleared. */
    b_init(&b, 4);
    b_pakn_due(&b, "pakn_answered", "P-70", 3, "answered", DUE0 + 21 * DAY, DUE0 + 40 * DAY);
    b_pakn_due(&b, "pakn_reopened", "P-70", 3, "assigned", DUE0 + 22 * DAY, DUE0 + 45 * DAY);
    assert_int_equal(b_apply(fx, &b, SC_FEED_HOTLINE, DUE0 + 22 * DAY, NULL), 0);
    b_free(&b);
    assert_false(alert_head(fx, "pakn_escalated:P-70", &h));
    assert_true(alert_head(fx, "pakn_reopened:P-70", &h));
    b_init(&b, 6);
    b_pakn_due(&b, "pakn_answered", "P-70", 3, "answered", DUE0 + 23 * DAY, DUE0 + 45 * DAY);
    assert_int_equal(b_apply(fx, &b, SC_FEED_HOTLINE, DUE0 + 23 * DAY, NULL), 0);
    b_free(&b);
    assert_false(alert_head(fx, "pakn_reopened:P-70", &h));
}

/* Resolve @n dossiers of @unit, @late of them late, received at T0 + @k. */
static void resolve_many(fx_t *fx, uint64_t *seq, const char *unit, int n, int late, int k)
{
    batch_t b;
    char id[32];

    b_init(&b, *seq);
    for (int i = 0; i < n; i++) {
        snprintf(id, sizeof(id), "R-%d-%d", k, i);
        b_received(&b, id, unit, "direct", T0 + k, DUE0);
        b_resolved(&b, id, unit, i < late ? "late" : "on_time", T0 + k + 1, DUE0);
    }
    *seq = b.seq;
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0 + k + 1, NULL), 0);
    b_free(&b);
}

/* unit_below_target: 2025's on-time target is 97% (default), min volume
 * 20; raised below the target, cleared only at target + 0.5. The same
 * for satisfaction (target 92%). */
static void test_rate_alerts(void **state)
{
    fx_t *fx = *state;
    sc_alert_head_t h;
    uint64_t seq = 1;
    size_t changes;
    batch_t b;

    /* 19 resolved, 2 late: too few to judge. */
    resolve_many(fx, &seq, "SO-TP", 19, 2, 0);
    assert_int_equal(sc_state_rates(fx->st, T0 + DAY, false, &changes), 0);
    assert_false(alert_head(fx, "unit_below_target:SO-TP", &h));
    /* 20 + 19 = 39 resolved, 2 late: 94.87% < 97%. */
    resolve_many(fx, &seq, "SO-TP", 20, 0, 10);
    assert_int_equal(sc_state_rates(fx->st, T0 + DAY, false, &changes), 0);
    assert_int_equal(changes, 1);
    assert_true(alert_head(fx, "unit_below_target:SO-TP", &h));
    assert_int_equal(h.severity, CC_SEV_WARNING);
    /* 79 resolved, 2 late: 97.47%, above the target but not 0.5 above: it
     * holds. */
    resolve_many(fx, &seq, "SO-TP", 40, 0, 20);
    assert_int_equal(sc_state_rates(fx->st, T0 + DAY, true, &changes), 0);
    assert_int_equal(changes, 0);
    assert_true(alert_head(fx, "unit_below_target:SO-TP", &h));
    /* 80 resolved: 97.50%: cleared. */
    resolve_many(fx, &seq, "SO-TP", 1, 0, 30);
    assert_int_equal(sc_state_rates(fx->st, T0 + DAY, false, &changes), 0);
    assert_int_equal(changes, 1);
    assert_false(alert_head(fx, "unit_below_target:SO-TP", &h));

    /* Satisfaction: 20 ratings, 3 dissatisfied: 85% < 92%. */
    b_init(&b, seq);
    for (int i = 0; i < 20; i++) {
        char id[32];

        snprintf(id, sizeof(id), "R-0-%d", i % 19);
        b_dossier(&b, "rated", id, "SO-TP", "resolved", T0 + 100 + i, DUE0, "rating",
                  i < 3 ? "dissatisfied" : "satisfied");
    }
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0 + 200, NULL), 0);
    b_free(&b);
    assert_int_equal(sc_state_rates(fx->st, T0 + DAY, false, &changes), 0);
    assert_true(alert_head(fx, "satisfaction_below_target:SO-TP", &h));
}

/* Acknowledge dossier_overdue:HS-080 (a cc_store_write function). */
static int ack_one(cc_txn_t *txn, void *arg)
{
    sc_alerts_t **a = arg;

    sc_alerts_begin(*a);
    return sc_alerts_ack(*a, txn, "dossier_overdue:HS-080", "gs-1", DUE0 + 7200, "đã gọi điện");
}

/* An acknowledgement is kept with the alert instance (id and raised_at):
 * a rebuild from the logs raises the same instance, acknowledged. */
static void test_ack_kept_across_rebuild(void **state)
{
    fx_t *fx = *state;
    sc_alert_head_t h;
    cc_txn_t txn;
    size_t raised;
    batch_t b;
    int r;

    for (int round = 0; round < 2; round++) {
        b_init(&b, 1);
        b_received(&b, "HS-080", "SO-TP", "direct", T0, DUE0);
        assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0, NULL), 0);
        b_free(&b);
        assert_int_equal(fx_tick(fx, DUE0 + 3600, &raised), 0);
        assert_true(alert_head(fx, "dossier_overdue:HS-080", &h));
        assert_int_equal(h.acked, round == 1);
        if (round == 0) {
            sc_alerts_t *a = sc_state_alerts(fx->st);

            /* Acknowledge it (in a write transaction of its own). */
            assert_int_equal(cc_store_write(sc_state_store(fx->st), ack_one, &a), 0);
            assert_int_equal(sc_state_publish(fx->st, on_publish, fx), 1);
            assert_string_equal(fx->pub_op[fx->n_pub - 1], "ack");
            assert_true(alert_head(fx, "dossier_overdue:HS-080", &h));
            assert_true(h.acked);
            /* An alert that is not active cannot be acknowledged. */
            assert_int_equal(cc_store_read_begin(sc_state_store(fx->st), &txn), 0);
            r = sc_alerts_get(a, &txn, "dossier_overdue:HS-999", &h);
            cc_txn_end(&txn);
            assert_int_equal(r, -ENOENT);
            assert_int_equal(sc_state_rebuild(fx->st), 0);
            assert_false(alert_head(fx, "dossier_overdue:HS-080", &h));
        }
    }
}

/* A dossier transferred while overdue: its alert clears and is raised
 * again in the new unit, as a new instance (the old unit's
 * acknowledgement does not follow it); due soon follows it too. */
static void test_transfer_new_instances(void **state)
{
    fx_t *fx = *state;
    int64_t soon = DUE0 - 3 * DAY - 10 * 3600;
    sc_alert_head_t h;
    sc_alerts_t *a = sc_state_alerts(fx->st);
    size_t raised;
    batch_t b;

    b_init(&b, 1);
    b_received(&b, "HS-080", "SO-TP", "direct", T0, DUE0);
    b_received(&b, "HS-081", "SO-TP", "direct", T0, DUE0);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0, NULL), 0);
    b_free(&b);
    /* HS-081 is due soon, then moves to TTHCC: due soon there too. */
    assert_int_equal(fx_tick(fx, soon + 60, &raised), 0);
    assert_true(alert_head(fx, "dossier_due_soon:HS-081", &h));
    assert_string_equal(h.unit, "SO-TP");
    b_init(&b, 3);
    b_dossier(&b, "transferred", "HS-081", "TTHCC", "processing", soon + 120, DUE0, "to", "TTHCC");
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, soon + 120, NULL), 0);
    b_free(&b);
    assert_int_equal(fx_tick(fx, soon + 180, &raised), 0);
    assert_true(alert_head(fx, "dossier_due_soon:HS-081", &h));
    assert_string_equal(h.unit, "TTHCC");
    /* HS-080 overdue in SO-TP, acknowledged there, then transferred. */
    assert_int_equal(fx_tick(fx, DUE0 + 3600, &raised), 0);
    assert_int_equal(cc_store_write(sc_state_store(fx->st), ack_one, &a), 0);
    assert_true(alert_head(fx, "dossier_overdue:HS-080", &h));
    assert_true(h.acked);
    fx->n_pub = 0;
    b_init(&b, 4);
    b_dossier(&b, "transferred", "HS-080", "TTHCC", "processing", DUE0 + 7200, DUE0, "to", "TTHCC");
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, DUE0 + 7200, NULL), 0);
    b_free(&b);
    assert_int_equal(fx_tick(fx, DUE0 + 7300, &raised), 0);
    assert_true(alert_head(fx, "dossier_overdue:HS-080", &h));
    assert_string_equal(h.unit, "TTHCC");
    assert_int_equal(h.raised_at, DUE0);
    assert_false(h.acked);
    /* Published as two instances: the old one cleared in SO-TP, then a new
     * one raised in TTHCC. */
    {
        int cleared = -1, raised_again = -1;

        for (int i = 0; i < fx->n_pub; i++) {
            if (strcmp(fx->pub_subject[i], "HS-080") != 0)
                continue;
            if (strcmp(fx->pub_op[i], "clear") == 0 && strcmp(fx->pub_unit[i], "SO-TP") == 0)
                cleared = i;
            else if (strcmp(fx->pub_op[i], "raise") == 0 && strcmp(fx->pub_unit[i], "TTHCC") == 0)
                raised_again = i;
        }
        assert_true(cleared >= 0);
        assert_true(raised_again > cleared);
    }
}

/* A batch whose head is below the cursor, or whose record at the cursor
 * is not the one applied, is refused whole (-ESTALE). */
static void test_rollback_refused(void **state)
{
    fx_t *fx = *state;
    sc_batch_result_t res;
    batch_t b;
    uint64_t cursor;

    b_init(&b, 1);
    b_received(&b, "HS-090", "SO-TP", "direct", T0, DUE0);
    b_received(&b, "HS-091", "SO-TP", "direct", T0, DUE0);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0, NULL), 0);
    b_free(&b);
    /* The same record 2 again (a READ from the cursor): fine. */
    b_init(&b, 2);
    b_received(&b, "HS-091", "SO-TP", "direct", T0, DUE0);
    b_received(&b, "HS-092", "SO-TP", "direct", T0, DUE0);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0, &res), 0);
    assert_int_equal(res.cursor, 3);
    b_free(&b);
    /* Another record 3 (the source was restored and went on): refused. */
    b_init(&b, 3);
    b_received(&b, "HS-093", "SO-TP", "direct", T0, DUE0);
    b_received(&b, "HS-094", "SO-TP", "direct", T0, DUE0);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0, &res), -ESTALE);
    assert_true(res.rollback);
    assert_non_null(strstr(res.rollback_why, "seq 3"));
    b_free(&b);
    /* A head below the cursor: refused. */
    b_init(&b, 2);
    assert_int_equal(b_apply(fx, &b, SC_FEED_INTAKE, T0, &res), -ESTALE);
    assert_non_null(strstr(res.rollback_why, "ends at seq 1"));
    b_free(&b);
    assert_int_equal(sc_state_cursor(fx->st, SC_FEED_INTAKE, &cursor), 0);
    assert_int_equal(cursor, 3);
}

/* feed_lagging: warning, then critical on a rollback (replaced), cleared. */
static void test_feed_alert(void **state)
{
    fx_t *fx = *state;
    sc_alert_head_t h;

    assert_int_equal(sc_state_feed_alert(fx->st, SC_FEED_INTAKE, true, false, T0, "chậm"), 0);
    assert_true(alert_head(fx, "feed_lagging:intake", &h));
    assert_int_equal(h.severity, CC_SEV_WARNING);
    assert_string_equal(h.unit, "");
    assert_int_equal(sc_state_feed_alert(fx->st, SC_FEED_INTAKE, true, true, T0, "dừng"), 0);
    assert_true(alert_head(fx, "feed_lagging:intake", &h));
    assert_int_equal(h.severity, CC_SEV_CRITICAL);
    assert_int_equal(sc_state_publish(fx->st, NULL, NULL), 2); /* clear, raise */
    assert_int_equal(sc_state_feed_alert(fx->st, SC_FEED_INTAKE, false, false, T0, ""), 0);
    assert_false(alert_head(fx, "feed_lagging:intake", &h));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_report_keys_have_labels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_within_and_past_due, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overall_and_shares, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_and_grades, setup, teardown),
        cmocka_unit_test(test_rate_format),
        cmocka_unit_test(test_tally_keys),
        cmocka_unit_test_setup_teardown(test_counts_per_unit_and_day, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transfer_moves_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_range_and_rate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overdue_alert_once_and_clear, setup_no_due_soon,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_supplement_restart_clears, setup_no_due_soon,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_due_soon, setup, teardown),
        cmocka_unit_test_setup_teardown(test_promise_and_consult, setup_no_due_soon, teardown),
        cmocka_unit_test_setup_teardown(test_pakn_alert_kinds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_alerts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ack_kept_across_rebuild, setup_no_due_soon, teardown),
        cmocka_unit_test_setup_teardown(test_transfer_new_instances, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_feed_alert, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cursor_same_txn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_records_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hotline_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sos_table_and_pending, setup, teardown),
        cmocka_unit_test_setup_teardown(test_apology_payment_rating, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pakn_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layout_rebuild, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tally_months, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
