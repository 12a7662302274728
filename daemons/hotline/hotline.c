/*
 * hotline.c - the hotline daemon's domain: contacts and complaints from
 * agents and unit contact points (see hotline.h for the databases).
 *
 * Every log record carries the complaint's non-personal state after the
 * event (PROTOCOL.md §4 "Hotline log records"), so that scoring never
 * recomputes levels or deadlines differently. Caller details, complaint
 * texts and answers stay in the "personal" database: not in the log, not
 * in rejection reasons, not in cc_log().
 */
#include "hotline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_base.h"
#include "cc_clock.h"
#include "cc_log.h"
#include "cc_mem.h"
#include "complaint.h"
#include "redact.h"

#define PERSONAL_VERSION 1
#define OPEN_KEY_MAX (CC_MAX_CODE + 1 + 8 + CC_TINDEX_ID_MAX)
#define QUERY_OPEN_DEFAULT 200
#define QUERY_OPEN_MAX 1000
/* Version of the index rules (meta "indexes"): 2 = level-3 complaints are
 * in the timer too (cc_pakn_timed); 3 = the (time, id) keys of the store
 * (cc_tindex_*, times biased so that they sort signed). A store of an
 * older one is reindexed when the hotline opens it. */
#define INDEX_VERSION 3

typedef struct {
    cc_catalog_t *const *catalog; /* the core's slot: read *catalog each time */
    MDB_dbi contact_dbi, pakn_dbi, events_dbi, personal_dbi, published_dbi, timer_dbi, open_dbi,
        log_dbi, meta_dbi;
    uint64_t n_escalated;
} hotline_t;

/* The personal part of a complaint, as slices into a stored value or the
 * event. */
typedef struct {
    cc_str_t name, phone, text, answer;
} personal_t;

static int reindex_all(cc_txn_t *txn, void *arg);

static int hotline_open(void **ret_dom, cc_store_t *store, cc_catalog_t *const *catalog, char *err,
                        size_t err_len)
{
    hotline_t *h = cc_xcalloc(1, sizeof(*h));
    int r;

    h->catalog = catalog;
    if ((r = cc_store_dbi(store, "contact", 0, &h->contact_dbi)) < 0 ||
        (r = cc_store_dbi(store, "pakn", 0, &h->pakn_dbi)) < 0 ||
        (r = cc_store_dbi(store, "pakn_events", MDB_DUPSORT | MDB_DUPFIXED, &h->events_dbi)) < 0 ||
        (r = cc_store_dbi(store, "personal", 0, &h->personal_dbi)) < 0 ||
        (r = cc_store_dbi(store, "published", 0, &h->published_dbi)) < 0 ||
        (r = cc_store_dbi(store, "pakn_timer", 0, &h->timer_dbi)) < 0 ||
        (r = cc_store_dbi(store, "pakn_open", 0, &h->open_dbi)) < 0 ||
        (r = cc_store_dbi(store, "log", 0, &h->log_dbi)) < 0 ||
        (r = cc_store_dbi(store, "meta", 0, &h->meta_dbi)) < 0) {
        snprintf(err, err_len, "cannot open hotline databases: %s", cc_store_strerror(r));
        goto out;
    }
    if ((r = cc_store_write(store, reindex_all, h)) < 0) {
        snprintf(err, err_len, "cannot rebuild the complaint indexes: %s", cc_store_strerror(r));
        goto out;
    }
    *ret_dom = h;
    h = NULL;
out:
    if (h) {
        free(h);
    }
    return r;
}

static void hotline_close(void **dom_p)
{
    hotline_t *h = *dom_p;

    if (h == NULL)
        return;
    free(h);
    *dom_p = NULL;
}

static bool hotline_may_push(const cc_principal_t *who)
{
    return who->role == CC_ROLE_AGENT || who->role == CC_ROLE_CONTACT_POINT;
}

/* ---- Stored values ----------------------------------------------------------------- */

/* Load a fixed-layout record; a missing key gives a zeroed one. */
static int load_fixed(cc_txn_t *txn, MDB_dbi dbi, const char *id, void *ret, size_t size,
                      uint8_t version)
{
    MDB_val v;
    int r = cc_txn_get(txn, dbi, id, strlen(id), &v);

    memset(ret, 0, size);
    if (r == -ENOENT)
        return 0;
    if (r < 0)
        return r;
    if (v.mv_size != size || ((const uint8_t *)v.mv_data)[0] != version)
        return MDB_CORRUPTED;
    memcpy(ret, v.mv_data, size);
    return 0;
}

