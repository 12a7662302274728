/*
 * cache.c - snapshots in memory, written back once per transaction (see
 * cache.h).
 *
 * Entries live in one array; a hash table of linear probing (twice as
 * many slots, indexes into the array, deletion by shifting back) finds
 * them. Room is made by a clock hand over the array: an entry used since
 * the hand last passed gets another round, one waiting to be written is
 * skipped.
 */
#include "cache.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cc_base.h"
#include "cc_mem.h"
#include "cc_proto.h"

enum {
    E_USED = 1 << 0,    /* the entry holds a key */
    E_FOUND = 1 << 1,   /* the key has a value (else: known to be absent) */
    E_REF = 1 << 2,     /* used since the clock hand last passed */
    E_CHANGED = 1 << 3, /* changed in this transaction, not stored yet */
};

/* One key and its value (value_size bytes follow). */
typedef struct {
    uint32_t hash;
    uint8_t flags;
    uint8_t klen;
    uint8_t key[CC_MAX_ID];
    unsigned char value[];
} entry_t;

struct sc_cache {
    MDB_dbi dbi;
    size_t value_size, entry_size;
    size_t max, n; /* entries that may be, and that are, used */
    unsigned char *entries;
    uint32_t *slots;   /* entry index + 1; 0 free */
    size_t n_slots;    /* a power of two, at least 2 * max */
    size_t hand;       /* the clock hand */
    uint32_t *changed; /* the entries changed in this transaction */
    size_t n_changed;
    bool bypassed; /* a value of this transaction went to the database directly */
};

static entry_t *entry_at(const sc_cache_t *c, size_t i)
{
    return (entry_t *)(void *)(c->entries + i * c->entry_size);
}

sc_cache_t *sc_cache_new(MDB_dbi dbi, size_t value_size, size_t max_entries)
{
    sc_cache_t *c = cc_xcalloc(1, sizeof(*c));

    c->dbi = dbi;
    c->value_size = value_size;
    c->entry_size = (sizeof(entry_t) + value_size + 7) & ~(size_t)7;
    c->max = max_entries ? max_entries : 1;
    c->entries = cc_xcalloc(c->max, c->entry_size);
    for (c->n_slots = 16; c->n_slots < 2 * c->max; c->n_slots *= 2)
        ;
    c->slots = cc_xcalloc(c->n_slots, sizeof(*c->slots));
    c->changed = cc_xcalloc(c->max, sizeof(*c->changed));
    return c;
}

void sc_cache_destroy(sc_cache_t **self_p)
{
    sc_cache_t *c = self_p ? *self_p : NULL;

    if (c == NULL)
        return;
    free(c->entries);
    free(c->slots);
    free(c->changed);
    free(c);
    *self_p = NULL;
}

/* The slot holding @key, or the free slot where it would go. */
static size_t find_slot(const sc_cache_t *c, const void *key, size_t klen, uint32_t h)
{
    size_t mask = c->n_slots - 1;

    for (size_t s = h & mask;; s = (s + 1) & mask) {
        const entry_t *e;

        if (c->slots[s] == 0)
            return s;
        e = entry_at(c, c->slots[s] - 1);
        if (e->hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0)
            return s;
    }
}

/* Take entry @i out of the table (linear probing: shift the run back). */
static void unlink_entry(sc_cache_t *c, size_t i)
{
    entry_t *e = entry_at(c, i);
    size_t mask = c->n_slots - 1, s = find_slot(c, e->key, e->klen, e->hash);

    for (size_t next = (s + 1) & mask; c->slots[next] != 0; next = (next + 1) & mask) {
        size_t home = entry_at(c, c->slots[next] - 1)->hash & mask;

        /* The entry at @next may move to @s if its home is not in (s, next]. */
        if ((next > s && (home <= s || home > next)) || (next < s && home <= s && home > next)) {
            c->slots[s] = c->slots[next];
            s = next;
        }
    }
    c->slots[s] = 0;
    e->flags = 0;
    c->n--;
}

/* An entry to fill: a never used one, or the clock's victim; -1 when
 * every entry waits to be written. */
static long take_entry(sc_cache_t *c)
{
    if (c->n < c->max) {
        for (size_t k = 0; k < c->max; k++, c->hand = (c->hand + 1) % c->max)
            if (!(entry_at(c, c->hand)->flags & E_USED))
                return (long)c->hand;
    }
    for (size_t k = 0; k < 2 * c->max; k++, c->hand = (c->hand + 1) % c->max) {
        entry_t *e = entry_at(c, c->hand);

        if (e->flags & E_CHANGED)
            continue;
        if (e->flags & E_REF) {
            e->flags &= (uint8_t)~E_REF;
            continue;
        }
        unlink_entry(c, c->hand);
        return (long)c->hand;
    }
    return -1;
}

