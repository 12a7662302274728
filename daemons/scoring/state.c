/*
 * state.c - applying the intake and hotline logs to scoring's derived state
 * (see state.h).
 */
#include "state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_mem.h"
#include "cc_time.h"
#include "tally.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Dossier states as named in intake records. */
typedef enum {
    DS_NONE = 0,
    DS_PROCESSING,
    DS_SUPPLEMENT_WAIT,
    DS_RESOLVED,
    DS_RETURNED,
    DS_REFUSED,
    DS_STOPPED,
    DS_WITHDRAWN,
} dstate_t;

static const char *const dstate_names[] = {
    "none", "processing", "supplement_wait", "resolved", "returned", "refused", "stopped",
    "withdrawn",
};

/* What scoring remembers of a dossier (db "dossier"). */
#define SC_DOSSIER_VERSION 1
typedef struct {
    uint8_t version;
    uint8_t state;   /* dstate_t */
    uint8_t overdue; /* a dossier_overdue alert is active (and it is not in "due") */
    uint8_t pad[5];
    int64_t due;
    int64_t received_at;
    char unit[CC_MAX_CODE + 1]; /* handling unit */
    char proc[CC_MAX_CODE + 1];
} sc_dossier_t;

struct sc_state {
    cc_store_t *store;
    const cc_catalog_t *catalog;
    sc_alerts_t *alerts;
    MDB_dbi cursor_dbi, meta_dbi, tally_dbi, dossier_dbi;
};

/* Intake record types that scoring understands (others are skipped). */
static const char *const intake_types[] = {
    "received", "rejected_at_counter", "transferred", "consult_requested", "consult_answered",
    "sos_requested", "sos_reviewed", "supplement_completed", "extended", "resolved",
    "returned", "fee_paid", "digitized", "rated",
};

static const cc_field_t f_common[] = {
    { "type", CC_T_CODE, true, 0, 0 },
    { "at", CC_T_TIME, true, 0, 0 },
};
static const cc_field_t f_rejected[] = {
    { "dossier", CC_T_ID, true, 0, 0 },
    { "unit", CC_T_CODE, true, 0, 0 },
};
static const cc_field_t f_dossier[] = {
    { "dossier", CC_T_ID, true, 0, 0 },
    { "unit", CC_T_CODE, true, 0, 0 },
    { "state", CC_T_CODE, true, 0, 0 },
    { "due", CC_T_INT, true, 0, 0 },
    { "received_at", CC_T_INT, false, 0, 0 },
    { "proc", CC_T_CODE, false, 0, 0 },
    { "channel", CC_T_CODE, false, 0, 0 },
    { "class", CC_T_CODE, false, 0, 0 },
};
static const cc_field_t f_contact[] = {
    { "contact", CC_T_ID, true, 0, 0 },
    { "ctype", CC_T_CODE, true, 0, 0 },
    { "channel", CC_T_CODE, false, 0, 0 },
    { "unit", CC_T_CODE, false, 0, CC_MAX_CODE },
};
/* Every pakn_* record (hotline.c encode_pakn); "unit" and "dossier" are ""
 * when none. */
static const cc_field_t f_pakn[] = {
    { "pakn", CC_T_ID, true, 0, 0 },
    { "unit", CC_T_CODE, false, 0, CC_MAX_CODE },
    { "level", CC_T_UINT, false, 0, 0 },
    { "state", CC_T_CODE, false, 0, 0 },
    { "due", CC_T_INT, false, 0, 0 },
    { "dossier", CC_T_ID, false, 0, CC_MAX_ID },
    { "late", CC_T_BOOL, false, 0, 0 },
};
static const cc_field_t f_pakn_answered[] = {
    { "on_time", CC_T_BOOL, true, 0, 0 },
};
/* Hotline record types that scoring understands (others are skipped). */
static const char *const hotline_types[] = {
    "contact", "contact_closed", "pakn_received", "pakn_classified", "pakn_assigned",
    "pakn_forwarded", "pakn_accepted", "pakn_answered", "pakn_published", "pakn_closed",
    "pakn_reopened", "pakn_escalated",
};

/* Outcome of one record. */
enum { REC_APPLIED = 0, REC_SKIPPED = 1, REC_INVALID = 2 };

