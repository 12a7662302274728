/*
 * cc_store.c - the thin LMDB layer (see cc_store.h).
 */
#include "cc_store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cc_base.h"
#include "cc_logpack.h"
#include "cc_mem.h"

#define DEFAULT_MAP_SIZE ((size_t)64 << 20)
#define DEFAULT_MAP_MAX ((size_t)64 << 30)
#define DEFAULT_MAX_DBS 16

#define MAX_FOLLOWERS 8
#define MAX_PACKED_LOGS 2

/* A log stored packed (cc_store_log_pack), and where its records unpack. */
typedef struct {
    MDB_dbi dbi;
    cc_logpack_t *pack;
    cc_logpack_buf_t scan_buf, get_buf;
} packed_log_t;

/* What keeps memory in step with the write transactions (cc_store_follow). */
typedef struct {
    int (*prepare)(cc_txn_t *txn, void *ctx);
    void (*abort)(void *ctx);
    void (*commit)(void *ctx);
    void *ctx;
} follower_t;

struct cc_store {
    MDB_env *env;
    follower_t followers[MAX_FOLLOWERS];
    size_t n_followers;
    packed_log_t packed[MAX_PACKED_LOGS];
    size_t n_packed;
    size_t map_size;
    size_t map_size_max;
    uint64_t grows;
    uint64_t commits;
    unsigned readers; /* read transactions open: the map must not move */
    bool writing;     /* inside cc_store_write() */
};

const char *cc_store_strerror(int err)
{
    if (err < 0 && err >= -4095)
        return strerror(-err);
    return mdb_strerror(err);
}

/* LMDB returns positive errno values for system errors and negative codes
 * of its own; turn the former negative so that callers see one convention. */
static int lmdb_rc(int rc) { return rc > 0 ? -rc : rc; }

int cc_store_open(const char *dir, const cc_store_opts_t *opts, cc_store_t **ret_store)
{
    cc_store_t *s = NULL;
    MDB_envinfo info;
    int dead = 0;
    int r;

    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return -errno;
    s = cc_xcalloc(1, sizeof(*s));
    s->map_size = opts && opts->map_size ? opts->map_size : DEFAULT_MAP_SIZE;
    s->map_size_max = opts && opts->map_size_max ? opts->map_size_max : DEFAULT_MAP_MAX;
    if ((r = lmdb_rc(mdb_env_create(&s->env))) < 0)
        goto out;
    if ((r = lmdb_rc(mdb_env_set_maxdbs(s->env, opts && opts->max_dbs ? opts->max_dbs
                                                                      : DEFAULT_MAX_DBS))) < 0)
        goto out;
    if ((r = lmdb_rc(mdb_env_set_mapsize(s->env, s->map_size))) < 0)
        goto out;
    /* MDB_NOTLS: read transactions are not tied to a thread's slot, so a
     * loop can hold several (a long poll reading while a batch commits). */
    if ((r = lmdb_rc(mdb_env_open(
             s->env, dir, MDB_NOTLS | (opts && opts->lazy_meta_sync ? MDB_NOMETASYNC : 0), 0600))) <
        0)
        goto out;
    /* A process killed with -9 leaves its reader slot behind; clear it. */
    mdb_reader_check(s->env, &dead);
    /* LMDB adopts a larger existing data file's size at open; read it back
     * so that growth doubles from the real figure. */
    if ((r = lmdb_rc(mdb_env_info(s->env, &info))) < 0)
        goto out;
    s->map_size = info.me_mapsize;
    *ret_store = s;
    s = NULL;
out:
    if (s != NULL) {
        if (s->env)
            mdb_env_close(s->env);
        free(s);
    }
    return r;
}

int cc_store_sync(cc_store_t *store) { return lmdb_rc(mdb_env_sync(store->env, 1)); }

void cc_store_close(cc_store_t **store_p)
{
    if (store_p == NULL || *store_p == NULL)
        return;
    for (size_t i = 0; i < (*store_p)->n_packed; i++) {
        cc_logpack_buf_free(&(*store_p)->packed[i].scan_buf);
        cc_logpack_buf_free(&(*store_p)->packed[i].get_buf);
    }
    mdb_env_close((*store_p)->env);
    free(*store_p);
    *store_p = NULL;
}

