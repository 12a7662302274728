/*
 * intake.c - the intake daemon's domain: dossier events from counters.
 *
 * Storage (LMDB, beside the core's "log", "log_strings" and "id_runs"):
 *   dossier          the seq of the dossier's first record -> its state, id
 *                    and the seqs of its records in the log, one compact
 *                    value (dossier_store.h); an in-memory map finds the
 *                    key from the dossier id
 *   meta             "layout" -> the layout of the above (INTAKE_LAYOUT);
 *                    "dossier_hash_key" -> the key of the map's hash
 * Every log record carries the dossier's units, procedure, state and due
 * date after the event, and the class on resolution, so that consumers
 * never recompute them differently (PROTOCOL.md "Intake log records").
 *
 * The log is the truth; "dossier" is derived from it and can be rebuilt
 * from it alone (cc_dossier_restore). A store whose
 * layout is not this version's is rebuilt at open, so a new layout is a
 * migration, never a corruption; `--rebuild` does the same on demand.
 */
#include "intake.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_base.h"
#include "cc_log.h"
#include "cc_mem.h"
#include "cc_period.h"
#include "cc_sd.h"
#include "dossier.h"
#include "dossier_store.h"

/* The layout of the derived database: the stored dossier's version (3:
 * keyed by first seq; 2, before: keyed by the dossier id), and where the
 * history is (2: in the dossier's value; 1, before: a separate
 * "dossier_events" index, removed when rebuilding). */
#define INTAKE_LAYOUT (((uint64_t)CC_DOSSIER_STORE_VERSION << 8) | 2u)
#define OLD_HISTORY_DB "dossier_events"
#define LAYOUT_KEY "layout"
/* Log records restored per write transaction during a rebuild. */
#define REBUILD_CHUNK 20000

typedef struct {
    cc_catalog_t *const *catalog; /* the core's slot: read *catalog each time */
    cc_dossiers_t *dossiers;
    MDB_dbi log_dbi;
    MDB_dbi meta_dbi;
} intake_t;

static int intake_rebuild(void *dom, cc_store_t *store, char *err, size_t err_len);

/* The stored layout (0: none recorded) and whether any dossier is stored. */
static int read_layout(intake_t *in, cc_store_t *store, uint64_t *ret_layout, uint64_t *ret_log)
{
    cc_txn_t txn;
    int r;

    if ((r = cc_store_read_begin(store, &txn)) < 0)
        return r;
    if ((r = cc_txn_get_u64(&txn, in->meta_dbi, LAYOUT_KEY, ret_layout)) == 0)
        r = cc_log_last(&txn, in->log_dbi, ret_log);
    cc_txn_end(&txn);
    return r;
}

static int write_layout(cc_txn_t *txn, void *arg)
{
    intake_t *in = arg;

    return cc_txn_put_u64(txn, in->meta_dbi, LAYOUT_KEY, INTAKE_LAYOUT);
}

static int intake_open(void **ret_dom, cc_store_t *store, cc_catalog_t *const *catalog,
                       const cc_evd_settings_t *set, char *err, size_t err_len)
{
    intake_t *in = cc_xcalloc(1, sizeof(*in));
    uint64_t layout = 0, head = 0, unreadable = 0;
    int r;

    (void)set;
    err[0] = '\0';
    in->catalog = catalog;
    if ((r = cc_store_dbi(store, "log", 0, &in->log_dbi)) < 0 ||
        (r = cc_store_dbi(store, "meta", 0, &in->meta_dbi)) < 0 ||
        (r = read_layout(in, store, &layout, &head)) < 0 ||
        (r = cc_dossiers_open(store, in->meta_dbi, layout == INTAKE_LAYOUT, &unreadable,
                              &in->dossiers)) < 0) {
        snprintf(err, err_len, "cannot open intake databases: %s", cc_store_strerror(r));
        goto out;
    }
    if (layout != INTAKE_LAYOUT && head == 0)
        r = cc_store_write(store, write_layout, in); /* a new store */
    else if (layout != INTAKE_LAYOUT) {
        cc_log(LOG_NOTICE,
               "The store holds dossier state of layout %#llx, this version uses %#llx: "
               "rebuilding it from the log",
               (unsigned long long)layout, (unsigned long long)INTAKE_LAYOUT);
        r = intake_rebuild(in, store, err, err_len);
    } else if (unreadable > 0) {
        cc_log(LOG_ERR,
               "The stored state of %llu dossiers cannot be read: rebuilding the dossier "
               "state from the log",
               (unsigned long long)unreadable);
        r = intake_rebuild(in, store, err, err_len);
    }
    if (r < 0) {
        if (!err[0])
            snprintf(err, err_len, "cannot set up the intake store: %s", cc_store_strerror(r));
        goto out;
    }
    *ret_dom = in;
    in = NULL;
out:
    if (in) {
        cc_dossiers_close(&in->dossiers);
        free(in);
    }
    return r;
}