static int load_pakn(cc_txn_t *txn, hotline_t *h, const char *id, cc_pakn_t *ret)
{
    return load_fixed(txn, h->pakn_dbi, id, ret, sizeof(*ret), CC_PAKN_VERSION);
}

static int load_contact(cc_txn_t *txn, hotline_t *h, const char *id, cc_contact_t *ret)
{
    return load_fixed(txn, h->contact_dbi, id, ret, sizeof(*ret), CC_CONTACT_VERSION);
}

/* Personal value: version byte, then name, phone, text, answer, each a
 * big-endian u16 length and its bytes. */
static int load_personal(cc_txn_t *txn, hotline_t *h, const char *id, personal_t *ret)
{
    cc_str_t *parts[4] = { &ret->name, &ret->phone, &ret->text, &ret->answer };
    const uint8_t *b;
    size_t at = 1;
    MDB_val v;
    int r;

    memset(ret, 0, sizeof(*ret));
    r = cc_txn_get(txn, h->personal_dbi, id, strlen(id), &v);
    if (r == -ENOENT)
        return 0;
    if (r < 0)
        return r;
    b = v.mv_data;
    if (v.mv_size < 1 || b[0] != PERSONAL_VERSION)
        return MDB_CORRUPTED;
    for (size_t i = 0; i < CC_N(parts); i++) {
        size_t len;

        if (at + 2 > v.mv_size)
            return MDB_CORRUPTED;
        len = (size_t)b[at] << 8 | b[at + 1];
        at += 2;
        if (at + len > v.mv_size)
            return MDB_CORRUPTED;
        parts[i]->ptr = (const char *)b + at;
        parts[i]->len = len;
        at += len;
    }
    return 0;
}

static int put_personal(cc_txn_t *txn, hotline_t *h, const char *id, const personal_t *p)
{
    const cc_str_t *parts[4] = { &p->name, &p->phone, &p->text, &p->answer };
    size_t size = 1, at = 1;
    uint8_t *buf;
    int r;

    for (size_t i = 0; i < CC_N(parts); i++)
        size += 2 + parts[i]->len;
    buf = cc_xmalloc(size);
    buf[0] = PERSONAL_VERSION;
    for (size_t i = 0; i < CC_N(parts); i++) {
        /* Bounded by the schema (≤ CC_MAX_TEXT), so 16 bits suffice. */
        buf[at] = (uint8_t)(parts[i]->len >> 8);
        buf[at + 1] = (uint8_t)parts[i]->len;
        if (parts[i]->len)
            memcpy(buf + at + 2, parts[i]->ptr, parts[i]->len);
        at += 2 + parts[i]->len;
    }
    r = cc_txn_put(txn, h->personal_dbi, id, strlen(id), buf, size, 0);
    free(buf);
    return r;
}

/* A NUL-terminated copy of a slice (caller frees). */
static char *dup_str(cc_str_t s) { return cc_xstrndup(s.len ? s.ptr : "", s.len); }

/* ---- Indexes ------------------------------------------------------------------------ */

/* The open index: the unit's code, NUL, then the (due, id) key of
 * cc_tindex_key(), so that one unit's complaints sort by due date. */
static size_t open_key(uint8_t *key, const char *unit, int64_t due, const char *id)
{
    size_t u = strlen(unit);

    memcpy(key, unit, u);
    key[u] = '\0';
    return u + 1 + cc_tindex_key(key + u + 1, due, id);
}

/* Move @id's index entries from its state @before to @after. */
static int reindex(cc_txn_t *txn, hotline_t *h, const char *id, const cc_pakn_t *before,
                   const cc_pakn_t *after)
{
    uint8_t key[OPEN_KEY_MAX];
    int r;

    if (cc_pakn_timed(before) && (r = cc_tindex_del(txn, h->timer_dbi, before->due_at, id)) < 0)
        return r;
    if (cc_pakn_open(before) &&
        (r = cc_txn_del(txn, h->open_dbi, key, open_key(key, before->unit, before->due_at, id))) <
            0 &&
        r != -ENOENT)
        return r;
    if (cc_pakn_timed(after) && (r = cc_tindex_put(txn, h->timer_dbi, after->due_at, id)) < 0)
        return r;
    if (cc_pakn_open(after) &&
        (r = cc_txn_put(txn, h->open_dbi, key, open_key(key, after->unit, after->due_at, id), "", 0,
                        0)) < 0)
        return r;
    return 0;
}

