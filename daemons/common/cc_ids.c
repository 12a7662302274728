/*
 * cc_ids.c - which log record holds an event id (see cc_ids.h).
 */
#include "cc_ids.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_base.h"
#include "cc_idmap.h"
#include "cc_log.h"
#include "cc_mem.h"
#include "cc_proto.h"
#include "cc_sd.h"

#define RUNS_DB "id_runs"
#define HASH_KEY "ids_hash_key"
/* Meta: how the store keeps ids (the key kept its first name). 4: runs;
 * 3: "ids", an entry a record (a development version); 2: the old
 * "dedupe" keyed by (sender, id); absent: by the id alone too. */
#define LAYOUT_KEY "dedupe_keys"
#define LAYOUT_RUNS 4
#define OLD_BY_SENDER 2
#define OLD_DEDUPE_DB "dedupe"
#define OLD_PER_RECORD 3        /* a layout of one development version: */
#define OLD_PER_RECORD_DB "ids" /* an entry a record */
#define OLD_DIGEST 0x01
#define CONVERT_CHUNK 50000

#define ENTRY 13 /* bytes a record: flags, tag, digest */
#define HAS_ID 0x01
#define HAS_DIGEST 0x02

struct cc_ids {
    cc_store_t *store;
    MDB_dbi meta, log, runs;
    cc_idmap_t *map;
    /* the run of the open write transaction, written by prepare() */
    uint8_t *run;
    size_t run_n, run_cap;
    uint64_t run_first;
};

/* ---- One entry ------------------------------------------------------------------ */

static void entry_put(uint8_t *e, uint64_t hash, const uint64_t *digest, bool has_id)
{
    e[0] = (uint8_t)((has_id ? HAS_ID : 0) | (digest ? HAS_DIGEST : 0));
    e[1] = (uint8_t)(hash >> 56);
    e[2] = (uint8_t)(hash >> 48);
    e[3] = (uint8_t)(hash >> 40);
    e[4] = (uint8_t)(hash >> 32);
    cc_be64_put(e + 5, digest ? *digest : 0);
}

/* The entry of record @seq, or NULL (-ENOENT in @ret_err) if no run holds it. */
static const uint8_t *entry_of(cc_ids_t *ids, cc_txn_t *txn, uint64_t seq, int *ret_err)
{
    uint8_t key[8];
    MDB_val k, v;
    uint64_t first;
    int r;

    *ret_err = 0;
    if (ids->run_n > 0 && seq >= ids->run_first && seq < ids->run_first + ids->run_n)
        return ids->run + (seq - ids->run_first) * ENTRY;
    cc_be64_put(key, seq);
    if ((r = cc_txn_floor(txn, ids->runs, key, sizeof(key), &k, &v)) < 0) {
        *ret_err = r;
        return NULL;
    }
    first = cc_be64_get(k.mv_data);
    if (k.mv_size != 8 || v.mv_size % ENTRY != 0) {
        *ret_err = MDB_CORRUPTED;
        return NULL;
    }
    if (seq - first >= v.mv_size / ENTRY) {
        *ret_err = -ENOENT;
        return NULL;
    }
    return (const uint8_t *)v.mv_data + (seq - first) * ENTRY;
}

/* Whether log record @seq is @sender's event @eid: 1, 0, or a storage
 * error. A record that cannot be read is nobody's. */
static int record_is(cc_ids_t *ids, cc_txn_t *txn, uint64_t seq, const char *sender, cc_str_t eid)
{
    cc_str_t by, rec_eid;
    const void *data;
    size_t len;
    cc_msg_t rec;
    int r;

    if ((r = cc_log_get(txn, ids->log, seq, &data, &len)) < 0)
        return r == -ENOENT ? 0 : r;
    if (cc_body_decode(data, len, &cc_limits_reply, &rec, NULL, 0) != 0)
        return 0;
    r = cc_map_str(&rec.body, "eid", &rec_eid) == 0 && cc_map_str(&rec.body, "by", &by) == 0 &&
        cc_str_eq(by, sender) && rec_eid.len == eid.len &&
        memcmp(rec_eid.ptr, eid.ptr, eid.len) == 0;
    cc_msg_deinit(&rec);
    return r;
}

/* ---- Finding and adding --------------------------------------------------------- */

uint64_t cc_ids_hash(const cc_ids_t *ids, const char *sender, cc_str_t eid)
{
    return cc_idmap_hash(ids->map, sender, strlen(sender), eid.ptr, eid.len);
}

