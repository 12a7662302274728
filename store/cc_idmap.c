/*
 * cc_idmap.c - an in-memory index from ids to numbers (see cc_idmap.h).
 */
#include "cc_idmap.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cc_mem.h"

#define MIN_SLOTS 1024u
#define HUGE_PAGE ((size_t)2 << 20)
/* The id a hash is taken of: a part, a zero byte, another part. */
#define HASH_INPUT_MAX 512

struct cc_idmap {
    cc_store_t *store;
    uint8_t key[crypto_shorthash_KEYBYTES];
    uint64_t *slots; /* tag << 32 | value; 0: empty (values are never 0) */
    uint64_t mask;   /* slots - 1, a power of two less one */
    uint64_t count;
    /* the slots put by the open write transaction, to undo if it aborts */
    uint64_t *undo;
    size_t n_undo, undo_cap;
};

static uint64_t home(const cc_idmap_t *m, uint64_t slot)
{
    /* The tag is the hash's high half; its low bits place the slot (the
     * table never has more than 2^32 slots). */
    return (slot >> 32) & m->mask;
}

/* Place @slot in the table (there is room: the table is never full). */
static void place(cc_idmap_t *m, uint64_t slot)
{
    uint64_t i = home(m, slot);

    while (m->slots[i] != 0)
        i = (i + 1) & m->mask;
    m->slots[i] = slot;
}

/* @n empty slots. Every lookup lands on a random slot: in huge pages
 * (transparent, where the system allows), a table of many megabytes costs
 * a cache miss a lookup and not a TLB miss as well. */
static uint64_t *slots_alloc(uint64_t n)
{
    size_t bytes = n * sizeof(uint64_t);
    void *p;

    if (bytes < HUGE_PAGE)
        return cc_xcalloc(n, sizeof(uint64_t));
    p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        cc_oom(bytes);
    madvise(p, bytes, MADV_HUGEPAGE); /* a hint: may be refused */
    return p;
}

static void slots_free(uint64_t *slots, uint64_t n)
{
    if (slots == NULL)
        return;
    if (n * sizeof(uint64_t) < HUGE_PAGE)
        free(slots);
    else
        munmap(slots, n * sizeof(uint64_t));
}

/* A table of @n slots (a power of two) holding what the old one held. */
static void resize(cc_idmap_t *m, uint64_t n)
{
    uint64_t *old = m->slots, old_n = m->slots ? m->mask + 1 : 0;

    m->slots = slots_alloc(n);
    m->mask = n - 1;
    for (uint64_t i = 0; i < old_n; i++)
        if (old[i] != 0)
            place(m, old[i]);
    slots_free(old, old_n);
}

/* Slots for @n ids: a power of two, at most three quarters full. */
static uint64_t slots_for(uint64_t n)
{
    uint64_t s = MIN_SLOTS;

    while (s / 4 * 3 < n && s < ((uint64_t)1 << 32))
        s *= 2;
    return s;
}

/* Remove the slot holding exactly @slot, moving back the ones after it
 * that probed past it (backward-shift deletion: no tombstones). */
static void remove_slot(cc_idmap_t *m, uint64_t slot)
{
    uint64_t i = home(m, slot), j;

    while (m->slots[i] != slot) {
        if (m->slots[i] == 0)
            return; /* not there: nothing to undo */
        i = (i + 1) & m->mask;
    }
    for (j = (i + 1) & m->mask; m->slots[j] != 0; j = (j + 1) & m->mask) {
        uint64_t h = home(m, m->slots[j]);

        /* The slot at j may fill the hole at i unless its home lies in
         * the cyclic range (i, j]. */
        if (((j - h) & m->mask) >= ((j - i) & m->mask)) {
            m->slots[i] = m->slots[j];
            i = j;
        }
    }
    m->slots[i] = 0;
    m->count--;
}

static void on_abort(void *ctx)
{
    cc_idmap_t *m = ctx;

    while (m->n_undo > 0)
        remove_slot(m, m->undo[--m->n_undo]);
}

static void on_commit(void *ctx) { ((cc_idmap_t *)ctx)->n_undo = 0; }

typedef struct {
    cc_idmap_t *map;
    MDB_dbi meta;
    const char *name;
} key_args_t;

/* Read the hash key from the meta database, or make one. */
static int key_txn(cc_txn_t *txn, void *ctx)
{
    const key_args_t *a = ctx;
    cc_idmap_t *m = a->map;
    MDB_val v;
    int r = cc_txn_get(txn, a->meta, a->name, strlen(a->name), &v);

    if (r == 0) {
        if (v.mv_size != sizeof(m->key))
            return MDB_CORRUPTED;
        memcpy(m->key, v.mv_data, sizeof(m->key));
        return 0;
    }
    if (r != -ENOENT)
        return r;
    crypto_shorthash_keygen(m->key);
    return cc_txn_put(txn, a->meta, a->name, strlen(a->name), m->key, sizeof(m->key), 0);
}