typedef struct {
    hotline_t *h;
    cc_txn_t *txn;
    size_t count;
} reindex_t;

static int reindex_one(const MDB_val *k, const MDB_val *v, void *arg)
{
    static const cc_pakn_t none = { 0 };
    reindex_t *ri = arg;
    char id[CC_MAX_ID + 1];
    cc_pakn_t p;

    if (k->mv_size > CC_MAX_ID || v->mv_size != sizeof(p) ||
        ((const uint8_t *)v->mv_data)[0] != CC_PAKN_VERSION)
        return MDB_CORRUPTED;
    memcpy(id, k->mv_data, k->mv_size);
    id[k->mv_size] = '\0';
    memcpy(&p, v->mv_data, sizeof(p));
    ri->count++;
    /* The writes go to other databases than the one scanned. */
    return reindex(ri->txn, ri->h, id, &none, &p);
}

/* Bring a store written under older index rules up to INDEX_VERSION: the
 * two indexes are emptied and every complaint's entries put again. */
static int reindex_all(cc_txn_t *txn, void *arg)
{
    hotline_t *h = arg;
    reindex_t ri = { h, txn, 0 };
    uint64_t version = 0;
    int r;

    if ((r = cc_txn_get_u64(txn, h->meta_dbi, "indexes", &version)) < 0)
        return r;
    if (version >= INDEX_VERSION)
        return 0;
    if ((r = cc_txn_drop(txn, h->timer_dbi)) < 0 || (r = cc_txn_drop(txn, h->open_dbi)) < 0 ||
        (r = cc_txn_scan(txn, h->pakn_dbi, NULL, 0, reindex_one, &ri)) < 0)
        return r;
    if (ri.count)
        cc_log(LOG_NOTICE, "Reindexed %zu complaints for index rules %d", ri.count, INDEX_VERSION);
    return cc_txn_put_u64(txn, h->meta_dbi, "indexes", INDEX_VERSION);
}

static int add_history(cc_txn_t *txn, hotline_t *h, const char *id, uint64_t seq)
{
    uint8_t key[8];

    cc_be64_put(key, seq);
    return cc_txn_put(txn, h->events_dbi, id, strlen(id), key, sizeof(key), 0);
}

/* ---- Log records ------------------------------------------------------------------------ */

/* The non-personal state every pakn_* record carries. */
static void encode_pakn(cc_enc_t *rec, const char *id, const cc_pakn_t *p)
{
    cc_enc_kv_str(rec, "pakn", id);
    cc_enc_kv_str(rec, "unit", p->unit);
    cc_enc_kv_u64(rec, "level", p->level);
    cc_enc_kv_str(rec, "state", cc_vocab_name(&cc_pakn_states, p->state));
    cc_enc_kv_i64(rec, "due", p->due_at);
    cc_enc_kv_str(rec, "category", cc_vocab_name(&cc_pakn_categories, p->category));
    cc_enc_kv_bool(rec, "urgent", p->urgent);
    cc_enc_kv_str(rec, "dossier", p->dossier);
}

static void encode_record(cc_enc_t *rec, const cc_hotline_event_t *ev, const cc_pakn_t *p,
                          const cc_contact_t *c)
{
    if (ev->kind == CC_HEV_CONTACT || ev->kind == CC_HEV_CONTACT_CLOSED) {
        cc_enc_kv_str(rec, "contact", ev->contact);
        cc_enc_kv_str(rec, "ctype", cc_vocab_name(&cc_ctypes, c->ctype));
        cc_enc_kv_str(rec, "channel", cc_vocab_name(&cc_hotline_channels, c->channel));
        cc_enc_kv_str(rec, "unit", c->unit);
        cc_enc_kv_bool(rec, "closed", c->closed);
        cc_enc_kv_str(rec, "agent", c->agent);
        return;
    }
    encode_pakn(rec, ev->pakn, p);
    switch (ev->kind) {
    case CC_HEV_PAKN_RECEIVED:
        cc_enc_kv_str(rec, "contact", p->contact);
        break;
    case CC_HEV_PAKN_ANSWERED:
        cc_enc_kv_bool(rec, "on_time", p->on_time == 1);
        break;
    case CC_HEV_PAKN_PUBLISHED:
        cc_enc_kv_bool(rec, "late", p->pub_late == 2);
        break;
    case CC_HEV_PAKN_FORWARDED:
        cc_enc_kv_str(rec, "outside", p->outside);
        cc_enc_kv_bool(rec, "late", p->fwd_late == 2);
        break;
    case CC_HEV_PAKN_REOPENED:
        cc_enc_kv_u64(rec, "reopened", p->reopened);
        break;
    case CC_HEV_PAKN_REFUSED:
        cc_enc_kv_str(rec, "reason", cc_vocab_name(&cc_pakn_refusals, p->refusal));
        cc_enc_kv_bool(rec, "late", p->ref_late == 2);
        break;
    default:
        break;
    }
}