int cc_store_dbi(cc_store_t *store, const char *name, unsigned flags, MDB_dbi *ret_dbi)
{
    MDB_txn *txn;
    MDB_dbi dbi;
    int r;

    if ((r = lmdb_rc(mdb_txn_begin(store->env, NULL, 0, &txn))) < 0)
        return r;
    if ((r = lmdb_rc(mdb_dbi_open(txn, name, flags | MDB_CREATE, &dbi))) < 0) {
        mdb_txn_abort(txn);
        return r;
    }
    if ((r = lmdb_rc(mdb_txn_commit(txn))) < 0)
        return r;
    *ret_dbi = dbi;
    return 0;
}

static int grow(cc_store_t *store)
{
    size_t next = store->map_size * 2;
    int r;

    if (next > store->map_size_max || next < store->map_size)
        next = store->map_size_max;
    /* mdb_env_set_mapsize() remaps the file: pointers that this process's
     * open read transactions hold would dangle. Refuse cleanly instead. */
    if (store->readers > 0 || next <= store->map_size)
        return MDB_MAP_FULL;
    if ((r = lmdb_rc(mdb_env_set_mapsize(store->env, next))) < 0)
        return r;
    store->map_size = next;
    store->grows++;
    return 0;
}

bool cc_store_writing(const cc_store_t *store) { return store->writing; }

int cc_store_follow(cc_store_t *store, int (*prepare)(cc_txn_t *txn, void *ctx),
                    void (*abort)(void *ctx), void (*commit)(void *ctx), void *ctx)
{
    if (store->n_followers == MAX_FOLLOWERS)
        return -ENOSPC;
    store->followers[store->n_followers++] = (follower_t){ prepare, abort, commit, ctx };
    return 0;
}

void cc_store_unfollow(cc_store_t *store, void *ctx)
{
    for (size_t i = 0; i < store->n_followers; i++)
        if (store->followers[i].ctx == ctx) {
            store->followers[i] = store->followers[--store->n_followers];
            return;
        }
}

/* Let the followers write what they keep for the commit of @t. */
static int prepare(cc_store_t *store, cc_txn_t *t)
{
    int r = 0;

    for (size_t i = 0; i < store->n_followers && r == 0; i++)
        if (store->followers[i].prepare)
            r = store->followers[i].prepare(t, store->followers[i].ctx);
    return r == 0 && t->err < 0 ? t->err : r;
}

/* Tell the followers that the write transaction ended: committed or not. */
static void ended(cc_store_t *store, bool committed)
{
    for (size_t i = 0; i < store->n_followers; i++) {
        void (*fn)(void *) = committed ? store->followers[i].commit : store->followers[i].abort;

        if (fn)
            fn(store->followers[i].ctx);
    }
}

int cc_store_write(cc_store_t *store, cc_store_write_fn fn, void *ctx)
{
    for (;;) {
        cc_txn_t t = { .store = store };
        int r;

        if ((r = lmdb_rc(mdb_txn_begin(store->env, NULL, 0, &t.txn))) < 0)
            return r;
        store->writing = true;
        r = fn(&t, ctx);
        if (r == 0 && t.err < 0)
            r = t.err;
        if (r >= 0) { /* a positive result commits too */
            int p = prepare(store, &t);

            if (p < 0)
                r = p;
        }
        store->writing = false;
        if (r < 0) {
            mdb_txn_abort(t.txn);
            ended(store, false);
            if (r == MDB_MAP_FULL && grow(store) == 0)
                continue;
            return r;
        }
        r = lmdb_rc(mdb_txn_commit(t.txn)); /* a failed commit frees the transaction */
        ended(store, r == 0);
        if (r == MDB_MAP_FULL && grow(store) == 0)
            continue;
        if (r == 0)
            store->commits++;
        return r;
    }
}