static void intake_close(void **dom_p)
{
    intake_t *in = *dom_p;

    if (in == NULL)
        return;
    cc_dossiers_close(&in->dossiers);
    free(in);
    *dom_p = NULL;
}

/* Counters push dossier events; supervisors their notes on units (the
 * type decides, in intake_apply). */
static bool intake_may_push(const cc_principal_t *who)
{
    return who->role == CC_ROLE_COUNTER || who->role == CC_ROLE_SUPERVISOR;
}

/* Encode the record's domain pairs. */
static void encode_record(cc_enc_t *rec, const cc_dossier_t *d, const cc_dossier_event_t *ev,
                          const cc_dossier_outcome_t *out)
{
#define KV(kind, key, val) cc_enc_kv_##kind(rec, key, val)
    KV(str, "dossier", ev->dossier);
    if (ev->kind == CC_EV_REJECTED_AT_COUNTER) {
        KV(str, "unit", ev->unit);
        KV(str, "proc", ev->proc);
        KV(str, "channel", cc_vocab_name(&cc_channels, ev->channel));
        return;
    }
    KV(str, "unit", d->unit);
    KV(str, "runit", d->recv_unit);
    KV(str, "proc", d->proc);
    KV(str, "state", cc_vocab_name(&cc_dossier_states, d->state));
    KV(i64, "received_at", d->received_at);
    KV(i64, "due", d->due_at);
    switch (ev->kind) {
    case CC_EV_RECEIVED:
        KV(str, "channel", cc_vocab_name(&cc_channels, d->channel));
        break;
    case CC_EV_TRANSFERRED:
        KV(str, "to", ev->to_unit);
        break;
    case CC_EV_CONSULT_REQUESTED:
        KV(i64, "deadline", ev->deadline);
        /* fall through */
    case CC_EV_CONSULT_ANSWERED:
        KV(str, "agency", ev->agency);
        break;
    case CC_EV_SOS_REQUESTED:
        KV(str, "kind", cc_vocab_name(&cc_sos_kinds, ev->sos_kind));
        KV(bool, "rule_broken", out->supplement_rule_broken);
        break;
    case CC_EV_SOS_REVIEWED:
        KV(bool, "approved", ev->approved);
        break;
    case CC_EV_EXTENDED:
        KV(i64, "promised", d->promised_at);
        KV(str, "apology", cc_vocab_name(&cc_apologies, d->apology));
        break;
    case CC_EV_RESOLVED:
        KV(str, "class", cc_class_name((cc_class_t)(d->klass - 1)));
        KV(str, "apology", cc_vocab_name(&cc_apologies, d->apology));
        if (d->promised_at)
            KV(i64, "promised", d->promised_at);
        break;
    case CC_EV_RETURNED:
        KV(str, "method", cc_vocab_name(&cc_return_methods, ev->method));
        break;
    case CC_EV_FEE_PAID:
        KV(u64, "amount", ev->amount);
        KV(str, "method", cc_vocab_name(&cc_fee_methods, ev->method));
        break;
    case CC_EV_DIGITIZED:
        KV(str, "what", cc_vocab_name(&cc_digitized, ev->what));
        break;
    case CC_EV_RATED:
        KV(str, "rating", cc_vocab_name(&cc_ratings, ev->rating));
        break;
    default:
        break;
    }
#undef KV
}

/* The sender must have the unit concerned in its scope: the receiving unit
 * for a receipt, else the dossier's handling or receiving unit. */