/* ---- Applying events ---------------------------------------------------------------------- */

static int apply_contact(hotline_t *h, cc_txn_t *txn, const cc_principal_t *who,
                         const cc_hotline_event_t *ev, int64_t now, cc_enc_t *rec, cc_reject_t *rej)
{
    cc_pakn_t none;
    cc_contact_t c;
    int r;

    memset(&none, 0, sizeof(none));
    if ((r = load_contact(txn, h, ev->contact, &c)) < 0)
        return r;
    if (cc_hotline_authorize(who, &none, ev, rej) ||
        cc_contact_apply(*h->catalog, &c, ev, who, now, rej))
        return 1;
    if ((r = cc_txn_put(txn, h->contact_dbi, ev->contact, strlen(ev->contact), &c, sizeof(c), 0)) <
        0)
        return r;
    encode_record(rec, ev, NULL, &c);
    return 0;
}

/* Store the redacted answer for publication. */
static int publish(hotline_t *h, cc_txn_t *txn, const char *id)
{
    personal_t pd;
    char *name = NULL, *phone = NULL, *text = NULL;
    int r;

    if ((r = load_personal(txn, h, id, &pd)) < 0)
        return r;
    name = dup_str(pd.name);
    phone = dup_str(pd.phone);
    r = cc_redact(pd.answer.len ? pd.answer.ptr : "", pd.answer.len, name, phone, &text, NULL);
    if (r == 0)
        r = cc_txn_put(txn, h->published_dbi, id, strlen(id), text, strlen(text), 0);
    free(name);
    free(phone);
    free(text);
    return r;
}

static int apply_pakn(hotline_t *h, cc_txn_t *txn, const cc_principal_t *who,
                      const cc_hotline_event_t *ev, int64_t now, uint64_t seq, cc_enc_t *rec,
                      cc_reject_t *rej)
{
    cc_hotline_outcome_t out;
    cc_contact_t link;
    cc_pakn_t p, before;
    personal_t pd;
    int r;

    if ((r = load_pakn(txn, h, ev->pakn, &p)) < 0)
        return r;
    if (cc_hotline_authorize(who, &p, ev, rej))
        return 1;
    memset(&link, 0, sizeof(link));
    if (ev->kind == CC_HEV_PAKN_RECEIVED && ev->contact[0] &&
        (r = load_contact(txn, h, ev->contact, &link)) < 0)
        return r;
    before = p;
    if (cc_pakn_apply(*h->catalog, &p, ev, ev->contact[0] ? &link : NULL, now, &out, rej))
        return 1;
    /* Accepted: from here on, write. */
    if ((r = cc_txn_put(txn, h->pakn_dbi, ev->pakn, strlen(ev->pakn), &p, sizeof(p), 0)) < 0 ||
        (r = add_history(txn, h, ev->pakn, seq)) < 0 ||
        (r = reindex(txn, h, ev->pakn, &before, &p)) < 0)
        return r;
    if (ev->kind == CC_HEV_PAKN_RECEIVED) {
        memset(&pd, 0, sizeof(pd));
        pd.name = ev->caller_name;
        pd.phone = ev->caller_phone;
        pd.text = ev->text;
        if ((r = put_personal(txn, h, ev->pakn, &pd)) < 0)
            return r;
    } else if (ev->kind == CC_HEV_PAKN_ANSWERED) {
        personal_t cur;
        char *copy;

        if ((r = load_personal(txn, h, ev->pakn, &cur)) < 0)
            return r;
        /* put_personal() reads slices of the old value: copy it first,
         * since writing may move the page they point into. */
        copy = cc_xmalloc(cur.name.len + cur.phone.len + cur.text.len + 1);
        memcpy(copy, cur.name.ptr ? cur.name.ptr : "", cur.name.len);
        memcpy(copy + cur.name.len, cur.phone.ptr ? cur.phone.ptr : "", cur.phone.len);
        memcpy(copy + cur.name.len + cur.phone.len, cur.text.ptr ? cur.text.ptr : "", cur.text.len);
        pd.name = (cc_str_t){ copy, cur.name.len };
        pd.phone = (cc_str_t){ copy + cur.name.len, cur.phone.len };
        pd.text = (cc_str_t){ copy + cur.name.len + cur.phone.len, cur.text.len };
        pd.answer = ev->answer;
        r = put_personal(txn, h, ev->pakn, &pd);
        free(copy);
        if (r < 0)
            return r;
    } else if (out.publishes && (r = publish(h, txn, ev->pakn)) < 0) {
        return r;
    }
    encode_record(rec, ev, &p, NULL);
    return 0;
}