int cc_store_read_begin(cc_store_t *store, cc_txn_t *ret_txn)
{
    MDB_txn *txn;
    int r;

    r = lmdb_rc(mdb_txn_begin(store->env, NULL, MDB_RDONLY, &txn));
    if (r == MDB_MAP_RESIZED && store->readers == 0) {
        /* Another process grew the map (a backup tool, say): adopt it,
         * which is safe only while no read transaction of ours is open. */
        if ((r = lmdb_rc(mdb_env_set_mapsize(store->env, 0))) < 0)
            return r;
        r = lmdb_rc(mdb_txn_begin(store->env, NULL, MDB_RDONLY, &txn));
    }
    if (r < 0)
        return r;
    *ret_txn = (cc_txn_t){ .txn = txn, .store = store };
    store->readers++;
    return 0;
}

void cc_txn_end(cc_txn_t *txn)
{
    if (txn == NULL || txn->txn == NULL)
        return;
    mdb_txn_abort(txn->txn);
    txn->txn = NULL;
    txn->store->readers--;
}

/* Record the first failure of a transaction and return it. */
static int sticky(cc_txn_t *txn, int r)
{
    if (r < 0 && txn->err == 0)
        txn->err = r;
    return txn->err ? txn->err : r;
}

int cc_txn_get(cc_txn_t *txn, MDB_dbi dbi, const void *key, size_t key_len, MDB_val *ret_val)
{
    MDB_val k = { key_len, CC_UNCONST(key) };
    int r;

    if (txn->err)
        return txn->err;
    r = mdb_get(txn->txn, dbi, &k, ret_val);
    if (r == MDB_NOTFOUND)
        return -ENOENT;
    return sticky(txn, lmdb_rc(r));
}

int cc_txn_put(cc_txn_t *txn, MDB_dbi dbi, const void *key, size_t key_len, const void *val,
               size_t val_len, unsigned flags)
{
    MDB_val k = { key_len, CC_UNCONST(key) };
    MDB_val v = { val_len, CC_UNCONST(val) };
    int r;

    if (txn->err)
        return txn->err;
    r = mdb_put(txn->txn, dbi, &k, &v, flags);
    if (r == MDB_KEYEXIST)
        return r;
    return sticky(txn, lmdb_rc(r));
}

int cc_txn_put_tail(cc_txn_t *txn, MDB_dbi dbi, const void *key, size_t key_len, const void *val,
                    size_t val_len)
{
    int r = cc_txn_put(txn, dbi, key, key_len, val, val_len, MDB_APPEND);

    /* Not after the last key (or equal to it): an ordinary put. */
    return r == MDB_KEYEXIST ? cc_txn_put(txn, dbi, key, key_len, val, val_len, 0) : r;
}

/* A cursor on @dbi in @txn (the transaction's sticky error first). */
static int cursor_open(cc_txn_t *txn, MDB_dbi dbi, MDB_cursor **ret_cur)
{
    int r;

    if (txn->err)
        return txn->err;
    if ((r = lmdb_rc(mdb_cursor_open(txn->txn, dbi, ret_cur))) < 0)
        return sticky(txn, r);
    return 0;
}

int cc_txn_update(cc_txn_t *txn, MDB_dbi dbi, const void *key, size_t key_len, void *val,
                  size_t val_len, cc_update_fn fn, void *ctx)
{
    MDB_val k = { key_len, CC_UNCONST(key) }, old, v = { val_len, val };
    MDB_cursor *cur;
    bool found;
    int r;

    if ((r = cursor_open(txn, dbi, &cur)) < 0)
        return r;
    r = mdb_cursor_get(cur, &k, &old, MDB_SET_KEY);
    found = r == 0;
    if (r == 0 || r == MDB_NOTFOUND) {
        r = fn(found ? &old : NULL, val, ctx);
        if (r == 0)
            r = sticky(txn, lmdb_rc(mdb_cursor_put(cur, &k, &v, found ? MDB_CURRENT : 0)));
    } else {
        r = sticky(txn, lmdb_rc(r));
    }
    mdb_cursor_close(cur);
    return r;
}