/* Put @key with @value (NULL: absent) into a new entry; NULL when no room. */
static entry_t *insert(sc_cache_t *c, const void *key, size_t klen, uint32_t h, const void *value)
{
    long i = take_entry(c);
    entry_t *e;

    if (i < 0)
        return NULL;
    e = entry_at(c, (size_t)i);
    e->hash = h;
    e->klen = (uint8_t)klen;
    memcpy(e->key, key, klen);
    e->flags = E_USED | E_REF | (value ? E_FOUND : 0);
    if (value)
        memcpy(e->value, value, c->value_size);
    c->slots[find_slot(c, key, klen, h)] = (uint32_t)i + 1;
    c->n++;
    return e;
}

static entry_t *lookup(const sc_cache_t *c, const void *key, size_t klen, uint32_t h)
{
    size_t s = find_slot(c, key, klen, h);

    return c->slots[s] ? entry_at(c, c->slots[s] - 1) : NULL;
}

int sc_cache_get(sc_cache_t *c, cc_txn_t *txn, const void *key, size_t klen, void *ret_value,
                 bool *ret_found)
{
    uint32_t h = cc_fnv1a(key, klen);
    entry_t *e = klen <= CC_MAX_ID ? lookup(c, key, klen, h) : NULL;
    MDB_val v;
    int r;

    if (e) {
        e->flags |= E_REF;
        *ret_found = (e->flags & E_FOUND) != 0;
        if (*ret_found)
            memcpy(ret_value, e->value, c->value_size);
        else
            memset(ret_value, 0, c->value_size);
        return 0;
    }
    memset(ret_value, 0, c->value_size);
    *ret_found = false;
    r = cc_txn_get(txn, c->dbi, key, klen, &v);
    if (r < 0 && r != -ENOENT)
        return r;
    if (r == 0 && v.mv_size != c->value_size)
        return MDB_CORRUPTED;
    if (r == 0) {
        memcpy(ret_value, v.mv_data, c->value_size);
        *ret_found = true;
    }
    if (klen <= CC_MAX_ID && klen > 0)
        insert(c, key, klen, h, r == 0 ? ret_value : NULL);
    return 0;
}

int sc_cache_put(sc_cache_t *c, cc_txn_t *txn, const void *key, size_t klen, const void *value)
{
    uint32_t h = cc_fnv1a(key, klen);
    entry_t *e = klen <= CC_MAX_ID && klen > 0 ? lookup(c, key, klen, h) : NULL;

    if (e == NULL && klen <= CC_MAX_ID && klen > 0)
        e = insert(c, key, klen, h, value);
    if (e == NULL) {
        c->bypassed = true;
        return cc_txn_put(txn, c->dbi, key, klen, value, c->value_size, 0);
    }
    memcpy(e->value, value, c->value_size);
    e->flags |= E_FOUND | E_REF;
    if (!(e->flags & E_CHANGED)) {
        e->flags |= E_CHANGED;
        c->changed[c->n_changed++] =
            (uint32_t)((size_t)((unsigned char *)e - c->entries) / c->entry_size);
    }
    return 0;
}

static int by_key(const void *a, const void *b, void *arg)
{
    const sc_cache_t *c = arg;
    const entry_t *x = entry_at(c, *(const uint32_t *)a), *y = entry_at(c, *(const uint32_t *)b);
    int d = memcmp(x->key, y->key, x->klen < y->klen ? x->klen : y->klen);

    return d ? d : (int)x->klen - (int)y->klen;
}

int sc_cache_write(sc_cache_t *c, cc_txn_t *txn)
{
    int r = 0;

    qsort_r(c->changed, c->n_changed, sizeof(*c->changed), by_key, c);
    for (size_t i = 0; i < c->n_changed && r == 0; i++) {
        const entry_t *e = entry_at(c, c->changed[i]);

        r = cc_txn_put(txn, c->dbi, e->key, e->klen, e->value, c->value_size, 0);
    }
    return r;
}

void sc_cache_committed(sc_cache_t *c)
{
    for (size_t i = 0; i < c->n_changed; i++)
        entry_at(c, c->changed[i])->flags &= (uint8_t)~E_CHANGED;
    c->n_changed = 0;
    c->bypassed = false;
}

void sc_cache_clear(sc_cache_t *c)
{
    memset(c->slots, 0, c->n_slots * sizeof(*c->slots));
    for (size_t i = 0; i < c->max; i++)
        entry_at(c, i)->flags = 0;
    c->n = 0;
    c->n_changed = 0;
    c->bypassed = false;
}

void sc_cache_abort(sc_cache_t *c)
{
    /* A value written to the database directly may have been read back
     * into an entry since: nothing read in this transaction can be told
     * from what the database held before it. */
    if (c->bypassed) {
        sc_cache_clear(c);
        return;
    }
    for (size_t i = 0; i < c->n_changed; i++)
        unlink_entry(c, c->changed[i]);
    c->n_changed = 0;
}

void sc_cache_begin(sc_cache_t *c) { sc_cache_abort(c); }
