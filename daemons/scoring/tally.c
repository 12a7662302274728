/*
 * tally.c - per-unit, per-day counters (see tally.h).
 */
#include "tally.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cc_base.h"
#include "cc_mem.h"
#include "cc_time.h"

static const char *const counter_names[SC_REPORTED_COUNT_] = {
    [SC_RECEIVED] = "received",
    [SC_RECEIVED_DIRECT] = "received_direct",
    [SC_RECEIVED_ONLINE] = "received_online",
    [SC_RECEIVED_POSTAL] = "received_postal",
    [SC_REJECTED_AT_COUNTER] = "rejected",
    [SC_RESOLVED_EARLY] = "resolved_early",
    [SC_RESOLVED_ON_TIME] = "resolved_on_time",
    [SC_RESOLVED_LATE] = "resolved_late",
    [SC_ENDED_WITHOUT_CLASS] = "ended_no_class",
    [SC_TRANSFERRED_IN] = "transferred_in",
    [SC_TRANSFERRED_OUT] = "transferred_out",
    [SC_CONTACTS] = "contacts",
    [SC_CONTACTS_INFORMATION] = "contacts_info",
    [SC_CONTACTS_GUIDANCE] = "contacts_guide",
    [SC_CONTACTS_POSTAL] = "contacts_postal",
    [SC_CONTACTS_COMPLAINT] = "contacts_pakn",
    [SC_CONTACTS_OTHER] = "contacts_other",
    [SC_PAKN_RECEIVED] = "pakn_received",
    [SC_PAKN_ANSWERED] = "pakn_answered",
    [SC_PAKN_ANSWERED_ON_TIME] = "pakn_on_time",
    [SC_SOS_STOP_REQ] = "sos_stop_req",
    [SC_SOS_STOP_OK] = "sos_stop_ok",
    [SC_SOS_STOP_DENY] = "sos_stop_deny",
    [SC_SOS_SUPP_REQ] = "sos_supp_req",
    [SC_SOS_SUPP_OK] = "sos_supp_ok",
    [SC_SOS_SUPP_DENY] = "sos_supp_deny",
    [SC_SOS_REFUSE_REQ] = "sos_refuse_req",
    [SC_SOS_REFUSE_OK] = "sos_refuse_ok",
    [SC_SOS_REFUSE_DENY] = "sos_refuse_deny",
    [SC_SOS_WDRAW_REQ] = "sos_wdraw_req",
    [SC_SOS_WDRAW_OK] = "sos_wdraw_ok",
    [SC_SOS_WDRAW_DENY] = "sos_wdraw_deny",
    [SC_SUPP_RULE_BROKEN] = "supp_rule_broken",
    [SC_EXTENDED] = "extended",
    [SC_APOLOGY_IN_TIME] = "apology_in_time",
    [SC_APOLOGY_LATE] = "apology_late",
    [SC_APOLOGY_MISSING] = "apology_missing",
    [SC_PAID_CASH] = "paid_cash",
    [SC_PAID_CASHLESS] = "paid_cashless",
    [SC_PAID_ONLINE] = "paid_online",
    [SC_DIGITIZED_RESULT] = "digitized_result",
    [SC_DIGITIZED_PARTS] = "digitized_parts",
    [SC_RATED_VERY] = "rated_very",
    [SC_RATED_OK] = "rated_ok",
    [SC_RATED_BAD] = "rated_bad",
    [SC_CONTACTS_PHONE] = "contacts_phone",
    [SC_CONTACTS_EMAIL] = "contacts_email",
    [SC_CONTACTS_APP] = "contacts_app",
    [SC_CONTACTS_ZALO] = "contacts_zalo",
    [SC_CONTACTS_PORTAL] = "contacts_portal",
    [SC_PAKN_TO_UNIT] = "pakn_to_unit",
    [SC_PAKN_ANSWERED_L1] = "pakn_ans_l1",
    [SC_PAKN_ANSWERED_L2] = "pakn_ans_l2",
    [SC_PAKN_ANSWERED_L3] = "pakn_ans_l3",
    [SC_PAKN_PUBLISHED] = "pakn_published",
    [SC_PAKN_PUBLISHED_LATE] = "pakn_pub_late",
    [SC_PAKN_ESCALATED] = "pakn_escalated",
    [SC_PAKN_OVERDUE] = "pakn_overdue",
    [SC_PAKN_REOPENED] = "pakn_reopened",
    [SC_PAKN_FORWARDED] = "pakn_forwarded",
    [SC_PAKN_REFUSED] = "pakn_refused",
    [SC_PAKN_REFUSED_LATE] = "pakn_ref_late",
    [SC_REMINDERS] = "reminders",
    [SC_CRITICISMS] = "criticisms",
};

