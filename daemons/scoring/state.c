/*
 * state.c - applying the intake and hotline logs to scoring's derived state
 * (see state.h).
 */
#include "state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_base.h"
#include "cc_duedate.h"
#include "cc_mem.h"
#include "cc_time.h"
#include "index.h"
#include "record.h"
#include "state_priv.h"
#include "tally.h"

/* The layout of the derived state; a store of another layout is rebuilt
 * from the logs by sc_state_open(). */
#define SC_STATE_LAYOUT                                                                            \
    (((uint64_t)SC_INDEX_VERSION << 24) | ((uint64_t)SC_TALLY_VERSION << 16) |                     \
     ((uint64_t)SC_DOSSIER_VERSION << 8) | SC_PAKN_VERSION)
_Static_assert(SC_STATE_LAYOUT == SC_STATE_LAYOUT_CURRENT,
               "SC_STATE_LAYOUT_CURRENT (state.h) must follow the versions");

static const sc_field_rule_t f_common[] = {
    { SC_F_TYPE, CC_T_CODE, true, 0, 0 },
    { SC_F_AT, CC_T_TIME, true, 0, 0 },
};
static const sc_field_rule_t f_rejected[] = {
    { SC_F_DOSSIER, CC_T_ID, true, 0, 0 },
    { SC_F_UNIT, CC_T_CODE, true, 0, 0 },
};
static const sc_field_rule_t f_dossier[] = {
    { SC_F_DOSSIER, CC_T_ID, true, 0, 0 },       { SC_F_UNIT, CC_T_CODE, true, 0, 0 },
    { SC_F_STATE, CC_T_CODE, true, 0, 0 },       { SC_F_DUE, CC_T_INT, true, 0, 0 },
    { SC_F_RECEIVED_AT, CC_T_INT, false, 0, 0 }, { SC_F_PROC, CC_T_CODE, false, 0, 0 },
    { SC_F_CHANNEL, CC_T_CODE, false, 0, 0 },    { SC_F_CLASS, CC_T_CODE, false, 0, 0 },
    { SC_F_KIND, CC_T_CODE, false, 0, 0 },       { SC_F_RULE_BROKEN, CC_T_BOOL, false, 0, 0 },
    { SC_F_APPROVED, CC_T_BOOL, false, 0, 0 },   { SC_F_APOLOGY, CC_T_CODE, false, 0, 0 },
    { SC_F_METHOD, CC_T_CODE, false, 0, 0 },     { SC_F_WHAT, CC_T_CODE, false, 0, 0 },
    { SC_F_RATING, CC_T_CODE, false, 0, 0 },     { SC_F_PROMISED, CC_T_INT, false, 0, 0 },
    { SC_F_DEADLINE, CC_T_INT, false, 0, 0 },    { SC_F_AGENCY, CC_T_CODE, false, 0, 0 },
};
static const sc_field_rule_t f_contact[] = {
    { SC_F_CONTACT, CC_T_ID, true, 0, 0 },
    { SC_F_CTYPE, CC_T_CODE, true, 0, 0 },
    { SC_F_CHANNEL, CC_T_CODE, false, 0, 0 },
    { SC_F_UNIT, CC_T_CODE, false, 0, CC_MAX_CODE },
};
/* Every pakn_* record (hotline.c encode_pakn); "unit" and "dossier" are ""
 * when none. */
static const sc_field_rule_t f_pakn[] = {
    { SC_F_PAKN, CC_T_ID, true, 0, 0 },     { SC_F_UNIT, CC_T_CODE, false, 0, CC_MAX_CODE },
    { SC_F_LEVEL, CC_T_UINT, false, 0, 0 }, { SC_F_STATE, CC_T_CODE, false, 0, 0 },
    { SC_F_DUE, CC_T_INT, false, 0, 0 },    { SC_F_DOSSIER, CC_T_ID, false, 0, CC_MAX_ID },
    { SC_F_LATE, CC_T_BOOL, false, 0, 0 },
};
static const sc_field_rule_t f_pakn_answered[] = {
    { SC_F_ON_TIME, CC_T_BOOL, true, 0, 0 },
};

/* Outcome of one record. */
enum { REC_APPLIED = 0, REC_SKIPPED = 1, REC_INVALID = 2 };

const char *sc_feed_name(sc_feed_id_t f) { return f == SC_FEED_HOTLINE ? "hotline" : "intake"; }

/* ---- Open / close ------------------------------------------------------------ */

/* Check the stored layout; rebuild when it is another one (see state.h). */
static int layout_txn(cc_txn_t *txn, void *arg)
{
    sc_state_t *st = arg;
    uint64_t layout = 0, c_in = 0, c_hot = 0;
    int r;

    st->rebuilt_from = 0;
    if ((r = cc_txn_get_u64(txn, st->meta_dbi, "layout", &layout)) < 0 ||
        (r = cc_txn_get_u64(txn, st->cursor_dbi, "intake", &c_in)) < 0 ||
        (r = cc_txn_get_u64(txn, st->cursor_dbi, "hotline", &c_hot)) < 0)
        return r;
    if (layout == SC_STATE_LAYOUT)
        return 0;
    /* Layout 1 (before the key existed) is told by a cursor. */
    if (layout == 0 && (c_in || c_hot))
        layout = 1;
    if (layout != 0) {
        if ((r = sc_state_empty(st, txn)) < 0)
            return r;
        st->rebuilt_from = layout;
    }
    return cc_txn_put_u64(txn, st->meta_dbi, "layout", SC_STATE_LAYOUT);
}

static int rebuild_txn(cc_txn_t *txn, void *arg) { return sc_state_empty(arg, txn); }

int sc_state_rebuild(sc_state_t *st)
{
    int r = sc_state_write(st, rebuild_txn, st);

    st->dirty.n = 0;
    return r;
}

int sc_state_empty(sc_state_t *st, cc_txn_t *txn)
{
    MDB_dbi derived[16] = { st->tally_dbi,     st->dossier_dbi, st->pakn_dbi,   st->cursor_dbi,
                            st->meta_dbi,      st->notes_dbi,   st->grades_dbi, st->consult_dbi,
                            st->index.retired, st->index.online };
    size_t n = 10;
    uint64_t seq = 0;
    int r;

    n += sc_alerts_derived(st->alerts, derived + n);
    sc_cache_clear(st->dossiers);
    if ((r = sc_alerts_seq(st->alerts, txn, &seq)) < 0)
        return r;
    for (size_t i = 0; i < n; i++)
        if ((r = cc_txn_drop(txn, derived[i])) < 0)
            return r;
    /* Alert ids are forgotten but the sequence goes on (+1, so that a
     * subscriber sees a gap and takes a new snapshot); acknowledgements
     * are kept. */
    if ((r = cc_txn_put_u64(txn, st->meta_dbi, "alert_seq", seq + 1)) < 0)
        return r;
    return cc_txn_put_u64(txn, st->meta_dbi, "layout", SC_STATE_LAYOUT);
}

int sc_state_open(const char *dir, size_t map_size, const cc_catalog_t *catalog, sc_state_t **ret,
                  char *err, size_t err_len)
{
    /* Everything here is derived from the logs again after a system crash
     * undid the last commit, except acknowledgements (synced: watch.c). */
    cc_store_opts_t so = { .map_size = map_size, .max_dbs = 32, .lazy_meta_sync = true };
    sc_state_t *st = cc_xcalloc(1, sizeof(*st));
    int r;

    st->catalog = catalog;
    st->counts = sc_tally_acc_new();
    if ((r = cc_store_open(dir, &so, &st->store)) < 0 ||
        (r = cc_store_dbi(st->store, "cursor", 0, &st->cursor_dbi)) < 0 ||
        (r = cc_store_dbi(st->store, "meta", 0, &st->meta_dbi)) < 0 ||
        (r = cc_store_dbi(st->store, "tally", 0, &st->tally_dbi)) < 0 ||
        (r = cc_store_dbi(st->store, "dossier", 0, &st->dossier_dbi)) < 0 ||
        (r = cc_store_dbi(st->store, "pakn", 0, &st->pakn_dbi)) < 0 ||
        (r = cc_store_dbi(st->store, "consult", 0, &st->consult_dbi)) < 0 ||
        (r = sc_alerts_open(st->store, &st->alerts)) < 0 ||
        (r = cc_store_dbi(st->store, "notes", 0, &st->notes_dbi)) < 0 ||
        (r = cc_store_dbi(st->store, "grades", 0, &st->grades_dbi)) < 0 ||
        (r = sc_index_open(st->store, st->counts, &st->index)) < 0) {
        snprintf(err, err_len, "cannot open the scoring store in %.512s: %s", dir,
                 cc_store_strerror(r));
        goto out;
    }
    st->dossiers = sc_cache_new(st->dossier_dbi, sizeof(sc_dossier_t), SC_DOSSIER_CACHE);
    if ((r = sc_state_write(st, layout_txn, st)) < 0) {
        snprintf(err, err_len, "cannot check the layout of the scoring store in %.512s: %s", dir,
                 cc_store_strerror(r));
        goto out;
    }
    *ret = st;
    st = NULL;
out:
    sc_state_close(&st);
    return r;
}

void sc_state_close(sc_state_t **self_p)
{
    sc_state_t *st = self_p ? *self_p : NULL;

    if (st == NULL)
        return;
    sc_alerts_destroy(&st->alerts);
    sc_tally_acc_destroy(&st->counts);
    sc_cache_destroy(&st->dossiers);
    cc_store_close(&st->store);
    free(st->dirty.codes);
    free(st);
    *self_p = NULL;
}

