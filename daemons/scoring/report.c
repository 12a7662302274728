/*
 * report.c - report, table (with grades), index and notes queries (see
 * report.h); the index's rules and figures are index.c's.
 */
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_base.h"
#include "cc_clock.h"
#include "cc_figures.h"
#include "cc_mem.h"
#include "cc_period.h"
#include "cc_time.h"
#include "index.h"
#include "tally.h"

static const cc_field_t q_report_fields[] = {
    { "unit", CC_T_CODE, true, 0, 0 },
    { "from", CC_T_INT, false, 0, 0 },
    { "to", CC_T_INT, false, 0, 0 },
    { "period", CC_T_CODE, false, 0, 0 },
};
/* The fields of a query of many units: the table's; the index takes all
 * but the last, "grades". */
static const cc_field_t q_table_fields[] = {
    { "units", CC_T_ARRAY, false, 0, CC_CATALOG_MAX_UNITS },
    { "kind", CC_T_CODE, false, 0, 0 },
    { "parent", CC_T_CODE, false, 0, 0 },
    { "children", CC_T_BOOL, false, 0, 0 },
    { "from", CC_T_INT, false, 0, 0 },
    { "to", CC_T_INT, false, 0, 0 },
    { "period", CC_T_CODE, false, 0, 0 },
    { "sort", CC_T_CODE, false, 0, 0 },
    { "asc", CC_T_BOOL, false, 0, 0 },
    { "grades", CC_T_BOOL, false, 0, 0 },
};

void sc_rate_format(uint64_t num, uint64_t den, char *buf, size_t size)
{
    unsigned __int128 hundredths;

    if (den == 0) {
        snprintf(buf, size, "no data");
        return;
    }
    /* Integer arithmetic: 10000 * num / den, rounded half up. */
    hundredths = ((unsigned __int128)num * 20000 + den) / (2 * (unsigned __int128)den);
    snprintf(buf, size, "%llu.%02llu", (unsigned long long)(hundredths / 100),
             (unsigned long long)(hundredths % 100));
}

/* A rate's three keys: <name>_num, <name>_den, <name>_rate. */
static void enc_rate(cc_enc_t *out, const char *name, uint64_t num, uint64_t den)
{
    char key[CC_MAX_KEY + 1], rate[32];

    sc_rate_format(num, den, rate, sizeof(rate));
    snprintf(key, sizeof(key), "%s_num", name);
    cc_enc_kv_u64(out, key, num);
    snprintf(key, sizeof(key), "%s_den", name);
    cc_enc_kv_u64(out, key, den);
    snprintf(key, sizeof(key), "%s_rate", name);
    cc_enc_kv_str(out, key, rate);
}

/* ---- A unit's sums and the figures that follow from them ----------------------- */

/* Everything a unit's figures over a period come from: the counters before
 * it, within it, and up to the moment its open dossiers are judged (the
 * end of the period, or the end of today for a period not over yet). */
typedef struct {
    sc_sum_t before, within, upto;
} sums_t;

static int unit_sums(cc_txn_t *txn, MDB_dbi dbi, const char *unit, int32_t from_day, int32_t to_day,
                     int32_t today, sums_t *ret)
{
    int32_t open_day = to_day < today ? to_day : today;
    int r;

    if ((r = sc_tally_range(txn, dbi, unit, from_day, to_day, &ret->before, &ret->within)) < 0)
        return r;
    if (open_day == to_day) {
        for (int i = 0; i < SC_COUNTER_COUNT_; i++)
            ret->upto.c[i] = ret->before.c[i] + ret->within.c[i];
        return 0;
    }
    /* The days up to open_day are the "before" of the day after it. */
    return sc_tally_range(txn, dbi, unit, open_day + 1, open_day + 1, &ret->upto, NULL);
}

static void sums_add(sums_t *a, const sums_t *b)
{
    for (int i = 0; i < SC_COUNTER_COUNT_; i++) {
        a->before.c[i] += b->before.c[i];
        a->within.c[i] += b->within.c[i];
        a->upto.c[i] += b->upto.c[i];
    }
}

/* The figures a grade needs. */
typedef struct {
    uint64_t on_time, resolved, pakn_handled, pakn_to_handle, reminders;
} grade_input_t;

