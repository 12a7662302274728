/*
 * cache.h - the snapshots scoring used last (its dossiers), kept in memory
 * and written back to their database once per write transaction.
 *
 * A record of a dossier reads its snapshot and writes it back: a search of
 * a tree of a million keys each way. A dossier's records come days apart
 * but close in the log compared with a year of it, so the cache keeps the
 * snapshots used last (a bounded number, the oldest unused one making
 * room): most reads are a hash lookup, and a snapshot changed by many
 * records of one transaction is written once, at its end, in key order.
 *
 * The cache is the database as the transaction sees it: a key it holds is
 * read and written here only; a key it does not hold is in the database.
 * Inside a write transaction: sc_cache_begin at its start, sc_cache_get
 * and sc_cache_put, sc_cache_write before the commit; then
 * sc_cache_committed, or sc_cache_abort when the transaction did not
 * commit (the values it changed are forgotten, the database has the
 * truth). When every entry waits to be written (a transaction touching more
 * keys than the cache holds), a new key is read and written in the
 * database directly. Values have one fixed size; keys are 1..CC_MAX_ID
 * bytes. Not for read transactions of other threads: the daemon is one
 * thread.
 */
#ifndef SC_CACHE_H
#define SC_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "cc_store.h"

typedef struct sc_cache sc_cache_t;

/**
 * sc_cache_new - a cache of at most @max_entries values of @value_size
 * bytes of database @dbi. Returns it (sc_cache_destroy); aborts when out
 * of memory.
 */
sc_cache_t *sc_cache_new(MDB_dbi dbi, size_t value_size, size_t max_entries);

/** sc_cache_destroy - free; accepts NULL, nulls the pointer. */
void sc_cache_destroy(sc_cache_t **self_p);

/**
 * sc_cache_begin - a write transaction starts: forget what an earlier one
 * changed and did not commit (cc_store_write runs its function again
 * after growing the map).
 */
void sc_cache_begin(sc_cache_t *c);

/**
 * sc_cache_get - the value of @key (@klen bytes) into @ret_value (zeroed
 * when absent), from memory, else from @txn (then kept).
 * @ret_found: whether the key has a value.
 * Returns 0, MDB_CORRUPTED when the stored value is not @value_size bytes,
 * or a storage error.
 */
int sc_cache_get(sc_cache_t *c, cc_txn_t *txn, const void *key, size_t klen, void *ret_value,
                 bool *ret_found);

/**
 * sc_cache_put - set the value of @key to @value: in memory, written by
 * sc_cache_write (or at once into @txn when the cache has no room).
 * Returns 0 or a storage error.
 */
int sc_cache_put(sc_cache_t *c, cc_txn_t *txn, const void *key, size_t klen, const void *value);

/**
 * sc_cache_write - write every value changed since sc_cache_begin into
 * @txn, in key order. Returns 0 or a storage error.
 */
int sc_cache_write(sc_cache_t *c, cc_txn_t *txn);

/** sc_cache_committed - the transaction committed: what it wrote is stored. */
void sc_cache_committed(sc_cache_t *c);

/**
 * sc_cache_abort - the transaction did not commit: forget the values it
 * changed (the others are still what the database holds).
 */
void sc_cache_abort(sc_cache_t *c);

/** sc_cache_clear - forget everything (the database was emptied). */
void sc_cache_clear(sc_cache_t *c);

#endif