void sc_state_set_catalog(sc_state_t *st, const cc_catalog_t *catalog) { st->catalog = catalog; }

cc_store_t *sc_state_store(sc_state_t *st) { return st->store; }
uint64_t sc_state_rebuilt_from(sc_state_t *st) { return st->rebuilt_from; }
MDB_dbi sc_state_tally_dbi(sc_state_t *st) { return st->tally_dbi; }
sc_alerts_t *sc_state_alerts(sc_state_t *st) { return st->alerts; }
const cc_catalog_t *sc_state_catalog(sc_state_t *st) { return st->catalog; }
const sc_index_db_t *sc_state_index(sc_state_t *st) { return &st->index; }

int sc_state_cursor(sc_state_t *st, sc_feed_id_t feed, uint64_t *ret)
{
    cc_txn_t txn;
    int r;

    if ((r = cc_store_read_begin(st->store, &txn)) < 0)
        return r;
    r = cc_txn_get_u64(&txn, st->cursor_dbi, sc_feed_name(feed), ret);
    cc_txn_end(&txn);
    return r;
}

/* ---- Helpers --------------------------------------------------------------------- */

static bool is_open(uint8_t s)
{
    return s == CC_DOSSIER_PROCESSING || s == CC_DOSSIER_SUPPLEMENT_WAIT;
}

/* The value of code field @f of @rec in @v (from @first on), or -1 when
 * the field is absent or not one of the codes. */
static int code_of(const sc_record_t *rec, sc_field_t f, const cc_vocab_t *v, unsigned first)
{
    cc_str_t s;

    return sc_record_str(rec, f, &s) == 0 ? cc_vocab_find(v, first, s.ptr, s.len) : -1;
}

/* The counter of code @i in @counters (one per code), or -1 for none. */
#define COUNTER_OF(counters, i) ((i) >= 0 && (size_t)(i) < CC_N(counters) ? (int)(counters)[i] : -1)

static int meta_add(sc_state_t *st, cc_txn_t *txn, const char *key, int64_t delta)
{
    uint64_t v;
    int r;

    if ((r = cc_txn_get_u64(txn, st->meta_dbi, key, &v)) < 0)
        return r;
    if (delta < 0 && v < (uint64_t)-delta)
        v = 0;
    else
        v += (uint64_t)delta;
    return cc_txn_put_u64(txn, st->meta_dbi, key, v);
}

int sc_load_dossier(sc_state_t *st, cc_txn_t *txn, const char *id, sc_dossier_t *d, bool *ret_found)
{
    int r = sc_cache_get(st->dossiers, txn, id, strlen(id), d, ret_found);

    if (r < 0)
        return r;
    if (*ret_found && d->version != SC_DOSSIER_VERSION)
        return MDB_CORRUPTED;
    return 0;
}

int sc_put_dossier(sc_state_t *st, cc_txn_t *txn, const char *id, const sc_dossier_t *d)
{
    return sc_cache_put(st->dossiers, txn, id, strlen(id), d);
}

/* A transaction of sc_state_write: @fn, then what it gathered in memory,
 * written once: the tally's counts, the open dossiers' change, the
 * snapshots it changed. */
typedef struct {
    sc_state_t *st;
    cc_store_write_fn fn;
    void *arg;
} state_write_t;

static int state_write_txn(cc_txn_t *txn, void *arg)
{
    state_write_t *w = arg;
    int r;

    /* cc_store_write may run this again after growing the map. */
    sc_cache_begin(w->st->dossiers);
    sc_tally_acc_reset(w->st->counts);
    w->st->open_change = 0;
    if ((r = w->fn(txn, w->arg)) < 0 ||
        (r = sc_tally_acc_write(w->st->counts, txn, w->st->tally_dbi)) < 0 ||
        (w->st->open_change && (r = meta_add(w->st, txn, "open_dossiers", w->st->open_change)) < 0))
        return r;
    return sc_cache_write(w->st->dossiers, txn);
}

int sc_state_write(sc_state_t *st, cc_store_write_fn fn, void *arg)
{
    state_write_t w = { st, fn, arg };
    int r = cc_store_write(st->store, state_write_txn, &w);

    if (r == 0)
        sc_cache_committed(st->dossiers);
    else
        sc_cache_abort(st->dossiers);
    return r;
}

const char *sc_proc_label(sc_state_t *st, const char *proc)
{
    const cc_procedure_t *p =
        st->catalog && proc[0] ? cc_catalog_procedure(st->catalog, proc) : NULL;

    return p ? p->name : proc[0] ? proc : "?";
}

void sc_fmt_time(char *buf, size_t size, int64_t t)
{
    int y, mo, dd, min;

    cc_day_to_ymd(cc_local_day(t), &y, &mo, &dd);
    min = cc_local_minute_of_day(t);
    snprintf(buf, size, "%02d:%02d %02d/%02d/%04d", min / 60, min % 60, dd, mo, y);
}

int sc_raise(sc_state_t *st, cc_txn_t *txn, cc_alert_kind_t kind, int severity, const char *unit,
             const char *subject, const char *detail, int64_t at, const char *text)
{
    sc_alert_t al = { 0 };

    al.kind = kind;
    al.severity =
        severity >= 0 ? (cc_severity_t)severity : (cc_severity_t)cc_alert_kind_info[kind].severity;
    al.unit = unit;
    al.subject = subject;
    al.detail = detail;
    al.raised_at = at;
    al.text = text;
    return sc_alerts_raise(st->alerts, txn, &al, NULL);
}

int64_t sc_due_soon_at(sc_state_t *st, int64_t due, int64_t set_at)
{
    const cc_policy_t *pol = st->catalog ? cc_catalog_policy(st->catalog) : NULL;
    int32_t day;
    int64_t t;

    if (pol == NULL || pol->due_soon_working_days <= 0 || due <= 0 ||
        cc_calendar_add_working_days(cc_catalog_calendar(st->catalog), cc_local_day(due),
                                     -pol->due_soon_working_days, &day) < 0)
        return 0;
    t = cc_day_start(day) + (int64_t)pol->morning_start_minute * 60;
    return t > set_at && t < due ? t : 0;
}

void sc_unit_set_add(sc_unit_set_t *s, const char *unit)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->codes[i], unit) == 0)
            return;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->codes = cc_xrealloc(s->codes, s->cap * sizeof(*s->codes));
    }
    snprintf(s->codes[s->n++], sizeof(*s->codes), "%s", unit);
}

/* When a SOS request made at @at becomes alertable: the close of the
 * policy's sos_pending_working_days-th working day after it (calendar
 * days when there is no catalog or the calendar does not reach it). */
static int64_t sos_limit(sc_state_t *st, int64_t at)
{
    const cc_policy_t *pol = st->catalog ? cc_catalog_policy(st->catalog) : NULL;
    int days = pol ? pol->sos_pending_working_days : 1;
    int64_t lim;

    if (st->catalog && cc_deadline_working_days(st->catalog, at, days, &lim) == 0)
        return lim;
    return at + (int64_t)(days > 0 ? days : 1) * 86400;
}

/* Fields of one dossier record, read before anything is written. */
typedef struct {
    char dossier[CC_MAX_ID + 1];
    char unit[CC_MAX_CODE + 1];
    char runit[CC_MAX_CODE + 1]; /* receiving unit, "" when none */
    char proc[CC_MAX_CODE + 1];
    char agency[CC_MAX_CODE + 1]; /* consult_requested / consult_answered */
    uint8_t state;
    int64_t at, due, received_at;
    int64_t promised; /* extended */
    int64_t deadline; /* consult_requested */
    int channel;      /* sc_counter_t of the channel, -1 when none/unknown */
    int klass;        /* sc_counter_t of the class, -1 when none */
    int sos_kind;     /* cc_sos_kind_t of the request, -1 when none/unknown */
    bool rule_broken;
    int approved; /* 1, 0, or -1 when absent */
    int apology;  /* cc_apology_t, -1 absent/unknown */
    int figure;   /* fee method, digitized what or rating counter; -1 none */
} drec_t;

static int apply_rejected(sc_state_t *st, const sc_record_t *rec, int64_t at)
{
    char unit[CC_MAX_CODE + 1];

    if (sc_record_check(rec, f_rejected, CC_N(f_rejected)) < 0)
        return REC_INVALID;
    sc_record_strcpy(rec, SC_F_UNIT, unit, sizeof(unit));
    sc_tally_add(st->counts, unit, cc_local_day(at), SC_REJECTED_AT_COUNTER, 1);
    return REC_APPLIED;
}