const char *sc_counter_name(sc_counter_t c)
{
    return (unsigned)c < SC_REPORTED_COUNT_ ? counter_names[c] : "?";
}

/* The unit's code (at most 32 bytes) and @sep: 0x00 before a day, 0x01
 * before a month. */
static size_t unit_prefix(uint8_t *out, const char *unit, uint8_t sep)
{
    size_t n = strnlen(unit, 32);

    memcpy(out, unit, n);
    out[n] = sep;
    return n + 1;
}

/* be32(@v ^ bias): a day or month in a key. */
static void put_value(uint8_t *out, int32_t v)
{
    uint32_t d = (uint32_t)v ^ 0x80000000u;

    out[0] = (uint8_t)(d >> 24);
    out[1] = (uint8_t)(d >> 16);
    out[2] = (uint8_t)(d >> 8);
    out[3] = (uint8_t)d;
}

/* unit, @sep, be32(@v ^ bias). */
static size_t row_key(uint8_t out[SC_TALLY_KEY_MAX], const char *unit, uint8_t sep, int32_t v)
{
    size_t n = unit_prefix(out, unit, sep);

    put_value(out + n, v);
    return n + 4;
}

size_t sc_tally_key(uint8_t out[SC_TALLY_KEY_MAX], const char *unit, int32_t day)
{
    return row_key(out, unit, 0, day);
}

static int32_t key_value(const uint8_t *p)
{
    uint32_t d = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];

    return (int32_t)(d ^ 0x80000000u);
}

/* The month of @day (year * 12 + month - 1), and the first day of month @m. */
static int32_t month_of(int32_t day)
{
    int y, m;

    cc_day_to_ymd(day, &y, &m, NULL);
    return y * 12 + m - 1;
}

static int32_t month_first_day(int32_t m) { return cc_day_from_ymd(m / 12, m % 12 + 1, 1); }

/* ---- Counts gathered in a transaction ---------------------------------------------- */

/* One unit's day, and the counts added to it. */
typedef struct {
    uint8_t key[SC_TALLY_KEY_MAX]; /* the day row's key */
    uint8_t klen;                  /* 0: a free slot */
    uint32_t hash;
    uint32_t c[SC_COUNTER_COUNT_];
} acc_row_t;

struct sc_tally_acc {
    acc_row_t *slots; /* open addressing; cap is a power of two */
    size_t cap, n;
    acc_row_t **used; /* the n slots in use, in the order they were taken */
};

sc_tally_acc_t *sc_tally_acc_new(void)
{
    sc_tally_acc_t *acc = cc_xcalloc(1, sizeof(*acc));

    acc->cap = 1024;
    acc->slots = cc_xcalloc(acc->cap, sizeof(*acc->slots));
    acc->used = cc_xcalloc(acc->cap, sizeof(*acc->used));
    return acc;
}

void sc_tally_acc_destroy(sc_tally_acc_t **self_p)
{
    sc_tally_acc_t *acc = self_p ? *self_p : NULL;

    if (acc == NULL)
        return;
    free(acc->slots);
    free(acc->used);
    free(acc);
    *self_p = NULL;
}