int cc_idmap_open(cc_store_t *store, MDB_dbi meta, const char *key_name, uint64_t expected,
                  cc_idmap_t **ret_map)
{
    cc_idmap_t *m;
    key_args_t args;
    int r;

    if (sodium_init() < 0)
        return -EIO;
    m = cc_xcalloc(1, sizeof(*m));
    args = (key_args_t){ m, meta, key_name };
    if ((r = cc_store_write(store, key_txn, &args)) < 0 ||
        (r = cc_store_follow(store, NULL, on_abort, on_commit, m)) < 0) {
        free(m);
        return r;
    }
    m->store = store;
    resize(m, slots_for(expected));
    *ret_map = m;
    return 0;
}

void cc_idmap_close(cc_idmap_t **map_p)
{
    cc_idmap_t *m = map_p ? *map_p : NULL;

    if (m == NULL)
        return;
    cc_store_unfollow(m->store, m);
    slots_free(m->slots, m->mask + 1);
    free(m->undo);
    free(m);
    *map_p = NULL;
}

uint64_t cc_idmap_hash(const cc_idmap_t *map, const void *a, size_t a_len, const void *b,
                       size_t b_len)
{
    uint8_t in[HASH_INPUT_MAX], out[crypto_shorthash_BYTES];
    uint64_t h = 0;

    if (a_len + 1 + b_len > sizeof(in)) { /* longer than any id: cut, stays a hash */
        a_len = a_len < sizeof(in) - 1 ? a_len : sizeof(in) - 1;
        b_len = sizeof(in) - 1 - a_len;
    }
    memcpy(in, a, a_len);
    in[a_len] = 0;
    if (b_len)
        memcpy(in + a_len + 1, b, b_len);
    crypto_shorthash(out, in, a_len + 1 + b_len, map->key);
    for (int i = 0; i < 8; i++)
        h = h << 8 | out[i];
    return h;
}

int cc_idmap_put(cc_idmap_t *m, uint64_t hash, uint64_t value)
{
    uint64_t slot;

    if (value == 0 || value > CC_IDMAP_VALUE_MAX)
        return -EOVERFLOW;
    slot = (hash & 0xffffffff00000000u) | value;
    if (m->count + 1 > (m->mask + 1) / 4 * 3)
        resize(m, (m->mask + 1) * 2);
    place(m, slot);
    m->count++;
    if (!cc_store_writing(m->store))
        return 0; /* filled from the store: nothing to undo */
    if (m->n_undo == m->undo_cap) {
        m->undo_cap = m->undo_cap ? m->undo_cap * 2 : 256;
        m->undo = cc_xrealloc(m->undo, m->undo_cap * sizeof(*m->undo));
    }
    m->undo[m->n_undo++] = slot;
    return 0;
}

/* Start loading the slot where a lookup of @hash begins. */
static void slot_prefetch(const cc_idmap_t *map, uint64_t hash)
{
    __builtin_prefetch(&map->slots[(hash >> 32) & map->mask]);
}

int cc_idmap_put_many(cc_idmap_t *map, const uint64_t *hashes, const uint64_t *values, size_t n)
{
    /* The table grows before the prefetches, not between them. */
    while (map->count + n > (map->mask + 1) / 4 * 3)
        resize(map, (map->mask + 1) * 2);
    for (size_t i = 0; i < n; i++)
        slot_prefetch(map, hashes[i]);
    for (size_t i = 0; i < n; i++) {
        int r = cc_idmap_put(map, hashes[i], values[i]);

        if (r < 0)
            return r;
    }
    return 0;
}

void cc_idmap_lookup(const cc_idmap_t *map, uint64_t hash, cc_idmap_iter_t *it)
{
    it->map = map;
    it->tag = (uint32_t)(hash >> 32);
    it->pos = it->tag & map->mask;
}

bool cc_idmap_next(cc_idmap_iter_t *it, uint64_t *ret_value)
{
    const cc_idmap_t *m = it->map;

    for (uint64_t s; (s = m->slots[it->pos]) != 0;) {
        it->pos = (it->pos + 1) & m->mask;
        if ((uint32_t)(s >> 32) == it->tag) {
            *ret_value = s & 0xffffffffu;
            return true;
        }
    }
    return false;
}

void cc_idmap_clear(cc_idmap_t *map)
{
    memset(map->slots, 0, (map->mask + 1) * sizeof(*map->slots));
    map->count = 0;
    map->n_undo = 0;
}

uint64_t cc_idmap_count(const cc_idmap_t *map) { return map->count; }

size_t cc_idmap_bytes(const cc_idmap_t *map) { return (map->mask + 1) * sizeof(*map->slots); }