static int read_drec(const sc_record_t *rec, int kind, int64_t at, drec_t *d)
{
    static const sc_counter_t by_channel[] = { [CC_CHANNEL_DIRECT] = SC_RECEIVED_DIRECT,
                                               [CC_CHANNEL_ONLINE] = SC_RECEIVED_ONLINE,
                                               [CC_CHANNEL_POSTAL] = SC_RECEIVED_POSTAL };
    static const sc_counter_t by_class[] = { [CC_CLASS_EARLY] = SC_RESOLVED_EARLY,
                                             [CC_CLASS_ON_TIME] = SC_RESOLVED_ON_TIME,
                                             [CC_CLASS_LATE] = SC_RESOLVED_LATE };
    static const sc_counter_t by_fee[] = { [CC_FEE_CASH] = SC_PAID_CASH,
                                           [CC_FEE_CASHLESS] = SC_PAID_CASHLESS,
                                           [CC_FEE_ONLINE] = SC_PAID_ONLINE };
    static const sc_counter_t by_digitized[] = {
        [CC_DIGITIZED_COMPONENTS] = SC_DIGITIZED_PARTS, [CC_DIGITIZED_RESULT] = SC_DIGITIZED_RESULT
    };
    static const sc_counter_t by_rating[] = { [CC_RATING_VERY_SATISFIED] = SC_RATED_VERY,
                                              [CC_RATING_SATISFIED] = SC_RATED_OK,
                                              [CC_RATING_DISSATISFIED] = SC_RATED_BAD };
    int state;
    bool b;

    if (sc_record_check(rec, f_dossier, CC_N(f_dossier)) < 0)
        return -EINVAL;
    memset(d, 0, sizeof(*d));
    d->at = at;
    sc_record_strcpy(rec, SC_F_DOSSIER, d->dossier, sizeof(d->dossier));
    sc_record_strcpy(rec, SC_F_UNIT, d->unit, sizeof(d->unit));
    sc_record_strcpy(rec, SC_F_RUNIT, d->runit, sizeof(d->runit));
    sc_record_strcpy(rec, SC_F_PROC, d->proc, sizeof(d->proc));
    sc_record_strcpy(rec, SC_F_AGENCY, d->agency, sizeof(d->agency));
    sc_record_i64(rec, SC_F_DUE, &d->due);
    sc_record_i64(rec, SC_F_RECEIVED_AT, &d->received_at);
    sc_record_i64(rec, SC_F_PROMISED, &d->promised);
    sc_record_i64(rec, SC_F_DEADLINE, &d->deadline);
    if ((state = code_of(rec, SC_F_STATE, &cc_dossier_states, CC_DOSSIER_PROCESSING)) < 0)
        return -EINVAL;
    d->state = (uint8_t)state;
    d->channel = COUNTER_OF(by_channel, code_of(rec, SC_F_CHANNEL, &cc_channels, 0));
    d->klass = COUNTER_OF(by_class, code_of(rec, SC_F_CLASS, &cc_classes, 0));
    d->sos_kind = code_of(rec, SC_F_KIND, &cc_sos_kinds, CC_SOS_STOP);
    d->rule_broken = sc_record_bool(rec, SC_F_RULE_BROKEN, &b) == 0 && b;
    d->approved = sc_record_bool(rec, SC_F_APPROVED, &b) == 0 ? b : -1;
    d->apology = code_of(rec, SC_F_APOLOGY, &cc_apologies, 0);
    d->figure =
        kind == CC_EV_FEE_PAID ? COUNTER_OF(by_fee, code_of(rec, SC_F_METHOD, &cc_fee_methods, 0))
        : kind == CC_EV_DIGITIZED
            ? COUNTER_OF(by_digitized, code_of(rec, SC_F_WHAT, &cc_digitized, 0))
        : kind == CC_EV_RATED ? COUNTER_OF(by_rating, code_of(rec, SC_F_RATING, &cc_ratings, 0))
                              : -1;
    /* A resolution without a known class cannot be counted. */
    if (d->state == CC_DOSSIER_RESOLVED && kind == CC_EV_RESOLVED && d->klass < 0)
        return -EINVAL;
    return 0;
}

/* ---- Consultations (db "consult": dossier, 0, agency -> i64 deadline) ------------- */

/* The key "@a, 0, @b" (each cut at its bound) into @key; returns its length. */
static size_t pair_key(uint8_t *key, const char *a, size_t a_max, const char *b, size_t b_max)
{
    size_t al = strnlen(a, a_max), bl = strnlen(b, b_max);

    memcpy(key, a, al);
    key[al] = 0;
    memcpy(key + al + 1, b, bl);
    return al + 1 + bl;
}

static size_t consult_key(uint8_t *key, const char *dossier, const char *agency)
{
    return pair_key(key, dossier, CC_MAX_ID, agency, CC_MAX_CODE);
}

int sc_consult_deadline(sc_state_t *st, cc_txn_t *txn, const char *dossier, const char *agency,
                        int64_t *ret)
{
    uint8_t key[CC_MAX_ID + 2 + CC_MAX_CODE];
    MDB_val v;
    int r = cc_txn_get(txn, st->consult_dbi, key, consult_key(key, dossier, agency), &v);

    if (r == -ENOENT)
        return 1;
    if (r < 0)
        return r;
    if (v.mv_size != sizeof(*ret))
        return MDB_CORRUPTED;
    memcpy(ret, v.mv_data, sizeof(*ret));
    return 0;
}

/* Forget the consultation of @dossier with @agency whose deadline is
 * @deadline: its entry, its timer and its alert. */
static int consult_forget(sc_state_t *st, cc_txn_t *txn, const char *dossier, const char *agency,
                          int64_t deadline)
{
    uint8_t key[CC_MAX_ID + 2 + CC_MAX_CODE];
    char id[SC_ALERT_ID_MAX + 1];
    int r;

    sc_alert_id(id, sizeof(id), CC_ALERT_CONSULT_LATE, dossier, agency);
    if ((r = sc_timer_del(st->alerts, txn, deadline, id)) < 0 ||
        (r = sc_alerts_clear(st->alerts, txn, id, NULL)) < 0)
        return r;
    return cc_txn_del(txn, st->consult_dbi, key, consult_key(key, dossier, agency));
}

/* A consultation asked (@x: consult_requested) or answered
 * (consult_answered); @d counts the pending ones. */
static int consult_apply(sc_state_t *st, cc_txn_t *txn, const drec_t *x, int kind, sc_dossier_t *d)
{
    uint8_t key[CC_MAX_ID + 2 + CC_MAX_CODE];
    char id[SC_ALERT_ID_MAX + 1];
    size_t kl = consult_key(key, x->dossier, x->agency);
    int64_t deadline = 0;
    MDB_val v;
    int r = cc_txn_get(txn, st->consult_dbi, key, kl, &v);

    if (r < 0 && r != -ENOENT)
        return r;
    if (r == 0 && v.mv_size == sizeof(deadline))
        memcpy(&deadline, v.mv_data, sizeof(deadline));
    if (r == 0) {
        /* Answered, or asked again with a new deadline. */
        if ((r = consult_forget(st, txn, x->dossier, x->agency, deadline)) < 0)
            return r;
        d->consults = d->consults ? (uint8_t)(d->consults - 1) : 0;
    }
    if (kind != CC_EV_CONSULT_REQUESTED || x->deadline <= 0)
        return 0;
    sc_alert_id(id, sizeof(id), CC_ALERT_CONSULT_LATE, x->dossier, x->agency);
    if ((r = cc_txn_put(txn, st->consult_dbi, key, kl, &x->deadline, sizeof(x->deadline), 0)) < 0 ||
        (r = sc_timer_put(st->alerts, txn, x->deadline, id)) < 0)
        return r;
    if (d->consults < UINT8_MAX)
        d->consults++;
    return 0;
}

typedef struct {
    char agency[CC_MAX_CODE + 1];
    int64_t deadline;
} consult_t;

typedef struct {
    size_t prefix_len; /* dossier id and its 0 */
    const uint8_t *prefix;
    consult_t *list;
    size_t n, cap;
} consult_scan_t;

static int consult_one(const MDB_val *k, const MDB_val *v, void *arg)
{
    consult_scan_t *c = arg;
    size_t alen;

    if (k->mv_size <= c->prefix_len || memcmp(k->mv_data, c->prefix, c->prefix_len) != 0)
        return 1;
    alen = k->mv_size - c->prefix_len;
    if (alen > CC_MAX_CODE || v->mv_size != sizeof(int64_t))
        return MDB_CORRUPTED;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 4;
        c->list = cc_xrealloc(c->list, c->cap * sizeof(*c->list));
    }
    memcpy(c->list[c->n].agency, (const uint8_t *)k->mv_data + c->prefix_len, alen);
    c->list[c->n].agency[alen] = '\0';
    memcpy(&c->list[c->n].deadline, v->mv_data, sizeof(int64_t));
    c->n++;
    return 0;
}

/* The dossier ended: forget all its pending consultations. */
static int consult_end(sc_state_t *st, cc_txn_t *txn, const char *dossier, sc_dossier_t *d)
{
    uint8_t key[CC_MAX_ID + 2 + CC_MAX_CODE];
    consult_scan_t c = { consult_key(key, dossier, ""), key, NULL, 0, 0 };
    int r = cc_txn_scan(txn, st->consult_dbi, key, c.prefix_len, consult_one, &c);

    for (size_t i = 0; i < c.n && r >= 0; i++)
        r = consult_forget(st, txn, dossier, c.list[i].agency, c.list[i].deadline);
    free(c.list);
    d->consults = 0;
    return r < 0 ? r : 0;
}

/* ---- Dossier records ---------------------------------------------------------------- */

/* One dossier record being applied: @x as read, @old as stored (when
 * @found), @d the new snapshot being built, @day the record's local day. */
typedef struct {
    const drec_t *x;
    const sc_dossier_t *old;
    sc_dossier_t *d;
    int kind;
    int32_t day;
    bool found, was_open, now_open;
} dchange_t;

/* A supplement request against the "one time, complete" rule: counted,
 * and its alert raised. */
