/*
 * index.c - the real-time service index (see index.h): its rules, what it
 * counts from the logs, and each unit's figures.
 */
#include "index.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_base.h"
#include "cc_mem.h"
#include "cc_time.h"
#include "cc_vocab.h"

/* ---- The rules ------------------------------------------------------------------- */

/* What an indicator is worth when its denominator is 0. */
typedef enum { EMPTY_NOT_MEASURED, EMPTY_FULL, EMPTY_ZERO } empty_rule_t;

/* How an indicator's points follow from r: max · min(1, r ÷ (full_num ÷
 * full_den)), i.e. full points from r = full_num ÷ full_den on. */
typedef struct {
    uint32_t full_num, full_den;
    empty_rule_t empty;
} rule_t;

static const rule_t rules[CC_IX_COUNT_] = {
    [CC_IX_CKMB] = { 1, 1, EMPTY_NOT_MEASURED },
    [CC_IX_TDGQ] = { 1, 1, EMPTY_NOT_MEASURED },
    [CC_IX_ONLINE_SHARE] = { 1, 2, EMPTY_NOT_MEASURED }, /* min(6, 6·r/0.5) */
    [CC_IX_ONLINE_OFFER] = { 4, 5, EMPTY_NOT_MEASURED }, /* min(2, 2·r/0.8) */
    [CC_IX_ONLINE_USED] = { 1, 1, EMPTY_NOT_MEASURED },
    [CC_IX_PAY_ONLINE] = { 1, 1, EMPTY_NOT_MEASURED },
    [CC_IX_PAY_OTHER] = { 1, 1, EMPTY_NOT_MEASURED },
    [CC_IX_E_RESULT] = { 1, 1, EMPTY_NOT_MEASURED },
    [CC_IX_E_PARTS] = { 1, 1, EMPTY_NOT_MEASURED },
    [CC_IX_MDSH_OTHER] = { 1, 1, EMPTY_NOT_MEASURED },
    [CC_IX_PAKN_TIMELY] = { 1, 1, EMPTY_FULL },
    [CC_IX_PAKN_SAT] = { 1, 1, EMPTY_FULL },
    [CC_IX_DOSSIER_SAT] = { 9, 10, EMPTY_ZERO }, /* min(6, 6·r/0.9); 0 without dossiers */
};

static uint64_t minus(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }

/* The numerator and denominator of each indicator (index.h). */
static void ratios(const sc_index_input_t *in, uint64_t num[CC_IX_COUNT_],
                   uint64_t den[CC_IX_COUNT_])
{
    memset(num, 0, CC_IX_COUNT_ * sizeof(*num));
    memset(den, 0, CC_IX_COUNT_ * sizeof(*den));
    num[CC_IX_TDGQ] = in->in_time;
    den[CC_IX_TDGQ] = in->handled;
    num[CC_IX_ONLINE_SHARE] = in->received_online;
    den[CC_IX_ONLINE_SHARE] = in->received;
    num[CC_IX_ONLINE_OFFER] = in->offered;
    den[CC_IX_ONLINE_OFFER] = in->procedures;
    num[CC_IX_ONLINE_USED] = in->used;
    den[CC_IX_ONLINE_USED] = in->offered;
    num[CC_IX_PAY_ONLINE] = in->paid_online;
    den[CC_IX_PAY_ONLINE] = in->with_fee;
    num[CC_IX_E_RESULT] = in->e_result;
    den[CC_IX_E_RESULT] = in->resolved;
    num[CC_IX_E_PARTS] = in->e_parts;
    den[CC_IX_E_PARTS] = in->received;
    num[CC_IX_PAKN_TIMELY] = in->pakn_on_time;
    den[CC_IX_PAKN_TIMELY] = in->pakn_answered;
    num[CC_IX_PAKN_SAT] = minus(in->pakn, in->pakn_reopened + in->pakn_overdue);
    den[CC_IX_PAKN_SAT] = in->pakn;
    num[CC_IX_DOSSIER_SAT] = minus(in->in_time, in->bad);
    den[CC_IX_DOSSIER_SAT] = in->handled;
}