int cc_ids_find(cc_ids_t *ids, cc_txn_t *txn, uint64_t hash, const char *sender, cc_str_t eid,
                cc_id_found_t *ret)
{
    cc_idmap_iter_t it;
    uint64_t seq;

    cc_idmap_lookup(ids->map, hash, &it);
    while (cc_idmap_next(&it, &seq)) {
        const uint8_t *e;
        int r;

        if ((e = entry_of(ids, txn, seq, &r)) == NULL)
            return r == -ENOENT ? MDB_CORRUPTED : r; /* the map names a record with no entry */
        if ((r = record_is(ids, txn, seq, sender, eid)) < 0)
            return r;
        if (r == 0)
            continue; /* another id of the same 32 bits of hash */
        ret->seq = seq;
        ret->has_digest = (e[0] & HAS_DIGEST) != 0;
        ret->digest = ret->has_digest ? cc_be64_get(e + 5) : 0;
        return 0;
    }
    return -ENOENT;
}

/* Append an entry for record @seq to the open transaction's run. */
static int run_append(cc_ids_t *ids, uint64_t seq, uint64_t hash, const uint64_t *digest,
                      bool has_id)
{
    if (ids->run_n > 0 && seq != ids->run_first + ids->run_n)
        return -EINVAL; /* records append in order: a bug */
    if (ids->run_n == 0)
        ids->run_first = seq;
    if ((ids->run_n + 1) * ENTRY > ids->run_cap) {
        ids->run_cap = ids->run_cap ? ids->run_cap * 2 : 4096 * ENTRY;
        ids->run = cc_xrealloc(ids->run, ids->run_cap);
    }
    entry_put(ids->run + ids->run_n * ENTRY, hash, digest, has_id);
    ids->run_n++;
    return 0;
}

int cc_ids_add(cc_ids_t *ids, cc_txn_t *txn, uint64_t seq, uint64_t hash, const uint64_t *digest)
{
    int r;

    (void)txn; /* written with the commit: prepare() */
    if ((r = run_append(ids, seq, hash, digest, true)) < 0)
        return r;
    return cc_idmap_put(ids->map, hash, seq);
}

/* Before the commit: write the transaction's run. */
static int prepare(cc_txn_t *txn, void *ctx)
{
    cc_ids_t *ids = ctx;
    uint8_t key[8];

    if (ids->run_n == 0)
        return 0;
    cc_be64_put(key, ids->run_first);
    return cc_txn_put(txn, ids->runs, key, sizeof(key), ids->run, ids->run_n * ENTRY, MDB_APPEND);
}

/* The transaction ended: its run is written, or gone with it. */
static void ended(void *ctx) { ((cc_ids_t *)ctx)->run_n = 0; }

uint64_t cc_ids_count(const cc_ids_t *ids) { return cc_idmap_count(ids->map); }

size_t cc_ids_map_bytes(const cc_ids_t *ids) { return cc_idmap_bytes(ids->map); }

/* ---- Opening, and converting an older store ----------------------------------------- */

#define LOAD_BATCH 64

typedef struct {
    cc_ids_t *ids;
    uint64_t last; /* the last record a run holds */
} load_t;

static int load_run(const MDB_val *key, const MDB_val *val, void *ctx)
{
    load_t *l = ctx;
    const uint8_t *e = val->mv_data;
    uint64_t first, hashes[LOAD_BATCH], seqs[LOAD_BATCH];
    size_t n, k = 0;
    int r;

    if (key->mv_size != 8 || val->mv_size % ENTRY != 0 || val->mv_size == 0)
        return MDB_CORRUPTED;
    first = cc_be64_get(key->mv_data);
    n = val->mv_size / ENTRY;
    if (first <= l->last)
        return MDB_CORRUPTED; /* runs overlap */
    for (size_t i = 0; i < n; i++, e += ENTRY) {
        if (!(e[0] & HAS_ID))
            continue;
        hashes[k] = ((uint64_t)e[1] << 24 | (uint64_t)e[2] << 16 | (uint64_t)e[3] << 8 | e[4])
                    << 32;
        seqs[k++] = first + i;
        if (k == LOAD_BATCH) {
            if ((r = cc_idmap_put_many(l->ids->map, hashes, seqs, k)) < 0)
                return r;
            k = 0;
        }
    }
    if ((r = cc_idmap_put_many(l->ids->map, hashes, seqs, k)) < 0)
        return r;
    l->last = first + n - 1;
    return 0;
}