static int supplement_rule_broken(sc_state_t *st, cc_txn_t *txn, const dchange_t *c)
{
    const drec_t *x = c->x;
    const cc_policy_t *pol = st->catalog ? cc_catalog_policy(st->catalog) : NULL;
    char text[SC_ALERT_TEXT_MAX];
    int r;

    sc_tally_add(st->counts, x->unit, c->day, SC_SUPP_RULE_BROKEN, 1);
    snprintf(text, sizeof(text),
             "Hồ sơ %s (thủ tục %s): yêu cầu bổ sung trái quy định \"hướng dẫn một "
             "lần, đầy đủ\" (lần thứ hai, hoặc sau %d ngày làm việc kể từ khi tiếp nhận)",
             x->dossier, sc_proc_label(st, x->proc[0] ? x->proc : c->old->proc),
             pol ? pol->supplement_late_working_days : 3);
    if ((r = sc_raise(st, txn, CC_ALERT_SUPPLEMENT_RULE_BROKEN, -1, x->unit, x->dossier, NULL,
                      x->at, text)) < 0)
        return r;
    c->d->rule_alert = 1;
    return 0;
}

/* A SOS request (stop, supplement, refuse, withdraw) on an open dossier
 * with none pending: counted in the SOS table, pending until its limit. */
static int sos_requested(sc_state_t *st, cc_txn_t *txn, const dchange_t *c)
{
    const drec_t *x = c->x;
    sc_dossier_t *d = c->d;
    int k = x->sos_kind - 1; /* the SOS table's row: stop, supplement, refuse, withdraw */
    int r;

    sc_tally_add(st->counts, x->unit, c->day, (sc_counter_t)(SC_SOS_STOP_REQ + 3 * k), 1);
    d->sos_kind = (uint8_t)x->sos_kind;
    d->sos_limit = sos_limit(st, x->at);
    snprintf(d->sos_unit, sizeof(d->sos_unit), "%s", x->unit);
    if ((r = sc_sos_put(st->alerts, txn, d->sos_limit, x->dossier)) < 0)
        return r;
    return x->rule_broken ? supplement_rule_broken(st, txn, c) : 0;
}

/* An extension: counted; the apology alert ends; the promised date
 * (Mẫu 04) has a timer of its own. */
static int extended(sc_state_t *st, cc_txn_t *txn, const dchange_t *c)
{
    const drec_t *x = c->x;
    const sc_dossier_t *old = c->old;
    sc_dossier_t *d = c->d;
    char id[SC_ALERT_ID_MAX + 1];
    int r;

    sc_tally_add(st->counts, x->unit, c->day, SC_EXTENDED, 1);
    d->extended = 1;
    if (old->apology_alert) {
        if ((r = sc_alerts_clear_kind(st->alerts, txn, CC_ALERT_APOLOGY_MISSING, x->dossier)) < 0)
            return r;
        d->apology_alert = 0;
    }
    sc_alert_id(id, sizeof(id), CC_ALERT_PROMISE_MISSED, x->dossier, NULL);
    if (c->now_open && x->promised > 0 && x->promised != old->promised) {
        if ((r = sc_timer_del(st->alerts, txn, old->promised, id)) < 0 ||
            (r = sc_timer_put(st->alerts, txn, x->promised, id)) < 0)
            return r;
        d->promised = x->promised;
    }
    return 0;
}

/* The pending SOS request is gone: its limit, its alert, its fields. */
static int sos_gone(sc_state_t *st, cc_txn_t *txn, const dchange_t *c)
{
    sc_dossier_t *d = c->d;
    int r;

    if ((r = sc_sos_del(st->alerts, txn, c->old->sos_limit, c->x->dossier)) < 0 ||
        (r = sc_alerts_clear_kind(st->alerts, txn, CC_ALERT_SOS_PENDING, c->x->dossier)) < 0)
        return r;
    d->sos_kind = 0;
    d->sos_limit = 0;
    d->sos_unit[0] = '\0';
    return 0;
}

/* The dossier ended: the alerts its flags say are active (each flag is
 * set with its alert, and cleared with it), the promised date's timer and
 * the pending consultations go. */
static int dossier_ended(sc_state_t *st, cc_txn_t *txn, const dchange_t *c)
{
    const char *dossier = c->x->dossier;
    sc_dossier_t *d = c->d;
    const struct {
        uint8_t active;
        cc_alert_kind_t kind;
    } ended[] = { { d->rule_alert, CC_ALERT_SUPPLEMENT_RULE_BROKEN },
                  { d->apology_alert, CC_ALERT_APOLOGY_MISSING },
                  { d->promise_alert, CC_ALERT_PROMISE_MISSED } };
    char id[SC_ALERT_ID_MAX + 1];
    int r;

    for (size_t i = 0; i < CC_N(ended); i++)
        if (ended[i].active &&
            (r = sc_alerts_clear_kind(st->alerts, txn, ended[i].kind, dossier)) < 0)
            return r;
    if (d->promised) {
        sc_alert_id(id, sizeof(id), CC_ALERT_PROMISE_MISSED, dossier, NULL);
        if ((r = sc_timer_del(st->alerts, txn, d->promised, id)) < 0)
            return r;
    }
    if (d->consults && (r = consult_end(st, txn, dossier, d)) < 0)
        return r;
    d->rule_alert = d->apology_alert = d->promise_alert = 0;
    d->promised = 0;
    return 0;
}

/* The SOS table, apologies, payments, digitization, ratings, extensions
 * and consultations, and the alerts tied to them, for one applied dossier
 * record that was stored before. */
static int apply_dossier_figures(sc_state_t *st, cc_txn_t *txn, const dchange_t *c)
{
    const drec_t *x = c->x;
    const sc_dossier_t *old = c->old;
    int kind = c->kind;
    int r = 0;

    if (kind == CC_EV_SOS_REQUESTED && x->sos_kind > 0 && c->was_open && !old->sos_kind) {
        r = sos_requested(st, txn, c);
    } else if (kind == CC_EV_SOS_REVIEWED && old->sos_kind) {
        int k = old->sos_kind - 1;
        bool approved = x->approved >= 0 ? x->approved == 1 : x->state != old->state;

        sc_tally_add(st->counts, old->sos_unit[0] ? old->sos_unit : x->unit, c->day,
                     (sc_counter_t)(SC_SOS_STOP_REQ + 3 * k + (approved ? 1 : 2)), 1);
    } else if (kind == CC_EV_EXTENDED) {
        r = extended(st, txn, c);
    } else if (kind == CC_EV_CONSULT_REQUESTED || kind == CC_EV_CONSULT_ANSWERED) {
        if (x->agency[0] && (c->now_open || kind == CC_EV_CONSULT_ANSWERED))
            r = consult_apply(st, txn, x, kind, c->d);
    } else if (kind == CC_EV_RESOLVED && c->was_open && x->klass == SC_RESOLVED_LATE &&
               x->apology >= 0) {
        static const sc_counter_t by_apology[] = { [CC_APOLOGY_NONE] = SC_APOLOGY_MISSING,
                                                   [CC_APOLOGY_IN_TIME] = SC_APOLOGY_IN_TIME,
                                                   [CC_APOLOGY_LATE] = SC_APOLOGY_LATE };

        sc_tally_add(st->counts, x->unit, c->day, by_apology[x->apology], 1);
    } else if (x->figure >= 0) {
        sc_tally_add(st->counts, x->unit, c->day, (sc_counter_t)x->figure, 1);
        if (kind == CC_EV_RATED)
            sc_unit_set_add(&st->dirty, x->unit);
    }
    if (r < 0)
        return r;
    /* The pending request is gone: reviewed, or the dossier ended. */
    if (old->sos_kind && (kind == CC_EV_SOS_REVIEWED || !c->now_open) &&
        (r = sos_gone(st, txn, c)) < 0)
        return r;
    if (c->was_open && !c->now_open)
        return dossier_ended(st, txn, c);
    return 0;
}

/* The due-soon timer and alert of @d, whose due date and state the record
 * at @at just set (@old: before it; @found: whether there was one). The
 * alert is about a dossier in processing, not yet overdue, with this due
 * date; anything else cancels it. */
static int apply_due_soon(sc_state_t *st, cc_txn_t *txn, const char *dossier,
                          const sc_dossier_t *old, bool found, sc_dossier_t *d, int64_t at)
{
    bool want = d->state == CC_DOSSIER_PROCESSING && !d->overdue;
    char id[SC_ALERT_ID_MAX + 1];
    int r;

    if (found && want && old->state == CC_DOSSIER_PROCESSING && !old->overdue &&
        old->due == d->due && strcmp(old->unit, d->unit) == 0)
        return 0; /* nothing changed for it */
    sc_alert_id(id, sizeof(id), CC_ALERT_DOSSIER_DUE_SOON, dossier, NULL);
    if ((r = sc_timer_del(st->alerts, txn, old->soon_at, id)) < 0)
        return r;
    if (old->soon_alert && (r = sc_alerts_clear(st->alerts, txn, id, NULL)) < 0)
        return r;
    d->soon_alert = 0;
    /* The same due date elsewhere (a transfer) keeps its moment: the timer
     * comes back (at once, when it is past) and raises it for the new unit. */
    d->soon_at = !want                                         ? 0
                 : found && old->due == d->due && old->soon_at ? old->soon_at
                                                               : sc_due_soon_at(st, d->due, at);
    return sc_timer_put(st->alerts, txn, d->soon_at, id);
}

/* The counts a dossier record moves: received (and by channel), transferred
 * out of one unit into another, ended (resolved by class, or without). */
