/*
 * hotline.c - the hotline daemon's domain: contacts and complaints from
 * agents and unit contact points (see hotline.h for the databases).
 *
 * Every log record carries the complaint's non-personal state after the
 * event (PROTOCOL.md §4 "Hotline log records"), so that scoring never
 * recomputes levels or deadlines differently. Caller details, complaint
 * texts and answers stay in the "personal" database, sealed with the
 * personal data keys (personal.h): not in the log, not in rejection
 * reasons, not in cc_log(). They are erased (the figures stay) when the
 * policy's retention period after a complaint ended has passed, and on an
 * operator's request (QUERY erase).
 */
#include "hotline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include "cc_base.h"
#include "cc_clock.h"
#include "cc_log.h"
#include "cc_mem.h"
#include "cc_sd.h"
#include "complaint.h"
#include "personal.h"
#include "redact.h"

#define OPEN_KEY_MAX (CC_MAX_CODE + 1 + 8 + CC_TINDEX_ID_MAX)
#define QUERY_OPEN_DEFAULT 200
#define QUERY_OPEN_MAX 1000
/* Version of the index rules (meta "indexes"): 2 = level-3 complaints are
 * in the timer too (cc_pakn_timed); 3 = the (time, id) keys of the store
 * (cc_tindex_*, times biased so that they sort signed); 4 = ended
 * complaints in the retention index. A store of an older one is reindexed
 * when the hotline opens it. */
#define INDEX_VERSION 4
#define ERASE_MAX 1000 /* complaints whose retention ended erased in one tick */
#define PERSONAL_KEYS "personal.keys"

typedef struct {
    cc_catalog_t *const *catalog; /* the core's slot: read *catalog each time */
    cc_keyring_t *keys;           /* seals and opens the personal data */
    MDB_dbi contact_dbi, pakn_dbi, events_dbi, personal_dbi, published_dbi, timer_dbi, open_dbi,
        retention_dbi, log_dbi, meta_dbi;
    uint64_t n_escalated, n_erased;
} hotline_t;

typedef cc_personal_t personal_t;

static int reindex_all(cc_txn_t *txn, void *arg);
static int reseal_all(cc_store_t *store, hotline_t *h, char *err, size_t err_len);

/* The personal data keys: the option, else the systemd credential
 * personal.keys, else <state_dir>/personal.keys, made on first start. */
static int load_keys(hotline_t *h, const cc_evd_settings_t *set, char *err, size_t err_len)
{
    char path[4096];
    struct stat st;
    int r;

    if (set && set->personal_keys)
        return cc_keyring_load(set->personal_keys, &h->keys, err, err_len);
    if (cc_sd_credential(PERSONAL_KEYS, path, sizeof(path)) && stat(path, &st) == 0)
        return cc_keyring_load(path, &h->keys, err, err_len);
    snprintf(path, sizeof(path), "%s/" PERSONAL_KEYS, set ? set->d.state_dir : ".");
    if (stat(path, &st) == 0)
        return cc_keyring_load(path, &h->keys, err, err_len);
    if ((r = cc_keyring_create(path, &h->keys, err, err_len)) == 0)
        cc_log(LOG_WARNING,
               "Made a personal data key in %s: the data is sealed with a key kept beside it. "
               "Keep keys apart from the data and its backups: personal_keys = FILE, or the "
               "systemd credential " PERSONAL_KEYS,
               path);
    return r;
}