int cc_txn_del(cc_txn_t *txn, MDB_dbi dbi, const void *key, size_t key_len)
{
    MDB_val k = { key_len, CC_UNCONST(key) };
    int r;

    if (txn->err)
        return txn->err;
    if (txn->log_dbi == dbi)
        txn->log_known = false;
    r = mdb_del(txn->txn, dbi, &k, NULL);
    if (r == MDB_NOTFOUND)
        return -ENOENT;
    return sticky(txn, lmdb_rc(r));
}

/* ---- Scans, counts and resets ------------------------------------------------ */

/* Walk @cur from the entry MDB_SET_RANGE/MDB_FIRST put it on with @op,
 * then @next, calling @fn. Closes @cur. */
static int walk(cc_txn_t *txn, MDB_cursor *cur, MDB_val *k, MDB_val *v, MDB_cursor_op op,
                MDB_cursor_op next, cc_scan_fn fn, void *ctx)
{
    int r, stop = 0;

    for (r = mdb_cursor_get(cur, k, v, op); r == 0; r = mdb_cursor_get(cur, k, v, next))
        if ((stop = fn(k, v, ctx)) != 0)
            break;
    mdb_cursor_close(cur);
    if (stop < 0)
        return stop;
    if (stop > 0 || r == MDB_NOTFOUND)
        return 0;
    return sticky(txn, lmdb_rc(r));
}

int cc_txn_scan(cc_txn_t *txn, MDB_dbi dbi, const void *from, size_t from_len, cc_scan_fn fn,
                void *ctx)
{
    MDB_val k = { from_len, CC_UNCONST(from) }, v;
    MDB_cursor *cur;
    int r;

    if ((r = cursor_open(txn, dbi, &cur)) < 0)
        return r;
    return walk(txn, cur, &k, &v, from_len ? MDB_SET_RANGE : MDB_FIRST, MDB_NEXT, fn, ctx);
}

int cc_txn_dups(cc_txn_t *txn, MDB_dbi dbi, const void *key, size_t key_len, cc_scan_fn fn,
                void *ctx, size_t *ret_count)
{
    MDB_val k = { key_len, CC_UNCONST(key) }, v;
    MDB_cursor *cur;
    size_t n = 0;
    int r;

    if ((r = cursor_open(txn, dbi, &cur)) < 0)
        return r;
    r = mdb_cursor_get(cur, &k, &v, MDB_SET_KEY);
    if (r == 0)
        r = mdb_cursor_count(cur, &n);
    if (ret_count)
        *ret_count = r == 0 ? n : 0;
    if (r == MDB_NOTFOUND || (r == 0 && fn == NULL)) {
        mdb_cursor_close(cur);
        return 0;
    }
    if (r != 0) {
        mdb_cursor_close(cur);
        return sticky(txn, lmdb_rc(r));
    }
    return walk(txn, cur, &k, &v, MDB_GET_CURRENT, MDB_NEXT_DUP, fn, ctx);
}

int cc_txn_entries(cc_txn_t *txn, MDB_dbi dbi, uint64_t *ret)
{
    MDB_stat st;
    int r;

    if (txn->err)
        return txn->err;
    if ((r = lmdb_rc(mdb_stat(txn->txn, dbi, &st))) < 0)
        return sticky(txn, r);
    *ret = st.ms_entries;
    return 0;
}

int cc_txn_drop(cc_txn_t *txn, MDB_dbi dbi)
{
    if (txn->err)
        return txn->err;
    if (txn->log_dbi == dbi)
        txn->log_known = false;
    return sticky(txn, lmdb_rc(mdb_drop(txn->txn, dbi, 0)));
}

int cc_txn_floor(cc_txn_t *txn, MDB_dbi dbi, const void *key, size_t key_len, MDB_val *ret_key,
                 MDB_val *ret_val)
{
    MDB_val k = { key_len, CC_UNCONST(key) }, v;
    MDB_cursor *cur;
    int r;

    if ((r = cursor_open(txn, dbi, &cur)) < 0)
        return r;
    r = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    if (r == 0 && (k.mv_size != key_len || memcmp(k.mv_data, key, key_len) != 0))
        r = mdb_cursor_get(cur, &k, &v, MDB_PREV); /* past it: the one before */
    else if (r == MDB_NOTFOUND)
        r = mdb_cursor_get(cur, &k, &v, MDB_LAST); /* past every key: the last */
    mdb_cursor_close(cur);
    if (r == MDB_NOTFOUND)
        return -ENOENT;
    if (r != 0)
        return sticky(txn, lmdb_rc(r));
    *ret_key = k;
    *ret_val = v;
    return 0;
}