static int check_scope(const cc_catalog_t *cat, const cc_principal_t *who, const cc_dossier_t *d,
                       const cc_dossier_event_t *ev, cc_reject_t *rej)
{
    const char *unit = d->state == CC_DOSSIER_NONE ? ev->unit : d->unit;

    /* An unknown unit is refused as such by the lifecycle (unknown_unit),
     * which tells the clerk more than not_authorized would. */
    if (unit[0] == '\0' || cc_catalog_unit(cat, unit) == NULL || cc_principal_has_unit(who, unit) ||
        (d->state != CC_DOSSIER_NONE && cc_principal_has_unit(who, d->recv_unit)))
        return 0;
    return cc_reject(rej, CC_ERR_NOT_AUTHORIZED, "unit",
                     "Quầy '%s' không được gửi sự kiện cho đơn vị '%s'",
                     "Counter '%s' may not send events for unit '%s'", who->who, unit);
}

/* ---- Supervisors' notes on units: reminder, grade_note (PROTOCOL.md §3.5) ---------- */

/* A note about a unit, from a supervisor of it: checked, then logged as
 * it came (no state of intake's own changes; scoring counts it). */
static int apply_unit_event(intake_t *in, const cc_principal_t *who, const msgpack_object *ev,
                            int kind, int64_t now, cc_enc_t *rec, cc_reject_t *rej)
{
    const cc_catalog_t *cat = *in->catalog;
    const cc_event_schema_t *s = &cc_unit_event_schemas[kind];
    char unit[CC_MAX_CODE + 1], why[256], spec[CC_MAX_CODE + 1];
    int64_t at = 0, doc_date = 0;
    uint8_t v;

    if (who->role != CC_ROLE_SUPERVISOR)
        return cc_reject(rej, CC_ERR_NOT_AUTHORIZED, "type",
                         "Chỉ giám sát viên ghi văn bản nhắc nhở và đánh giá",
                         "Only supervisors record reminders and grade notes");
    if (cc_reject_event_fields(rej, s, ev))
        return 1;
    cc_map_strcpy(ev, "unit", unit, sizeof(unit));
    cc_map_i64(ev, "at", &at);
    if (!cc_principal_has_unit(who, unit))
        return cc_reject(rej, CC_ERR_NOT_AUTHORIZED, "unit",
                         "Đơn vị '%s' không thuộc phạm vi của bạn",
                         "Unit '%s' is outside your scope", unit);
    if (cc_check_not_future(cat, at, now, rej))
        return 1;
    if (kind == CC_UEV_REMINDER) {
        if (cc_field_enum(ev, "kind", &cc_note_kinds, 0, &v, rej))
            return 1;
        cc_map_i64(ev, "doc_date", &doc_date);
        if (doc_date > at)
            return cc_reject(rej, CC_ERR_BAD_FIELD, "doc_date",
                             "Ngày văn bản sau thời điểm ghi nhận",
                             "The document is dated after the event");
        /* A document may be recorded after the unit was merged away: the
         * unit must have existed on the document's date. */
        if (cc_check_unit(cat, "unit", unit, doc_date, rej))
            return 1;
    } else {
        cc_period_t p;

        cc_map_strcpy(ev, "period", spec, sizeof(spec));
        if (cc_period_parse(spec, cc_catalog_policy(cat)->report_cutoff_day, &p, why, sizeof(why)) <
            0)
            return cc_reject_period(rej, spec, why);
        if (cc_map_find(ev, "grade") && cc_field_enum(ev, "grade", &cc_grades, 0, &v, rej))
            return 1;
        /* The unit must have existed on some day of the period: its last
         * day in the period (or the period's end). */
        {
            const cc_unit_t *u = cc_catalog_unit(cat, unit);
            int32_t day = u && u->effective_to < p.to_day ? u->effective_to : p.to_day;

            if (day < p.from_day)
                day = p.from_day;
            if (cc_check_unit(cat, "unit", unit, cc_day_start(day), rej))
                return 1;
        }
    }
    /* The record is the event's own fields (eid, type, at, by are the core's). */
    for (size_t k = 0; k < s->n; k++) {
        const msgpack_object *o = cc_map_find(ev, s->fields[k].check.key);

        if (o) {
            cc_enc_str(rec, s->fields[k].check.key);
            cc_enc_object(rec, o);
        }
    }
    return 0;
}