void sc_tally_acc_reset(sc_tally_acc_t *acc)
{
    for (size_t i = 0; i < acc->n; i++)
        acc->used[i]->klen = 0;
    acc->n = 0;
}

/* The slot of @key (hash @h) in @slots, free or holding it. */
static acc_row_t *probe(acc_row_t *slots, size_t cap, const uint8_t *key, size_t len, uint32_t h)
{
    for (size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1)) {
        acc_row_t *r = &slots[i];

        if (r->klen == 0 || (r->hash == h && r->klen == len && memcmp(r->key, key, len) == 0))
            return r;
    }
}

/* Twice the slots, when half are taken. */
static void grow_acc(sc_tally_acc_t *acc)
{
    size_t cap = acc->cap * 2;
    acc_row_t *slots = cc_xcalloc(cap, sizeof(*slots));

    acc->used = cc_xrealloc(acc->used, cap * sizeof(*acc->used));
    for (size_t i = 0; i < acc->n; i++) {
        acc_row_t *to =
            probe(slots, cap, acc->used[i]->key, acc->used[i]->klen, acc->used[i]->hash);

        *to = *acc->used[i];
        acc->used[i] = to;
    }
    free(acc->slots);
    acc->slots = slots;
    acc->cap = cap;
}

void sc_tally_add(sc_tally_acc_t *acc, const char *unit, int32_t day, sc_counter_t c, uint32_t n)
{
    uint8_t key[SC_TALLY_KEY_MAX];
    size_t len = row_key(key, unit, 0, day);
    uint32_t h = cc_fnv1a(key, len);
    acc_row_t *r = probe(acc->slots, acc->cap, key, len, h);

    if (r->klen == 0) {
        if (2 * (acc->n + 1) > acc->cap) {
            grow_acc(acc);
            r = probe(acc->slots, acc->cap, key, len, h);
        }
        memcpy(r->key, key, len);
        r->klen = (uint8_t)len;
        r->hash = h;
        memset(r->c, 0, sizeof(r->c));
        acc->used[acc->n++] = r;
    }
    r->c[c] += n;
}

/* cc_update_fn: the row (a new one when there was none) with the counts
 * of @ctx (a uint32_t per counter) added. */
static int row_added(const MDB_val *old, void *val, void *ctx)
{
    const uint32_t *add = ctx;
    sc_tally_t *t = val;

    if (old == NULL) {
        memset(t, 0, sizeof(*t));
        t->version = SC_TALLY_VERSION;
    } else if (old->mv_size != sizeof(*t)) {
        return MDB_CORRUPTED;
    } else {
        memcpy(t, old->mv_data, sizeof(*t));
        if (t->version != SC_TALLY_VERSION)
            return MDB_CORRUPTED;
    }
    for (int i = 0; i < SC_COUNTER_COUNT_; i++)
        t->c[i] += add[i];
    return 0;
}

static int write_row(cc_txn_t *txn, MDB_dbi dbi, const uint8_t *key, size_t klen,
                     const uint32_t *add)
{
    sc_tally_t t;

    return cc_txn_update(txn, dbi, key, klen, &t, sizeof(t), row_added, CC_UNCONST(add));
}

static int by_key(const void *a, const void *b)
{
    const acc_row_t *x = *(const acc_row_t *const *)a, *y = *(const acc_row_t *const *)b;
    int c = memcmp(x->key, y->key, x->klen < y->klen ? x->klen : y->klen);

    return c ? c : (int)x->klen - (int)y->klen;
}

/* The unit's code in a day row's key (its length: the key less 0x00 and
 * the day). */
static size_t unit_len(const acc_row_t *d) { return (size_t)d->klen - 5; }

static int32_t day_of(const acc_row_t *d) { return key_value(d->key + unit_len(d) + 1); }

static bool same_unit(const acc_row_t *a, const acc_row_t *b)
{
    return a->klen == b->klen && memcmp(a->key, b->key, unit_len(a)) == 0;
}