static void tally_dossier(sc_state_t *st, const dchange_t *c)
{
    const drec_t *x = c->x;
    const sc_dossier_t *old = c->old;

    if (c->kind == CC_EV_RECEIVED && !c->found) {
        sc_tally_add(st->counts, x->unit, c->day, SC_RECEIVED, 1);
        if (x->channel >= 0)
            sc_tally_add(st->counts, x->unit, c->day, (sc_counter_t)x->channel, 1);
    }
    if (c->was_open && strcmp(old->unit, x->unit) != 0) {
        sc_tally_add(st->counts, old->unit, c->day, SC_TRANSFERRED_OUT, 1);
        sc_tally_add(st->counts, x->unit, c->day, SC_TRANSFERRED_IN, 1);
    }
    if (c->was_open && !c->now_open) {
        sc_counter_t k = x->state == CC_DOSSIER_RESOLVED && x->klass >= 0 ? (sc_counter_t)x->klass
                                                                          : SC_ENDED_WITHOUT_CLASS;

        sc_tally_add(st->counts, x->unit, c->day, k, 1);
        if (k != SC_ENDED_WITHOUT_CLASS)
            sc_unit_set_add(&st->dirty, x->unit);
    }
}

/* Within / past due: the standing before the record, and after it; then
 * the real-time service index. */
static int index_dossier(sc_state_t *st, cc_txn_t *txn, const dchange_t *c)
{
    const drec_t *x = c->x;
    const sc_dossier_t *old = c->old;
    sc_open_t before = { old->unit, c->was_open, old->state == CC_DOSSIER_SUPPLEMENT_WAIT,
                         old->due };
    sc_open_t after = { x->unit, c->now_open, x->state == CC_DOSSIER_SUPPLEMENT_WAIT, x->due };
    sc_index_rec_t ix = { .kind = c->kind,
                          .dossier = x->dossier,
                          .unit = x->unit,
                          .proc = x->proc[0] ? x->proc : old->proc,
                          .at = x->at,
                          .received_at = c->d->received_at,
                          .channel = x->channel,
                          .klass = x->klass,
                          .figure = x->figure,
                          .sos_kind = x->sos_kind,
                          .before = c->found ? &before : NULL,
                          .after = &after,
                          .runit = x->runit,
                          .entry = &c->d->ix };

    if (before.open != after.open || before.paused != after.paused || before.due != after.due ||
        strcmp(before.unit, after.unit) != 0)
        sc_tally_open_move(st->counts, &sc_open_all, c->day, c->found ? &before : NULL, &after);
    return sc_index_dossier(&st->index, st->catalog, txn, &ix);
}

/* The overdue alert ends when the dossier ended, moved to another unit
 * (the tick raises it again there), or its due moved into the future
 * (supplement restart). The apology alert goes with it. */
static int overdue_ended(sc_state_t *st, cc_txn_t *txn, const dchange_t *c, int64_t now)
{
    const drec_t *x = c->x;
    const sc_dossier_t *old = c->old;
    int r;

    if (old->overdue &&
        (!c->now_open || strcmp(old->unit, x->unit) != 0 || (x->due != old->due && x->due > now))) {
        if ((r = sc_alerts_clear_kind(st->alerts, txn, CC_ALERT_DOSSIER_OVERDUE, x->dossier)) < 0 ||
            (r = sc_alerts_clear_kind(st->alerts, txn, CC_ALERT_APOLOGY_MISSING, x->dossier)) < 0)
            return r;
        c->d->overdue = 0;
        c->d->apology_alert = 0;
    }
    return 0;
}

/* The due index: the clock stops in supplement_wait, so only processing
 * dossiers wait in it. An entry that stays as it was is not touched. */
static int due_index(sc_state_t *st, cc_txn_t *txn, const dchange_t *c)
{
    const sc_dossier_t *old = c->old, *d = c->d;
    bool was_due = c->found && old->state == CC_DOSSIER_PROCESSING && !old->overdue;
    bool now_due = d->state == CC_DOSSIER_PROCESSING && !d->overdue;
    int r;

    if (was_due != now_due || (now_due && old->due != d->due)) {
        if (was_due && (r = sc_due_del(st->alerts, txn, old->due, c->x->dossier)) < 0)
            return r;
        if (now_due && (r = sc_due_put(st->alerts, txn, d->due, c->x->dossier)) < 0)
            return r;
    }
    return 0;
}

/* One intake record of a dossier (@kind, dated @at): the dossier's
 * snapshot, its counts in the tally, its index entry, its due date in the
 * due index and the alerts the record raises or clears. */
static int apply_dossier(sc_state_t *st, cc_txn_t *txn, const sc_record_t *rec, int kind,
                         int64_t at, int64_t now)
{
    sc_dossier_t old, d;
    drec_t x;
    dchange_t c = { .x = &x, .old = &old, .d = &d, .kind = kind, .day = cc_local_day(at) };
    int r = 0;

    if (read_drec(rec, kind, at, &x) < 0)
        return REC_INVALID;
    if ((r = sc_load_dossier(st, txn, x.dossier, &old, &c.found)) < 0)
        return r;
    /* Validated; from here on, write. */
    c.was_open = c.found && is_open(old.state);
    c.now_open = is_open(x.state);
    d = old;
    if (!c.found) {
        d.version = SC_DOSSIER_VERSION;
        d.received_at = x.received_at ? x.received_at : at;
    }
    tally_dossier(st, &c);
    if ((c.found || kind == CC_EV_RECEIVED) && (r = index_dossier(st, txn, &c)) < 0)
        return r;
    /* Only open dossiers that were counted as received are "open" here
     * (written with the feeds' figures at the end of the transaction). */
    if (kind == CC_EV_RECEIVED && !c.found && c.now_open)
        st->open_change++;
    else if (c.was_open && !c.now_open)
        st->open_change--;
    if (c.found && (r = apply_dossier_figures(st, txn, &c)) < 0)
        return r;
    if ((r = overdue_ended(st, txn, &c, now)) < 0)
        return r;
    d.state = x.state;
    d.due = x.due;
    snprintf(d.unit, sizeof(d.unit), "%s", x.unit);
    if (x.proc[0])
        snprintf(d.proc, sizeof(d.proc), "%s", x.proc);
    if ((r = due_index(st, txn, &c)) < 0 ||
        (r = apply_due_soon(st, txn, x.dossier, &old, c.found, &d, at)) < 0)
        return r;
    return sc_put_dossier(st, txn, x.dossier, &d);
}

static int apply_unit_note(sc_state_t *st, cc_txn_t *txn, const sc_record_t *rec, int kind);

static int apply_intake(sc_state_t *st, cc_txn_t *txn, const sc_record_t *rec, cc_str_t type,
                        int64_t at, int64_t now)
{
    int kind = cc_vocab_find(&cc_dossier_events, 0, type.ptr, type.len);

    if (kind < 0) {
        kind = cc_vocab_find(&cc_unit_events, 0, type.ptr, type.len);
        return kind < 0 ? REC_SKIPPED : apply_unit_note(st, txn, rec, kind);
    }
    if (kind == CC_EV_REJECTED_AT_COUNTER)
        return apply_rejected(st, rec, at);
    return apply_dossier(st, txn, rec, kind, at, now);
}

/* ---- Supervisors' notes on units (intake reminder, grade_note) ------------------------ */

static const sc_field_rule_t f_note_common[] = {
    { SC_F_EID, CC_T_ID, true, 0, 0 },
    { SC_F_UNIT, CC_T_CODE, true, 0, 0 },
    { SC_F_REASON, CC_T_STR, true, 1, 1024 },
};

/* unit, 0, be32(day ^ bias), 0, by, 0, eid: a unit's notes in date order
 * (an event id is its sender's: two supervisors may use the same one). */
static size_t note_key(uint8_t *key, const char *unit, int32_t day, const char *by, const char *eid)
{
    size_t n = sc_tally_key(key, unit, day), b = strnlen(by, CC_MAX_CODE),
           l = strnlen(eid, CC_MAX_ID);

    key[n++] = 0;
    memcpy(key + n, by, b);
    n += b;
    key[n++] = 0;
    memcpy(key + n, eid, l);
    return n + l;
}

/* unit, 0, period. */
static size_t grade_key(uint8_t *key, const char *unit, const char *period)
{
    return pair_key(key, unit, CC_MAX_CODE, period, CC_MAX_CODE);
}

static int apply_unit_note(sc_state_t *st, cc_txn_t *txn, const sc_record_t *rec, int kind)
{
    char unit[CC_MAX_CODE + 1], by[CC_MAX_CODE + 1] = "", eid[CC_MAX_ID + 1];
    uint8_t key[SC_TALLY_KEY_MAX + 1 + CC_MAX_CODE + 1 + CC_MAX_ID];
    int r;

    if (sc_record_check(rec, f_note_common, CC_N(f_note_common)) < 0)
        return REC_INVALID;
    sc_record_strcpy(rec, SC_F_UNIT, unit, sizeof(unit));
    sc_record_strcpy(rec, SC_F_EID, eid, sizeof(eid));
    sc_record_strcpy(rec, SC_F_BY, by, sizeof(by));
    if (kind == CC_UEV_REMINDER) {
        int64_t doc_date = 0;
        int note = code_of(rec, SC_F_KIND, &cc_note_kinds, 0);
        int32_t day;

        if (note < 0 || sc_record_i64(rec, SC_F_DOC_DATE, &doc_date) < 0)
            return REC_INVALID;
        day = cc_local_day(doc_date);
        sc_tally_add(st->counts, unit, day, note == CC_NOTE_REMINDER ? SC_REMINDERS : SC_CRITICISMS,
                     1);
        /* The record as it came: a map (sc_state_notes decodes it). */
        r = cc_txn_put(txn, st->notes_dbi, key, note_key(key, unit, day, by, eid), rec->raw,
                       rec->raw_len, 0);
        return r < 0 ? r : REC_APPLIED;
    } else {
        char period[CC_MAX_CODE + 1] = "";
        sc_grade_note_t g = { 0 };

        if (sc_record_strcpy(rec, SC_F_PERIOD, period, sizeof(period)) < 0 || !period[0])
            return REC_INVALID;
        sc_record_strcpy(rec, SC_F_GRADE, g.grade, sizeof(g.grade));
        sc_record_strcpy(rec, SC_F_REASON, g.reason, sizeof(g.reason));
        sc_record_strcpy(rec, SC_F_BY, g.by, sizeof(g.by));
        sc_record_i64(rec, SC_F_AT, &g.at);
        r = cc_txn_put(txn, st->grades_dbi, key, grade_key(key, unit, period), &g, sizeof(g), 0);
        return r < 0 ? r : REC_APPLIED;
    }
}