static int intake_apply(void *dom, cc_txn_t *txn, const cc_principal_t *who,
                        const msgpack_object *evmap, int64_t now, uint64_t seq, cc_enc_t *rec,
                        cc_reject_t *rej)
{
    intake_t *in = dom;
    cc_dossier_event_t ev;
    cc_dossier_outcome_t out;
    cc_stored_dossier_t sd;
    cc_dossier_t d;
    cc_str_t type;
    int r, ukind;

    cc_map_str(evmap, "type", &type);
    if ((ukind = cc_vocab_find(&cc_unit_events, 0, type.ptr, type.len)) >= 0)
        return apply_unit_event(in, who, evmap, ukind, now, rec, rej);
    if (cc_vocab_find(&cc_dossier_events, 0, type.ptr, type.len) < 0)
        return cc_reject_type(rej, CC_EVENTS_INTAKE, type); /* e.g. a hotline event */
    if (who->role != CC_ROLE_COUNTER)
        return cc_reject(rej, CC_ERR_NOT_AUTHORIZED, "type", "Chỉ quầy một cửa gửi sự kiện hồ sơ",
                         "Only counters send dossier events");
    if (cc_dossier_event_parse(evmap, &ev, rej))
        return 1;
    r = cc_dossier_load(txn, in->dossiers, ev.dossier, &sd);
    if (r == MDB_CORRUPTED) {
        /* That dossier alone: the other events of the group go on. */
        cc_log(LOG_ERR,
               "The stored state of dossier %s cannot be read; rebuild it with "
               "cchc-intaked --rebuild",
               ev.dossier);
        return cc_reject(rej, CC_ERR_INTERNAL, "dossier",
                         "Không đọc được trạng thái đã lưu của hồ sơ; cần dựng lại "
                         "(cchc-intaked --rebuild)",
                         "The stored state of this dossier cannot be read; an operator must "
                         "rebuild it (cchc-intaked --rebuild)");
    }
    if (r < 0)
        return r;
    d = sd.d;
    if (check_scope(*in->catalog, who, &d, &ev, rej))
        return 1;
    if (cc_dossier_apply(*in->catalog, &d, &ev, now, &out, rej))
        return 1;
    /* Accepted: from here on, write: the new state (of a lifecycle event)
     * and the record in the dossier's history (a refusal at the counter
     * has no dossier). */
    if (ev.kind != CC_EV_REJECTED_AT_COUNTER &&
        (r = cc_dossier_save(txn, in->dossiers, ev.dossier, out.stores_state ? &d : &sd.d, &sd,
                             seq)) < 0)
        return r;
    encode_record(rec, &d, &ev, &out);
    return 0;
}

/* ---- Rebuilding the derived state from the log ------------------------------------ */

typedef struct {
    intake_t *in;
    cc_txn_t *txn;    /* the chunk's write transaction */
    uint64_t after;   /* last record restored by a committed chunk */
    uint64_t done;    /* last record restored in this chunk */
    uint64_t skipped; /* records that are not dossier records of this protocol */
    uint64_t chunk_skipped;
    size_t n; /* records this chunk restored */
} rebuild_t;

static int drop_derived(cc_txn_t *txn, void *arg)
{
    intake_t *in = arg;
    int r;

    if ((r = cc_dossiers_drop(txn, in->dossiers)) < 0 ||
        (r = cc_txn_remove_dbi(txn, OLD_HISTORY_DB)) < 0)
        return r;
    r = cc_txn_del(txn, in->meta_dbi, LAYOUT_KEY, strlen(LAYOUT_KEY));
    return r == -ENOENT ? 0 : r;
}

/* Restore one log record into the dossier it names, and add it to the
 * dossier's history, as intake_apply() did when it was accepted. A record
 * of a dossier whose receipt was skipped is skipped too: no state is
 * stored for a dossier never received. */
static int restore_one(uint64_t seq, const void *data, size_t len, void *arg)
{
    rebuild_t *rb = arg;
    char id[CC_MAX_ID + 1];
    cc_dossier_event_kind_t kind;
    cc_stored_dossier_t sd;
    cc_dossier_t d;
    cc_msg_t rec;
    int r, changed;

    rb->done = seq;
    if (cc_body_decode(data, len, &cc_limits_reply, &rec, NULL, 0) != 0) {
        rb->chunk_skipped++;
        return 0;
    }
    {
        cc_str_t type = { NULL, 0 };

        cc_map_str(&rec.body, "type", &type);
        if (cc_vocab_find(&cc_unit_events, 0, type.ptr, type.len) >= 0) {
            cc_msg_deinit(&rec); /* a note on a unit: no dossier state */
            return 0;
        }
    }
    if (cc_map_strcpy(&rec.body, "dossier", id, sizeof(id)) < 0 ||
        (r = cc_dossier_load(rb->txn, rb->in->dossiers, id, &sd)) == MDB_CORRUPTED) {
        rb->chunk_skipped++;
        r = 0;
        goto out;
    }
    if (r < 0)
        goto out;
    d = sd.d;
    changed = cc_dossier_restore(&d, &rec.body, &kind);
    if (changed < 0) {
        rb->chunk_skipped++;
        r = 0;
        goto out;
    }
    if (kind == CC_EV_REJECTED_AT_COUNTER) {
        r = 0;
        goto out;
    }
    if ((changed == 0 ? &d : &sd.d)->state == CC_DOSSIER_NONE) {
        rb->chunk_skipped++;
        r = 0;
        goto out;
    }
    r = cc_dossier_save(rb->txn, rb->in->dossiers, id, changed == 0 ? &d : &sd.d, &sd, seq);
out:
    cc_msg_deinit(&rec);
    return r;
}

