/*
 * dossier_store.c - a dossier as intake stores it (see dossier_store.h).
 */
#include "dossier_store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cc_base.h"
#include "cc_mem.h"

#define SAME_AS_RECV_UNIT 0xff
/* The value without its history: version, 7 small fields, 6 times, 3 codes,
 * the id. */
#define FIXED_MAX (1 + 7 + 6 * CC_VARINT_MAX + 3 * (1 + CC_MAX_CODE) + 1 + CC_MAX_ID)
#define HASH_KEY "dossier_hash_key"

struct cc_dossiers {
    MDB_dbi dbi;
    cc_idmap_t *ids; /* the hash of each id, to its key */
};

/* A reader of one value; any overrun marks it bad. */
typedef struct {
    const uint8_t *p, *end;
    bool bad;
} reader_t;

static uint64_t get_varint(reader_t *r)
{
    uint64_t v = 0;

    if (!cc_varint_get(&r->p, r->end, &v))
        r->bad = true;
    return v;
}

static uint8_t get_byte(reader_t *r)
{
    if (r->p >= r->end) {
        r->bad = true;
        return 0;
    }
    return *r->p++;
}

/* A string of at most @max bytes: its length, then its bytes, into @dst
 * (@max + 1). */
static void get_string(reader_t *r, char *dst, size_t max)
{
    uint8_t n = get_byte(r);

    if (n > max || (size_t)(r->end - r->p) < n) {
        r->bad = true;
        dst[0] = '\0';
        return;
    }
    memcpy(dst, r->p, n);
    dst[n] = '\0';
    r->p += n;
}

static size_t put_string(uint8_t *out, const char *str, size_t max)
{
    size_t n = strnlen(str, max);

    out[0] = (uint8_t)n;
    memcpy(out + 1, str, n);
    return 1 + n;
}

/* Parse the stored value @v of a dossier into @ret, its id into @id
 * (CC_MAX_ID + 1). Returns 0 or MDB_CORRUPTED. */
static int parse(const MDB_val *v, cc_stored_dossier_t *ret, char *id)
{
    cc_dossier_t *d = &ret->d;
    reader_t r = { v->mv_data, (const uint8_t *)v->mv_data + v->mv_size, false };

    memset(ret, 0, sizeof(*ret));
    if (get_byte(&r) != CC_DOSSIER_STORE_VERSION)
        return MDB_CORRUPTED;
    d->version = CC_DOSSIER_VERSION;
    d->state = get_byte(&r);
    d->channel = get_byte(&r);
    d->sos_pending = get_byte(&r);
    d->apology = get_byte(&r);
    d->supplements = get_byte(&r);
    d->klass = get_byte(&r);
    d->consults_open = get_byte(&r);
    d->received_at = (int64_t)get_varint(&r);
    d->due_at = (int64_t)get_varint(&r);
    d->promised_at = (int64_t)get_varint(&r);
    d->resolved_at = (int64_t)get_varint(&r);
    d->last_at = (int64_t)get_varint(&r);
    d->sos_at = (int64_t)get_varint(&r);
    get_string(&r, d->proc, CC_MAX_CODE);
    get_string(&r, d->recv_unit, CC_MAX_CODE);
    if (r.p < r.end && *r.p == SAME_AS_RECV_UNIT) {
        r.p++;
        memcpy(d->unit, d->recv_unit, sizeof(d->unit));
    } else {
        get_string(&r, d->unit, CC_MAX_CODE);
    }
    get_string(&r, id, CC_MAX_ID);
    ret->n_records = get_varint(&r);
    if (ret->n_records > 0) {
        ret->first_seq = ret->last_seq = get_varint(&r);
        ret->deltas = r.p;
        ret->deltas_len = (size_t)(r.end - r.p);
        /* The last seq, for the next delta; and a check of the whole. */
        for (uint64_t i = 1; i < ret->n_records && !r.bad; i++)
            ret->last_seq += get_varint(&r);
    }
    if (r.bad || r.p != r.end || d->unit[0] == '\0' || d->state == CC_DOSSIER_NONE ||
        ret->n_records == 0)
        return MDB_CORRUPTED;
    return 0;
}