const char *sc_feed_name(sc_feed_id_t f)
{
    return f == SC_FEED_HOTLINE ? "hotline" : "intake";
}

/* ---- Open / close ------------------------------------------------------------ */

int sc_state_open(const char *dir, size_t map_size, const cc_catalog_t *catalog,
                  sc_state_t **ret, char *err, size_t err_len)
{
    cc_store_opts_t so = { .map_size = map_size };
    sc_state_t *st = cc_xcalloc(1, sizeof(*st));
    int r;

    st->catalog = catalog;
    if ((r = cc_store_open(dir, &so, &st->store)) < 0 ||
        (r = cc_store_dbi(st->store, "cursor", 0, &st->cursor_dbi)) < 0 ||
        (r = cc_store_dbi(st->store, "meta", 0, &st->meta_dbi)) < 0 ||
        (r = cc_store_dbi(st->store, "tally", 0, &st->tally_dbi)) < 0 ||
        (r = cc_store_dbi(st->store, "dossier", 0, &st->dossier_dbi)) < 0 ||
        (r = sc_alerts_open(st->store, &st->alerts)) < 0) {
        snprintf(err, err_len, "cannot open the scoring store in %.512s: %s", dir,
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
    cc_store_close(&st->store);
    free(st);
    *self_p = NULL;
}

void sc_state_set_catalog(sc_state_t *st, const cc_catalog_t *catalog)
{
    st->catalog = catalog;
}

void sc_state_set_publisher(sc_state_t *st, sc_publish_fn fn, void *ctx)
{
    sc_alerts_set_publisher(st->alerts, fn, ctx);
}

cc_store_t *sc_state_store(sc_state_t *st) { return st->store; }
MDB_dbi sc_state_tally_dbi(sc_state_t *st) { return st->tally_dbi; }
sc_alerts_t *sc_state_alerts(sc_state_t *st) { return st->alerts; }
const cc_catalog_t *sc_state_catalog(sc_state_t *st) { return st->catalog; }

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
    return s == DS_PROCESSING || s == DS_SUPPLEMENT_WAIT;
}

static int parse_state(cc_str_t s, uint8_t *ret)
{
    for (size_t i = 1; i < N(dstate_names); i++)
        if (cc_str_eq(s, dstate_names[i])) {
            *ret = (uint8_t)i;
            return 0;
        }
    return -EINVAL;
}

static bool str_in(cc_str_t s, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (cc_str_eq(s, names[i]))
            return true;
    return false;
}

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

/* Load a dossier; *ret_found false (and @d zeroed) when unknown. */
static int load_dossier(sc_state_t *st, cc_txn_t *txn, const char *id, sc_dossier_t *d,
                        bool *ret_found)
{
    MDB_val v;
    int r = cc_txn_get(txn, st->dossier_dbi, id, strlen(id), &v);

    memset(d, 0, sizeof(*d));
    *ret_found = false;
    if (r == -ENOENT)
        return 0;
    if (r < 0)
        return r;
    if (v.mv_size != sizeof(*d) || ((const uint8_t *)v.mv_data)[0] != SC_DOSSIER_VERSION)
        return MDB_CORRUPTED;
    memcpy(d, v.mv_data, sizeof(*d));
    *ret_found = true;
    return 0;
}

static const char *proc_label(sc_state_t *st, const char *proc)
{
    const cc_procedure_t *p = st->catalog && proc[0] ? cc_catalog_procedure(st->catalog, proc)
                                                     : NULL;

    return p ? p->name : proc[0] ? proc : "?";
}

/* ---- Intake records ------------------------------------------------------------- */

/* Fields of one dossier record, read before anything is written. */
typedef struct {
    char dossier[CC_MAX_ID + 1];
    char unit[CC_MAX_CODE + 1];
    char proc[CC_MAX_CODE + 1];
    uint8_t state;
    int64_t at, due, received_at;
    int channel;  /* sc_counter_t of the channel, -1 when none/unknown */
    int klass;    /* sc_counter_t of the class, -1 when none */
} drec_t;

static int apply_rejected(sc_state_t *st, cc_txn_t *txn, const msgpack_object *rec, int64_t at)
{
    char unit[CC_MAX_CODE + 1];
    const char *field;
    char why[160];

    if (cc_fields_check(rec, f_rejected, N(f_rejected), &field, why, sizeof(why)) < 0)
        return REC_INVALID;
    cc_map_strcpy(rec, "unit", unit, sizeof(unit));
    return sc_tally_add(txn, st->tally_dbi, unit, cc_local_day(at), SC_REJECTED_AT_COUNTER, 1);
}

static int read_drec(const msgpack_object *rec, cc_str_t type, int64_t at, drec_t *d)
{
    const char *field;
    char why[160];
    cc_str_t s;

    if (cc_fields_check(rec, f_dossier, N(f_dossier), &field, why, sizeof(why)) < 0)
        return -EINVAL;
    memset(d, 0, sizeof(*d));
    d->at = at;
    cc_map_strcpy(rec, "dossier", d->dossier, sizeof(d->dossier));
    cc_map_strcpy(rec, "unit", d->unit, sizeof(d->unit));
    cc_map_strcpy(rec, "proc", d->proc, sizeof(d->proc));
    cc_map_i64(rec, "due", &d->due);
    cc_map_i64(rec, "received_at", &d->received_at);
    cc_map_str(rec, "state", &s);
    if (parse_state(s, &d->state) < 0)
        return -EINVAL;
    d->channel = -1;
    if (cc_map_str(rec, "channel", &s) == 0)
        d->channel = cc_str_eq(s, "direct")   ? SC_RECEIVED_DIRECT
                     : cc_str_eq(s, "online") ? SC_RECEIVED_ONLINE
                     : cc_str_eq(s, "postal") ? SC_RECEIVED_POSTAL
                                              : -1;
    d->klass = -1;
    if (cc_map_str(rec, "class", &s) == 0)
        d->klass = cc_str_eq(s, "early")     ? SC_RESOLVED_EARLY
                   : cc_str_eq(s, "on_time") ? SC_RESOLVED_ON_TIME
                   : cc_str_eq(s, "late")    ? SC_RESOLVED_LATE
                                             : -1;
    /* A resolution without a known class cannot be counted. */
    if (d->state == DS_RESOLVED && cc_str_eq(type, "resolved") && d->klass < 0)
        return -EINVAL;
    return 0;
}

static int apply_dossier(sc_state_t *st, cc_txn_t *txn, const msgpack_object *rec, cc_str_t type,
                         int64_t at, int64_t now)
{
    int32_t day = cc_local_day(at);
    sc_dossier_t old, d;
    char alert_id[SC_ALERT_ID_MAX + 1];
    bool found, was_open, now_open;
    drec_t x;
    int r = 0;

    if (read_drec(rec, type, at, &x) < 0)
        return REC_INVALID;
    if ((r = load_dossier(st, txn, x.dossier, &old, &found)) < 0)
        return r;
    /* Validated; from here on, write. */
    was_open = found && is_open(old.state);
    now_open = is_open(x.state);
    d = old;
    if (!found) {
        d.version = SC_DOSSIER_VERSION;
        d.received_at = x.received_at ? x.received_at : at;
    }
    if (cc_str_eq(type, "received") && !found) {
        if ((r = sc_tally_add(txn, st->tally_dbi, x.unit, day, SC_RECEIVED, 1)) < 0)
            return r;
        if (x.channel >= 0 &&
            (r = sc_tally_add(txn, st->tally_dbi, x.unit, day, (sc_counter_t)x.channel, 1)) < 0)
            return r;
    }
    if (was_open && strcmp(old.unit, x.unit) != 0) {
        if ((r = sc_tally_add(txn, st->tally_dbi, old.unit, day, SC_TRANSFERRED_OUT, 1)) < 0 ||
            (r = sc_tally_add(txn, st->tally_dbi, x.unit, day, SC_TRANSFERRED_IN, 1)) < 0)
            return r;
    }
    if (was_open && !now_open) {
        sc_counter_t c = x.state == DS_RESOLVED && x.klass >= 0 ? (sc_counter_t)x.klass
                                                                 : SC_ENDED_WITHOUT_CLASS;

        if ((r = sc_tally_add(txn, st->tally_dbi, x.unit, day, c, 1)) < 0)
            return r;
    }
    /* Only open dossiers that were counted as received are "open" here. */
    if (cc_str_eq(type, "received") && !found && now_open)
        r = meta_add(st, txn, "open_dossiers", 1);
    else if (was_open && !now_open)
        r = meta_add(st, txn, "open_dossiers", -1);
    if (r < 0)
        return r;

    /* Due index and overdue alert. */
    if (found && old.state == DS_PROCESSING && !old.overdue &&
        (r = sc_due_del(st->alerts, txn, old.due, x.dossier)) < 0)
        return r;
    if (old.overdue && (!now_open || strcmp(old.unit, x.unit) != 0 ||
                        (x.due != old.due && x.due > now))) {
        /* Ended, moved to another unit (the tick raises it again there), or
         * its due moved into the future (supplement restart). */
        sc_alert_id(alert_id, sizeof(alert_id), "dossier_overdue", x.dossier);
        if ((r = sc_alerts_clear(st->alerts, txn, alert_id, NULL)) < 0)
            return r;
        d.overdue = 0;
    }
    d.state = x.state;
    d.due = x.due;
    snprintf(d.unit, sizeof(d.unit), "%s", x.unit);
    if (x.proc[0])
        snprintf(d.proc, sizeof(d.proc), "%s", x.proc);
    /* The clock stops in supplement_wait: only processing dossiers wait
     * in the index. */
    if (d.state == DS_PROCESSING && !d.overdue &&
        (r = sc_due_put(st->alerts, txn, d.due, x.dossier)) < 0)
        return r;
    return cc_txn_put(txn, st->dossier_dbi, x.dossier, strlen(x.dossier), &d, sizeof(d), 0);
}

static int apply_intake(sc_state_t *st, cc_txn_t *txn, const msgpack_object *rec, cc_str_t type,
                        int64_t at, int64_t now)
{
    if (!str_in(type, intake_types, N(intake_types)))
        return REC_SKIPPED;
    if (cc_str_eq(type, "rejected_at_counter"))
        return apply_rejected(st, txn, rec, at);
    return apply_dossier(st, txn, rec, type, at, now);
}

/* ---- Hotline records ------------------------------------------------------------ */

/* The unit a PAKN counts for: its own, else its dossier's handling unit. */
static int pakn_unit(sc_state_t *st, cc_txn_t *txn, const msgpack_object *rec, char *unit)
{
    char dossier[CC_MAX_ID + 1];
    sc_dossier_t d;
    bool found;
    int r;

    cc_map_strcpy(rec, "unit", unit, CC_MAX_CODE + 1);
    if (unit[0] || cc_map_strcpy(rec, "dossier", dossier, sizeof(dossier)) < 0 || !dossier[0])
        return 0;
    if ((r = load_dossier(st, txn, dossier, &d, &found)) < 0)
        return r;
    if (found)
        snprintf(unit, CC_MAX_CODE + 1, "%s", d.unit);
    return 0;
}

static int apply_hotline(sc_state_t *st, cc_txn_t *txn, const msgpack_object *rec, cc_str_t type,
                         int64_t at)
{
    char unit[CC_MAX_CODE + 1] = "";
    int32_t day = cc_local_day(at);
    const char *field;
    char why[160];
    cc_str_t s;
    bool on_time;
    int r;

    if (cc_str_eq(type, "contact")) {
        sc_counter_t c;

        if (cc_fields_check(rec, f_contact, N(f_contact), &field, why, sizeof(why)) < 0)
            return REC_INVALID;
        cc_map_strcpy(rec, "unit", unit, sizeof(unit));
        cc_map_str(rec, "ctype", &s);
        c = cc_str_eq(s, "information") ? SC_CONTACTS_INFORMATION
            : cc_str_eq(s, "guidance")  ? SC_CONTACTS_GUIDANCE
            : cc_str_eq(s, "postal")    ? SC_CONTACTS_POSTAL
            : cc_str_eq(s, "complaint") || cc_str_eq(s, "pakn") ? SC_CONTACTS_COMPLAINT
                                                                 : SC_CONTACTS_OTHER;
        if ((r = sc_tally_add(txn, st->tally_dbi, unit, day, SC_CONTACTS, 1)) < 0)
            return r;
        return sc_tally_add(txn, st->tally_dbi, unit, day, c, 1);
    }
    if (cc_str_eq(type, "pakn_received")) {
        if (cc_fields_check(rec, f_pakn_received, N(f_pakn_received), &field, why, sizeof(why)) <
            0)
            return REC_INVALID;
        if ((r = pakn_unit(st, txn, rec, unit)) < 0)
            return r;
        return sc_tally_add(txn, st->tally_dbi, unit, day, SC_PAKN_RECEIVED, 1);
    }
    if (cc_str_eq(type, "pakn_answered")) {
        if (cc_fields_check(rec, f_pakn_answered, N(f_pakn_answered), &field, why, sizeof(why)) <
            0)
            return REC_INVALID;
        if ((r = pakn_unit(st, txn, rec, unit)) < 0)
            return r;
        cc_map_bool(rec, "on_time", &on_time);
        if ((r = sc_tally_add(txn, st->tally_dbi, unit, day, SC_PAKN_ANSWERED, 1)) < 0)
            return r;
        return on_time ? sc_tally_add(txn, st->tally_dbi, unit, day, SC_PAKN_ANSWERED_ON_TIME, 1)
                       : 0;
    }
    return REC_SKIPPED;
}

/* ---- Batches ------------------------------------------------------------------------ */

typedef struct {
    sc_state_t *st;
    sc_feed_id_t feed;
    const msgpack_object *events;
    int64_t now;
    sc_batch_result_t res;
} batch_ctx_t;

static int apply_record(sc_state_t *st, cc_txn_t *txn, sc_feed_id_t feed,
                        const msgpack_object *rec, int64_t now)
{
    const char *field;
    char why[160];
    cc_str_t type;
    int64_t at;

    if (rec->type != MSGPACK_OBJECT_MAP ||
        cc_fields_check(rec, f_common, N(f_common), &field, why, sizeof(why)) < 0)
        return REC_INVALID;
    cc_map_str(rec, "type", &type);
    cc_map_i64(rec, "at", &at);
    return feed == SC_FEED_INTAKE ? apply_intake(st, txn, rec, type, at, now)
                                  : apply_hotline(st, txn, rec, type, at);
}

static int meta_feed_add(sc_state_t *st, cc_txn_t *txn, const char *what, sc_feed_id_t feed,
                         uint64_t n)
{
    char key[48];

    if (n == 0)
        return 0;
    snprintf(key, sizeof(key), "%s/%s", what, sc_feed_name(feed));
    return meta_add(st, txn, key, (int64_t)n);
}

static int batch_txn(cc_txn_t *txn, void *arg)
{
    batch_ctx_t *b = arg;
    sc_state_t *st = b->st;
    const char *name = sc_feed_name(b->feed);
    sc_batch_result_t *res = &b->res;
    uint64_t cursor;
    int r;

    /* cc_store_write may run this again after growing the map. */
    memset(res, 0, sizeof(*res));
    sc_alerts_begin(st->alerts);
    if ((r = cc_txn_get_u64(txn, st->cursor_dbi, name, &cursor)) < 0)
        return r;
    for (uint32_t i = 0; i < b->events->via.array.size; i++) {
        const msgpack_object *item = &b->events->via.array.ptr[i];
        uint64_t seq;

        if (item->type != MSGPACK_OBJECT_ARRAY || item->via.array.size != 2 ||
            item->via.array.ptr[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER) {
            res->malformed = true;
            break;
        }
        seq = item->via.array.ptr[0].via.u64;
        if (seq <= cursor) {
            res->duplicate++;
            continue;
        }
        if (seq != cursor + 1) {
            res->gap = true;
            break;
        }
        r = apply_record(st, txn, b->feed, &item->via.array.ptr[1], b->now);
        if (r < 0)
            return r;
        r == REC_APPLIED ? res->applied++ : r == REC_SKIPPED ? res->skipped++ : res->invalid++;
        cursor = seq;
    }
    res->cursor = cursor;
    if ((r = cc_txn_put_u64(txn, st->cursor_dbi, name, cursor)) < 0 ||
        (r = meta_feed_add(st, txn, "applied", b->feed, res->applied)) < 0 ||
        (r = meta_feed_add(st, txn, "skipped", b->feed, res->skipped)) < 0 ||
        (r = meta_feed_add(st, txn, "invalid", b->feed, res->invalid)) < 0 ||
        (r = meta_feed_add(st, txn, "duplicate", b->feed, res->duplicate)) < 0)
        return r;
    return 0;
}

int sc_state_apply_batch(sc_state_t *st, sc_feed_id_t feed, const msgpack_object *batch,
                         int64_t now, sc_batch_result_t *ret)
{
    batch_ctx_t b = { .st = st, .feed = feed, .now = now };
    int r;

    b.events = batch && batch->type == MSGPACK_OBJECT_MAP ? cc_map_find(batch, "events") : NULL;
    if (b.events == NULL || b.events->type != MSGPACK_OBJECT_ARRAY)
        return -EINVAL;
    r = cc_store_write(st->store, batch_txn, &b);
    if (r < 0) {
        sc_alerts_begin(st->alerts);
        return r;
    }
    sc_alerts_flush(st->alerts);
    if (ret)
        *ret = b.res;
    return 0;
}

/* ---- Tick: overdue dossiers -------------------------------------------------------- */

typedef struct {
    sc_state_t *st;
    int64_t now;
    size_t raised;
} tick_ctx_t;

static int tick_txn(cc_txn_t *txn, void *arg)
{
    tick_ctx_t *t = arg;
    sc_state_t *st = t->st;
    char dossier[CC_MAX_ID + 1];
    int64_t due;
    int r;

    t->raised = 0;
    sc_alerts_begin(st->alerts);
    while ((r = sc_due_first(st->alerts, txn, &due, dossier)) == 0 && due < t->now) {
        char text[SC_ALERT_TEXT_MAX];
        sc_alert_t al = { 0 };
        sc_dossier_t d;
        bool found, raised = false;
        int y, mo, dd, min;

        if ((r = sc_due_del(st->alerts, txn, due, dossier)) < 0 ||
            (r = load_dossier(st, txn, dossier, &d, &found)) < 0)
            return r;
        /* A stale entry (the dossier moved on) is just dropped. */
        if (!found || d.state != DS_PROCESSING || d.due != due || d.overdue)
            continue;
        cc_day_to_ymd(cc_local_day(due), &y, &mo, &dd);
        min = cc_local_minute_of_day(due);
        snprintf(text, sizeof(text),
                 "Hồ sơ %s (thủ tục %s) quá hạn giải quyết từ %02d:%02d %02d/%02d/%04d",
                 dossier, proc_label(st, d.proc), min / 60, min % 60, dd, mo, y);
        al.kind = "dossier_overdue";
        al.severity = "warning";
        al.unit = d.unit;
        al.subject = dossier;
        al.raised_at = t->now;
        al.text = text;
        if ((r = sc_alerts_raise(st->alerts, txn, &al, &raised)) < 0)
            return r;
        d.overdue = 1;
        if ((r = cc_txn_put(txn, st->dossier_dbi, dossier, strlen(dossier), &d, sizeof(d), 0)) <
            0)
            return r;
        t->raised += raised;
    }
    return r == -ENOENT ? 0 : r;
}

int sc_state_tick(sc_state_t *st, int64_t now, size_t *ret_raised)
{
    tick_ctx_t t = { .st = st, .now = now };
    char dossier[CC_MAX_ID + 1];
    cc_txn_t txn;
    int64_t due;
    int r;

    /* Most ticks find nothing: look first in a read transaction, so that
     * an idle daemon does not fsync every second. */
    if ((r = cc_store_read_begin(st->store, &txn)) < 0)
        return r;
    r = sc_due_first(st->alerts, &txn, &due, dossier);
    cc_txn_end(&txn);
    if (r == -ENOENT || (r == 0 && due >= now)) {
        if (ret_raised)
            *ret_raised = 0;
        return 0;
    }
    if (r < 0)
        return r;
    if ((r = cc_store_write(st->store, tick_txn, &t)) < 0) {
        sc_alerts_begin(st->alerts);
        return r;
    }
    sc_alerts_flush(st->alerts);
    if (ret_raised)
        *ret_raised = t.raised;
    return 0;
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
        for (size_t i = 0; i < N(what) && r == 0; i++) {
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
    cc_txn_end(&txn);
    if (r < 0)
        return r;
    cc_store_stats(st->store, &s.store);
    *ret = s;
    return 0;
}