/* Encode every figure of @s (DOMAIN.md §5, PROTOCOL.md §5.1) as map pairs. */
static void encode_figures(cc_enc_t *out, const sums_t *s, grade_input_t *ret_grade)
{
    const sc_sum_t *w = &s->within;
    uint64_t all_open, backlog, resolved, on_time, late, to_handle, within_due, past_due;
    uint64_t paid, ratings, pakn_kept, pakn_handled;

    backlog = sc_sum_open(&s->before);
    on_time = w->c[SC_RESOLVED_EARLY] + w->c[SC_RESOLVED_ON_TIME];
    late = w->c[SC_RESOLVED_LATE];
    resolved = on_time + late;
    to_handle = backlog + w->c[SC_RECEIVED] + w->c[SC_TRANSFERRED_IN];
    within_due = sc_sum_open_within(&s->upto);
    past_due = sc_sum_open_past(&s->upto);
    paid = w->c[SC_PAID_CASH] + w->c[SC_PAID_CASHLESS] + w->c[SC_PAID_ONLINE];
    ratings = w->c[SC_RATED_VERY] + w->c[SC_RATED_OK] + w->c[SC_RATED_BAD];
    /* Complaints this unit had to handle: for the hotline (""), those it
     * received without a unit less those it handed to a unit. */
    pakn_kept = sc_sum_pakn_to_handle(w);
    /* Handled: answered, refused or forwarded outside the province: each
     * ends the complaint lawfully (NĐ 20/2008). */
    pakn_handled = w->c[SC_PAKN_ANSWERED] + w->c[SC_PAKN_REFUSED] + w->c[SC_PAKN_FORWARDED];
    for (int i = 0; i < SC_REPORTED_COUNT_; i++)
        cc_enc_kv_u64(out, sc_counter_name((sc_counter_t)i), w->c[i]);
    cc_enc_kv_u64(out, "resolved", resolved);
    cc_enc_kv_u64(out, "backlog_at_start", backlog);
    cc_enc_kv_u64(out, "to_handle", to_handle);
    {
        sc_sum_t all;

        for (int i = 0; i < SC_COUNTER_COUNT_; i++)
            all.c[i] = s->before.c[i] + w->c[i];
        all_open = sc_sum_open(&all);
        cc_enc_kv_u64(out, "open_at_end", all_open);
        cc_enc_kv_u64(out, "open_within", within_due);
        cc_enc_kv_u64(out, "open_past", past_due);
        cc_enc_kv_u64(out, "paid", paid);
        cc_enc_kv_u64(out, "ratings", ratings);
        /* SOS requests still pending at the end of `to`'s day, per kind and in all. */
        {
            static const char *const kinds[] = { "stop", "supp", "refuse", "wdraw" };
            uint64_t pending_all = 0;
            char key[CC_MAX_KEY + 1];

            for (int k = 0; k < 4; k++) {
                uint64_t req = all.c[SC_SOS_STOP_REQ + 3 * k];
                uint64_t done = all.c[SC_SOS_STOP_OK + 3 * k] + all.c[SC_SOS_STOP_DENY + 3 * k];
                uint64_t pending = req > done ? req - done : 0;

                snprintf(key, sizeof(key), "sos_%s_pend", kinds[k]);
                cc_enc_kv_u64(out, key, pending);
                pending_all += pending;
            }
            cc_enc_kv_u64(out, "sos_pending", pending_all);
        }
    }
    cc_enc_kv_u64(out, "pakn_to_handle", pakn_kept);
    cc_enc_kv_u64(out, "pakn_handled", pakn_handled);
    cc_enc_kv_u64(out, "sos_requests",
                  w->c[SC_SOS_STOP_REQ] + w->c[SC_SOS_SUPP_REQ] + w->c[SC_SOS_REFUSE_REQ] +
                      w->c[SC_SOS_WDRAW_REQ]);
    enc_rate(out, "on_time", on_time, resolved);
    /* DOMAIN.md §5: the overall rate, and the seeds' shares of all to handle. */
    enc_rate(out, "overall", on_time + within_due, to_handle);
    enc_rate(out, "ok_share", on_time, to_handle);
    enc_rate(out, "open_share", within_due, to_handle);
    enc_rate(out, "late_share", late + past_due, to_handle);
    enc_rate(out, "satisfied", w->c[SC_RATED_VERY] + w->c[SC_RATED_OK], ratings);
    enc_rate(out, "cashless", w->c[SC_PAID_CASHLESS] + w->c[SC_PAID_ONLINE], paid);
    enc_rate(out, "online", w->c[SC_RECEIVED_ONLINE], w->c[SC_RECEIVED]);
    enc_rate(out, "pakn_ot", w->c[SC_PAKN_ANSWERED_ON_TIME], w->c[SC_PAKN_ANSWERED]);
    enc_rate(out, "pakn_res", pakn_handled, pakn_kept);
    if (ret_grade)
        *ret_grade =
            (grade_input_t){ on_time, resolved, pakn_handled, pakn_kept, w->c[SC_REMINDERS] };
}

/* ---- Periods ------------------------------------------------------------------------ */

/* The cut-off day of @u's periods: its own, else the policy's. */
static int cutoff_of(const cc_catalog_t *cat, const cc_unit_t *u)
{
    if (u && u->report_cutoff_day)
        return u->report_cutoff_day;
    return cat ? cc_catalog_policy(cat)->report_cutoff_day : 15;
}