int cc_txn_dbi_find(cc_txn_t *txn, const char *name, MDB_dbi *ret_dbi)
{
    int r;

    if (txn->err)
        return txn->err;
    r = mdb_dbi_open(txn->txn, name, 0, ret_dbi);
    if (r == MDB_NOTFOUND)
        return -ENOENT;
    return r ? sticky(txn, lmdb_rc(r)) : 0;
}

int cc_txn_remove_dbi(cc_txn_t *txn, const char *name)
{
    MDB_dbi dbi;
    int r;

    if (txn->err)
        return txn->err;
    r = mdb_dbi_open(txn->txn, name, 0, &dbi);
    if (r == MDB_NOTFOUND)
        return 0;
    if (r != 0)
        return sticky(txn, lmdb_rc(r));
    return sticky(txn, lmdb_rc(mdb_drop(txn->txn, dbi, 1)));
}

/* ---- (time, id) indexes ------------------------------------------------------- */

#define TINDEX_BIAS (1ull << 63)

size_t cc_tindex_key(uint8_t *out, int64_t t, const char *id)
{
    size_t n = strnlen(id, CC_TINDEX_ID_MAX);

    cc_be64_put(out, (uint64_t)t ^ TINDEX_BIAS);
    memcpy(out + 8, id, n);
    return 8 + n;
}

int cc_tindex_put(cc_txn_t *txn, MDB_dbi dbi, int64_t t, const char *id)
{
    uint8_t key[8 + CC_TINDEX_ID_MAX];

    return cc_txn_put(txn, dbi, key, cc_tindex_key(key, t, id), "", 0, 0);
}

int cc_tindex_del(cc_txn_t *txn, MDB_dbi dbi, int64_t t, const char *id)
{
    uint8_t key[8 + CC_TINDEX_ID_MAX];
    int r = cc_txn_del(txn, dbi, key, cc_tindex_key(key, t, id));

    return r == -ENOENT ? 0 : r;
}

int cc_tindex_split(const void *key, size_t len, int64_t *ret_t, char *id)
{
    if (len < 8 || len > 8 + CC_TINDEX_ID_MAX)
        return MDB_CORRUPTED;
    *ret_t = (int64_t)(cc_be64_get(key) ^ TINDEX_BIAS);
    memcpy(id, (const uint8_t *)key + 8, len - 8);
    id[len - 8] = '\0';
    return 0;
}

typedef struct {
    int64_t until;
    cc_tindex_fn fn;
    void *ctx;
} tindex_scan_t;

static int tindex_one(const MDB_val *k, const MDB_val *v, void *arg)
{
    tindex_scan_t *s = arg;
    char id[CC_TINDEX_ID_MAX + 1];
    int64_t t;

    (void)v;
    if (cc_tindex_split(k->mv_data, k->mv_size, &t, id) < 0)
        return MDB_CORRUPTED;
    if (t > s->until)
        return 1;
    return s->fn(t, id, s->ctx);
}

int cc_tindex_scan(cc_txn_t *txn, MDB_dbi dbi, int64_t until, cc_tindex_fn fn, void *ctx)
{
    tindex_scan_t s = { until, fn, ctx };

    return cc_txn_scan(txn, dbi, NULL, 0, tindex_one, &s);
}

typedef struct {
    int64_t t;
    char *id;
    size_t id_len;
    bool found;
} tindex_first_t;

static int tindex_take(const MDB_val *k, const MDB_val *v, void *arg)
{
    tindex_first_t *f = arg;
    char id[CC_TINDEX_ID_MAX + 1];

    (void)v;
    if (cc_tindex_split(k->mv_data, k->mv_size, &f->t, id) < 0)
        return MDB_CORRUPTED;
    snprintf(f->id, f->id_len, "%s", id);
    f->found = true;
    return 1;
}