/* max · min(1, (num ÷ den) ÷ (fn ÷ fd)) in hundredths, rounded half up. */
static uint32_t points_of(uint32_t max, uint64_t num, uint64_t den, const rule_t *rule)
{
    unsigned __int128 top = (unsigned __int128)max * 100 * num * rule->full_den;
    unsigned __int128 bottom = (unsigned __int128)den * rule->full_num;
    unsigned __int128 p = (2 * top + bottom) / (2 * bottom);

    return p > (unsigned __int128)max * 100 ? max * 100 : (uint32_t)p;
}

void sc_index_compute(const sc_index_input_t *in, sc_index_t *ret)
{
    uint64_t num[CC_IX_COUNT_], den[CC_IX_COUNT_];

    memset(ret, 0, sizeof(*ret));
    ratios(in, num, den);
    for (int i = 0; i < CC_IX_COUNT_; i++) {
        const cc_indicator_t *ind = &cc_indicators[i];
        sc_indicator_value_t *v = &ret->v[i];

        if (!ind->from_events)
            continue;
        v->den = den[i];
        v->num = num[i] < den[i] ? num[i] : den[i];
        if (v->den > 0)
            v->points = points_of(ind->max_points, v->num, v->den, &rules[i]);
        else if (rules[i].empty == EMPTY_FULL)
            v->points = ind->max_points * 100u;
        else if (rules[i].empty == EMPTY_NOT_MEASURED)
            continue;
        v->measured = true;
        ret->coverage += ind->max_points;
        ret->score += v->points;
    }
}

_Static_assert(sizeof(sc_index_input_t) % sizeof(uint64_t) == 0,
               "sc_index_input_t holds uint64_t counts only");

void sc_index_add(sc_index_input_t *a, const sc_index_input_t *b)
{
    uint64_t *x = (uint64_t *)(void *)a;
    const uint64_t *y = (const uint64_t *)(const void *)b;

    for (size_t i = 0; i < sizeof(*a) / sizeof(uint64_t); i++)
        x[i] += y[i];
}

/* "12.34" for @hundredths. */
static void decimal(uint64_t hundredths, char *buf, size_t len)
{
    snprintf(buf, len, "%llu.%02llu", (unsigned long long)(hundredths / 100),
             (unsigned long long)(hundredths % 100));
}

void sc_index_encode(cc_enc_t *out, const sc_index_t *ix)
{
    char key[CC_MAX_KEY + 1], v[32];

    for (int i = 0; i < CC_IX_COUNT_; i++) {
        const cc_indicator_t *ind = &cc_indicators[i];

        if (ind->from_events) {
            snprintf(key, sizeof(key), "%s_num", ind->key);
            cc_enc_kv_u64(out, key, ix->v[i].num);
            snprintf(key, sizeof(key), "%s_den", ind->key);
            cc_enc_kv_u64(out, key, ix->v[i].den);
        }
        if (ix->v[i].measured)
            decimal(ix->v[i].points, v, sizeof(v));
        else
            snprintf(v, sizeof(v), "not measured");
        snprintf(key, sizeof(key), "%s_pts", ind->key);
        cc_enc_kv_str(out, key, v);
        snprintf(key, sizeof(key), "%s_max", ind->key);
        cc_enc_kv_u64(out, key, ind->max_points);
    }
    decimal(ix->score, v, sizeof(v));
    cc_enc_kv_str(out, "index_score", v);
    cc_enc_kv_u64(out, "index_coverage", ix->coverage);
    if (ix->coverage)
        /* score ÷ coverage in percent, hundredths rounded half up. */
        decimal(((uint64_t)ix->score * 200 + ix->coverage) / (2 * (uint64_t)ix->coverage), v,
                sizeof(v));
    else
        snprintf(v, sizeof(v), "no data");
    cc_enc_kv_str(out, "index_share", v);
}

/* ---- What the index remembers of a dossier (in its snapshot) ------------------------ */

enum {
    IX_WITH_FEE = 1 << 0,    /* counted in SC_IX_FEE */
    IX_PAID_ONLINE = 1 << 1, /* counted in SC_IX_FEE_ONLINE */
    IX_E_RESULT = 1 << 2,    /* counted in SC_IX_E_RESULT */
    IX_E_PARTS = 1 << 3,     /* counted in SC_IX_E_PARTS */
    IX_BAD = 1 << 4,         /* counted in SC_IX_BAD */
};