static int hotline_open(void **ret_dom, cc_store_t *store, cc_catalog_t *const *catalog,
                        const cc_evd_settings_t *set, char *err, size_t err_len)
{
    hotline_t *h = cc_xcalloc(1, sizeof(*h));
    int r;

    h->catalog = catalog;
    if ((r = cc_personal_init()) < 0) {
        snprintf(err, err_len, "libsodium: no random source to seal personal data with");
        goto out;
    }
    if ((r = load_keys(h, set, err, err_len)) < 0)
        goto out;
    if ((r = cc_store_dbi(store, "contact", 0, &h->contact_dbi)) < 0 ||
        (r = cc_store_dbi(store, "pakn", 0, &h->pakn_dbi)) < 0 ||
        (r = cc_store_dbi(store, "pakn_events", MDB_DUPSORT | MDB_DUPFIXED, &h->events_dbi)) < 0 ||
        (r = cc_store_dbi(store, "personal", 0, &h->personal_dbi)) < 0 ||
        (r = cc_store_dbi(store, "published", 0, &h->published_dbi)) < 0 ||
        (r = cc_store_dbi(store, "pakn_timer", 0, &h->timer_dbi)) < 0 ||
        (r = cc_store_dbi(store, "pakn_open", 0, &h->open_dbi)) < 0 ||
        (r = cc_store_dbi(store, "pakn_retention", 0, &h->retention_dbi)) < 0 ||
        (r = cc_store_dbi(store, "log", 0, &h->log_dbi)) < 0 ||
        (r = cc_store_dbi(store, "meta", 0, &h->meta_dbi)) < 0) {
        snprintf(err, err_len, "cannot open hotline databases: %s", cc_store_strerror(r));
        goto out;
    }
    if ((r = cc_store_write(store, reindex_all, h)) < 0) {
        snprintf(err, err_len, "cannot rebuild the complaint indexes: %s", cc_store_strerror(r));
        goto out;
    }
    if ((r = reseal_all(store, h, err, err_len)) < 0)
        goto out;
    *ret_dom = h;
    h = NULL;
out:
    if (h) {
        cc_keyring_destroy(&h->keys);
        free(h);
    }
    return r;
}