static int hotline_apply(void *dom, cc_txn_t *txn, const cc_principal_t *who,
                         const msgpack_object *evmap, int64_t now, uint64_t seq, cc_enc_t *rec,
                         cc_reject_t *rej)
{
    hotline_t *h = dom;
    cc_hotline_event_t ev;

    if (cc_hotline_event_parse(evmap, &ev, rej))
        return 1;
    if (ev.kind == CC_HEV_CONTACT || ev.kind == CC_HEV_CONTACT_CLOSED)
        return apply_contact(h, txn, who, &ev, now, rec, rej);
    return apply_pakn(h, txn, who, &ev, now, seq, rec, rej);
}

/* ---- Escalation ------------------------------------------------------------------------------ */

/* The complaints whose deadline passed before now, collected first: the
 * timer changes under the escalation loop. */
typedef struct {
    char (*ids)[CC_MAX_ID + 1];
    size_t n;
} due_ids_t;

static int collect_due(int64_t t, const char *id, void *arg)
{
    due_ids_t *d = arg;

    (void)t;
    if (d->n == CC_HOTLINE_ESCALATE_MAX || strlen(id) > CC_MAX_ID)
        return d->n == CC_HOTLINE_ESCALATE_MAX ? 1 : MDB_CORRUPTED;
    snprintf(d->ids[d->n++], CC_MAX_ID + 1, "%s", id);
    return 0;
}

int cc_hotline_escalate(void *dom, cc_txn_t *txn, int64_t now, cc_hotline_append_fn append,
                        void *ctx, size_t *ret_count)
{
    hotline_t *h = dom;
    due_ids_t due = { cc_xcalloc(CC_HOTLINE_ESCALATE_MAX, sizeof(*due.ids)), 0 };
    cc_enc_t pairs;
    size_t count = 0;
    int r;

    cc_enc_init(&pairs);
    r = cc_tindex_scan(txn, h->timer_dbi, now - 1, collect_due, &due);
    for (size_t i = 0; i < due.n && r == 0; i++) {
        const char *id = due.ids[i];
        cc_pakn_t p, before;
        int64_t at;
        int e;

        if ((r = load_pakn(txn, h, id, &p)) < 0)
            break;
        before = p;
        while ((e = cc_pakn_escalate(*h->catalog, &p, now, &at)) > 0) {
            char eid[CC_MAX_ID + 1];
            const char *type = e == CC_PAKN_ESCALATED ? "pakn_escalated" : "pakn_overdue";
            uint64_t last = 0, seq = 0;

            /* Escalations: one per level, named by it. Overdue at level 3:
             * once per round, named by the record's own sequence. */
            if (e == CC_PAKN_ESCALATED)
                snprintf(eid, sizeof(eid), "%s%s:%u", CC_HOTLINE_RESERVED_EID, id,
                         (unsigned)p.level);
            else if ((r = cc_log_last(txn, h->log_dbi, &last)) == 0)
                snprintf(eid, sizeof(eid), "%s%llu", CC_HOTLINE_RESERVED_EID,
                         (unsigned long long)last + 1);
            if (r < 0)
                break;
            cc_enc_reset(&pairs);
            encode_pakn(&pairs, id, &p);
            if (e == CC_PAKN_ESCALATED)
                cc_enc_kv_u64(&pairs, "from_level", (uint64_t)(p.level - 1));
            else
                cc_enc_kv_u64(&pairs, "reopened", p.reopened);
            if ((r = append(ctx, txn, eid, type, at, &pairs, &seq)) < 0)
                break;
            if (seq && (r = add_history(txn, h, id, seq)) < 0)
                break;
            count++;
        }
        if (r < 0)
            break;
        /* e < 0: the calendar does not cover the next deadline's year; the
         * complaint stays in the timer and is tried again next tick. */
        if (p.level != before.level || p.overdue != before.overdue) {
            if ((r = cc_txn_put(txn, h->pakn_dbi, id, strlen(id), &p, sizeof(p), 0)) < 0 ||
                (r = reindex(txn, h, id, &before, &p)) < 0)
                break;
        }
    }
    free(due.ids);
    cc_enc_deinit(&pairs);
    if (r == 0 && ret_count)
        *ret_count = count;
    return r;
}

