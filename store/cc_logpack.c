/*
 * cc_logpack.c - the compact stored form of log records (see cc_logpack.h).
 */
#include "cc_logpack.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cc_base.h"
#include "cc_mem.h"

typedef struct {
    char *s;
    uint8_t len;
    bool table_values; /* as a key: its string values are tabled */
} string_t;

struct cc_logpack {
    cc_store_t *store;
    MDB_dbi dbi;
    char **values_of; /* NULL-terminated */
    string_t *strs;   /* by code */
    uint32_t n, cap;
    uint32_t n_committed; /* the strings a commit made durable */
    uint32_t *slots;      /* open addressing: code + 1, 0 empty */
    uint32_t mask;
    cc_logpack_buf_t out; /* what cc_logpack_pack returns */
};

/* ---- MessagePack, just enough --------------------------------------------------- */

/* A string's bytes, if the value at @p (@avail bytes) is one in its
 * shortest form (the form unpacking writes back). */
static bool as_string(const uint8_t *p, size_t avail, const uint8_t **ret, size_t *ret_len)
{
    if (avail >= 1 && p[0] >= 0xa0 && p[0] <= 0xbf) {
        *ret_len = p[0] & 0x1f;
        *ret = p + 1;
    } else if (avail >= 2 && p[0] == 0xd9 && p[1] >= 32) {
        *ret_len = p[1];
        *ret = p + 2;
    } else {
        return false;
    }
    return *ret_len <= avail - (size_t)(*ret - p);
}

/* A map's pairs, and where they start (shortest forms only). */
static bool as_map(const uint8_t *p, size_t avail, size_t *ret_n, size_t *ret_head)
{
    if (avail >= 1 && p[0] >= 0x80 && p[0] <= 0x8f) {
        *ret_n = p[0] & 0x0f;
        *ret_head = 1;
    } else if (avail >= 3 && p[0] == 0xde && ((size_t)p[1] << 8 | p[2]) >= 16) {
        *ret_n = (size_t)p[1] << 8 | p[2];
        *ret_head = 3;
    } else {
        return false;
    }
    return true;
}

/* ---- Output --------------------------------------------------------------------- */

static uint8_t *reserve(cc_logpack_buf_t *b, size_t used, size_t more)
{
    if (used + more > b->cap) {
        b->cap = (used + more) * 2 + 256;
        b->data = cc_xrealloc(b->data, b->cap);
    }
    return b->data + used;
}

/* A varint of at most 32 bits (a code, a count). */
static bool get_varint(const uint8_t **p, const uint8_t *end, uint32_t *ret)
{
    uint64_t v;

    if (!cc_varint_get(p, end, &v) || v > UINT32_MAX)
        return false;
    *ret = (uint32_t)v;
    return true;
}

/* A MessagePack string header for @n bytes; returns its length. */
static size_t put_str_head(uint8_t *out, size_t n)
{
    if (n < 32) {
        out[0] = (uint8_t)(0xa0 | n);
        return 1;
    }
    out[0] = 0xd9;
    out[1] = (uint8_t)n;
    return 2;
}

/* ---- The table of strings ------------------------------------------------------- */

static void slot_place(cc_logpack_t *lp, uint32_t code)
{
    uint32_t i = cc_fnv1a(lp->strs[code].s, lp->strs[code].len) & lp->mask;

    while (lp->slots[i])
        i = (i + 1) & lp->mask;
    lp->slots[i] = code + 1;
}

/* The slots for the strings there are, at most half full. */
static void rehash(cc_logpack_t *lp)
{
    uint32_t n = 256;

    while (n / 2 < lp->n + 1)
        n *= 2;
    free(lp->slots);
    lp->slots = cc_xcalloc(n, sizeof(*lp->slots));
    lp->mask = n - 1;
    for (uint32_t c = 0; c < lp->n; c++)
        slot_place(lp, c);
}

/* The code of string @s, or -1. */
static int64_t find(const cc_logpack_t *lp, const void *s, size_t len)
{
    uint32_t i = cc_fnv1a(s, len) & lp->mask;

    for (; lp->slots[i]; i = (i + 1) & lp->mask) {
        const string_t *t = &lp->strs[lp->slots[i] - 1];

        if (t->len == len && memcmp(t->s, s, len) == 0)
            return lp->slots[i] - 1;
    }
    return -1;
}

static bool values_tabled(const cc_logpack_t *lp, const char *key, size_t len)
{
    for (char *const *k = lp->values_of; *k; k++)
        if (strlen(*k) == len && memcmp(*k, key, len) == 0)
            return true;
    return false;
}