/* The days of @body's period for unit @u: `period` by name, else `from`
 * and `to` (both needed). Returns 0, or 1 with @rej filled. */
static int period_of(const cc_catalog_t *cat, const cc_unit_t *u, const msgpack_object *body,
                     cc_period_t *ret, cc_reject_t *rej)
{
    char spec[CC_MAX_CODE + 1] = "", why[200];
    int64_t from = 0, to = 0;
    bool has_from, has_to;

    if (cc_map_strcpy(body, "period", spec, sizeof(spec)) == 0 && spec[0]) {
        if (cc_period_parse(spec, cutoff_of(cat, u), ret, why, sizeof(why)) < 0)
            return cc_reject_period(rej, spec, why);
        return 0;
    }
    has_from = cc_map_i64(body, "from", &from) == 0;
    has_to = cc_map_i64(body, "to", &to) == 0;
    if (!has_from || !has_to)
        return cc_reject(rej, CC_ERR_BAD_FIELD, has_from ? "to" : "from",
                         "Cần kỳ báo cáo ('period') hoặc cả 'from' và 'to'",
                         "Give a period, or both from and to");
    if (to < from)
        return cc_reject(rej, CC_ERR_BAD_FIELD, "to", "Ngày kết thúc trước ngày bắt đầu",
                         "'to' is before 'from'");
    ret->from_day = cc_local_day(from);
    ret->to_day = cc_local_day(to);
    return 0;
}

/* ---- One unit: QUERY report ------------------------------------------------------ */

static bool may_read(const cc_principal_t *who, const char *unit, bool hotline)
{
    return who->role == CC_ROLE_OPERATOR ||
           (who->role == CC_ROLE_SUPERVISOR &&
            (!hotline ? cc_principal_has_unit(who, unit) : who->all_units));
}

int sc_report_query(sc_state_t *st, const cc_principal_t *who, const msgpack_object *body,
                    uint64_t rid, cc_enc_t *out, cc_reject_t *rej)
{
    char unit[CC_MAX_CODE + 1], spec[CC_MAX_CODE + 1] = "";
    const cc_catalog_t *cat = sc_state_catalog(st);
    const cc_unit_t *u;
    cc_period_t p;
    sums_t s;
    bool hotline;
    cc_txn_t txn;
    size_t map;
    int r;

    if (cc_reject_fields(rej, body, q_report_fields, CC_N(q_report_fields),
                         "Truy vấn báo cáo không hợp lệ", "Invalid report query"))
        return 1;
    cc_map_strcpy(body, "unit", unit, sizeof(unit));
    cc_map_strcpy(body, "period", spec, sizeof(spec));
    /* "-": the hotline's own figures, kept under the empty unit code. */
    hotline = strcmp(unit, SC_REPORT_HOTLINE) == 0;
    u = cat && !hotline ? cc_catalog_unit(cat, unit) : NULL;
    if ((r = period_of(cat, u, body, &p, rej)) != 0)
        return r;
    if (!may_read(who, unit, hotline))
        return cc_reject(rej, CC_ERR_NOT_AUTHORIZED, "unit",
                         "Đơn vị %s không thuộc phạm vi của bạn", "Unit %s is outside your scope",
                         unit);
    if (cat && !hotline && u == NULL)
        return cc_reject(rej, CC_ERR_UNKNOWN_UNIT, "unit", "Không có đơn vị %s", "No unit %s",
                         unit);
    if ((r = cc_store_read_begin(sc_state_store(st), &txn)) < 0)
        return r;
    r = unit_sums(&txn, sc_state_tally_dbi(st), hotline ? "" : unit, p.from_day, p.to_day,
                  cc_local_day(cc_clock_now()), &s);
    cc_txn_end(&txn);
    if (r < 0)
        return r;
    map = cc_enc_map_open(out);
    cc_enc_kv_u64(out, "rid", rid);
    cc_enc_kv_str(out, "unit", unit);
    cc_enc_kv_str(out, "unit_name", u ? u->name : hotline ? "Tổng đài 1022" : "");
    cc_enc_kv_str(out, "period", spec);
    cc_enc_kv_i64(out, "from", cc_day_start(p.from_day));
    cc_enc_kv_i64(out, "to", cc_day_start(p.to_day + 1) - 1);
    encode_figures(out, &s, NULL);
    cc_enc_map_close(out, map);
    return 0;
}

/* ---- Grades (DOMAIN.md §7.2) ------------------------------------------------------ */

/* The grade of one unit, with the criterion that decided it. */
typedef struct {
    const char *grade; /* "A+", "A", "B", "C" */
    char basis[200];   /* which criterion decided it, in Vietnamese and English */
    bool low_volume;
    bool needs_reason; /* A+ on the figures, but the kind needs a written reason */
} grade_t;