typedef struct {
    cc_ids_t *ids;
    cc_txn_t *txn;      /* the chunk's */
    bool by_sender;     /* every old key is (sender, id): no lookup by the id alone */
    MDB_dbi old;        /* the old "dedupe" index */
    bool has_old;       /* ... if there is one */
    MDB_dbi per_record; /* layout 3's "ids": be64 seq -> be64 hash [, be64 digest] */
    bool has_per_record;
    uint64_t after; /* the last record converted by a committed chunk */
    uint64_t done;  /* the last record converted in this chunk */
    size_t n;       /* records this chunk converted */
} convert_t;

/* The digest an older store kept for record @seq, @by's @eid, if any:
 * 1 with @ret_digest, 0, or a storage error. An entry of another record
 * (its seq) is not this one's. */
static int old_digest(cc_txn_t *txn, const convert_t *c, uint64_t seq, cc_str_t by, cc_str_t eid,
                      uint64_t *ret_digest)
{
    uint8_t key[CC_MAX_CODE + 1 + CC_MAX_ID];
    const uint8_t *p;
    MDB_val v;
    int r;

    if (c->has_per_record) { /* layout 3 */
        cc_be64_put(key, seq);
        if ((r = cc_txn_get(txn, c->per_record, key, 8, &v)) < 0)
            return r == -ENOENT ? 0 : r;
        if (v.mv_size != 16)
            return 0;
        *ret_digest = cc_be64_get((const uint8_t *)v.mv_data + 8);
        return 1;
    }
    if (!c->has_old || by.len > CC_MAX_CODE || eid.len > CC_MAX_ID)
        return 0;
    memcpy(key, by.ptr, by.len);
    key[by.len] = '\0';
    memcpy(key + by.len + 1, eid.ptr, eid.len);
    r = cc_txn_get(txn, c->old, key, by.len + 1 + eid.len, &v);
    if (r == -ENOENT && !c->by_sender)
        r = cc_txn_get(txn, c->old, eid.ptr, eid.len, &v);
    if (r < 0)
        return r == -ENOENT ? 0 : r;
    p = v.mv_data;
    if (v.mv_size < 17 || p[8] != OLD_DIGEST || cc_be64_get(p) != seq)
        return 0;
    *ret_digest = cc_be64_get(p + 9);
    return 1;
}

static int convert_one(uint64_t seq, const void *data, size_t len, void *ctx)
{
    convert_t *c = ctx;
    cc_str_t eid, by;
    uint64_t digest = 0;
    cc_msg_t rec;
    int r, has;

    c->done = seq;
    c->n++;
    if (cc_body_decode(data, len, &cc_limits_reply, &rec, NULL, 0) != 0)
        return run_append(c->ids, seq, 0, NULL, false); /* no id to find it by */
    if (cc_map_str(&rec.body, "eid", &eid) < 0 || cc_map_str(&rec.body, "by", &by) < 0)
        r = run_append(c->ids, seq, 0, NULL, false);
    else if ((has = old_digest(c->txn, c, seq, by, eid, &digest)) < 0)
        r = has;
    else
        r = cc_ids_add(c->ids, c->txn, seq,
                       cc_idmap_hash(c->ids->map, by.ptr, by.len, eid.ptr, eid.len),
                       has ? &digest : NULL);
    cc_msg_deinit(&rec);
    return r;
}

/* The ids are whole: mark the layout, remove the older ones. */
static int mark_layout(cc_txn_t *txn, void *ctx)
{
    cc_ids_t *ids = ctx;
    int r;

    if ((r = cc_txn_remove_dbi(txn, OLD_DEDUPE_DB)) < 0 ||
        (r = cc_txn_remove_dbi(txn, OLD_PER_RECORD_DB)) < 0)
        return r;
    return cc_txn_put_u64(txn, ids->meta, LAYOUT_KEY, LAYOUT_RUNS);
}