/* The id's hash. */
static uint64_t id_hash(const cc_dossiers_t *ds, const char *id)
{
    return cc_idmap_hash(ds->ids, id, strlen(id), NULL, 0);
}

int cc_dossier_load(cc_txn_t *txn, const cc_dossiers_t *ds, const char *id,
                    cc_stored_dossier_t *ret)
{
    char stored_id[CC_MAX_ID + 1];
    cc_idmap_iter_t it;
    uint64_t key;
    int corrupted = 0;

    cc_idmap_lookup(ds->ids, id_hash(ds, id), &it);
    while (cc_idmap_next(&it, &key)) {
        uint8_t k[8];
        MDB_val v;
        int r;

        cc_be64_put(k, key);
        if ((r = cc_txn_get(txn, ds->dbi, k, sizeof(k), &v)) < 0)
            return r == -ENOENT ? MDB_CORRUPTED : r;
        if (parse(&v, ret, stored_id) != 0) {
            corrupted = MDB_CORRUPTED; /* unless another key is this id's */
            continue;
        }
        if (strcmp(stored_id, id) == 0)
            return 0;
    }
    memset(ret, 0, sizeof(*ret));
    return corrupted;
}

int cc_dossier_save(cc_txn_t *txn, cc_dossiers_t *ds, const char *id, const cc_dossier_t *d,
                    const cc_stored_dossier_t *old, uint64_t seq)
{
    uint8_t stack[512], *buf = stack, key[8];
    size_t need = FIXED_MAX + 2 * CC_VARINT_MAX + old->deltas_len + CC_VARINT_MAX, n = 0;
    uint64_t n_records = old->n_records + (seq != 0);
    int r;

    if (old->n_records == 0 && seq == 0)
        return -EINVAL;
    if (old->n_records == 0 && seq > CC_IDMAP_VALUE_MAX)
        return -EOVERFLOW;
    if (need > sizeof(stack))
        buf = cc_xmalloc(need);
    buf[n++] = CC_DOSSIER_STORE_VERSION;
    buf[n++] = d->state;
    buf[n++] = d->channel;
    buf[n++] = d->sos_pending;
    buf[n++] = d->apology;
    buf[n++] = d->supplements;
    buf[n++] = d->klass;
    buf[n++] = d->consults_open;
    n += cc_varint_put(buf + n, (uint64_t)d->received_at);
    n += cc_varint_put(buf + n, (uint64_t)d->due_at);
    n += cc_varint_put(buf + n, (uint64_t)d->promised_at);
    n += cc_varint_put(buf + n, (uint64_t)d->resolved_at);
    n += cc_varint_put(buf + n, (uint64_t)d->last_at);
    n += cc_varint_put(buf + n, (uint64_t)d->sos_at);
    n += put_string(buf + n, d->proc, CC_MAX_CODE);
    n += put_string(buf + n, d->recv_unit, CC_MAX_CODE);
    if (strcmp(d->unit, d->recv_unit) == 0)
        buf[n++] = SAME_AS_RECV_UNIT;
    else
        n += put_string(buf + n, d->unit, CC_MAX_CODE);
    n += put_string(buf + n, id, CC_MAX_ID);
    n += cc_varint_put(buf + n, n_records);
    if (old->n_records > 0) {
        n += cc_varint_put(buf + n, old->first_seq);
        memcpy(buf + n, old->deltas, old->deltas_len);
        n += old->deltas_len;
        if (seq)
            n += cc_varint_put(buf + n, seq - old->last_seq);
    } else if (seq) {
        n += cc_varint_put(buf + n, seq);
    }
    /* A new dossier's first seq is the log's newest: it appends. */
    cc_be64_put(key, old->n_records ? old->first_seq : seq);
    if (old->n_records)
        r = cc_txn_put(txn, ds->dbi, key, sizeof(key), buf, n, 0);
    else if ((r = cc_txn_put_tail(txn, ds->dbi, key, sizeof(key), buf, n)) == 0)
        r = cc_idmap_put(ds->ids, id_hash(ds, id), seq);
    if (buf != stack)
        free(buf);
    return r;
}