int sc_index_open(cc_store_t *store, sc_tally_acc_t *counts, sc_index_db_t *ret)
{
    int r;

    ret->counts = counts;
    if ((r = cc_store_dbi(store, "ixdossier", 0, &ret->retired)) < 0)
        return r;
    return cc_store_dbi(store, "ixonline", 0, &ret->online);
}

/* Count @c once for the dossier (@flag in @d) for @unit on @day. */
static void count_once(const sc_index_db_t *ix, sc_index_entry_t *d, uint8_t flag, const char *unit,
                       int32_t day, sc_counter_t c)
{
    if (d->flags & flag)
        return;
    d->flags |= flag;
    sc_tally_add(ix->counts, unit, day, c, 1);
}

/* ---- Online receipts per unit and procedure (db ixonline) ---------------------------- */

/* unit, 0x00, procedure. */
static size_t online_key(char *key, const char *unit, const char *proc)
{
    size_t u = strnlen(unit, CC_MAX_CODE), p = strnlen(proc, CC_MAX_CODE);

    memcpy(key, unit, u);
    key[u] = '\0';
    memcpy(key + u + 1, proc, p);
    return u + 1 + p;
}

/* Day @i of the list at @days (an LMDB value: not aligned). */
static int32_t day_at(const void *days, size_t i)
{
    int32_t d;

    memcpy(&d, (const char *)days + i * sizeof(d), sizeof(d));
    return d;
}