static bool rate_at_least(uint64_t num, uint64_t den, double percent)
{
    /* num / den >= percent / 100, without rounding the rate first. */
    return den > 0 && (double)num * 100.0 >= percent * (double)den - 1e-9 * (double)den;
}

static bool reason_needed(const cc_policy_t *pol, cc_unit_kind_t kind)
{
    switch (kind) {
    case CC_UNIT_DEPARTMENT:
        return pol->aplus_reason_department;
    case CC_UNIT_DISTRICT:
        return pol->aplus_reason_district;
    case CC_UNIT_COMMUNE:
        return pol->aplus_reason_commune;
    default:
        return pol->aplus_reason_other;
    }
}

static grade_t grade_of(const cc_policy_t *pol, const cc_unit_t *u, int year,
                        const grade_input_t *g)
{
    double target = cc_policy_on_time_target(pol, year);
    grade_t out = { .low_volume = g->resolved < (uint64_t)pol->grade_min_volume };
    bool on_time_ok = out.low_volume || rate_at_least(g->on_time, g->resolved, target);
    bool pakn_ok = g->pakn_to_handle == 0 ||
                   rate_at_least(g->pakn_handled, g->pakn_to_handle, pol->pakn_target);

    if (g->reminders > (uint64_t)pol->grade_max_reminders) {
        out.grade = "C";
        snprintf(out.basis, sizeof(out.basis), "quá %d văn bản nhắc nhở / more than %d reminders",
                 pol->grade_max_reminders, pol->grade_max_reminders);
    } else if (on_time_ok && pakn_ok && g->reminders == 0) {
        out.needs_reason = u && reason_needed(pol, u->kind);
        out.grade = "A+";
        snprintf(out.basis, sizeof(out.basis),
                 "đạt chỉ tiêu đúng hạn %.4g%%, PAKN %.4g%%, không bị nhắc nhở / on-time target "
                 "%.4g%%, complaints %.4g%%, no reminder",
                 target, pol->pakn_target, target, pol->pakn_target);
    } else if (out.low_volume || rate_at_least(g->on_time, g->resolved, pol->grade_a_min)) {
        out.grade = "A";
        snprintf(out.basis, sizeof(out.basis), "%s / %s",
                 !on_time_ok ? "chưa đạt chỉ tiêu đúng hạn"
                 : !pakn_ok  ? "chưa đạt chỉ tiêu PAKN"
                             : "có văn bản nhắc nhở",
                 !on_time_ok ? "below the on-time target"
                 : !pakn_ok  ? "below the complaints target"
                             : "reminded");
    } else if (rate_at_least(g->on_time, g->resolved, pol->grade_b_min)) {
        out.grade = "B";
        snprintf(out.basis, sizeof(out.basis), "đúng hạn dưới %.4g%% / on time below %.4g%%",
                 pol->grade_a_min, pol->grade_a_min);
    } else {
        out.grade = "C";
        snprintf(out.basis, sizeof(out.basis), "đúng hạn dưới %.4g%% / on time below %.4g%%",
                 pol->grade_b_min, pol->grade_b_min);
    }
    return out;
}

/* The supervisors' notes on a unit's grade for a period (sc_state_grade_note). */
static void encode_grade(cc_enc_t *out, sc_state_t *st, cc_txn_t *txn, const cc_unit_t *u,
                         const char *period, int year, const grade_input_t *g)
{
    const cc_policy_t *pol = cc_catalog_policy(sc_state_catalog(st));
    grade_t gr = grade_of(pol, u, year, g);
    sc_grade_note_t note;
    bool have = period[0] && sc_state_grade_note(st, txn, u->code, period, &note) == 0;
    const char *grade = gr.grade;

    /* A+ that needs a written reason and has none stays A. */
    if (gr.needs_reason && !(have && note.reason[0] && !note.grade[0])) {
        grade = "A";
        snprintf(gr.basis, sizeof(gr.basis),
                 "A+ cần lý do bằng văn bản chưa có / A+ needs a written reason, none recorded");
    }
    cc_enc_kv_str(out, "grade_computed", grade);
    cc_enc_kv_str(out, "grade_basis", gr.basis);
    cc_enc_kv_bool(out, "low_volume", gr.low_volume);
    cc_enc_kv_str(out, "aplus_reason", have && !note.grade[0] ? note.reason : "");
    cc_enc_kv_str(out, "grade_override", have && note.grade[0] ? note.grade : "");
    cc_enc_kv_str(out, "override_reason", have && note.grade[0] ? note.reason : "");
    cc_enc_kv_str(out, "grade", have && note.grade[0] ? note.grade : grade);
}