static void hotline_close(void **dom_p)
{
    hotline_t *h = *dom_p;

    if (h == NULL)
        return;
    cc_keyring_destroy(&h->keys);
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

/* The personal data of complaint @id (personal.h): its fields in a buffer
 * of their own (cc_personal_release), empty when there is none or it was
 * erased (then *@ret_erased_at, if given, says when; else 0). */
static int load_personal(cc_txn_t *txn, hotline_t *h, const char *id, personal_t *ret,
                         int64_t *ret_erased_at)
{
    int64_t erased_at = 0;
    MDB_val v;
    int r;

    memset(ret, 0, sizeof(*ret));
    r = cc_txn_get(txn, h->personal_dbi, id, strlen(id), &v);
    if (r == 0) {
        r = cc_personal_open(h->keys, id, v.mv_data, v.mv_size, ret, &erased_at, NULL);
        r = r == -ENOKEY || r == -EBADMSG ? MDB_CORRUPTED : r < 0 ? r : 0;
    } else if (r == -ENOENT) {
        r = 0;
    }
    if (ret_erased_at)
        *ret_erased_at = erased_at;
    return r;
}

/* Store @p as complaint @id's personal data, sealed with the current key. */
static int put_personal(cc_txn_t *txn, hotline_t *h, const char *id, const personal_t *p)
{
    size_t len = 0;
    uint8_t *sealed = cc_personal_seal(h->keys, id, p, &len);
    int r = cc_txn_put(txn, h->personal_dbi, id, strlen(id), sealed, len, 0);

    free(sealed);
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

/* Whether @p has ended (closed, or refused): its personal data is kept
 * for the policy's retention period from then on (closed_at). */
static bool pakn_ended(const cc_pakn_t *p)
{
    return p->state == CC_PAKN_CLOSED || p->state == CC_PAKN_REFUSED;
}

/* Move @id's index entries from its state @before to @after. */
static int reindex(cc_txn_t *txn, hotline_t *h, const char *id, const cc_pakn_t *before,
                   const cc_pakn_t *after)
{
    uint8_t key[OPEN_KEY_MAX];
    int r;

    if (pakn_ended(before) && (r = cc_tindex_del(txn, h->retention_dbi, before->closed_at, id)) < 0)
        return r;
    if (pakn_ended(after) && (r = cc_tindex_put(txn, h->retention_dbi, after->closed_at, id)) < 0)
        return r;
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
 * indexes are emptied and every complaint's entries put again. */
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
        (r = cc_txn_drop(txn, h->retention_dbi)) < 0 ||
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

    if ((r = load_personal(txn, h, id, &pd, NULL)) < 0)
        return r;
    name = dup_str(pd.name);
    phone = dup_str(pd.phone);
    r = cc_redact(pd.answer.len ? pd.answer.ptr : "", pd.answer.len, name, phone, &text, NULL);
    if (r == 0)
        r = cc_txn_put(txn, h->published_dbi, id, strlen(id), text, strlen(text), 0);
    cc_personal_release(&pd);
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
        /* The fields opened into a buffer of their own: writing cannot
         * move what they point into. */
        if ((r = load_personal(txn, h, ev->pakn, &pd, NULL)) < 0)
            return r;
        pd.answer = ev->answer;
        r = put_personal(txn, h, ev->pakn, &pd);
        cc_personal_release(&pd);
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

/* The (time, id) pairs of an index that are due, collected first: the
 * index changes under the loop that acts on them. */
typedef struct {
    int64_t t;
    char id[CC_MAX_ID + 1];
} due_t;

typedef struct {
    due_t *v;
    size_t n, max;
} due_list_t;

static int collect_due(int64_t t, const char *id, void *arg)
{
    due_list_t *d = arg;

    if (d->n == d->max)
        return 1;
    if (strlen(id) > CC_MAX_ID)
        return MDB_CORRUPTED;
    d->v[d->n].t = t;
    snprintf(d->v[d->n++].id, CC_MAX_ID + 1, "%s", id);
    return 0;
}

/* Pairs of @dbi due at @until at the latest, at most @max. */
static int due_list(cc_txn_t *txn, MDB_dbi dbi, int64_t until, size_t max, due_list_t *ret)
{
    ret->v = cc_xcalloc(max, sizeof(*ret->v));
    ret->n = 0;
    ret->max = max;
    return cc_tindex_scan(txn, dbi, until, collect_due, ret);
}

int cc_hotline_escalate(void *dom, cc_txn_t *txn, int64_t now, cc_hotline_append_fn append,
                        void *ctx, size_t *ret_count)
{
    hotline_t *h = dom;
    due_list_t due;
    cc_enc_t pairs;
    size_t count = 0;
    int r;

    cc_enc_init(&pairs);
    r = due_list(txn, h->timer_dbi, now - 1, CC_HOTLINE_ESCALATE_MAX, &due);
    for (size_t i = 0; i < due.n && r == 0; i++) {
        const char *id = due.v[i].id;
        cc_pakn_t p, before;
        int64_t at;
        int e;

        if ((r = load_pakn(txn, h, id, &p)) < 0)
            break;
        before = p;
        while ((e = cc_pakn_escalate(*h->catalog, &p, now, &at)) > 0) {
            /* At most CC_MAX_ID bytes (ids of CC_PAKN_MAX_ID, levels 1..3);
             * the margin is for the compiler's bounds. */
            char eid[CC_MAX_ID + 8];
            const char *type = e == CC_PAKN_ESCALATED ? "pakn_escalated" : "pakn_overdue";
            uint64_t last = 0, seq = 0;

            /* Escalations: one per level, named by it. Overdue at level 3:
             * once per round, named by the record's own sequence. */
            if (e == CC_PAKN_ESCALATED)
                snprintf(eid, sizeof(eid), "%s%.*s:%u", CC_HOTLINE_RESERVED_EID, CC_PAKN_MAX_ID, id,
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
    free(due.v);
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

/* Whether the earliest pair of the (time, id) index @dbi is due at @until
 * (a read: most ticks have nothing to do and must not cost a commit). */
static int index_due(cc_store_t *store, MDB_dbi dbi, int64_t until, bool *ret)
{
    char id[CC_TINDEX_ID_MAX + 1];
    int64_t first;
    cc_txn_t txn;
    int r;

    *ret = false;
    if ((r = cc_store_read_begin(store, &txn)) < 0)
        return r;
    r = cc_tindex_first(&txn, dbi, &first, id, sizeof(id));
    cc_txn_end(&txn);
    if (r == -ENOENT)
        return 0;
    if (r == 0)
        *ret = first <= until;
    return r;
}

/* ---- Personal data: retention and erasure --------------------------------------------- */

/* Erase complaint @id's personal data at @now: its stored value becomes
 * the erased marker (nothing to do when it has none, or it is erased
 * already; *@ret_erased says whether it did). The figures are untouched:
 * they live in the log and the complaint's state. */
static int erase_personal(cc_txn_t *txn, hotline_t *h, const char *id, int64_t now,
                          bool *ret_erased)
{
    uint8_t marker[9];
    MDB_val v;
    int r = cc_txn_get(txn, h->personal_dbi, id, strlen(id), &v);

    *ret_erased = false;
    if (r == -ENOENT)
        return 0;
    if (r < 0)
        return r;
    if (cc_personal_is_erased(v.mv_data, v.mv_size))
        return 0;
    if ((r = cc_txn_put(txn, h->personal_dbi, id, strlen(id), marker,
                        cc_personal_erased(marker, now), 0)) < 0)
        return r;
    *ret_erased = true;
    return 0;
}

int cc_hotline_expire(void *dom, cc_txn_t *txn, int64_t now, size_t *ret_count)
{
    hotline_t *h = dom;
    int64_t until = now - (int64_t)cc_catalog_policy(*h->catalog)->pakn_retention_days * 86400;
    size_t count = 0;
    due_list_t due;
    int r;

    r = due_list(txn, h->retention_dbi, until, ERASE_MAX, &due);
    for (size_t i = 0; i < due.n && r == 0; i++) {
        bool erased = false;

        if ((r = erase_personal(txn, h, due.v[i].id, now, &erased)) == 0)
            r = cc_tindex_del(txn, h->retention_dbi, due.v[i].t, due.v[i].id);
        count += erased;
    }
    free(due.v);
    if (r == 0 && ret_count)
        *ret_count = count;
    return r;
}

static int retention_txn(cc_txn_t *txn, void *arg)
{
    tick_ctx_t *t = arg;

    return cc_hotline_expire(t->h, txn, t->now, &t->count);
}

static int retention_tick(hotline_t *h, cc_store_t *store, int64_t now)
{
    int64_t days = cc_catalog_policy(*h->catalog)->pakn_retention_days;
    tick_ctx_t rt = { h, NULL, now, 0 };
    bool due;
    int r;

    if ((r = index_due(store, h->retention_dbi, now - days * 86400, &due)) < 0 || !due)
        return r;
    if ((r = cc_store_write(store, retention_txn, &rt)) < 0)
        return r;
    h->n_erased += rt.count;
    if (rt.count)
        cc_log(LOG_NOTICE,
               "Erased the personal data of %zu complaint(s) closed more than %lld days ago "
               "(policy retention_days)",
               rt.count, (long long)days);
    return 0;
}

static int hotline_tick(void *dom, cc_evd_t *evd, int64_t now)
{
    tick_ctx_t t = { dom, evd, now, 0 };
    bool due;
    int r;

    if ((r = retention_tick(dom, cc_evd_store(evd), now)) < 0)
        return r;
    if ((r = index_due(cc_evd_store(evd), t.h->timer_dbi, now - 1, &due)) < 0 || !due)
        return r;
    if ((r = cc_store_write(cc_evd_store(evd), tick_txn, &t)) < 0)
        return r;
    t.h->n_escalated += t.count;
    if (t.count)
        cc_log(LOG_NOTICE, "%zu complaint deadline(s) passed: escalated, or overdue at level 3",
               t.count);
    return 0;
}

/* Complaint ids of the personal database, gathered by a scan that opens
 * each value: those to seal again (@phone NULL: in clear, or not under the
 * current key), or those whose caller's phone has @phone's digits. */
typedef struct {
    hotline_t *h;
    const char *phone;
    char (*ids)[CC_MAX_ID + 1];
    size_t n, cap;
    int bad;          /* the first value that does not open: its error */
    uint32_t bad_key; /* ... the key it needs */
    char bad_id[CC_MAX_ID + 1];
} personal_scan_t;

/* Digits of a phone number, a leading 84 (+84) made a 0. */
static void phone_digits(const char *s, size_t len, char *out, size_t size)
{
    size_t n = 0;

    for (size_t i = 0; i < len && n + 1 < size; i++)
        if (s[i] >= '0' && s[i] <= '9')
            out[n++] = s[i];
    out[n] = '\0';
    if (n > 2 && out[0] == '8' && out[1] == '4') {
        out[0] = '0';
        memmove(out + 1, out + 2, n - 1);
    }
}

static int personal_scan_one(const MDB_val *k, const MDB_val *v, void *arg)
{
    personal_scan_t *ps = arg;
    char id[CC_MAX_ID + 1], digits[40];
    uint32_t key_id = 0;
    personal_t pd;
    bool take;
    int r;

    if (k->mv_size > CC_MAX_ID)
        return MDB_CORRUPTED;
    memcpy(id, k->mv_data, k->mv_size);
    id[k->mv_size] = '\0';
    r = cc_personal_open(ps->h->keys, id, v->mv_data, v->mv_size, &pd, NULL, &key_id);
    if (r < 0) {
        ps->bad = r;
        ps->bad_key = key_id;
        memcpy(ps->bad_id, id, sizeof(id));
        return 1;
    }
    if (ps->phone) {
        phone_digits(pd.phone.ptr ? pd.phone.ptr : "", pd.phone.len, digits, sizeof(digits));
        take = r == CC_PERSONAL_PLAIN && digits[0] && strcmp(digits, ps->phone) == 0;
    } else {
        take = r == CC_PERSONAL_PLAIN && key_id != cc_keyring_current(ps->h->keys);
    }
    cc_personal_release(&pd);
    if (take) {
        if (ps->n == ps->cap) {
            ps->cap = ps->cap ? 2 * ps->cap : 64;
            ps->ids = cc_xrealloc(ps->ids, ps->cap * sizeof(*ps->ids));
        }
        memcpy(ps->ids[ps->n++], id, sizeof(id));
    }
    return 0;
}

typedef struct {
    hotline_t *h;
    personal_scan_t *ps;
    size_t from, to;
} reseal_t;

static int reseal_txn(cc_txn_t *txn, void *arg)
{
    reseal_t *rs = arg;
    int r = 0;

    for (size_t i = rs->from; i < rs->to && r == 0; i++) {
        personal_t pd;

        if ((r = load_personal(txn, rs->h, rs->ps->ids[i], &pd, NULL)) == 0)
            r = put_personal(txn, rs->h, rs->ps->ids[i], &pd);
        cc_personal_release(&pd);
    }
    return r;
}

/* At start: seal again with the current key what is in clear (from an
 * older version) or under an older key (after a rotation), in chunks;
 * refuse to start when some data needs a key the file lacks. */
static int reseal_all(cc_store_t *store, hotline_t *h, char *err, size_t err_len)
{
    personal_scan_t ps = { .h = h };
    cc_txn_t txn;
    int r;

    if ((r = cc_store_read_begin(store, &txn)) < 0)
        return r;
    r = cc_txn_scan(&txn, h->personal_dbi, NULL, 0, personal_scan_one, &ps);
    cc_txn_end(&txn);
    if (r == 0 && ps.bad == -ENOKEY)
        r = cc_fail(-ENOKEY, err, err_len,
                    "the personal data of complaint %s is sealed with key ID %u, which the "
                    "personal data keys do not have (personal_keys)",
                    ps.bad_id, (unsigned)ps.bad_key);
    else if (r == 0 && ps.bad < 0)
        r = cc_fail(MDB_CORRUPTED, err, err_len,
                    "the personal data of complaint %s does not open (altered, or not sealed "
                    "with these keys)",
                    ps.bad_id);
    for (size_t from = 0; r == 0 && from < ps.n; from += ERASE_MAX) {
        reseal_t rs = { h, &ps, from, from + ERASE_MAX < ps.n ? from + ERASE_MAX : ps.n };

        if ((r = cc_store_write(store, reseal_txn, &rs)) < 0)
            snprintf(err, err_len, "cannot seal the personal data again: %s", cc_store_strerror(r));
    }
    if (r == 0 && ps.n)
        cc_log(LOG_NOTICE,
               "Sealed the personal data of %zu complaint(s) with key ID %u (it was in clear, "
               "or under an older key)",
               ps.n, (unsigned)cc_keyring_current(h->keys));
    free(ps.ids);
    return r;
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
    int64_t now = cc_clock_now(), erased_at = 0;
    personal_t pd = { 0 };
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
    if ((r = load_personal(&txn, h, id, &pd, &erased_at)) < 0)
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
    cc_enc_kv_i64(out, "erased_at", erased_at);
    cc_enc_map_close(out, map);
    cc_enc_str(out, "history");
    r = cc_evd_history(&txn, h->events_dbi, h->log_dbi, id, out);
out:
    cc_txn_end(&txn);
    cc_personal_release(&pd);
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

static const cc_field_t q_erase_fields[] = {
    { "pakn", CC_T_ID, false, 0, 0 },
    { "phone", CC_T_STR, false, 1, CC_PAKN_MAX_PHONE },
};

typedef struct {
    hotline_t *h;
    personal_scan_t *ps;
    int64_t now;
    size_t *erased; /* indexes into ps->ids of those erased now */
    size_t n_erased;
} erase_ctx_t;

/* (cc_store_write may run it again: it starts afresh each time.) */
static int erase_txn(cc_txn_t *txn, void *arg)
{
    erase_ctx_t *e = arg;
    int r = 0;

    e->n_erased = 0;
    for (size_t i = 0; i < e->ps->n && r == 0; i++) {
        cc_pakn_t p;
        bool erased = false;

        if ((r = load_pakn(txn, e->h, e->ps->ids[i], &p)) < 0 ||
            (r = erase_personal(txn, e->h, e->ps->ids[i], e->now, &erased)) < 0)
            break;
        /* Nothing is left to erase at the end of its retention period. */
        if (erased && pakn_ended(&p) &&
            (r = cc_tindex_del(txn, e->h->retention_dbi, p.closed_at, e->ps->ids[i])) < 0)
            break;
        if (erased)
            e->erased[e->n_erased++] = i;
    }
    return r;
}

/* An operator erases one person's data on request (NĐ 13/2023 Đ16): the
 * complaint named, or every complaint whose caller's phone is the one
 * given. The figures stay. RESULT {rid, erased, pakn: [ids]}. */
static int query_erase(hotline_t *h, cc_store_t *store, const cc_principal_t *who,
                       const msgpack_object *body, uint64_t rid, cc_enc_t *out, cc_reject_t *rej)
{
    personal_scan_t ps = { .h = h };
    erase_ctx_t e = { h, &ps, cc_clock_now(), NULL, 0 };
    char digits[40] = "";
    cc_str_t phone = { NULL, 0 };
    cc_txn_t txn;
    int r;

    if (who->role != CC_ROLE_OPERATOR)
        return cc_reject(rej, CC_ERR_NOT_AUTHORIZED, "q",
                         "Chỉ người vận hành được xóa dữ liệu cá nhân",
                         "Only an operator may erase personal data");
    if (cc_reject_fields(rej, body, q_erase_fields, CC_N(q_erase_fields),
                         "Yêu cầu xóa không hợp lệ", "Invalid erase request"))
        return 1;
    if ((cc_map_find(body, "pakn") != NULL) == (cc_map_str(body, "phone", &phone) == 0))
        return cc_reject(rej, CC_ERR_BAD_FIELD, "pakn",
                         "Cần đúng một trong hai: mã PAKN 'pakn' hoặc số điện thoại 'phone'",
                         "Give either 'pakn' (a complaint id) or 'phone' (the caller's number)");
    if (phone.ptr) {
        phone_digits(phone.ptr, phone.len, digits, sizeof(digits));
        if (strlen(digits) < 8 || strlen(digits) > 15)
            return cc_reject(rej, CC_ERR_BAD_FIELD, "phone", "Số điện thoại phải có 8-15 chữ số",
                             "'phone' must have 8 to 15 digits");
        ps.phone = digits;
        if ((r = cc_store_read_begin(store, &txn)) < 0)
            return r;
        r = cc_txn_scan(&txn, h->personal_dbi, NULL, 0, personal_scan_one, &ps);
        cc_txn_end(&txn);
        if (r == 0 && ps.bad < 0)
            r = MDB_CORRUPTED;
    } else {
        cc_pakn_t p;

        ps.ids = cc_xcalloc(1, sizeof(*ps.ids));
        cc_map_strcpy(body, "pakn", ps.ids[0], sizeof(ps.ids[0]));
        if ((r = cc_store_read_begin(store, &txn)) < 0)
            goto out;
        r = load_pakn(&txn, h, ps.ids[0], &p);
        cc_txn_end(&txn);
        if (r == 0 && p.state == CC_PAKN_NONE)
            r = cc_reject(rej, CC_ERR_UNKNOWN_COMPLAINT, "pakn", "Không có PAKN %s",
                          "No complaint %s", ps.ids[0]);
        ps.n = 1;
    }
    e.erased = cc_xcalloc(ps.n + 1, sizeof(*e.erased));
    if (r == 0 && (r = cc_store_write(store, erase_txn, &e)) == 0) {
        h->n_erased += e.n_erased;
        cc_log_kv(LOG_NOTICE, "PRINCIPAL", who->who, "OPERATOR_COMMAND", "erase",
                  "Operator %s erased the personal data of %zu complaint(s) on request (by %s)",
                  who->who, e.n_erased, phone.ptr ? "phone number" : ps.ids[0]);
        cc_enc_map(out, 3);
        cc_enc_kv_u64(out, "rid", rid);
        cc_enc_kv_u64(out, "erased", e.n_erased);
        cc_enc_str(out, "pakn");
        cc_enc_array(out, e.n_erased);
        for (size_t i = 0; i < e.n_erased; i++)
            cc_enc_str(out, ps.ids[e.erased[i]]);
    }
    free(e.erased);
out:
    free(ps.ids);
    return r;
}

static int hotline_query(void *dom, cc_store_t *store, const cc_principal_t *who, cc_str_t q,
                         const msgpack_object *body, uint64_t rid, cc_enc_t *out, cc_reject_t *rej)
{
    if (cc_str_eq(q, "erase"))
        return query_erase(dom, store, who, body, rid, out, rej);
    if (cc_str_eq(q, "pakn"))
        return query_pakn(dom, store, who, body, rid, out, rej);
    if (cc_str_eq(q, "pakn_open"))
        return query_open(dom, store, who, body, rid, out, rej);
    return -ENOENT;
}

static void hotline_status(void *dom, char *buf, size_t len)
{
    hotline_t *h = dom;

    snprintf(buf, len, "catalogs: %zu units; escalated %llu; personal data erased %llu",
             cc_catalog_unit_count(*h->catalog), (unsigned long long)h->n_escalated,
             (unsigned long long)h->n_erased);
}

static const cc_option_t hotline_options[] = {
    { "personal_keys", CC_OPT_STR, offsetof(cc_evd_settings_t, personal_keys), NULL, 0, 0,
      "the keys of the callers' personal data at rest (lines 'ID HEX'; cchc keygen "
      "--data-key=ID); unset = the systemd credential personal.keys, else "
      "<state_dir>/personal.keys, made at first start" },
};

/* Record keys whose values come from small sets (catalog codes, the
 * vocabularies of PROTOCOL.md, agents): stored once each (cc_logpack.h). */
static const char *const packed_values[] = {
    "unit", "state", "category", "ctype", "channel", "agent", "reason", NULL,
};

const cc_evd_domain_t cc_hotline_domain = {
    .name = "hotline",
    .packed_values = packed_values,
    .options = hotline_options,
    .n_options = CC_N(hotline_options),
    .open = hotline_open,
    .close = hotline_close,
    .may_push = hotline_may_push,
    .apply = hotline_apply,
    .query = hotline_query,
    .tick = hotline_tick,
    .status = hotline_status,
};