int sc_state_grade_note(sc_state_t *st, cc_txn_t *txn, const char *unit, const char *period,
                        sc_grade_note_t *ret)
{
    uint8_t key[2 * CC_MAX_CODE + 2];
    MDB_val v;
    int r = cc_txn_get(txn, st->grades_dbi, key, grade_key(key, unit, period), &v);

    if (r < 0)
        return r;
    if (v.mv_size != sizeof(*ret))
        return MDB_CORRUPTED;
    memcpy(ret, v.mv_data, sizeof(*ret));
    return 0;
}

typedef struct {
    uint8_t to[SC_TALLY_KEY_MAX]; /* the unit's key of the last day */
    size_t unit_len;              /* the unit's code and its 0 */
    sc_note_fn fn;
    void *ctx;
} notes_scan_t;

static int note_one(const MDB_val *k, const MDB_val *v, void *arg)
{
    notes_scan_t *n = arg;
    cc_msg_t m;
    int r;

    /* Past the unit, or past the last day (the day is big-endian: bytes compare). */
    if (k->mv_size < n->unit_len + 4 || memcmp(k->mv_data, n->to, n->unit_len) != 0 ||
        memcmp((const uint8_t *)k->mv_data + n->unit_len, n->to + n->unit_len, 4) > 0)
        return 1;
    if (cc_body_decode(v->mv_data, v->mv_size, &cc_limits_reply, &m, NULL, 0) != 0)
        return MDB_CORRUPTED;
    r = n->fn(&m.body, n->ctx);
    cc_msg_deinit(&m);
    return r;
}

int sc_state_notes(sc_state_t *st, cc_txn_t *txn, const char *unit, int32_t from_day,
                   int32_t to_day, sc_note_fn fn, void *ctx)
{
    uint8_t from[SC_TALLY_KEY_MAX];
    size_t fl = sc_tally_key(from, unit, from_day);
    notes_scan_t n = { .unit_len = fl - 4, .fn = fn, .ctx = ctx };

    sc_tally_key(n.to, unit, to_day);
    return cc_txn_scan(txn, st->notes_dbi, from, fl, note_one, &n);
}

/* ---- Hotline records ------------------------------------------------------------ */

int sc_load_pakn(sc_state_t *st, cc_txn_t *txn, const char *id, sc_pakn_t *p, bool *ret_found)
{
    MDB_val v;
    int r = cc_txn_get(txn, st->pakn_dbi, id, strlen(id), &v);

    memset(p, 0, sizeof(*p));
    *ret_found = false;
    if (r == -ENOENT)
        return 0;
    if (r < 0)
        return r;
    if (v.mv_size != sizeof(*p) || ((const uint8_t *)v.mv_data)[0] != SC_PAKN_VERSION)
        return MDB_CORRUPTED;
    memcpy(p, v.mv_data, sizeof(*p));
    *ret_found = true;
    return 0;
}

int sc_put_pakn(sc_state_t *st, cc_txn_t *txn, const char *id, const sc_pakn_t *p)
{
    return cc_txn_put(txn, st->pakn_dbi, id, strlen(id), p, sizeof(*p), 0);
}

/* The unit a complaint first seen on @day counts for: the handling unit
 * of the dossier it names (when scoring knows it), else the record's
 * unit, else "" (the hotline). The dossier it names, when known, had a
 * complaint (the service index). Returns 0 or a storage error. */
static int pakn_unit(sc_state_t *st, cc_txn_t *txn, const sc_record_t *rec, int32_t day, char *unit)
{
    char dossier[CC_MAX_ID + 1] = "";
    sc_dossier_t d;
    bool found;
    int r;

    unit[0] = '\0';
    sc_record_strcpy(rec, SC_F_UNIT, unit, CC_MAX_CODE + 1);
    sc_record_strcpy(rec, SC_F_DOSSIER, dossier, sizeof(dossier));
    if (!dossier[0])
        return 0;
    if ((r = sc_load_dossier(st, txn, dossier, &d, &found)) < 0 || !found)
        return r;
    snprintf(unit, CC_MAX_CODE + 1, "%s", d.unit);
    if (sc_index_complaint(&st->index, &d.ix, d.unit, day))
        return sc_put_dossier(st, txn, dossier, &d);
    return 0;
}

static int apply_contact(sc_state_t *st, const sc_record_t *rec, int32_t day)
{
    static const sc_counter_t by_ctype[] = { [CC_CTYPE_INFORMATION] = SC_CONTACTS_INFORMATION,
                                             [CC_CTYPE_GUIDANCE] = SC_CONTACTS_GUIDANCE,
                                             [CC_CTYPE_POSTAL] = SC_CONTACTS_POSTAL,
                                             [CC_CTYPE_PAKN] = SC_CONTACTS_COMPLAINT };
    static const sc_counter_t by_channel[] = { [CC_HCHANNEL_PHONE] = SC_CONTACTS_PHONE,
                                               [CC_HCHANNEL_EMAIL] = SC_CONTACTS_EMAIL,
                                               [CC_HCHANNEL_APP] = SC_CONTACTS_APP,
                                               [CC_HCHANNEL_ZALO] = SC_CONTACTS_ZALO,
                                               [CC_HCHANNEL_PORTAL] = SC_CONTACTS_PORTAL };
    char unit[CC_MAX_CODE + 1] = "";
    int c, ch;

    if (sc_record_check(rec, f_contact, CC_N(f_contact)) < 0)
        return REC_INVALID;
    sc_record_strcpy(rec, SC_F_UNIT, unit, sizeof(unit));
    c = COUNTER_OF(by_ctype, code_of(rec, SC_F_CTYPE, &cc_ctypes, 0));
    if (c < 0)
        c = SC_CONTACTS_OTHER;
    ch = COUNTER_OF(by_channel, code_of(rec, SC_F_CHANNEL, &cc_hotline_channels, 0));
    sc_tally_add(st->counts, unit, day, SC_CONTACTS, 1);
    sc_tally_add(st->counts, unit, day, (sc_counter_t)c, 1);
    if (ch >= 0)
        sc_tally_add(st->counts, unit, day, (sc_counter_t)ch, 1);
    return REC_APPLIED;
}

/* The alerts of a complaint's deadline (due soon, escalated, overdue at
 * level 3, reopened) after record @kind at @at: @p as it stands after the
 * record, @level its level, @due the deadline in force, @waiting whether
 * it waits for an answer. */
static int pakn_alerts(sc_state_t *st, cc_txn_t *txn, const char *id, int kind, int64_t at,
                       unsigned level, int64_t due, bool waiting, sc_pakn_t *p)
{
    char text[SC_ALERT_TEXT_MAX], when[32], soon_id[SC_ALERT_ID_MAX + 1];
    int r;

    sc_fmt_time(when, sizeof(when), due);
    if (kind == CC_HEV_PAKN_ESCALATED || kind == CC_HEV_PAKN_OVERDUE) {
        bool escalated = kind == CC_HEV_PAKN_ESCALATED;
        cc_alert_kind_t ak = escalated ? CC_ALERT_PAKN_ESCALATED : CC_ALERT_PAKN_OVERDUE;

        if (escalated)
            snprintf(text, sizeof(text),
                     "PAKN %s quá hạn xử lý, đã chuyển lên cấp độ %u (hạn mới %s)", id, level,
                     when);
        else
            snprintf(text, sizeof(text), "PAKN %s quá hạn xử lý ở cấp độ %u, cấp cao nhất (hạn %s)",
                     id, level, when);
        /* A further escalation replaces the alert: its level and severity
         * (critical at level 3) change. */
        if (escalated && p->esc_alert && p->esc_alert != level &&
            (r = sc_alerts_clear_kind(st->alerts, txn, ak, id)) < 0)
            return r;
        if ((r = sc_raise(st, txn, ak, level >= 3 ? CC_SEV_CRITICAL : -1, p->unit, id, NULL, at,
                          text)) < 0)
            return r;
        if (escalated)
            p->esc_alert = (uint8_t)level;
        else
            p->ovd_alert = 1;
    } else if (kind == CC_HEV_PAKN_REOPENED) {
        snprintf(text, sizeof(text),
                 "PAKN %s bị mở lại: người dân chưa hài lòng với câu trả lời (hạn mới %s)", id,
                 when);
        if ((r = sc_raise(st, txn, CC_ALERT_PAKN_REOPENED, -1, p->unit, id, NULL, at, text)) < 0)
            return r;
        p->reopen_alert = 1;
    }
    /* The alerts hold until the complaint is answered or leaves (forwarded
     * outside, refused, closed). */
    if (kind == CC_HEV_PAKN_ANSWERED || kind == CC_HEV_PAKN_FORWARDED ||
        kind == CC_HEV_PAKN_REFUSED || kind == CC_HEV_PAKN_CLOSED) {
        static const cc_alert_kind_t ended[] = { CC_ALERT_PAKN_ESCALATED, CC_ALERT_PAKN_OVERDUE,
                                                 CC_ALERT_PAKN_REOPENED };

        for (size_t i = 0; i < CC_N(ended); i++)
            if ((r = sc_alerts_clear_kind(st->alerts, txn, ended[i], id)) < 0)
                return r;
        p->esc_alert = p->ovd_alert = p->reopen_alert = 0;
    }
    /* Due soon: a timer before the deadline in force while it waits. */
    if (waiting && p->waiting && due == p->due)
        return 0;
    sc_alert_id(soon_id, sizeof(soon_id), CC_ALERT_PAKN_DUE_SOON, id, NULL);
    if ((r = sc_timer_del(st->alerts, txn, p->soon_at, soon_id)) < 0)
        return r;
    if (p->soon_alert && (r = sc_alerts_clear(st->alerts, txn, soon_id, NULL)) < 0)
        return r;
    p->soon_alert = 0;
    p->waiting = waiting;
    p->due = due;
    p->soon_at = waiting ? sc_due_soon_at(st, due, at) : 0;
    return sc_timer_put(st->alerts, txn, p->soon_at, soon_id);
}