static int rebuild_chunk(cc_txn_t *txn, void *arg)
{
    rebuild_t *rb = arg;
    size_t n = 0;
    int r;

    rb->txn = txn;
    rb->done = rb->after;
    rb->chunk_skipped = 0;
    if ((r = cc_log_scan(txn, rb->in->log_dbi, rb->after, REBUILD_CHUNK, restore_one, rb, &n)) < 0)
        return r;
    rb->n = n;
    if (n < REBUILD_CHUNK)
        return write_layout(txn, rb->in); /* the last chunk: the state is whole */
    return 0;
}

/* Drop the derived databases and restore them from the whole log, one
 * chunk per transaction; the layout is written with the last chunk, so an
 * interrupted rebuild starts again at the next open. */
static int intake_rebuild(void *dom, cc_store_t *store, char *err, size_t err_len)
{
    intake_t *in = dom;
    rebuild_t rb = { .in = in };
    uint64_t layout = 0, head = 0;
    char status[128];
    int r;

    if ((r = read_layout(in, store, &layout, &head)) < 0 ||
        (r = cc_store_write(store, drop_derived, in)) < 0) {
        snprintf(err, err_len, "cannot start rebuilding the dossier state: %s",
                 cc_store_strerror(r));
        return r;
    }
    cc_dossiers_dropped(in->dossiers);
    cc_log(LOG_NOTICE, "Rebuilding the dossier state from the log: %llu records",
           (unsigned long long)head);
    do {
        snprintf(status, sizeof(status), "rebuilding the dossier state: %llu of %llu records",
                 (unsigned long long)rb.after, (unsigned long long)head);
        cc_sd_starting(status, 60000);
        if ((r = cc_store_write(store, rebuild_chunk, &rb)) < 0) {
            snprintf(err, err_len, "rebuilding the dossier state failed after record %llu: %s",
                     (unsigned long long)rb.after, cc_store_strerror(r));
            return r;
        }
        rb.skipped += rb.chunk_skipped;
        rb.after = rb.done;
        if (rb.n == REBUILD_CHUNK)
            cc_log(LOG_INFO, "Rebuilding: %llu of %llu records", (unsigned long long)rb.after,
                   (unsigned long long)head);
    } while (rb.n == REBUILD_CHUNK);
    if (rb.skipped)
        cc_log(LOG_WARNING,
               "Rebuilt the dossier state; %llu log records were not dossier "
               "records of this version and were skipped",
               (unsigned long long)rb.skipped);
    cc_log(LOG_NOTICE, "Rebuilt the dossier state from %llu log records",
           (unsigned long long)rb.after);
    return 0;
}

/* ---- Queries --------------------------------------------------------------------- */

static const cc_field_t q_dossier_fields[] = { { "id", CC_T_ID, true, 0, 0 } };

static bool may_see(const cc_principal_t *who, const cc_dossier_t *d)
{
    if (who->role == CC_ROLE_OPERATOR || who->role == CC_ROLE_CONSUMER)
        return true;
    return cc_principal_has_unit(who, d->unit) || cc_principal_has_unit(who, d->recv_unit);
}

typedef struct {
    cc_txn_t *txn;
    MDB_dbi log;
    cc_enc_t *out;
} history_t;

static int history_one(uint64_t seq, void *arg)
{
    history_t *h = arg;

    return cc_evd_history_item(h->txn, h->log, seq, h->out);
}

/* The dossier's history: its records in the log, in order. */
static int history(cc_txn_t *txn, MDB_dbi log, const cc_stored_dossier_t *sd, cc_enc_t *out)
{
    history_t h = { txn, log, out };

    cc_enc_array(out, sd->n_records);
    return cc_dossier_each_seq(sd, history_one, &h);
}