/* The first of the @n sorted @days that is >= @day (n when none). */
static size_t lower_bound(const void *days, size_t n, int32_t day)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (day_at(days, mid) < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Note that @unit received a dossier of @proc online on @day. */
static int online_note(const sc_index_db_t *ix, cc_txn_t *txn, const char *unit, const char *proc,
                       int32_t day)
{
    char key[2 * CC_MAX_CODE + 2];
    size_t klen = online_key(key, unit, proc), n = 0, at;
    const char *old = NULL;
    char *days;
    MDB_val v;
    int r = cc_txn_get(txn, ix->online, key, klen, &v);

    if (r < 0 && r != -ENOENT)
        return r;
    if (r == 0) {
        if (v.mv_size % sizeof(int32_t) != 0)
            return MDB_CORRUPTED;
        n = v.mv_size / sizeof(int32_t);
        old = v.mv_data;
    }
    /* Days mostly come in order: the usual case is "already there" or "after the last". */
    at = n > 0 && day_at(old, n - 1) < day ? n : lower_bound(old, n, day);
    if (at < n && day_at(old, at) == day)
        return 0;
    /* The new list: the days before, @day, the days after. */
    days = cc_xmalloc((n + 1) * sizeof(int32_t));
    if (at)
        memcpy(days, old, at * sizeof(int32_t));
    memcpy(days + at * sizeof(int32_t), &day, sizeof(day));
    if (n > at)
        memcpy(days + (at + 1) * sizeof(int32_t), old + at * sizeof(int32_t),
               (n - at) * sizeof(int32_t));
    r = cc_txn_put(txn, ix->online, key, klen, days, (n + 1) * sizeof(int32_t), 0);
    free(days);
    return r;
}

/* ---- Counting (index.h) ---------------------------------------------------------------- */

/* Whether a dossier leaving processing with @rec ended in time. */
static bool ended_in_time(const sc_index_rec_t *rec)
{
    if (rec->klass >= 0)
        return rec->klass == SC_RESOLVED_EARLY || rec->klass == SC_RESOLVED_ON_TIME;
    return rec->before->paused || rec->at <= rec->before->due;
}

/* Where the receipt cohort's counts of @rec go: the receiving unit (the
 * record's runit, else its unit) on the day of the receipt. */
typedef struct {
    char unit[CC_MAX_CODE + 1];
    int32_t day;
} cohort_t;

static cohort_t cohort_of(const sc_index_rec_t *rec)
{
    cohort_t c = { "", cc_local_day(rec->received_at ? rec->received_at : rec->at) };

    snprintf(c.unit, sizeof(c.unit), "%s", rec->runit && rec->runit[0] ? rec->runit : rec->unit);
    return c;
}

/* A new dossier: its entry, and the figures of its receipt. */
static int count_receipt(const sc_index_db_t *ix, const cc_catalog_t *cat, cc_txn_t *txn,
                         const sc_index_rec_t *rec)
{
    const cc_procedure_t *p = cat && rec->proc[0] ? cc_catalog_procedure(cat, rec->proc) : NULL;
    int32_t day = cc_local_day(rec->at);

    if (p && p->has_fee)
        count_once(ix, rec->entry, IX_WITH_FEE, rec->unit, day, SC_IX_FEE);
    if (rec->channel == SC_RECEIVED_ONLINE && rec->proc[0])
        return online_note(ix, txn, rec->unit, rec->proc, day);
    return 0;
}

/* Whether @rec may change what the index holds of a known dossier: all
 * others are skipped without reading the entry. */
static bool concerns_index(const sc_index_rec_t *rec)
{
    const sc_open_t *b = rec->before, *a = rec->after;

    return (rec->kind == CC_EV_SOS_REQUESTED && rec->sos_kind == CC_SOS_SUPPLEMENT) ||
           rec->kind == CC_EV_FEE_PAID || rec->kind == CC_EV_DIGITIZED ||
           rec->figure == SC_RATED_BAD || b->open != a->open || b->paused != a->paused ||
           b->due != a->due || strcmp(b->unit, a->unit) != 0;
}

int sc_index_dossier(const sc_index_db_t *ix, const cc_catalog_t *cat, cc_txn_t *txn,
                     const sc_index_rec_t *rec)
{
    int32_t day = cc_local_day(rec->at);
    const sc_open_t *before = rec->before, *after = rec->after;
    sc_index_entry_t *d = rec->entry;
    bool multi_before, ended;

    if (before == NULL)
        return rec->kind == CC_EV_RECEIVED ? count_receipt(ix, cat, txn, rec) : 0;
    if (!concerns_index(rec))
        return 0;
    multi_before = d->supplements > 1;
    if (rec->kind == CC_EV_SOS_REQUESTED && rec->sos_kind == CC_SOS_SUPPLEMENT &&
        d->supplements < UINT8_MAX)
        d->supplements++;
    /* More than one supplement request: late whatever its dates. */
    if (multi_before || d->supplements > 1)
        sc_tally_open_move(ix->counts, &sc_open_multi, day, multi_before ? before : NULL,
                           d->supplements > 1 ? after : NULL);
    ended = before->open && !after->open;
    if (ended && d->supplements <= 1 && ended_in_time(rec))
        sc_tally_add(ix->counts, rec->unit, day, SC_IX_ENDED_OK, 1);
    if (ended && rec->klass >= 0) {
        d->resolved = 1;
        d->resolved_day = day;
    }
    if (rec->kind == CC_EV_FEE_PAID) {
        cohort_t c = cohort_of(rec);

        count_once(ix, d, IX_WITH_FEE, c.unit, c.day, SC_IX_FEE);
        if (rec->figure == SC_PAID_ONLINE)
            count_once(ix, d, IX_PAID_ONLINE, c.unit, c.day, SC_IX_FEE_ONLINE);
    } else if (rec->figure == SC_DIGITIZED_RESULT) {
        count_once(ix, d, IX_E_RESULT, rec->unit, d->resolved ? d->resolved_day : day,
                   SC_IX_E_RESULT);
    } else if (rec->figure == SC_DIGITIZED_PARTS) {
        cohort_t c = cohort_of(rec);

        count_once(ix, d, IX_E_PARTS, c.unit, c.day, SC_IX_E_PARTS);
    } else if (rec->figure == SC_RATED_BAD) {
        count_once(ix, d, IX_BAD, rec->unit, day, SC_IX_BAD);
    }
    return 0;
}

bool sc_index_complaint(const sc_index_db_t *ix, sc_index_entry_t *entry, const char *unit,
                        int32_t day)
{
    if (!unit[0] || (entry->flags & IX_BAD))
        return false;
    count_once(ix, entry, IX_BAD, unit, day, SC_IX_BAD);
    return true;
}

/* ---- A unit's figures ----------------------------------------------------------------- */

static int code_cmp(const void *key, const void *elem)
{
    return strcmp(key, (*(const cc_procedure_t *const *)elem)->code);
}

/* Scan of a unit's ixonline keys: its online procedures used in the period. */
typedef struct {
    const char *prefix; /* unit, 0x00 */
    size_t plen;
    const cc_procedure_t *const *procs; /* the unit's, by code */
    size_t n_procs;
    int32_t from, to;
    uint64_t used;
} used_scan_t;

static int used_one(const MDB_val *k, const MDB_val *v, void *arg)
{
    used_scan_t *s = arg;
    char proc[CC_MAX_CODE + 1];
    const cc_procedure_t *const *p;
    size_t n = v->mv_size / sizeof(int32_t), at, plen;

    if (k->mv_size <= s->plen || memcmp(k->mv_data, s->prefix, s->plen) != 0)
        return 1; /* past the unit */
    plen = k->mv_size - s->plen;
    if (plen > CC_MAX_CODE || v->mv_size % sizeof(int32_t) != 0)
        return MDB_CORRUPTED;
    memcpy(proc, (const char *)k->mv_data + s->plen, plen);
    proc[plen] = '\0';
    p = bsearch(proc, s->procs, s->n_procs, sizeof(*s->procs), code_cmp);
    if (p == NULL || (*p)->online == CC_ONLINE_NONE)
        return 0;
    at = lower_bound(v->mv_data, n, s->from);
    s->used += at < n && day_at(v->mv_data, at) <= s->to;
    return 0;
}

int sc_index_input(const sc_index_db_t *ix, const cc_catalog_t *cat, cc_txn_t *txn,
                   const cc_unit_t *u, int32_t from_day, int32_t to_day, const sc_sum_t *before,
                   const sc_sum_t *within, const sc_sum_t *upto, sc_index_input_t *ret)
{
    const uint64_t *w = within->c;
    char prefix[CC_MAX_CODE + 2];
    used_scan_t scan = { .prefix = prefix, .from = from_day, .to = to_day };
    sc_sum_t all;
    int r;

    memset(ret, 0, sizeof(*ret));
    for (int i = 0; i < SC_COUNTER_COUNT_; i++)
        all.c[i] = before->c[i] + within->c[i];
    ret->resolved = w[SC_RESOLVED_EARLY] + w[SC_RESOLVED_ON_TIME] + w[SC_RESOLVED_LATE];
    ret->handled = ret->resolved + w[SC_ENDED_WITHOUT_CLASS] + sc_sum_open(&all);
    ret->in_time =
        w[SC_IX_ENDED_OK] + minus(sc_sum_open_within(upto), sc_sum_open_multi_within(upto));
    ret->received = w[SC_RECEIVED];
    ret->received_online = w[SC_RECEIVED_ONLINE];
    ret->with_fee = w[SC_IX_FEE];
    ret->paid_online = w[SC_IX_FEE_ONLINE];
    ret->e_result = w[SC_IX_E_RESULT];
    ret->e_parts = w[SC_IX_E_PARTS];
    ret->pakn_answered = w[SC_PAKN_ANSWERED];
    ret->pakn_on_time = w[SC_PAKN_ANSWERED_ON_TIME];
    ret->pakn = sc_sum_pakn_to_handle(within);
    ret->pakn_reopened = w[SC_PAKN_REOPENED];
    ret->pakn_overdue = w[SC_PAKN_OVERDUE];
    ret->bad = w[SC_IX_BAD];
    if (cat == NULL || u == NULL)
        return 0;
    scan.procs = cc_catalog_unit_procedures(cat, u, &scan.n_procs);
    ret->procedures = scan.n_procs;
    for (size_t i = 0; i < scan.n_procs; i++)
        ret->offered += scan.procs[i]->online != CC_ONLINE_NONE;
    scan.plen = (size_t)snprintf(prefix, sizeof(prefix), "%s", u->code) + 1;
    if (ret->offered == 0)
        return 0;
    if ((r = cc_txn_scan(txn, ix->online, prefix, scan.plen, used_one, &scan)) < 0)
        return r;
    ret->used = scan.used;
    return 0;
}
