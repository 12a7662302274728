/*
 * cc_idmap.h - an in-memory index from a client's id to a number in the
 * store, kept in step with the store's write transactions.
 *
 * Why: ids that clients choose (event ids, dossier ids) are often random
 * (UUIDs). A B-tree keyed by them puts each insert on its own page, so every
 * commit copies and writes megabytes and a store of UUIDs runs several times
 * slower than one of sequential ids. Keyed instead by a number the store
 * hands out in order (a log seq), every stored table only appends; this map
 * finds the number from the id.
 *
 * What: a table of 8-byte slots, open addressing with linear probing. A
 * slot holds the high 32 bits of the id's 64-bit keyed hash (SipHash-2-4,
 * libsodium crypto_shorthash, under a key kept in the store, so that no
 * sender can choose ids that collide) and the 32-bit number. A lookup
 * yields every number whose slot matches: the caller confirms the id
 * against what the store holds under that number (two ids share 32 bits of
 * hash about once in 4 billion lookups). Numbers are 1 .. 2^32 - 1.
 *
 * Memory: 8 bytes a slot, the table at most three quarters full: 11 to 21
 * bytes an id. The map holds no id, so a store of N ids costs the same
 * whatever their length.
 *
 * Transactions: cc_idmap_put() inside a write transaction is undone when
 * that transaction aborts (cc_store_follow), so the map always matches the
 * committed store, plus the writes of the open transaction.
 */
#ifndef CC_IDMAP_H
#define CC_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cc_store.h"

#define CC_IDMAP_VALUE_MAX UINT32_MAX

typedef struct cc_idmap cc_idmap_t;

/* The numbers of one hash, in turn (cc_idmap_lookup, cc_idmap_next). */
typedef struct {
    const cc_idmap_t *map;
    uint64_t pos;
    uint32_t tag;
} cc_idmap_iter_t;

/**
 * cc_idmap_open - a new, empty map that follows @store's write
 * transactions, hashing under the key stored in @meta as @key_name (a new
 * random key is stored, in a write transaction of its own, when there is
 * none). Fill it with cc_idmap_put() from the store's tables.
 * @expected: how many ids to make room for at once (0: a small table).
 * Returns 0 or a negative error (storage, or a stored key of another size:
 * MDB_CORRUPTED).
 */
int cc_idmap_open(cc_store_t *store, MDB_dbi meta, const char *key_name, uint64_t expected,
                  cc_idmap_t **ret_map);

/** cc_idmap_close - stop following the store and free the map; accepts NULL. */
void cc_idmap_close(cc_idmap_t **map_p);

/**
 * cc_idmap_hash - the keyed hash of the id made of @a (@a_len bytes), a
 * zero byte, and @b (@b_len bytes; @b may be NULL when @b_len is 0).
 */
uint64_t cc_idmap_hash(const cc_idmap_t *map, const void *a, size_t a_len, const void *b,
                       size_t b_len);

/**
 * cc_idmap_put - map @hash to @value (1 .. CC_IDMAP_VALUE_MAX). Another
 * value of the same hash stays: the caller looks first. Inside a write
 * transaction, undone if it aborts. Returns 0 or -EOVERFLOW for a value
 * out of range.
 */
int cc_idmap_put(cc_idmap_t *map, uint64_t hash, uint64_t value);

/**
 * cc_idmap_put_many - cc_idmap_put() of @n pairs (@hashes[i], @values[i]),
 * their slots fetched from memory together: for filling a map (a random
 * slot is a cache miss). Returns 0 or -EOVERFLOW (the pairs before it
 * are put).
 */
int cc_idmap_put_many(cc_idmap_t *map, const uint64_t *hashes, const uint64_t *values, size_t n);

/** cc_idmap_lookup - start listing the values of @hash with cc_idmap_next(). */
void cc_idmap_lookup(const cc_idmap_t *map, uint64_t hash, cc_idmap_iter_t *it);

/** cc_idmap_next - the next value of the lookup; false when there is no more. */
bool cc_idmap_next(cc_idmap_iter_t *it, uint64_t *ret_value);

/**
 * cc_idmap_clear - forget every id: the store's tables were dropped by a
 * committed transaction (a clear is not undone; call it after the commit).
 */
void cc_idmap_clear(cc_idmap_t *map);

/** cc_idmap_count - ids in the map. */
uint64_t cc_idmap_count(const cc_idmap_t *map);

/** cc_idmap_bytes - memory the table takes. */
size_t cc_idmap_bytes(const cc_idmap_t *map);

#endif