/* A pakn_* record (PROTOCOL.md §5 "Complaints" gives the rules). */
static int apply_pakn(sc_state_t *st, cc_txn_t *txn, const sc_record_t *rec, int kind, int64_t at)
{
    char id[CC_MAX_ID + 1], unit[CC_MAX_CODE + 1] = "";
    sc_tally_acc_t *t = st->counts;
    int32_t day = cc_local_day(at);
    uint64_t level = 1;
    int64_t due = 0;
    bool found, flag = false;
    int state;
    sc_pakn_t p;
    int r;

    if (sc_record_check(rec, f_pakn, CC_N(f_pakn)) < 0 ||
        (kind == CC_HEV_PAKN_ANSWERED &&
         sc_record_check(rec, f_pakn_answered, CC_N(f_pakn_answered)) < 0))
        return REC_INVALID;
    sc_record_strcpy(rec, SC_F_PAKN, id, sizeof(id));
    sc_record_u64(rec, SC_F_LEVEL, &level);
    sc_record_i64(rec, SC_F_DUE, &due);
    state = code_of(rec, SC_F_STATE, &cc_pakn_states, CC_PAKN_RECEIVED);
    if (level < 1)
        level = 1;
    if (level > 3)
        level = 3;
    if ((r = sc_load_pakn(st, txn, id, &p, &found)) < 0)
        return r;
    if (!found) {
        /* First record of the complaint (normally pakn_received; another
         * type when its receipt was invalid): it is counted as received
         * only by a pakn_received record. */
        p.version = SC_PAKN_VERSION;
        if ((r = pakn_unit(st, txn, rec, day, p.unit)) < 0)
            return r;
        p.counted = p.unit[0] != '\0';
        if (kind == CC_HEV_PAKN_RECEIVED)
            sc_tally_add(t, p.unit, day, SC_PAKN_RECEIVED, 1);
    }
    if (kind == CC_HEV_PAKN_ASSIGNED) {
        sc_record_strcpy(rec, SC_F_UNIT, unit, sizeof(unit));
        /* Counted for its unit at its first assignment: handed over by
         * the hotline on that day. */
        if (!p.counted && unit[0]) {
            sc_tally_add(t, p.unit, day, SC_PAKN_TO_UNIT, 1);
            sc_tally_add(t, unit, day, SC_PAKN_RECEIVED, 1);
            snprintf(p.unit, sizeof(p.unit), "%s", unit);
            p.counted = 1;
        }
    } else if (kind == CC_HEV_PAKN_ANSWERED) {
        sc_record_bool(rec, SC_F_ON_TIME, &flag);
        if (!p.answered) {
            sc_tally_add(t, p.unit, day, SC_PAKN_ANSWERED, 1);
            sc_tally_add(t, p.unit, day, (sc_counter_t)(SC_PAKN_ANSWERED_L1 + level - 1), 1);
            if (flag)
                sc_tally_add(t, p.unit, day, SC_PAKN_ANSWERED_ON_TIME, 1);
            if (!flag && !p.overdue) {
                sc_tally_add(t, p.unit, day, SC_PAKN_OVERDUE, 1);
                p.overdue = 1;
            }
            p.answered = 1;
        }
    } else if (kind == CC_HEV_PAKN_PUBLISHED) {
        sc_record_bool(rec, SC_F_LATE, &flag);
        if (!p.published) {
            sc_tally_add(t, p.unit, day, SC_PAKN_PUBLISHED, 1);
            if (flag)
                sc_tally_add(t, p.unit, day, SC_PAKN_PUBLISHED_LATE, 1);
            p.published = 1;
        }
    } else if (kind == CC_HEV_PAKN_ESCALATED || kind == CC_HEV_PAKN_OVERDUE) {
        if (kind == CC_HEV_PAKN_ESCALATED)
            sc_tally_add(t, p.unit, day, SC_PAKN_ESCALATED, 1);
        if (!p.overdue) {
            sc_tally_add(t, p.unit, day, SC_PAKN_OVERDUE, 1);
            p.overdue = 1;
        }
    } else if (kind == CC_HEV_PAKN_REOPENED) {
        sc_tally_add(t, p.unit, day, SC_PAKN_REOPENED, 1);
    } else if (kind == CC_HEV_PAKN_FORWARDED) {
        sc_tally_add(t, p.unit, day, SC_PAKN_FORWARDED, 1);
    } else if (kind == CC_HEV_PAKN_REFUSED) {
        sc_record_bool(rec, SC_F_LATE, &flag);
        sc_tally_add(t, p.unit, day, SC_PAKN_REFUSED, 1);
        if (flag)
            sc_tally_add(t, p.unit, day, SC_PAKN_REFUSED_LATE, 1);
    }
    if ((r = pakn_alerts(st, txn, id, kind, at, (unsigned)level, due,
                         state >= CC_PAKN_RECEIVED && state <= CC_PAKN_ACCEPTED, &p)) < 0)
        return r;
    return sc_put_pakn(st, txn, id, &p);
}

static int apply_hotline(sc_state_t *st, cc_txn_t *txn, const sc_record_t *rec, cc_str_t type,
                         int64_t at)
{
    int kind = cc_vocab_find(&cc_hotline_events, 0, type.ptr, type.len);

    if (kind < 0)
        return REC_SKIPPED;
    if (kind == CC_HEV_CONTACT)
        return apply_contact(st, rec, cc_local_day(at));
    if (kind == CC_HEV_CONTACT_CLOSED)
        return REC_APPLIED; /* counted when logged */
    return apply_pakn(st, txn, rec, kind, at);
}

/* ---- Batches ------------------------------------------------------------------------ */

static int apply_record(sc_state_t *st, cc_txn_t *txn, sc_feed_id_t feed, const sc_record_t *rec,
                        int64_t now, int64_t *ret_at)
{
    cc_str_t type;
    int64_t at;

    if (!rec->is_map || sc_record_check(rec, f_common, CC_N(f_common)) < 0)
        return REC_INVALID;
    sc_record_str(rec, SC_F_TYPE, &type);
    sc_record_i64(rec, SC_F_AT, &at);
    *ret_at = at;
    return feed == SC_FEED_INTAKE ? apply_intake(st, txn, rec, type, at, now)
                                  : apply_hotline(st, txn, rec, type, at);
}

/* Where a feed stands inside a group's transaction: its cursor and the
 * record at it, read at its first batch and kept here until the end, where
 * they are written with the feed's figures. */
typedef struct {
    bool touched;        /* a batch of the feed is in the group */
    bool stopped;        /* a batch showed a rollback: the rest of the feed's is not applied */
    uint64_t cursor;     /* last seq applied */
    uint64_t digest;     /* of the record at the cursor (0: unknown) */
    uint64_t digest_was; /* as stored: the digest is written only when it changed */
    const void *last;    /* the record at the cursor, when this group applied it: */
    size_t last_len;     /* its bytes, in its batch's frame (NULL: its digest is known) */
    uint64_t applied, skipped, invalid, duplicate;
} feed_pos_t;

/* A group being applied in one transaction. */
typedef struct {
    sc_state_t *st;
    const sc_batch_t *batches;
    size_t n;
    int64_t now;
    sc_batch_result_t *res; /* one per batch */
    feed_pos_t pos[SC_FEED_COUNT_];
} group_t;

static int meta_feed_add(sc_state_t *st, cc_txn_t *txn, const char *what, sc_feed_id_t feed,
                         uint64_t n)
{
    char key[48];

    if (n == 0)
        return 0;
    snprintf(key, sizeof(key), "%s/%s", what, sc_feed_name(feed));
    return meta_add(st, txn, key, (int64_t)n);
}

/* The key of a feed's digest of the record at its cursor. */
static void digest_key(char *key, size_t size, sc_feed_id_t feed)
{
    snprintf(key, size, "%s#digest", sc_feed_name(feed));
}