static int query_dossier(intake_t *in, cc_store_t *store, const cc_principal_t *who,
                         const msgpack_object *body, uint64_t rid, cc_enc_t *out, cc_reject_t *rej)
{
    char id[CC_MAX_ID + 1];
    cc_stored_dossier_t sd;
    const cc_dossier_t *d = &sd.d;
    cc_txn_t txn;
    size_t map;
    int r;

    if (cc_reject_fields(rej, body, q_dossier_fields, CC_N(q_dossier_fields),
                         "Truy vấn hồ sơ không hợp lệ", "Invalid dossier query"))
        return 1;
    cc_map_strcpy(body, "id", id, sizeof(id));
    if ((r = cc_store_read_begin(store, &txn)) < 0)
        return r;
    if ((r = cc_dossier_load(&txn, in->dossiers, id, &sd)) < 0)
        goto out;
    if (d->state == CC_DOSSIER_NONE) {
        r = cc_reject(rej, CC_ERR_UNKNOWN_DOSSIER, "id", "Không có hồ sơ %s", "No dossier %s", id);
        goto out;
    }
    if (!may_see(who, d)) {
        r = cc_reject(rej, CC_ERR_NOT_AUTHORIZED, "id", "Hồ sơ %s không thuộc phạm vi của bạn",
                      "Dossier %s is outside your scope", id);
        goto out;
    }
    cc_enc_map(out, 3);
    cc_enc_kv_u64(out, "rid", rid);
    cc_enc_str(out, "dossier");
    map = cc_enc_map_open(out);
    cc_enc_kv_str(out, "id", id);
    cc_enc_kv_str(out, "state", cc_vocab_name(&cc_dossier_states, d->state));
    cc_enc_kv_str(out, "proc", d->proc);
    cc_enc_kv_str(out, "runit", d->recv_unit);
    cc_enc_kv_str(out, "unit", d->unit);
    cc_enc_kv_str(out, "channel", cc_vocab_name(&cc_channels, d->channel));
    cc_enc_kv_i64(out, "received_at", d->received_at);
    cc_enc_kv_i64(out, "due", d->due_at);
    cc_enc_kv_i64(out, "promised", d->promised_at);
    cc_enc_kv_i64(out, "resolved_at", d->resolved_at);
    cc_enc_kv_str(out, "class", d->klass ? cc_class_name((cc_class_t)(d->klass - 1)) : "");
    cc_enc_kv_str(out, "sos_pending",
                  d->sos_pending ? cc_vocab_name(&cc_sos_kinds, d->sos_pending) : "");
    cc_enc_map_close(out, map);
    cc_enc_str(out, "history");
    r = history(&txn, in->log_dbi, &sd, out);
out:
    cc_txn_end(&txn);
    return r;
}

static int intake_query(void *dom, cc_store_t *store, const cc_principal_t *who, cc_str_t q,
                        const msgpack_object *body, uint64_t rid, cc_enc_t *out, cc_reject_t *rej)
{
    if (cc_str_eq(q, "dossier"))
        return query_dossier(dom, store, who, body, rid, out, rej);
    return -ENOENT;
}

static void intake_status(void *dom, char *buf, size_t len)
{
    intake_t *in = dom;

    snprintf(buf, len, "catalogs: %zu units, %zu procedures; %llu dossiers (map %zu KiB)",
             cc_catalog_unit_count(*in->catalog), cc_catalog_procedure_count(*in->catalog),
             (unsigned long long)cc_dossiers_count(in->dossiers),
             cc_dossiers_map_bytes(in->dossiers) >> 10);
}

/* Record keys whose values come from small sets (catalog codes, the
 * vocabularies of PROTOCOL.md): stored once each (cc_logpack.h). */
static const char *const packed_values[] = {
    "unit",    "runit", "to",     "proc", "state",  "channel", "kind",
    "apology", "class", "method", "what", "rating", NULL,
};

const cc_evd_domain_t cc_intake_domain = {
    .name = "intake",
    .packed_values = packed_values,
    .open = intake_open,
    .close = intake_close,
    .may_push = intake_may_push,
    .apply = intake_apply,
    .query = intake_query,
    .tick = NULL,
    .status = intake_status,
    .rebuild = intake_rebuild,
};