/* ---- Many units: QUERY table ------------------------------------------------------ */

typedef struct {
    const cc_unit_t *u;
    cc_enc_t row; /* the row's pairs */
    double rank;  /* the sort figure; -1 for "no data" */
    bool low_volume;
    size_t order; /* its place in the selection: ties keep it */
} row_t;

static bool listed(const cc_unit_t *const *sel, size_t n, const cc_unit_t *u)
{
    for (size_t i = 0; i < n; i++)
        if (sel[i] == u)
            return true;
    return false;
}

/* Choose the units: the explicit list (or all), filtered by kind and
 * parent, each followed by its children when asked; only those in the
 * asker's scope (an explicit unit outside it is refused). */
static int select_units(const cc_catalog_t *cat, const cc_principal_t *who,
                        const msgpack_object *body, const cc_unit_t **sel, size_t *ret_n,
                        cc_reject_t *rej)
{
    const msgpack_object *units = cc_map_find(body, "units");
    char kind_s[CC_MAX_CODE + 1] = "", parent[CC_MAX_CODE + 1] = "";
    bool children = false, all = units == NULL;
    cc_unit_kind_t kind = CC_UNIT_OTHER;
    size_t n = 0, total = cc_catalog_unit_count(cat);

    cc_map_strcpy(body, "kind", kind_s, sizeof(kind_s));
    cc_map_strcpy(body, "parent", parent, sizeof(parent));
    cc_map_bool(body, "children", &children);
    if (kind_s[0] && cc_unit_kind_parse(kind_s, &kind) < 0)
        return cc_reject(rej, CC_ERR_BAD_FIELD, "kind", "Loại đơn vị '%s' không tồn tại",
                         "Unknown unit kind '%s'", kind_s);
    if (parent[0] && cc_catalog_unit(cat, parent) == NULL)
        return cc_reject(rej, CC_ERR_UNKNOWN_UNIT, "parent", "Không có đơn vị %s", "No unit %s",
                         parent);
    for (uint32_t i = 0; units && i < units->via.array.size; i++) {
        const msgpack_object *o = &units->via.array.ptr[i];
        char code[CC_MAX_CODE + 1];
        const cc_unit_t *u;

        if (o->type != MSGPACK_OBJECT_STR || o->via.str.size == 0 || o->via.str.size > CC_MAX_CODE)
            return cc_reject(rej, CC_ERR_BAD_FIELD, "units", "Mã đơn vị không hợp lệ",
                             "A unit code is not valid");
        snprintf(code, sizeof(code), "%.*s", (int)o->via.str.size, o->via.str.ptr);
        if (strcmp(code, "*") == 0) {
            all = true;
            continue;
        }
        if ((u = cc_catalog_unit(cat, code)) == NULL)
            return cc_reject(rej, CC_ERR_UNKNOWN_UNIT, "units", "Không có đơn vị %s", "No unit %s",
                             code);
        if (who->role != CC_ROLE_OPERATOR && !cc_principal_has_unit(who, code))
            return cc_reject(rej, CC_ERR_NOT_AUTHORIZED, "units",
                             "Đơn vị %s không thuộc phạm vi của bạn",
                             "Unit %s is outside your scope", code);
        if (!listed(sel, n, u))
            sel[n++] = u;
    }
    if (all)
        for (size_t i = 0; i < total; i++) {
            const cc_unit_t *u = cc_catalog_unit_at(cat, i);

            if ((who->role == CC_ROLE_OPERATOR || cc_principal_has_unit(who, u->code)) &&
                !listed(sel, n, u))
                sel[n++] = u;
        }
    /* Filters. */
    {
        size_t kept = 0;

        for (size_t i = 0; i < n; i++)
            if ((!kind_s[0] || sel[i]->kind == kind) &&
                (!parent[0] || (sel[i]->parent && strcmp(sel[i]->parent, parent) == 0)))
                sel[kept++] = sel[i];
        n = kept;
    }
    if (children) {
        const cc_unit_t **with = cc_xcalloc(total, sizeof(*with));
        size_t m = 0;

        for (size_t i = 0; i < n; i++) {
            if (!listed(with, m, sel[i]))
                with[m++] = sel[i];
            for (size_t k = 0; k < total; k++) {
                const cc_unit_t *c = cc_catalog_unit_at(cat, k);

                if (c->parent && strcmp(c->parent, sel[i]->code) == 0 && !listed(with, m, c) &&
                    (who->role == CC_ROLE_OPERATOR || cc_principal_has_unit(who, c->code)))
                    with[m++] = c;
            }
        }
        memcpy(sel, with, m * sizeof(*sel));
        n = m;
        free(with);
    }
    *ret_n = n;
    return 0;
}