typedef struct {
    hotline_t *h;
    cc_evd_t *evd;
    int64_t now;
    size_t count;
} tick_ctx_t;

static int append_internal(void *ctx, cc_txn_t *txn, const char *eid, const char *type, int64_t at,
                           const cc_enc_t *pairs, uint64_t *ret_seq)
{
    return cc_evd_append_internal(ctx, txn, eid, type, at, pairs, ret_seq);
}

static int tick_txn(cc_txn_t *txn, void *arg)
{
    tick_ctx_t *t = arg;

    t->count = 0;
    return cc_hotline_escalate(t->h, txn, t->now, append_internal, t->evd, &t->count);
}

/* Whether the earliest escalation deadline has passed (a read: most ticks
 * have nothing to do and must not cost a commit). */
static int escalation_due(hotline_t *h, cc_store_t *store, int64_t now, bool *ret)
{
    char id[CC_TINDEX_ID_MAX + 1];
    int64_t first;
    cc_txn_t txn;
    int r;

    *ret = false;
    if ((r = cc_store_read_begin(store, &txn)) < 0)
        return r;
    r = cc_tindex_first(&txn, h->timer_dbi, &first, id, sizeof(id));
    cc_txn_end(&txn);
    if (r == -ENOENT)
        return 0;
    if (r == 0)
        *ret = first < now;
    return r;
}

static int hotline_tick(void *dom, cc_evd_t *evd, int64_t now)
{
    tick_ctx_t t = { dom, evd, now, 0 };
    bool due;
    int r;

    if ((r = escalation_due(dom, cc_evd_store(evd), now, &due)) < 0 || !due)
        return r;
    if ((r = cc_store_write(cc_evd_store(evd), tick_txn, &t)) < 0)
        return r;
    t.h->n_escalated += t.count;
    if (t.count)
        cc_log(LOG_NOTICE, "%zu complaint deadline(s) passed: escalated, or overdue at level 3",
               t.count);
    return 0;
}

/* ---- Queries ------------------------------------------------------------------------------ */

static const cc_field_t q_pakn_fields[] = { { "id", CC_T_ID, true, 0, 0 } };
static const cc_field_t q_open_fields[] = {
    { "unit", CC_T_CODE, true, 0, CC_MAX_CODE },
    { "max", CC_T_UINT, false, 1, QUERY_OPEN_MAX },
};

/* Agents and operators see caller details and raw texts. */
static bool sees_personal(const cc_principal_t *who)
{
    return who->role == CC_ROLE_AGENT || who->role == CC_ROLE_OPERATOR;
}

static bool may_see_unit(const cc_principal_t *who, const char *unit)
{
    if (who->role == CC_ROLE_AGENT || who->role == CC_ROLE_OPERATOR ||
        who->role == CC_ROLE_CONSUMER)
        return true;
    if (who->role != CC_ROLE_CONTACT_POINT && who->role != CC_ROLE_SUPERVISOR)
        return false;
    return unit[0] != '\0' && cc_principal_has_unit(who, unit);
}

/* A text as @who may see it: raw, or with personal data removed. */
static void enc_text(cc_enc_t *out, const char *key, cc_str_t s, bool raw, const char *name,
                     const char *phone)
{
    char *red = NULL;

    if (raw || s.len == 0) {
        cc_enc_kv_strn(out, key, s.len ? s.ptr : "", s.len);
        return;
    }
    if (cc_redact(s.ptr, s.len, name, phone, &red, NULL) < 0) {
        cc_enc_kv_str(out, key, CC_REDACTED);
        return;
    }
    cc_enc_kv_str(out, key, red);
    free(red);
}

