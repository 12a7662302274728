/*
 * tick.c - the alerts that time and rates raise (see state.h: the tick,
 * the rate alerts, the feed alerts).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_base.h"
#include "cc_period.h"
#include "cc_time.h"
#include "state_priv.h"
#include "tally.h"

/* ---- Tick: dossiers overdue, SOS requests pending, timers ----------------------- */

typedef struct {
    sc_state_t *st;
    int64_t now;
    size_t raised;
} tick_ctx_t;

static int raise_counted(tick_ctx_t *t, cc_txn_t *txn, cc_alert_kind_t kind, const char *unit,
                         const char *subject, const char *detail, int64_t at, const char *text)
{
    int r = sc_raise(t->st, txn, kind, -1, unit, subject, detail, at, text);

    t->raised += r == 0;
    return r;
}

/* Dossiers in processing past their due date: dossier_overdue, and
 * apology_missing when no extension was recorded. */
static int tick_overdue(tick_ctx_t *t, cc_txn_t *txn)
{
    sc_state_t *st = t->st;
    char dossier[CC_TINDEX_ID_MAX + 1], text[SC_ALERT_TEXT_MAX], when[32];
    int64_t due;
    int r;

    while ((r = sc_due_first(st->alerts, txn, &due, dossier)) == 0 && due < t->now) {
        sc_dossier_t d;
        bool found;

        if ((r = sc_due_del(st->alerts, txn, due, dossier)) < 0 ||
            (r = sc_load_dossier(st, txn, dossier, &d, &found)) < 0)
            return r;
        /* A stale entry (the dossier moved on) is just dropped. */
        if (!found || d.state != CC_DOSSIER_PROCESSING || d.due != due || d.overdue)
            continue;
        sc_fmt_time(when, sizeof(when), due);
        snprintf(text, sizeof(text), "Hồ sơ %s (thủ tục %s) quá hạn giải quyết từ %s", dossier,
                 sc_proc_label(st, d.proc), when);
        if ((r = raise_counted(t, txn, CC_ALERT_DOSSIER_OVERDUE, d.unit, dossier, NULL, due,
                               text)) < 0)
            return r;
        d.overdue = 1;
        /* Overdue replaces due soon. */
        if (d.soon_alert &&
            (r = sc_alerts_clear_kind(st->alerts, txn, CC_ALERT_DOSSIER_DUE_SOON, dossier)) < 0)
            return r;
        d.soon_alert = 0;
        /* Overdue with no extension: the apology (Mẫu 04) is missing. */
        if (!d.extended && !d.apology_alert) {
            snprintf(text, sizeof(text),
                     "Hồ sơ %s (thủ tục %s) quá hạn từ %s nhưng chưa có văn bản xin lỗi và "
                     "hẹn lại ngày trả kết quả",
                     dossier, sc_proc_label(st, d.proc), when);
            if ((r = raise_counted(t, txn, CC_ALERT_APOLOGY_MISSING, d.unit, dossier, NULL, due,
                                   text)) < 0)
                return r;
            d.apology_alert = 1;
        }
        if ((r = sc_put_dossier(st, txn, dossier, &d)) < 0)
            return r;
    }
    return r == -ENOENT ? 0 : r;
}

/* SOS requests unreviewed past their limit: sos_pending. */
static int tick_sos(tick_ctx_t *t, cc_txn_t *txn)
{
    sc_state_t *st = t->st;
    const cc_policy_t *pol = st->catalog ? cc_catalog_policy(st->catalog) : NULL;
    char dossier[CC_TINDEX_ID_MAX + 1], text[SC_ALERT_TEXT_MAX];
    int64_t limit;
    int r;

    while ((r = sc_sos_first(st->alerts, txn, &limit, dossier)) == 0 && limit < t->now) {
        sc_dossier_t d;
        bool found;

        if ((r = sc_sos_del(st->alerts, txn, limit, dossier)) < 0 ||
            (r = sc_load_dossier(st, txn, dossier, &d, &found)) < 0)
            return r;
        if (!found || !d.sos_kind || d.sos_limit != limit)
            continue;
        snprintf(text, sizeof(text),
                 "Hồ sơ %s (thủ tục %s): đề nghị %s chưa được xem xét sau %d ngày làm việc",
                 dossier, sc_proc_label(st, d.proc), cc_vocab_vi(&cc_sos_kinds, d.sos_kind),
                 pol ? pol->sos_pending_working_days : 1);
        if ((r = raise_counted(t, txn, CC_ALERT_SOS_PENDING, d.sos_unit, dossier, NULL, limit,
                               text)) < 0)
            return r;
    }
    return r == -ENOENT ? 0 : r;
}