/* Add string @s to the table in memory as code lp->n. */
static void add(cc_logpack_t *lp, const void *s, size_t len)
{
    string_t *t;

    if (lp->n == lp->cap) {
        lp->cap = lp->cap ? lp->cap * 2 : 64;
        lp->strs = cc_xrealloc(lp->strs, lp->cap * sizeof(*lp->strs));
    }
    t = &lp->strs[lp->n];
    t->s = cc_xmalloc(len ? len : 1);
    memcpy(t->s, s, len);
    t->len = (uint8_t)len;
    t->table_values = values_tabled(lp, s, len);
    lp->n++;
    if (lp->n > lp->mask / 2)
        rehash(lp);
    else
        slot_place(lp, lp->n - 1);
}

/* The code of string @s, added to the table (in @txn) when new: 0 with
 * @ret_code, 1 when the table is full, or a storage error. */
static int intern(cc_logpack_t *lp, cc_txn_t *txn, const void *s, size_t len, uint32_t *ret_code)
{
    int64_t c = find(lp, s, len);
    uint8_t key[4];
    int r;

    if (c >= 0) {
        *ret_code = (uint32_t)c;
        return 0;
    }
    if (lp->n >= CC_LOGPACK_CODES || len > CC_LOGPACK_STRING_MAX)
        return 1;
    key[0] = (uint8_t)(lp->n >> 24);
    key[1] = (uint8_t)(lp->n >> 16);
    key[2] = (uint8_t)(lp->n >> 8);
    key[3] = (uint8_t)lp->n;
    if ((r = cc_txn_put(txn, lp->dbi, key, sizeof(key), s, len, MDB_APPEND)) < 0)
        return r;
    *ret_code = lp->n;
    add(lp, s, len);
    return 0;
}

/* Forget the strings of the transaction that aborted. */
static void on_abort(void *ctx)
{
    cc_logpack_t *lp = ctx;

    if (lp->n == lp->n_committed)
        return;
    while (lp->n > lp->n_committed)
        free(lp->strs[--lp->n].s);
    rehash(lp);
}

static void on_commit(void *ctx)
{
    cc_logpack_t *lp = ctx;

    lp->n_committed = lp->n;
}

static int load_one(const MDB_val *key, const MDB_val *val, void *ctx)
{
    cc_logpack_t *lp = ctx;
    const uint8_t *k = key->mv_data;

    if (key->mv_size != 4 || val->mv_size > CC_LOGPACK_STRING_MAX ||
        ((uint32_t)k[0] << 24 | (uint32_t)k[1] << 16 | (uint32_t)k[2] << 8 | k[3]) != lp->n)
        return MDB_CORRUPTED; /* codes are 0, 1, 2, ... */
    add(lp, val->mv_data, val->mv_size);
    return 0;
}

int cc_logpack_open(cc_store_t *store, const char *table, const char *const *values_of,
                    cc_logpack_t **ret_pack)
{
    cc_logpack_t *lp = cc_xcalloc(1, sizeof(*lp));
    size_t n = 0;
    cc_txn_t txn;
    int r;

    while (values_of && values_of[n])
        n++;
    lp->values_of = cc_xcalloc(n + 1, sizeof(*lp->values_of));
    for (size_t i = 0; i < n; i++)
        lp->values_of[i] = cc_xstrdup(values_of[i]);
    lp->store = store;
    rehash(lp);
    if ((r = cc_store_dbi(store, table, 0, &lp->dbi)) < 0 ||
        (r = cc_store_read_begin(store, &txn)) < 0)
        goto fail;
    r = cc_txn_scan(&txn, lp->dbi, NULL, 0, load_one, lp);
    cc_txn_end(&txn);
    if (r < 0 || (r = cc_store_follow(store, NULL, on_abort, on_commit, lp)) < 0)
        goto fail;
    lp->n_committed = lp->n;
    *ret_pack = lp;
    return 0;
fail:
    lp->store = NULL; /* not followed */
    cc_logpack_close(&lp);
    return r;
}

void cc_logpack_close(cc_logpack_t **pack_p)
{
    cc_logpack_t *lp = pack_p ? *pack_p : NULL;

    if (lp == NULL)
        return;
    if (lp->store)
        cc_store_unfollow(lp->store, lp);
    for (uint32_t i = 0; i < lp->n; i++)
        free(lp->strs[i].s);
    for (char **k = lp->values_of; *k; k++)
        free(*k);
    free(lp->values_of);
    free(lp->strs);
    free(lp->slots);
    cc_logpack_buf_free(&lp->out);
    free(lp);
    *pack_p = NULL;
}

void cc_logpack_buf_free(cc_logpack_buf_t *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->cap = 0;
}

size_t cc_logpack_strings(const cc_logpack_t *pack) { return pack->n; }