int sc_tally_acc_write(sc_tally_acc_t *acc, cc_txn_t *txn, MDB_dbi dbi)
{
    int r = 0;

    /* In key order: each unit's days of a month, then that month's row. */
    qsort(acc->used, acc->n, sizeof(*acc->used), by_key);
    for (size_t i = 0, j; i < acc->n && r == 0; i = j) {
        const acc_row_t *first = acc->used[i];
        int32_t month = month_of(day_of(first));
        uint32_t sum[SC_COUNTER_COUNT_] = { 0 };
        uint8_t mkey[SC_TALLY_KEY_MAX];

        for (j = i; j < acc->n && same_unit(acc->used[j], first) &&
                    month_of(day_of(acc->used[j])) == month && r == 0;
             j++) {
            for (int k = 0; k < SC_COUNTER_COUNT_; k++)
                sum[k] += acc->used[j]->c[k];
            r = write_row(txn, dbi, acc->used[j]->key, acc->used[j]->klen, acc->used[j]->c);
        }
        memcpy(mkey, first->key, unit_len(first));
        mkey[unit_len(first)] = 1;
        put_value(mkey + unit_len(first) + 1, month);
        if (r == 0)
            r = write_row(txn, dbi, mkey, unit_len(first) + 5, sum);
    }
    sc_tally_acc_reset(acc);
    return r;
}

/* A scan of one unit's rows (days or months): those before @from are
 * added to @before, those up to @to to @within; it stops after @to. */
typedef struct {
    const uint8_t *prefix;
    size_t plen;
    int32_t from, to;
    sc_sum_t *before, *within;
} range_t;

static int range_one(const MDB_val *k, const MDB_val *v, void *arg)
{
    range_t *g = arg;
    sc_tally_t t;
    sc_sum_t *s;
    int32_t at;

    if (k->mv_size != g->plen + 4 || memcmp(k->mv_data, g->prefix, g->plen) != 0)
        return 1; /* past the unit */
    at = key_value((const uint8_t *)k->mv_data + g->plen);
    if (at > g->to)
        return 1;
    if (v->mv_size != sizeof(t))
        return MDB_CORRUPTED;
    memcpy(&t, v->mv_data, sizeof(t));
    if (t.version != SC_TALLY_VERSION)
        return MDB_CORRUPTED;
    s = at < g->from ? g->before : g->within;
    for (int i = 0; i < SC_COUNTER_COUNT_; i++)
        s->c[i] += t.c[i];
    return 0;
}

/* Add @unit's rows of @sep (days or months) from @start to @to: those
 * before @from to @before, the others to @within. */
static int scan_rows(cc_txn_t *txn, MDB_dbi dbi, const char *unit, uint8_t sep, int32_t start,
                     int32_t from, int32_t to, sc_sum_t *before, sc_sum_t *within)
{
    uint8_t key[SC_TALLY_KEY_MAX];
    range_t g = { key, row_key(key, unit, sep, start) - 4, from, to, before, within };

    if (start > to)
        return 0;
    return cc_txn_scan(txn, dbi, key, g.plen + 4, range_one, &g);
}

int sc_tally_range(cc_txn_t *txn, MDB_dbi dbi, const char *unit, int32_t from, int32_t to,
                   sc_sum_t *ret_before, sc_sum_t *ret_within)
{
    sc_sum_t before = { { 0 } }, within = { { 0 } };
    int32_t mf = month_of(from), mt = month_of(to);
    int r;

    /* Whole months: the unit's months before @from's, and those between
     * @from's and @to's; then the days of @from's month and of @to's. */
    if ((r = scan_rows(txn, dbi, unit, 1, INT32_MIN, mf, mf - 1, &before, &within)) < 0 ||
        (r = scan_rows(txn, dbi, unit, 1, mf + 1, mf + 1, mt - 1, &before, &within)) < 0 ||
        (r = scan_rows(txn, dbi, unit, 0, month_first_day(mf), from,
                       mf == mt ? to : month_first_day(mf + 1) - 1, &before, &within)) < 0 ||
        (mf != mt &&
         (r = scan_rows(txn, dbi, unit, 0, month_first_day(mt), from, to, &before, &within)) < 0))
        return r;
    if (ret_before)
        *ret_before = before;
    if (ret_within)
        *ret_within = within;
    return 0;
}