static int convert_chunk(cc_txn_t *txn, void *ctx)
{
    convert_t *c = ctx;
    int r;

    c->txn = txn;
    c->done = c->after;
    c->n = 0;
    r = cc_txn_dbi_find(txn, OLD_DEDUPE_DB, &c->old);
    if (r < 0 && r != -ENOENT)
        return r;
    c->has_old = r == 0;
    r = cc_txn_dbi_find(txn, OLD_PER_RECORD_DB, &c->per_record);
    if (r < 0 && r != -ENOENT)
        return r;
    c->has_per_record = r == 0;
    if ((r = cc_log_scan(txn, c->ids->log, c->after, CONVERT_CHUNK, convert_one, c, NULL)) < 0)
        return r;
    if (c->n < CONVERT_CHUNK) /* the last chunk: the ids are whole */
        return mark_layout(txn, c->ids);
    return 0;
}

/* Fill the runs from the log and an older store's "dedupe", from record
 * @after on. */
static int convert(cc_ids_t *ids, uint64_t layout, uint64_t after, uint64_t head)
{
    convert_t c = { .ids = ids, .by_sender = layout == OLD_BY_SENDER, .after = after };
    char status[128];
    int r;

    cc_log(LOG_NOTICE, "Indexing the event ids of %llu log records (once, for this version)",
           (unsigned long long)(head - after));
    do {
        snprintf(status, sizeof(status), "indexing event ids: %llu of %llu records",
                 (unsigned long long)c.after, (unsigned long long)head);
        cc_sd_starting(status, 60000);
        if ((r = cc_store_write(ids->store, convert_chunk, &c)) < 0)
            return r;
        c.after = c.done;
    } while (c.n == CONVERT_CHUNK);
    cc_log(LOG_NOTICE, "Indexed the event ids of %llu log records", (unsigned long long)c.after);
    return 0;
}

/* Start again from the first record: runs left by an interrupted
 * conversion of a layout-3 store are dropped (its "ids" stays until the
 * conversion ends: it holds the digests). */
static int drop_runs(cc_txn_t *txn, void *ctx)
{
    cc_ids_t *ids = ctx;

    return cc_txn_drop(txn, ids->runs);
}

int cc_ids_open(cc_store_t *store, MDB_dbi meta, MDB_dbi log, uint64_t head, cc_ids_t **ret_ids)
{
    cc_ids_t *ids = cc_xcalloc(1, sizeof(*ids));
    load_t l = { .ids = ids };
    uint64_t layout = 0;
    cc_txn_t txn;
    int r;

    ids->store = store;
    ids->meta = meta;
    ids->log = log;
    if ((r = cc_store_dbi(store, RUNS_DB, 0, &ids->runs)) < 0 ||
        (r = cc_store_read_begin(store, &txn)) < 0)
        goto fail;
    r = cc_txn_get_u64(&txn, meta, LAYOUT_KEY, &layout);
    cc_txn_end(&txn);
    if (r < 0 || (r = cc_idmap_open(store, meta, HASH_KEY, head, &ids->map)) < 0)
        goto fail;
    if ((r = cc_store_follow(store, prepare, ended, ended, ids)) < 0) {
        cc_idmap_close(&ids->map);
        goto fail;
    }
    if (layout > LAYOUT_RUNS) {
        cc_log(LOG_ERR,
               "The store keeps event ids in layout %llu, of a newer version than this one "
               "(%d): run the newer version, or restore a backup of this version",
               (unsigned long long)layout, LAYOUT_RUNS);
        r = -EPROTO;
        goto fail_followed;
    }
    if (layout == OLD_PER_RECORD && (r = cc_store_write(store, drop_runs, ids)) < 0)
        goto fail_followed;
    if ((r = cc_store_read_begin(store, &txn)) < 0)
        goto fail_followed;
    r = cc_txn_scan(&txn, ids->runs, NULL, 0, load_run, &l);
    cc_txn_end(&txn);
    if (r < 0)
        goto fail_followed;
    if (layout != LAYOUT_RUNS)
        r = head == 0 ? cc_store_write(store, mark_layout, ids)
                      : convert(ids, layout, l.last, head);
    if (r < 0)
        goto fail_followed;
    *ret_ids = ids;
    return 0;
fail_followed:
    cc_ids_close(&ids);
    return r;
fail:
    free(ids);
    return r;
}

void cc_ids_close(cc_ids_t **ids_p)
{
    cc_ids_t *ids = ids_p ? *ids_p : NULL;

    if (ids == NULL)
        return;
    cc_store_unfollow(ids->store, ids);
    cc_idmap_close(&ids->map);
    free(ids->run);
    free(ids);
    *ids_p = NULL;
}