/* The value of figure @key in the encoded row @r, for ranking: an
 * indicator's points, a rate in percent, a count, or a decimal; -1 when it
 * has no data (or is not measured) or the key is absent. */
static double row_value(const row_t *r, const char *key)
{
    cc_msg_t m;
    double v = -1;
    char k[CC_MAX_KEY + 8], text[32];
    uint64_t num, den;

    if (cc_body_decode(r->row.buf.data, r->row.buf.size, &cc_limits_reply, &m, NULL, 0) != 0)
        return -1;
    snprintf(k, sizeof(k), "%s_pts", key);
    if (cc_map_strcpy(&m.body, k, text, sizeof(text)) == 0 ||
        cc_map_strcpy(&m.body, key, text, sizeof(text)) == 0) {
        char *end;
        double d = strtod(text, &end);

        if (end != text && *end == '\0')
            v = d;
    } else {
        snprintf(k, sizeof(k), "%s_num", key);
        if (cc_map_u64(&m.body, k, &num) == 0) {
            snprintf(k, sizeof(k), "%s_den", key);
            if (cc_map_u64(&m.body, k, &den) == 0 && den > 0)
                v = 100.0 * (double)num / (double)den;
        } else if (cc_map_u64(&m.body, key, &num) == 0) {
            v = (double)num;
        }
    }
    cc_msg_deinit(&m);
    return v;
}

static bool sort_asc;

/* Low-volume units last (DOMAIN.md §7.2), then by the figure, no data last,
 * then in the order of the selection. */