/* ---- Packing and unpacking ------------------------------------------------------ */

/* Pack @rec into lp->out: its length, 0 when it cannot be packed, or a
 * storage error. */
static int64_t pack_into(cc_logpack_t *lp, cc_txn_t *txn, const uint8_t *rec, size_t len)
{
    const uint8_t *p, *end = rec + len, *s;
    size_t n, head, used = 0, slen;
    uint8_t *o;

    if (!as_map(rec, len, &n, &head))
        return 0;
    p = rec + head;
    o = reserve(&lp->out, used, 1 + CC_VARINT_MAX);
    o[0] = CC_LOGPACK_TAG;
    used = 1 + cc_varint_put(o + 1, n);
    for (size_t i = 0; i < n; i++) {
        uint32_t code;
        size_t vlen;
        int r;

        if (!as_string(p, (size_t)(end - p), &s, &slen) ||
            (r = intern(lp, txn, s, slen, &code)) > 0)
            return 0;
        if (r < 0)
            return r;
        p = s + slen;
        used += cc_varint_put(reserve(&lp->out, used, CC_VARINT_MAX), code);
        if ((vlen = cc_msgpack_len(p, (size_t)(end - p))) == 0)
            return 0;
        if (lp->strs[code].table_values && as_string(p, vlen, &s, &slen) &&
            (r = intern(lp, txn, s, slen, &code)) <= 0) {
            if (r < 0)
                return r;
            o = reserve(&lp->out, used, 1 + CC_VARINT_MAX);
            o[0] = CC_LOGPACK_TAG;
            used += 1 + cc_varint_put(o + 1, code);
        } else {
            memcpy(reserve(&lp->out, used, vlen), p, vlen);
            used += vlen;
        }
        p += vlen;
    }
    return p == end ? (int64_t)used : 0;
}

int cc_logpack_pack(cc_logpack_t *pack, cc_txn_t *txn, const void *rec, size_t len,
                    const void **ret, size_t *ret_len)
{
    int64_t n;

    if (len > 0 && *(const uint8_t *)rec == CC_LOGPACK_TAG)
        return -EINVAL; /* not MessagePack: it would read back as packed */
    n = pack_into(pack, txn, rec, len);
    if (n < 0)
        return (int)n;
    if (n == 0 || (size_t)n >= len) { /* not packed, or no smaller */
        *ret = rec;
        *ret_len = len;
        return 0;
    }
    *ret = pack->out.data;
    *ret_len = (size_t)n;
    return 0;
}

/* Append string @code of the table to @buf at @used; false if no such. */
static bool put_string(const cc_logpack_t *lp, cc_logpack_buf_t *buf, size_t *used, uint32_t code)
{
    const string_t *t;
    uint8_t *o;

    if (code >= lp->n)
        return false;
    t = &lp->strs[code];
    o = reserve(buf, *used, 2 + t->len);
    *used += put_str_head(o, t->len);
    memcpy(buf->data + *used, t->s, t->len);
    *used += t->len;
    return true;
}

int cc_logpack_unpack(const cc_logpack_t *pack, const void *stored, size_t len,
                      cc_logpack_buf_t *buf, const void **ret, size_t *ret_len)
{
    const uint8_t *p = stored, *end = p + len;
    size_t used = 0;
    uint32_t n, code;
    uint8_t *o;

    if (len == 0 || p[0] != CC_LOGPACK_TAG) {
        *ret = stored;
        *ret_len = len;
        return 0;
    }
    p++;
    if (!get_varint(&p, end, &n) || n > 0xffff)
        return MDB_CORRUPTED;
    o = reserve(buf, 0, 3);
    if (n < 16) {
        o[0] = (uint8_t)(0x80 | n);
        used = 1;
    } else {
        o[0] = 0xde;
        o[1] = (uint8_t)(n >> 8);
        o[2] = (uint8_t)n;
        used = 3;
    }
    for (uint32_t i = 0; i < n; i++) {
        size_t vlen;

        if (!get_varint(&p, end, &code) || !put_string(pack, buf, &used, code) || p >= end)
            return MDB_CORRUPTED;
        if (*p == CC_LOGPACK_TAG) {
            p++;
            if (!get_varint(&p, end, &code) || !put_string(pack, buf, &used, code))
                return MDB_CORRUPTED;
            continue;
        }
        if ((vlen = cc_msgpack_len(p, (size_t)(end - p))) == 0)
            return MDB_CORRUPTED;
        memcpy(reserve(buf, used, vlen), p, vlen);
        used += vlen;
        p += vlen;
    }
    if (p != end)
        return MDB_CORRUPTED;
    *ret = buf->data;
    *ret_len = used;
    return 0;
}