/* The day at whose end a dossier in processing due at @due is past due:
 * the due date's own day, unless it falls at the very end of it. */
static int32_t past_due_day(int64_t due) { return cc_local_day(due + 1); }

const sc_open_counters_t sc_open_all = { SC_OPEN_IN_ADD, SC_OPEN_IN_SUB, SC_OPEN_PAST_ADD,
                                         SC_OPEN_PAST_SUB };
const sc_open_counters_t sc_open_multi = { SC_OPEN_MULTI_IN_ADD, SC_OPEN_MULTI_IN_SUB,
                                           SC_COUNTER_COUNT_, SC_COUNTER_COUNT_ };

/* Add 1 to counter @c unless it is "none" (SC_COUNTER_COUNT_). */
static void add_one(sc_tally_acc_t *acc, const char *unit, int32_t day, sc_counter_t c)
{
    if (c != SC_COUNTER_COUNT_)
        sc_tally_add(acc, unit, day, c, 1);
}

/* Add (@sign +1) or take away (-1) @o's standing in @set from @day on. */
static void open_standing(sc_tally_acc_t *acc, const sc_open_counters_t *set, int32_t day,
                          const sc_open_t *o, int sign)
{
    sc_counter_t in = sign > 0 ? set->in_add : set->in_sub;
    sc_counter_t in_undo = sign > 0 ? set->in_sub : set->in_add;
    sc_counter_t past = sign > 0 ? set->past_add : set->past_sub;
    int32_t td;

    if (o == NULL || !o->open)
        return;
    td = past_due_day(o->due);
    if (o->paused || td > day) {
        sc_tally_add(acc, o->unit, day, in, 1);
        if (o->paused)
            return;
        /* Within due until day td, then past due: the move is written on
         * td (taken back the same way when the standing ends before). */
        sc_tally_add(acc, o->unit, td, in_undo, 1);
        add_one(acc, o->unit, td, past);
        return;
    }
    add_one(acc, o->unit, day, past);
}

void sc_tally_open_move(sc_tally_acc_t *acc, const sc_open_counters_t *set, int32_t day,
                        const sc_open_t *before, const sc_open_t *after)
{
    open_standing(acc, set, day, before, -1);
    open_standing(acc, set, day, after, +1);
}

static uint64_t difference(const sc_sum_t *s, sc_counter_t add, sc_counter_t sub)
{
    return s->c[add] > s->c[sub] ? s->c[add] - s->c[sub] : 0;
}

uint64_t sc_sum_open_within(const sc_sum_t *s)
{
    return difference(s, SC_OPEN_IN_ADD, SC_OPEN_IN_SUB);
}

uint64_t sc_sum_open_past(const sc_sum_t *s)
{
    return difference(s, SC_OPEN_PAST_ADD, SC_OPEN_PAST_SUB);
}

uint64_t sc_sum_open_multi_within(const sc_sum_t *s)
{
    return difference(s, SC_OPEN_MULTI_IN_ADD, SC_OPEN_MULTI_IN_SUB);
}

uint64_t sc_sum_pakn_to_handle(const sc_sum_t *s)
{
    return difference(s, SC_PAKN_RECEIVED, SC_PAKN_TO_UNIT);
}

uint64_t sc_sum_open(const sc_sum_t *s)
{
    uint64_t in = s->c[SC_RECEIVED] + s->c[SC_TRANSFERRED_IN];
    uint64_t out = s->c[SC_RESOLVED_EARLY] + s->c[SC_RESOLVED_ON_TIME] + s->c[SC_RESOLVED_LATE] +
                   s->c[SC_ENDED_WITHOUT_CLASS] + s->c[SC_TRANSFERRED_OUT];

    return in > out ? in - out : 0;
}