int cc_tindex_first(cc_txn_t *txn, MDB_dbi dbi, int64_t *ret_t, char *id, size_t id_len)
{
    tindex_first_t f = { 0, id, id_len, false };
    int r = cc_txn_scan(txn, dbi, NULL, 0, tindex_take, &f);

    if (r < 0)
        return r;
    if (!f.found)
        return -ENOENT;
    *ret_t = f.t;
    return 0;
}

void cc_be64_put(uint8_t out[8], uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        out[i] = (uint8_t)v;
        v >>= 8;
    }
}

uint64_t cc_be64_get(const void *in)
{
    const uint8_t *p = in;
    uint64_t v = 0;

    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

int cc_txn_get_u64(cc_txn_t *txn, MDB_dbi dbi, const char *key, uint64_t *ret)
{
    MDB_val v;
    int r = cc_txn_get(txn, dbi, key, strlen(key), &v);

    if (r == -ENOENT) {
        *ret = 0;
        return 0;
    }
    if (r < 0)
        return r;
    if (v.mv_size != 8)
        return sticky(txn, MDB_CORRUPTED);
    *ret = cc_be64_get(v.mv_data);
    return 0;
}

int cc_txn_put_u64(cc_txn_t *txn, MDB_dbi dbi, const char *key, uint64_t v)
{
    uint8_t b[8];

    cc_be64_put(b, v);
    return cc_txn_put(txn, dbi, key, strlen(key), b, sizeof(b), 0);
}

int cc_log_last(cc_txn_t *txn, MDB_dbi log, uint64_t *ret_seq)
{
    MDB_cursor *cur;
    MDB_val k, v;
    int r;

    if (txn->err)
        return txn->err;
    if (txn->log_known && txn->log_dbi == log) {
        *ret_seq = txn->log_last;
        return 0;
    }
    if ((r = lmdb_rc(mdb_cursor_open(txn->txn, log, &cur))) < 0)
        return sticky(txn, r);
    r = mdb_cursor_get(cur, &k, &v, MDB_LAST);
    mdb_cursor_close(cur);
    if (r == MDB_NOTFOUND) {
        *ret_seq = 0;
    } else if (r != 0) {
        return sticky(txn, lmdb_rc(r));
    } else if (k.mv_size != 8) {
        return sticky(txn, MDB_CORRUPTED);
    } else {
        *ret_seq = cc_be64_get(k.mv_data);
    }
    txn->log_known = true;
    txn->log_dbi = log;
    txn->log_last = *ret_seq;
    return 0;
}

int cc_store_log_pack(cc_store_t *store, MDB_dbi log, cc_logpack_t *pack)
{
    for (size_t i = 0; i < store->n_packed; i++)
        if (store->packed[i].dbi == log) {
            store->packed[i].pack = pack;
            return 0;
        }
    if (pack == NULL)
        return 0;
    if (store->n_packed == MAX_PACKED_LOGS)
        return -ENOSPC;
    store->packed[store->n_packed++] = (packed_log_t){ .dbi = log, .pack = pack };
    return 0;
}

/* How @log is packed, if it is. */
static packed_log_t *packed_log(cc_store_t *store, MDB_dbi log)
{
    for (size_t i = 0; i < store->n_packed; i++)
        if (store->packed[i].dbi == log && store->packed[i].pack)
            return &store->packed[i];
    return NULL;
}

/* The record stored as @v in @log: itself, or unpacked into @buf. */
static int unpack(packed_log_t *pl, cc_logpack_buf_t *buf, MDB_val *v)
{
    const void *rec;
    size_t len;
    int r;

    if (pl == NULL)
        return 0;
    if ((r = cc_logpack_unpack(pl->pack, v->mv_data, v->mv_size, buf, &rec, &len)) < 0)
        return r;
    v->mv_data = CC_UNCONST(rec);
    v->mv_size = len;
    return 0;
}

int cc_log_get(cc_txn_t *txn, MDB_dbi log, uint64_t seq, const void **ret_rec, size_t *ret_len)
{
    packed_log_t *pl = packed_log(txn->store, log);
    uint8_t key[8];
    MDB_val v;
    int r;

    cc_be64_put(key, seq);
    if ((r = cc_txn_get(txn, log, key, sizeof(key), &v)) < 0 ||
        (r = unpack(pl, pl ? &pl->get_buf : NULL, &v)) < 0)
        return r;
    *ret_rec = v.mv_data;
    *ret_len = v.mv_size;
    return 0;
}

int cc_log_append(cc_txn_t *txn, MDB_dbi log, const void *rec, size_t len, uint64_t *ret_seq)
{
    packed_log_t *pl = packed_log(txn->store, log);
    uint64_t last = 0;
    uint8_t key[8];
    int r;

    if ((r = cc_log_last(txn, log, &last)) < 0)
        return r;
    if (pl && (r = cc_logpack_pack(pl->pack, txn, rec, len, &rec, &len)) < 0)
        return sticky(txn, r);
    cc_be64_put(key, last + 1);
    if ((r = cc_txn_put(txn, log, key, sizeof(key), rec, len, MDB_APPEND)) < 0)
        return r;
    txn->log_last = *ret_seq = last + 1;
    return 0;
}

int cc_log_scan(cc_txn_t *txn, MDB_dbi log, uint64_t after, size_t max, cc_log_fn fn, void *ctx,
                size_t *ret_count)
{
    packed_log_t *pl;
    MDB_cursor *cur;
    MDB_val k, v;
    uint8_t key[8];
    size_t n = 0;
    int r;

    if (txn->err)
        return txn->err;
    pl = packed_log(txn->store, log);
    if ((r = lmdb_rc(mdb_cursor_open(txn->txn, log, &cur))) < 0)
        return sticky(txn, r);
    cc_be64_put(key, after + 1);
    k.mv_size = sizeof(key);
    k.mv_data = key;
    r = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    while (r == 0 && n < max) {
        int stop;

        if (k.mv_size != 8) {
            r = MDB_CORRUPTED;
            break;
        }
        n++;
        if ((r = unpack(pl, pl ? &pl->scan_buf : NULL, &v)) < 0)
            break;
        stop = fn(cc_be64_get(k.mv_data), v.mv_data, v.mv_size, ctx);
        if (stop) {
            r = stop < 0 ? stop : 0;
            goto out;
        }
        r = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
    }
    if (r == MDB_NOTFOUND)
        r = 0;
    r = lmdb_rc(r);
    if (r < 0)
        sticky(txn, r);
out:
    mdb_cursor_close(cur);
    if (r >= 0 && ret_count)
        *ret_count = n;
    return r;
}

void cc_store_stats(cc_store_t *store, cc_store_stats_t *ret)
{
    MDB_envinfo info;
    MDB_stat st;

    memset(ret, 0, sizeof(*ret));
    ret->map_size = store->map_size;
    ret->grows = store->grows;
    ret->commits = store->commits;
    if (mdb_env_info(store->env, &info) == 0 && mdb_env_stat(store->env, &st) == 0)
        ret->used_bytes = (info.me_last_pgno + 1) * (size_t)st.ms_psize;
}

int cc_store_backup_at(cc_store_t *store, int dir_fd)
{
    int fd = openat(dir_fd, "data.mdb", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    int r;

    if (fd < 0)
        return -errno;
    r = lmdb_rc(mdb_env_copyfd2(store->env, fd, MDB_CP_COMPACT));
    if (r == 0 && fsync(fd) < 0)
        r = -errno;
    if (close(fd) < 0 && r == 0)
        r = -errno;
    if (r < 0)
        unlinkat(dir_fd, "data.mdb", 0);
    return r;
}

int cc_store_backup(cc_store_t *store, const char *path)
{
    int dir_fd, r;

    if (mkdir(path, 0700) < 0 && errno != EEXIST)
        return -errno;
    if ((dir_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return -errno;
    r = cc_store_backup_at(store, dir_fd);
    close(dir_fd);
    return r;
}