static int row_cmp(const void *a, const void *b)
{
    const row_t *x = a, *y = b;

    if (x->low_volume != y->low_volume)
        return x->low_volume ? 1 : -1;
    if ((x->rank < 0) != (y->rank < 0))
        return x->rank < 0 ? 1 : -1;
    if (x->rank != y->rank)
        return (x->rank < y->rank) == sort_asc ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* A query of many units (table, index): its fields, and what each row and
 * the total hold. The selection, periods, ranking and the answer's frame
 * are rows_query's. */
typedef struct {
    const char *what_vi, *what_en; /* the query, in messages ("bảng", "table") */
    const cc_field_t *fields;
    size_t n_fields;
    /* Whether @key may be a `sort`. */
    bool (*sort_known)(const char *key);
    /* Encode the figures of unit @u over its period @p from its sums @s
     * into @row, add them to the total; *@ret_low_volume ranks it last.
     * Returns 0 or a negative storage error. */
    int (*row)(void *ctx, cc_txn_t *txn, const cc_unit_t *u, const cc_period_t *p, const sums_t *s,
               cc_enc_t *row, bool *ret_low_volume);
    /* Encode the total's figures. */
    void (*total)(void *ctx, cc_enc_t *out);
} rows_spec_t;

static int rows_query(sc_state_t *st, const cc_principal_t *who, const msgpack_object *body,
                      uint64_t rid, cc_enc_t *out, cc_reject_t *rej, const rows_spec_t *spec,
                      void *ctx)
{
    const cc_catalog_t *cat = sc_state_catalog(st);
    char spec_p[CC_MAX_CODE + 1] = "", sort[CC_MAX_KEY + 1] = "", wvi[80], wen[80];
    const cc_unit_t **sel = NULL;
    row_t *rows = NULL;
    bool asc = false, any_low = false;
    int32_t today = cc_local_day(cc_clock_now());
    cc_period_t p0;
    cc_txn_t txn;
    size_t n = 0, map;
    int r;

    snprintf(wvi, sizeof(wvi), "Truy vấn %s không hợp lệ", spec->what_vi);
    snprintf(wen, sizeof(wen), "Invalid %s query", spec->what_en);
    if (cc_reject_fields(rej, body, spec->fields, spec->n_fields, wvi, wen))
        return 1;
    if (who->role != CC_ROLE_OPERATOR && who->role != CC_ROLE_SUPERVISOR)
        return cc_reject(rej, CC_ERR_NOT_AUTHORIZED, NULL, "Chỉ giám sát viên hoặc vận hành",
                         "Supervisors and operators only");
    if (cat == NULL)
        return cc_reject(rej, CC_ERR_INTERNAL, NULL, "Chưa có danh mục", "No catalog loaded");
    cc_map_strcpy(body, "period", spec_p, sizeof(spec_p));
    cc_map_strcpy(body, "sort", sort, sizeof(sort));
    cc_map_bool(body, "asc", &asc);
    if (sort[0] && !spec->sort_known(sort))
        return cc_reject(rej, CC_ERR_BAD_FIELD, "sort", "Không có chỉ tiêu '%s'", "No figure '%s'",
                         sort);
    if ((r = period_of(cat, NULL, body, &p0, rej)) != 0)
        return r;
    sel = cc_xcalloc(cc_catalog_unit_count(cat) + 1, sizeof(*sel));
    if ((r = select_units(cat, who, body, sel, &n, rej)) != 0)
        goto done;
    rows = cc_xcalloc(n + 1, sizeof(*rows));
    if ((r = cc_store_read_begin(sc_state_store(st), &txn)) < 0)
        goto done;
    for (size_t i = 0; i < n; i++) {
        const cc_unit_t *u = sel[i];
        cc_period_t p;
        sums_t s;

        if ((r = period_of(cat, u, body, &p, rej)) != 0)
            break;
        if ((r = unit_sums(&txn, sc_state_tally_dbi(st), u->code, p.from_day, p.to_day, today,
                           &s)) < 0)
            break;
        rows[i].u = u;
        rows[i].order = i;
        cc_enc_init(&rows[i].row);
        map = cc_enc_map_open(&rows[i].row);
        cc_enc_kv_str(&rows[i].row, "unit", u->code);
        cc_enc_kv_str(&rows[i].row, "unit_name", u->name);
        cc_enc_kv_str(&rows[i].row, "kind", cc_unit_kind_name(u->kind));
        cc_enc_kv_str(&rows[i].row, "parent", u->parent ? u->parent : "");
        cc_enc_kv_i64(&rows[i].row, "from", cc_day_start(p.from_day));
        cc_enc_kv_i64(&rows[i].row, "to", cc_day_start(p.to_day + 1) - 1);
        if ((r = spec->row(ctx, &txn, u, &p, &s, &rows[i].row, &rows[i].low_volume)) < 0)
            break;
        cc_enc_map_close(&rows[i].row, map);
        rows[i].rank = sort[0] ? row_value(&rows[i], sort) : 0;
        any_low |= rows[i].low_volume;
    }
    cc_txn_end(&txn);
    if (r != 0)
        goto done;
    if (sort[0] || any_low) {
        sort_asc = asc;
        qsort(rows, n, sizeof(*rows), row_cmp);
    }
    map = cc_enc_map_open(out);
    cc_enc_kv_u64(out, "rid", rid);
    cc_enc_kv_str(out, "period", spec_p);
    cc_enc_kv_i64(out, "from", cc_day_start(p0.from_day));
    cc_enc_kv_i64(out, "to", cc_day_start(p0.to_day + 1) - 1);
    cc_enc_str(out, "rows");
    cc_enc_array(out, n);
    for (size_t i = 0; i < n; i++)
        cc_enc_raw(out, rows[i].row.buf.data, rows[i].row.buf.size);
    cc_enc_str(out, "total");
    {
        size_t tmap = cc_enc_map_open(out);

        spec->total(ctx, out);
        cc_enc_map_close(out, tmap);
    }
    cc_enc_map_close(out, map);
    r = 0;
done:
    for (size_t i = 0; rows && i < n; i++)
        cc_enc_deinit(&rows[i].row);
    free(rows);
    free(sel);
    return r;
}

/* ---- QUERY table: the report's figures, with grades -------------------------------- */

typedef struct {
    sc_state_t *st;
    char period[CC_MAX_CODE + 1]; /* the period's name, "" for from/to */
    bool grades;
    sums_t total;
} table_ctx_t;

static bool table_sort_known(const char *key) { return cc_figure_find(key, strlen(key), NULL); }

static int table_row(void *arg, cc_txn_t *txn, const cc_unit_t *u, const cc_period_t *p,
                     const sums_t *s, cc_enc_t *row, bool *ret_low_volume)
{
    table_ctx_t *t = arg;
    grade_input_t g;
    int y;

    sums_add(&t->total, s);
    encode_figures(row, s, &g);
    if (t->grades) {
        cc_day_to_ymd(p->to_day, &y, NULL, NULL);
        encode_grade(row, t->st, txn, u, t->period, y, &g);
        *ret_low_volume =
            g.resolved < (uint64_t)cc_catalog_policy(sc_state_catalog(t->st))->grade_min_volume;
    }
    return 0;
}

static void table_total(void *arg, cc_enc_t *out)
{
    encode_figures(out, &((table_ctx_t *)arg)->total, NULL);
}

int sc_table_query(sc_state_t *st, const cc_principal_t *who, const msgpack_object *body,
                   uint64_t rid, cc_enc_t *out, cc_reject_t *rej)
{
    static const rows_spec_t spec = { "bảng",           "table",
                                      q_table_fields,   CC_N(q_table_fields),
                                      table_sort_known, table_row,
                                      table_total };
    table_ctx_t t = { .st = st };

    cc_map_strcpy(body, "period", t.period, sizeof(t.period));
    cc_map_bool(body, "grades", &t.grades);
    return rows_query(st, who, body, rid, out, rej, &spec, &t);
}

/* ---- QUERY index: the real-time service index (index.h) ------------------------------ */

typedef struct {
    sc_state_t *st;
    sc_index_input_t total;
} index_ctx_t;

static bool index_sort_known(const char *key)
{
    const char *part = NULL;

    return cc_index_figure_find(key, strlen(key)) ||
           (cc_indicator_find(key, strlen(key), &part) && part == NULL);
}

static int index_row(void *arg, cc_txn_t *txn, const cc_unit_t *u, const cc_period_t *p,
                     const sums_t *s, cc_enc_t *row, bool *ret_low_volume)
{
    index_ctx_t *x = arg;
    sc_index_input_t in;
    sc_index_t ix;
    int r;

    (void)ret_low_volume;
    if ((r = sc_index_input(sc_state_index(x->st), sc_state_catalog(x->st), txn, u, p->from_day,
                            p->to_day, &s->before, &s->within, &s->upto, &in)) < 0)
        return r;
    sc_index_add(&x->total, &in);
    sc_index_compute(&in, &ix);
    sc_index_encode(row, &ix);
    return 0;
}

static void index_total(void *arg, cc_enc_t *out)
{
    sc_index_t ix;

    sc_index_compute(&((index_ctx_t *)arg)->total, &ix);
    sc_index_encode(out, &ix);
}

int sc_index_query(sc_state_t *st, const cc_principal_t *who, const msgpack_object *body,
                   uint64_t rid, cc_enc_t *out, cc_reject_t *rej)
{
    static const rows_spec_t spec = { "chỉ số",         "index",
                                      q_table_fields,   CC_N(q_table_fields) - 1,
                                      index_sort_known, index_row,
                                      index_total };
    index_ctx_t x = { .st = st };

    return rows_query(st, who, body, rid, out, rej, &spec, &x);
}

/* ---- Reminders and criticisms: QUERY notes --------------------------------------- */

typedef struct {
    cc_enc_t items;
    size_t n;
} note_list_t;

static int note_to_list(const msgpack_object *rec, void *ctx)
{
    note_list_t *l = ctx;
    cc_enc_t *items = &l->items;
    static const char *const keys[] = { "kind", "doc", "doc_date", "reason", "by", "at" };
    size_t map = cc_enc_map_open(items);

    for (size_t i = 0; i < CC_N(keys); i++) {
        const msgpack_object *o = cc_map_find(rec, keys[i]);

        if (o) {
            cc_enc_str(items, keys[i]);
            cc_enc_object(items, o);
        }
    }
    cc_enc_map_close(items, map);
    l->n++;
    return 0;
}

int sc_notes_query(sc_state_t *st, const cc_principal_t *who, const msgpack_object *body,
                   uint64_t rid, cc_enc_t *out, cc_reject_t *rej)
{
    const cc_catalog_t *cat = sc_state_catalog(st);
    char unit[CC_MAX_CODE + 1];
    const cc_unit_t *u;
    note_list_t l = { .n = 0 };
    cc_period_t p;
    cc_txn_t txn;
    size_t map;
    int r;

    if (cc_reject_fields(rej, body, q_report_fields, CC_N(q_report_fields),
                         "Truy vấn văn bản không hợp lệ", "Invalid notes query"))
        return 1;
    cc_map_strcpy(body, "unit", unit, sizeof(unit));
    u = cat ? cc_catalog_unit(cat, unit) : NULL;
    if (!may_read(who, unit, false))
        return cc_reject(rej, CC_ERR_NOT_AUTHORIZED, "unit",
                         "Đơn vị %s không thuộc phạm vi của bạn", "Unit %s is outside your scope",
                         unit);
    if (u == NULL)
        return cc_reject(rej, CC_ERR_UNKNOWN_UNIT, "unit", "Không có đơn vị %s", "No unit %s",
                         unit);
    if ((r = period_of(cat, u, body, &p, rej)) != 0)
        return r;
    if ((r = cc_store_read_begin(sc_state_store(st), &txn)) < 0)
        return r;
    cc_enc_init(&l.items);
    r = sc_state_notes(st, &txn, unit, p.from_day, p.to_day, note_to_list, &l);
    cc_txn_end(&txn);
    if (r == 0) {
        map = cc_enc_map_open(out);
        cc_enc_kv_u64(out, "rid", rid);
        cc_enc_kv_str(out, "unit", unit);
        cc_enc_kv_i64(out, "from", cc_day_start(p.from_day));
        cc_enc_kv_i64(out, "to", cc_day_start(p.to_day + 1) - 1);
        cc_enc_str(out, "notes");
        cc_enc_array(out, l.n);
        cc_enc_raw(out, l.items.buf.data, l.items.buf.size);
        cc_enc_map_close(out, map);
    }
    cc_enc_deinit(&l.items);
    return r;
}