/* One timer that came due at @at: raise its alert if its condition holds. */
static int fire_timer(tick_ctx_t *t, cc_txn_t *txn, int64_t at, cc_alert_kind_t kind,
                      const char *subject, const char *detail)
{
    sc_state_t *st = t->st;
    char text[SC_ALERT_TEXT_MAX], when[32];
    bool found;
    int r;

    if (kind == CC_ALERT_PAKN_DUE_SOON) {
        sc_pakn_t p;

        if ((r = sc_load_pakn(st, txn, subject, &p, &found)) < 0 || !found || !p.waiting ||
            p.soon_at != at || p.soon_alert)
            return r;
        sc_fmt_time(when, sizeof(when), p.due);
        snprintf(text, sizeof(text), "PAKN %s sắp đến hạn xử lý (hạn %s) mà chưa được trả lời",
                 subject, when);
        if ((r = raise_counted(t, txn, kind, p.unit, subject, NULL, at, text)) < 0)
            return r;
        p.soon_alert = 1;
        return sc_put_pakn(st, txn, subject, &p);
    }
    sc_dossier_t d;
    int64_t deadline = 0;

    if ((r = sc_load_dossier(st, txn, subject, &d, &found)) < 0 || !found)
        return r;
    switch (kind) {
    case CC_ALERT_DOSSIER_DUE_SOON:
        if (d.state != CC_DOSSIER_PROCESSING || d.overdue || d.soon_at != at || d.soon_alert)
            return 0;
        sc_fmt_time(when, sizeof(when), d.due);
        snprintf(text, sizeof(text),
                 "Hồ sơ %s (thủ tục %s) sắp đến hạn giải quyết (%s): nếu không kịp, gửi văn bản "
                 "xin lỗi và hẹn lại trước hạn ít nhất 1 ngày làm việc",
                 subject, sc_proc_label(st, d.proc), when);
        d.soon_alert = 1;
        break;
    case CC_ALERT_PROMISE_MISSED:
        if ((d.state != CC_DOSSIER_PROCESSING && d.state != CC_DOSSIER_SUPPLEMENT_WAIT) ||
            d.promised != at || d.promise_alert)
            return 0;
        sc_fmt_time(when, sizeof(when), d.promised);
        snprintf(text, sizeof(text),
                 "Hồ sơ %s (thủ tục %s) đã qua ngày hẹn lại %s (văn bản xin lỗi) mà chưa có kết "
                 "quả",
                 subject, sc_proc_label(st, d.proc), when);
        d.promise_alert = 1;
        break;
    case CC_ALERT_CONSULT_LATE:
        if ((r = sc_consult_deadline(st, txn, subject, detail, &deadline)) < 0 || r == 1 ||
            deadline != at)
            return r < 0 ? r : 0;
        sc_fmt_time(when, sizeof(when), deadline);
        snprintf(text, sizeof(text),
                 "Hồ sơ %s (thủ tục %s): cơ quan %s chưa trả lời văn bản xin ý kiến, hạn %s",
                 subject, sc_proc_label(st, d.proc), detail, when);
        break;
    default:
        return 0; /* not a timer's kind: a stale entry */
    }
    if ((r = raise_counted(t, txn, kind, d.unit, subject, detail, at, text)) < 0)
        return r;
    return sc_put_dossier(st, txn, subject, &d);
}

static int tick_timers(tick_ctx_t *t, cc_txn_t *txn)
{
    char id[CC_TINDEX_ID_MAX + 1], subject[CC_MAX_ID + 1], detail[CC_MAX_ID + 1];
    cc_alert_kind_t kind;
    int64_t at;
    int r;

    while ((r = sc_timer_first(t->st->alerts, txn, &at, id)) == 0 && at < t->now) {
        if ((r = sc_timer_del(t->st->alerts, txn, at, id)) < 0)
            return r;
        if (sc_alert_id_parse(id, &kind, subject, detail) == 0 &&
            (r = fire_timer(t, txn, at, kind, subject, detail)) < 0)
            return r;
    }
    return r == -ENOENT ? 0 : r;
}

static int tick_txn(cc_txn_t *txn, void *arg)
{
    tick_ctx_t *t = arg;
    int r;

    t->raised = 0;
    sc_alerts_begin(t->st->alerts);
    if ((r = tick_overdue(t, txn)) < 0 || (r = tick_sos(t, txn)) < 0)
        return r;
    return tick_timers(t, txn);
}

/* Whether the earliest entry of any time index is before @now. */
static int tick_due(sc_state_t *st, int64_t now, bool *ret)
{
    int (*const first[])(sc_alerts_t *, cc_txn_t *, int64_t *,
                         char *) = { sc_due_first, sc_sos_first, sc_timer_first };
    char id[CC_TINDEX_ID_MAX + 1];
    cc_txn_t txn;
    int64_t t;
    int r = 0;

    *ret = false;
    if ((r = cc_store_read_begin(st->store, &txn)) < 0)
        return r;
    for (size_t i = 0; i < CC_N(first) && !*ret; i++) {
        r = first[i](st->alerts, &txn, &t, id);
        if (r == 0 && t < now)
            *ret = true;
        if (r < 0 && r != -ENOENT)
            break;
        r = 0;
    }
    cc_txn_end(&txn);
    return r;
}