static int query_pakn(hotline_t *h, cc_store_t *store, const cc_principal_t *who,
                      const msgpack_object *body, uint64_t rid, cc_enc_t *out, cc_reject_t *rej)
{
    char id[CC_MAX_ID + 1], *name = NULL, *phone = NULL;
    bool raw = sees_personal(who);
    int64_t now = cc_clock_now();
    personal_t pd;
    cc_pakn_t p;
    cc_txn_t txn;
    MDB_val pub = { 0, NULL };
    size_t map;
    int r;

    if (cc_reject_fields(rej, body, q_pakn_fields, CC_N(q_pakn_fields),
                         "Truy vấn PAKN không hợp lệ", "Invalid complaint query"))
        return 1;
    cc_map_strcpy(body, "id", id, sizeof(id));
    if ((r = cc_store_read_begin(store, &txn)) < 0)
        return r;
    if ((r = load_pakn(&txn, h, id, &p)) < 0)
        goto out;
    if (p.state == CC_PAKN_NONE) {
        r = cc_reject(rej, CC_ERR_UNKNOWN_COMPLAINT, "id", "Không có PAKN %s", "No complaint %s",
                      id);
        goto out;
    }
    if (!may_see_unit(who, p.unit)) {
        r = cc_reject(rej, CC_ERR_NOT_AUTHORIZED, "id", "PAKN %s không thuộc phạm vi của bạn",
                      "Complaint %s is outside your scope", id);
        goto out;
    }
    if ((r = load_personal(&txn, h, id, &pd)) < 0)
        goto out;
    name = dup_str(pd.name);
    phone = dup_str(pd.phone);
    if (cc_txn_get(&txn, h->published_dbi, id, strlen(id), &pub) < 0)
        pub.mv_size = 0;
    cc_enc_map(out, 3);
    cc_enc_kv_u64(out, "rid", rid);
    cc_enc_str(out, "pakn");
    map = cc_enc_map_open(out);
    cc_enc_kv_str(out, "id", id);
    cc_enc_kv_str(out, "state", cc_vocab_name(&cc_pakn_states, p.state));
    cc_enc_kv_u64(out, "level", p.level);
    cc_enc_kv_str(out, "category", cc_vocab_name(&cc_pakn_categories, p.category));
    cc_enc_kv_bool(out, "urgent", p.urgent);
    cc_enc_kv_str(out, "unit", p.unit);
    cc_enc_kv_str(out, "dossier", p.dossier);
    cc_enc_kv_str(out, "contact", p.contact);
    cc_enc_kv_str(out, "outside", p.outside);
    cc_enc_kv_i64(out, "received_at", p.received_at);
    cc_enc_kv_i64(out, "due", p.due_at);
    cc_enc_kv_i64(out, "level_at", p.level_at);
    cc_enc_kv_bool(out, "overdue", cc_pakn_waiting(&p) && p.due_at < now);
    cc_enc_kv_i64(out, "answered_at", p.answered_at);
    cc_enc_str(out, "on_time");
    p.on_time ? cc_enc_bool(out, p.on_time == 1) : cc_enc_nil(out);
    cc_enc_kv_i64(out, "published_at", p.published_at);
    cc_enc_str(out, "late");
    p.pub_late ? cc_enc_bool(out, p.pub_late == 2) : cc_enc_nil(out);
    cc_enc_kv_i64(out, "closed_at", p.closed_at);
    cc_enc_kv_u64(out, "reopened", p.reopened);
    cc_enc_kv_u64(out, "escalations", p.escalations);
    cc_enc_kv_str(out, "refusal", cc_vocab_name(&cc_pakn_refusals, p.refusal));
    enc_text(out, "text", pd.text, raw, name, phone);
    enc_text(out, "answer", pd.answer, raw, name, phone);
    cc_enc_kv_strn(out, "published", pub.mv_size ? pub.mv_data : "", pub.mv_size);
    if (raw) {
        cc_enc_kv_str(out, "caller_name", name);
        cc_enc_kv_str(out, "caller_phone", phone);
    }
    cc_enc_map_close(out, map);
    cc_enc_str(out, "history");
    r = cc_evd_history(&txn, h->events_dbi, h->log_dbi, id, out);
out:
    cc_txn_end(&txn);
    free(name);
    free(phone);
    return r;
}

/* One unit's open complaints, earliest due first, from the open index. */
typedef struct {
    hotline_t *h;
    cc_txn_t *txn;
    const char *unit;
    size_t unit_len;
    uint64_t max;
    int64_t now;
    cc_enc_t items;
    size_t count;
    bool more;
} open_list_t;