/* The digest of the record of @len bytes at @raw (cc_object_digest of its
 * value; 0 when it does not decode, which a record sc_batch_next read
 * always does). */
static uint64_t record_digest(const void *raw, size_t len)
{
    cc_msg_t m = { 0 };
    uint64_t d;

    if (cc_body_decode(raw, len, &cc_limits_reply, &m, NULL, 0) < 0)
        return 0;
    d = cc_object_digest(&m.body);
    cc_msg_deinit(&m);
    return d;
}

/* The digest of the record at the feed's cursor (taken once, when asked). */
static uint64_t pos_digest(feed_pos_t *p)
{
    if (p->last) {
        p->digest = record_digest(p->last, p->last_len);
        p->last = NULL;
    }
    return p->digest;
}

/* The feed's position at its first batch of the group. */
static int load_pos(group_t *g, cc_txn_t *txn, sc_feed_id_t feed)
{
    feed_pos_t *p = &g->pos[feed];
    char key[48];
    int r;

    if (p->touched)
        return 0;
    memset(p, 0, sizeof(*p));
    p->touched = true;
    digest_key(key, sizeof(key), feed);
    if ((r = cc_txn_get_u64(txn, g->st->cursor_dbi, sc_feed_name(feed), &p->cursor)) < 0 ||
        (r = cc_txn_get_u64(txn, g->st->cursor_dbi, key, &p->digest)) < 0)
        return r;
    p->digest_was = p->digest;
    return 0;
}

/* Whether the source still has what scoring applied (PROTOCOL.md §2.3): the
 * record at the cursor, which a batch after a HELLO carries first, is the
 * one applied (same digest). Fills res->rollback. */
static void check_record(feed_pos_t *p, uint64_t seq, const sc_record_t *rec,
                         sc_batch_result_t *res)
{
    uint64_t digest;

    if (seq != p->cursor || p->cursor == 0 || (digest = pos_digest(p)) == 0 ||
        record_digest(rec->raw, rec->raw_len) == digest)
        return;
    res->rollback = true;
    snprintf(res->rollback_why, sizeof(res->rollback_why),
             "its record at seq %llu is not the one scoring applied",
             (unsigned long long)p->cursor);
}

/* Apply batch @i of the group: its records after the feed's cursor, in
 * order, up to a gap or a malformed item. */
static int apply_one(group_t *g, cc_txn_t *txn, size_t i)
{
    const sc_batch_t *b = &g->batches[i];
    sc_batch_result_t *res = &g->res[i];
    feed_pos_t *p = &g->pos[b->feed];
    sc_batch_view_t view;
    sc_record_t rec;
    char why[128];
    int r;

    if ((r = load_pos(g, txn, b->feed)) < 0)
        return r;
    res->cursor = p->cursor;
    if (sc_batch_open(b->body, b->len, &view, why, sizeof(why)) < 0) {
        res->malformed = true;
        return 0;
    }
    if (p->stopped)
        return 0;
    if (p->cursor > 0 && view.has_head && view.head < p->cursor) {
        res->rollback = p->stopped = true; /* nothing of it is written */
        snprintf(res->rollback_why, sizeof(res->rollback_why),
                 "its log ends at seq %llu, before scoring's cursor %llu",
                 (unsigned long long)view.head, (unsigned long long)p->cursor);
        return 0;
    }
    for (;;) {
        int64_t at = 0;
        uint64_t seq;

        if ((r = sc_batch_next(&view, &seq, &rec, why, sizeof(why))) <= 0) {
            res->malformed = r < 0;
            break;
        }
        if (seq <= p->cursor) {
            /* Before anything of the batch is applied: the record at the
             * cursor must be the one applied there. */
            if (res->applied + res->skipped + res->invalid == 0)
                check_record(p, seq, &rec, res);
            if (res->rollback) {
                p->stopped = true;
                return 0;
            }
            res->duplicate++;
            continue;
        }
        if (seq != p->cursor + 1) {
            res->gap = true;
            break;
        }
        r = apply_record(g->st, txn, b->feed, &rec, g->now, &at);
        if (r < 0)
            return r;
        r == REC_APPLIED ? res->applied++ : r == REC_SKIPPED ? res->skipped++ : res->invalid++;
        if (at < g->now - SC_HISTORY_S)
            res->history++;
        p->cursor = seq;
        p->last = rec.raw;
        p->last_len = rec.raw_len;
    }
    res->cursor = p->cursor;
    p->applied += res->applied;
    p->skipped += res->skipped;
    p->invalid += res->invalid;
    p->duplicate += res->duplicate;
    return 0;
}

/* Store each touched feed's cursor, digest and figures. */
static int store_pos(group_t *g, cc_txn_t *txn)
{
    char key[48];
    int r;

    for (int f = 0; f < SC_FEED_COUNT_; f++) {
        feed_pos_t *p = &g->pos[f];

        if (!p->touched)
            continue;
        digest_key(key, sizeof(key), (sc_feed_id_t)f);
        if ((r = cc_txn_put_u64(txn, g->st->cursor_dbi, sc_feed_name((sc_feed_id_t)f), p->cursor)) <
                0 ||
            (pos_digest(&g->pos[f]) != p->digest_was &&
             (r = cc_txn_put_u64(txn, g->st->cursor_dbi, key, p->digest)) < 0) ||
            (r = meta_feed_add(g->st, txn, "applied", (sc_feed_id_t)f, p->applied)) < 0 ||
            (r = meta_feed_add(g->st, txn, "skipped", (sc_feed_id_t)f, p->skipped)) < 0 ||
            (r = meta_feed_add(g->st, txn, "invalid", (sc_feed_id_t)f, p->invalid)) < 0 ||
            (r = meta_feed_add(g->st, txn, "duplicate", (sc_feed_id_t)f, p->duplicate)) < 0)
            return r;
    }
    return 0;
}

static int group_txn(cc_txn_t *txn, void *arg)
{
    group_t *g = arg;
    int r;

    /* cc_store_write may run this again after growing the map. */
    memset(g->res, 0, g->n * sizeof(*g->res));
    memset(g->pos, 0, sizeof(g->pos));
    sc_alerts_begin(g->st->alerts);
    for (size_t i = 0; i < g->n; i++)
        if ((r = apply_one(g, txn, i)) < 0)
            return r;
    return store_pos(g, txn);
}

int sc_state_apply_group(sc_state_t *st, const sc_batch_t *batches, size_t n, int64_t now,
                         sc_batch_result_t *ret)
{
    group_t g = { .st = st, .batches = batches, .n = n, .now = now, .res = ret };
    int r = sc_state_write(st, group_txn, &g);

    if (r < 0) {
        sc_alerts_begin(st->alerts);
        return r;
    }
    return 0;
}

int sc_state_apply_batch(sc_state_t *st, sc_feed_id_t feed, const void *body, size_t len,
                         int64_t now, sc_batch_result_t *ret)
{
    sc_batch_t b = { feed, body, len };
    sc_batch_view_t view;
    sc_batch_result_t res;
    int r;

    if (sc_batch_open(body, len, &view, NULL, 0) < 0)
        return -EINVAL;
    r = sc_state_apply_group(st, &b, 1, now, &res);
    if (ret)
        *ret = res;
    if (r < 0)
        return r;
    return res.rollback ? -ESTALE : 0;
}

size_t sc_state_publish(sc_state_t *st, sc_publish_fn fn, void *ctx)
{
    return sc_alerts_publish(st->alerts, fn, ctx);
}

/* ---- Figures ------------------------------------------------------------------------ */

int sc_state_stats(sc_state_t *st, sc_stats_t *ret)
{
    static const char *const what[] = { "applied", "skipped", "invalid", "duplicate" };
    sc_stats_t s;
    cc_txn_t txn;
    char key[48];
    int r;

    memset(&s, 0, sizeof(s));
    if ((r = cc_store_read_begin(st->store, &txn)) < 0)
        return r;
    for (int f = 0; f < SC_FEED_COUNT_ && r == 0; f++) {
        uint64_t *dst[] = { &s.applied[f], &s.skipped[f], &s.invalid[f], &s.duplicate[f] };

        r = cc_txn_get_u64(&txn, st->cursor_dbi, sc_feed_name((sc_feed_id_t)f), &s.cursor[f]);
        for (size_t i = 0; i < CC_N(what) && r == 0; i++) {
            snprintf(key, sizeof(key), "%s/%s", what[i], sc_feed_name((sc_feed_id_t)f));
            r = cc_txn_get_u64(&txn, st->meta_dbi, key, dst[i]);
        }
    }
    if (r == 0)
        r = cc_txn_get_u64(&txn, st->meta_dbi, "open_dossiers", &s.open_dossiers);
    if (r == 0)
        r = sc_alerts_active(st->alerts, &txn, &s.active_alerts);
    if (r == 0)
        r = sc_alerts_seq(st->alerts, &txn, &s.alert_seq);
    if (r == 0)
        r = sc_due_count(st->alerts, &txn, &s.due_indexed);
    if (r == 0)
        r = sc_sos_count(st->alerts, &txn, &s.sos_indexed);
    if (r == 0)
        r = sc_timer_count(st->alerts, &txn, &s.timers);
    if (r == 0)
        r = cc_txn_entries(&txn, st->pakn_dbi, &s.pakn_known);
    cc_txn_end(&txn);
    if (r < 0)
        return r;
    cc_store_stats(st->store, &s.store);
    *ret = s;
    return 0;
}