int sc_state_tick(sc_state_t *st, int64_t now, size_t *ret_raised)
{
    tick_ctx_t t = { .st = st, .now = now };
    bool due;
    int r;

    if (ret_raised)
        *ret_raised = 0;
    /* Most ticks find nothing: look first in a read transaction, so that
     * an idle daemon does not fsync every second. */
    if ((r = tick_due(st, now, &due)) < 0 || !due)
        return r;
    if ((r = sc_state_write(st, tick_txn, &t)) < 0) {
        sc_alerts_begin(st->alerts);
        return r;
    }
    if (ret_raised)
        *ret_raised = t.raised;
    return 0;
}

/* ---- Rate alerts: unit below target, satisfaction below target -------------------- */

/* "93,50" for @num / @den percent. */
static void rate_vi(char *buf, size_t size, uint64_t num, uint64_t den)
{
    char *dot;

    snprintf(buf, size, "%.2f", den ? 100.0 * (double)num / (double)den : 0.0);
    if ((dot = strchr(buf, '.')) != NULL)
        *dot = ',';
}

/* The reporting year to date of @u on @day (its own cut-off, else the
 * policy's): the period whose figures a rate alert watches, and its year
 * (whose on-time target applies). */
static int year_to_date(const cc_catalog_t *cat, const cc_unit_t *u, int32_t day, cc_period_t *ret,
                        int *ret_year)
{
    int cutoff =
        u->report_cutoff_day ? u->report_cutoff_day : cc_catalog_policy(cat)->report_cutoff_day;
    char name[16], why[128];
    int y, m, d;

    cc_day_to_ymd(day, &y, &m, &d);
    for (int year = y; year <= y + 1; year++) {
        snprintf(name, sizeof(name), "%d", year);
        if (cc_period_parse(name, cutoff, ret, why, sizeof(why)) < 0)
            return -EINVAL;
        if (day >= ret->from_day && day <= ret->to_day) {
            ret->to_day = day;
            *ret_year = year;
            return 0;
        }
    }
    return -ERANGE;
}

/* One rate alert of @u: raised when @num / @den is below @target with at
 * least @min_den in the denominator, cleared when it is back at
 * @target + @margin or the volume is gone. */
typedef struct {
    cc_alert_kind_t kind;
    uint64_t num, den;
    double target;
    const char *what; /* "Tỷ lệ giải quyết hồ sơ đúng hạn", ... */
    const char *of;   /* "hồ sơ", "lượt đánh giá" */
} rate_check_t;

static int check_rate(sc_state_t *st, cc_txn_t *txn, const cc_unit_t *u, const cc_period_t *p,
                      int64_t now, const rate_check_t *c, size_t *changes)
{
    const cc_policy_t *pol = cc_catalog_policy(st->catalog);
    uint64_t min = (uint64_t)(pol->grade_min_volume > 0 ? pol->grade_min_volume : 1);
    double rate = c->den ? 100.0 * (double)c->num / (double)c->den : 0.0;
    char id[SC_ALERT_ID_MAX + 1], text[SC_ALERT_TEXT_MAX], pct[24], from[16];
    sc_alert_head_t head;
    bool cleared;
    int r;

    sc_alert_id(id, sizeof(id), c->kind, u->code, NULL);
    r = sc_alerts_get(st->alerts, txn, id, &head);
    if (r < 0 && r != -ENOENT)
        return r;
    if (r == 0) {
        if (c->den >= min && rate < c->target + pol->below_target_clear_margin)
            return 0;
        if ((r = sc_alerts_clear(st->alerts, txn, id, &cleared)) < 0)
            return r;
        *changes += cleared;
        return 0;
    }
    if (c->den < min || rate >= c->target)
        return 0;
    rate_vi(pct, sizeof(pct), c->num, c->den);
    cc_date_format_vi(p->from_day, from, sizeof(from));
    snprintf(text, sizeof(text), "%s của %s từ %s đến nay: %s%% (%llu/%llu %s), dưới chỉ tiêu %g%%",
             c->what, u->name, from, pct, (unsigned long long)c->num, (unsigned long long)c->den,
             c->of, c->target);
    if ((r = sc_raise(st, txn, c->kind, -1, u->code, u->code, NULL, now, text)) < 0)
        return r;
    (*changes)++;
    return 0;
}