static int open_one(const MDB_val *k, const MDB_val *v, void *arg)
{
    open_list_t *o = arg;
    char id[CC_TINDEX_ID_MAX + 1];
    int64_t due;
    cc_pakn_t p;
    size_t map;
    int r;

    (void)v;
    if (k->mv_size <= o->unit_len || memcmp(k->mv_data, o->unit, o->unit_len) != 0 ||
        ((const uint8_t *)k->mv_data)[o->unit_len] != '\0')
        return 1; /* past the unit's entries */
    if (o->count == o->max) {
        o->more = true;
        return 1;
    }
    if ((r = cc_tindex_split((const uint8_t *)k->mv_data + o->unit_len + 1,
                             k->mv_size - o->unit_len - 1, &due, id)) < 0 ||
        strlen(id) > CC_MAX_ID)
        return MDB_CORRUPTED;
    if ((r = load_pakn(o->txn, o->h, id, &p)) < 0)
        return r;
    map = cc_enc_map_open(&o->items);
    cc_enc_kv_str(&o->items, "pakn", id);
    cc_enc_kv_str(&o->items, "state", cc_vocab_name(&cc_pakn_states, p.state));
    cc_enc_kv_u64(&o->items, "level", p.level);
    cc_enc_kv_i64(&o->items, "due", p.due_at);
    cc_enc_kv_str(&o->items, "category", cc_vocab_name(&cc_pakn_categories, p.category));
    cc_enc_kv_bool(&o->items, "urgent", p.urgent);
    cc_enc_kv_bool(&o->items, "overdue", cc_pakn_waiting(&p) && p.due_at < o->now);
    cc_enc_map_close(&o->items, map);
    o->count++;
    return 0;
}

static int query_open(hotline_t *h, cc_store_t *store, const cc_principal_t *who,
                      const msgpack_object *body, uint64_t rid, cc_enc_t *out, cc_reject_t *rej)
{
    char unit[CC_MAX_CODE + 1];
    cc_txn_t txn;
    open_list_t o = { .h = h, .txn = &txn, .unit = unit, .max = QUERY_OPEN_DEFAULT };
    int r;

    if (cc_reject_fields(rej, body, q_open_fields, CC_N(q_open_fields),
                         "Truy vấn PAKN đang mở không hợp lệ", "Invalid open-complaints query"))
        return 1;
    cc_map_strcpy(body, "unit", unit, sizeof(unit));
    cc_map_u64(body, "max", &o.max);
    if (!may_see_unit(who, unit))
        return cc_reject(rej, CC_ERR_NOT_AUTHORIZED, "unit",
                         "Đơn vị '%s' không thuộc phạm vi của bạn",
                         "Unit '%s' is outside your scope", unit);
    o.unit_len = strlen(unit);
    o.now = cc_clock_now();
    if ((r = cc_store_read_begin(store, &txn)) < 0)
        return r;
    cc_enc_init(&o.items);
    /* From the unit's prefix (its code and the NUL) on. */
    r = cc_txn_scan(&txn, h->open_dbi, unit, o.unit_len + 1, open_one, &o);
    cc_txn_end(&txn);
    if (r == 0) {
        cc_enc_map(out, 5);
        cc_enc_kv_u64(out, "rid", rid);
        cc_enc_kv_str(out, "unit", unit);
        cc_enc_kv_u64(out, "count", o.count);
        cc_enc_kv_bool(out, "more", o.more);
        cc_enc_str(out, "items");
        cc_enc_array(out, o.count);
        cc_enc_raw(out, o.items.buf.data, o.items.buf.size);
    }
    cc_enc_deinit(&o.items);
    return r;
}

static int hotline_query(void *dom, cc_store_t *store, const cc_principal_t *who, cc_str_t q,
                         const msgpack_object *body, uint64_t rid, cc_enc_t *out, cc_reject_t *rej)
{
    if (cc_str_eq(q, "pakn"))
        return query_pakn(dom, store, who, body, rid, out, rej);
    if (cc_str_eq(q, "pakn_open"))
        return query_open(dom, store, who, body, rid, out, rej);
    return -ENOENT;
}

static void hotline_status(void *dom, char *buf, size_t len)
{
    hotline_t *h = dom;

    snprintf(buf, len, "catalogs: %zu units; escalated %llu", cc_catalog_unit_count(*h->catalog),
             (unsigned long long)h->n_escalated);
}

const cc_evd_domain_t cc_hotline_domain = {
    .name = "hotline",
    .open = hotline_open,
    .close = hotline_close,
    .may_push = hotline_may_push,
    .apply = hotline_apply,
    .query = hotline_query,
    .tick = hotline_tick,
    .status = hotline_status,
};