/* ---- The table and its map ---------------------------------------------------- */

#define LOAD_BATCH 64

typedef struct {
    cc_dossiers_t *ds;
    cc_stored_dossier_t sd;
    char id[CC_MAX_ID + 1];
    uint64_t unreadable;
    uint64_t hashes[LOAD_BATCH], keys[LOAD_BATCH]; /* put together (cc_idmap_put_many) */
    size_t n;
} load_t;

static int load_flush(load_t *l)
{
    size_t n = l->n;

    l->n = 0;
    return cc_idmap_put_many(l->ds->ids, l->hashes, l->keys, n);
}

static int load_one(const MDB_val *key, const MDB_val *val, void *ctx)
{
    load_t *l = ctx;

    if (key->mv_size != 8 || parse(val, &l->sd, l->id) != 0) {
        l->unreadable++;
        return 0;
    }
    l->hashes[l->n] = id_hash(l->ds, l->id);
    l->keys[l->n++] = cc_be64_get(key->mv_data);
    return l->n == LOAD_BATCH ? load_flush(l) : 0;
}

int cc_dossiers_open(cc_store_t *store, MDB_dbi meta, bool fill, uint64_t *ret_unreadable,
                     cc_dossiers_t **ret_ds)
{
    cc_dossiers_t *ds = cc_xcalloc(1, sizeof(*ds));
    load_t l = { .ds = ds };
    uint64_t n = 0;
    cc_txn_t txn;
    int r;

    if ((r = cc_store_dbi(store, "dossier", 0, &ds->dbi)) < 0 ||
        (r = cc_store_read_begin(store, &txn)) < 0)
        goto fail;
    r = cc_txn_entries(&txn, ds->dbi, &n);
    cc_txn_end(&txn);
    if (r < 0 || (r = cc_idmap_open(store, meta, HASH_KEY, fill ? n : 0, &ds->ids)) < 0)
        goto fail;
    if (fill) {
        if ((r = cc_store_read_begin(store, &txn)) < 0)
            goto fail;
        r = cc_txn_scan(&txn, ds->dbi, NULL, 0, load_one, &l);
        cc_txn_end(&txn);
        if (r == 0)
            r = load_flush(&l);
        if (r < 0)
            goto fail;
    }
    *ret_unreadable = l.unreadable;
    *ret_ds = ds;
    return 0;
fail:
    cc_dossiers_close(&ds);
    return r;
}

void cc_dossiers_close(cc_dossiers_t **ds_p)
{
    if (ds_p == NULL || *ds_p == NULL)
        return;
    cc_idmap_close(&(*ds_p)->ids);
    free(*ds_p);
    *ds_p = NULL;
}

int cc_dossiers_drop(cc_txn_t *txn, cc_dossiers_t *ds) { return cc_txn_drop(txn, ds->dbi); }

void cc_dossiers_dropped(cc_dossiers_t *ds) { cc_idmap_clear(ds->ids); }

uint64_t cc_dossiers_count(const cc_dossiers_t *ds) { return cc_idmap_count(ds->ids); }

size_t cc_dossiers_map_bytes(const cc_dossiers_t *ds) { return cc_idmap_bytes(ds->ids); }

int cc_dossier_each_seq(const cc_stored_dossier_t *sd, cc_dossier_seq_fn fn, void *ctx)
{
    reader_t r = { sd->deltas, sd->deltas + sd->deltas_len, false };
    uint64_t seq = sd->first_seq;

    for (uint64_t i = 0; i < sd->n_records; i++) {
        int rc;

        if (i > 0)
            seq += get_varint(&r);
        if (r.bad)
            return MDB_CORRUPTED;
        if ((rc = fn(seq, ctx)) != 0)
            return rc;
    }
    return 0;
}