typedef struct {
    sc_state_t *st;
    int64_t now;
    bool all;
    size_t changes;
} rates_ctx_t;

static int unit_rates(rates_ctx_t *rc, cc_txn_t *txn, const cc_unit_t *u)
{
    sc_state_t *st = rc->st;
    const cc_policy_t *pol = cc_catalog_policy(st->catalog);
    cc_period_t p;
    sc_sum_t s;
    int year, r;

    if (year_to_date(st->catalog, u, cc_local_day(rc->now), &p, &year) < 0)
        return 0;
    if ((r = sc_tally_range(txn, st->tally_dbi, u->code, p.from_day, p.to_day, NULL, &s)) < 0)
        return r;
    rate_check_t checks[] = {
        { CC_ALERT_UNIT_BELOW_TARGET, s.c[SC_RESOLVED_EARLY] + s.c[SC_RESOLVED_ON_TIME],
          s.c[SC_RESOLVED_EARLY] + s.c[SC_RESOLVED_ON_TIME] + s.c[SC_RESOLVED_LATE],
          cc_policy_on_time_target(pol, year), "Tỷ lệ giải quyết hồ sơ đúng hạn", "hồ sơ" },
        { CC_ALERT_SATISFACTION_BELOW_TARGET, s.c[SC_RATED_VERY] + s.c[SC_RATED_OK],
          s.c[SC_RATED_VERY] + s.c[SC_RATED_OK] + s.c[SC_RATED_BAD], pol->satisfaction_target,
          "Mức độ hài lòng của người dân", "lượt đánh giá" },
    };

    for (size_t i = 0; i < CC_N(checks); i++)
        if ((r = check_rate(st, txn, u, &p, rc->now, &checks[i], &rc->changes)) < 0)
            return r;
    return 0;
}

static int rates_txn(cc_txn_t *txn, void *arg)
{
    rates_ctx_t *rc = arg;
    sc_state_t *st = rc->st;
    int r = 0;

    rc->changes = 0;
    sc_alerts_begin(st->alerts);
    if (rc->all) {
        for (size_t i = 0; i < cc_catalog_unit_count(st->catalog) && r == 0; i++)
            r = unit_rates(rc, txn, cc_catalog_unit_at(st->catalog, i));
    } else {
        for (size_t i = 0; i < st->dirty.n && r == 0; i++) {
            const cc_unit_t *u = cc_catalog_unit(st->catalog, st->dirty.codes[i]);

            if (u)
                r = unit_rates(rc, txn, u);
        }
    }
    return r;
}

int sc_state_rates(sc_state_t *st, int64_t now, bool all, size_t *ret_changes)
{
    rates_ctx_t rc = { .st = st, .now = now, .all = all };
    int r;

    if (ret_changes)
        *ret_changes = 0;
    if (st->catalog == NULL || (!all && st->dirty.n == 0))
        return 0;
    if ((r = cc_store_write(st->store, rates_txn, &rc)) < 0) {
        sc_alerts_begin(st->alerts);
        return r;
    }
    st->dirty.n = 0;
    if (ret_changes)
        *ret_changes = rc.changes;
    return 0;
}

/* ---- Feed alerts --------------------------------------------------------------------- */

typedef struct {
    sc_state_t *st;
    sc_feed_id_t feed;
    bool lagging;
    cc_severity_t severity;
    int64_t since;
    const char *text;
} feed_alert_t;

static int feed_alert_txn(cc_txn_t *txn, void *arg)
{
    feed_alert_t *f = arg;
    sc_alerts_t *a = f->st->alerts;
    const char *name = sc_feed_name(f->feed);
    char id[SC_ALERT_ID_MAX + 1];
    sc_alert_head_t head;
    int r;

    sc_alerts_begin(a);
    sc_alert_id(id, sizeof(id), CC_ALERT_FEED_LAGGING, name, NULL);
    r = sc_alerts_get(a, txn, id, &head);
    if (r < 0 && r != -ENOENT)
        return r;
    if (r == 0 && (!f->lagging || head.severity != f->severity) &&
        (r = sc_alerts_clear(a, txn, id, NULL)) < 0)
        return r;
    if (!f->lagging)
        return 0;
    return sc_raise(f->st, txn, CC_ALERT_FEED_LAGGING, (int)f->severity, "", name, NULL, f->since,
                    f->text);
}

int sc_state_feed_alert(sc_state_t *st, sc_feed_id_t feed, bool lagging, bool critical,
                        int64_t since, const char *text)
{
    feed_alert_t f = {
        st, feed, lagging, critical ? CC_SEV_CRITICAL : CC_SEV_WARNING, since, text
    };
    int r = cc_store_write(st->store, feed_alert_txn, &f);

    if (r < 0)
        sc_alerts_begin(st->alerts);
    return r;
}
