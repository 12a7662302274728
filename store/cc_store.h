/*
 * cc_store.h - the thin LMDB layer shared by every daemon.
 *
 * One environment per daemon, named databases per purpose, short write
 * transactions with a sticky error, automatic map growth, an append-only log
 * keyed by big-endian sequence numbers, and small helpers for the u64
 * counters and cursors that consumers keep beside their derived state.
 *
 * Threading: a store is used by one thread (the daemon's loop). Write
 * transactions run through cc_store_write(), which retries the caller's
 * function after growing the map when LMDB reports MDB_MAP_FULL; the function
 * must therefore touch nothing outside the transaction until it has returned
 * and the commit succeeded.
 *
 * Errors: functions return 0 or a negative value: -errno for system errors,
 * or an LMDB error code (all LMDB codes are negative); cc_store_strerror()
 * names either.
 */
#ifndef CC_STORE_H
#define CC_STORE_H

#include <lmdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cc_store cc_store_t;
typedef struct cc_logpack cc_logpack_t;

/* A transaction and its sticky error: once an operation fails, every later
 * one returns the same error and the commit aborts. */
typedef struct {
    MDB_txn *txn;
    cc_store_t *store;
    int err;
    /* the last seq of log log_dbi in this transaction, once looked up
     * (cc_log_last, cc_log_append): a group commit appends many records */
    bool log_known;
    MDB_dbi log_dbi;
    uint64_t log_last;
} cc_txn_t;

/* Options for cc_store_open(); zero fields take the defaults. */
typedef struct {
    size_t map_size;     /* initial map size in bytes (default 64 MiB) */
    size_t map_size_max; /* growth stops here (default 64 GiB) */
    unsigned max_dbs;    /* named databases (default 16) */
    /* A commit flushes its pages but not the meta page that makes it the
     * latest (MDB_NOMETASYNC): one fdatasync a commit instead of two. A
     * system crash (not a process crash) may then undo the last commit,
     * never break the store: for state derived again from logs elsewhere;
     * what must not be undone is followed by cc_store_sync(). */
    bool lazy_meta_sync;
} cc_store_opts_t;

/**
 * cc_store_open - open (creating if needed) the environment in @dir.
 * Creates @dir with mode 0700 if missing, clears stale reader slots left by
 * crashed processes (mdb_reader_check), and grows the map to the size of the
 * data file if it is already larger than requested.
 * @dir: directory of the environment (data.mdb, lock.mdb).
 * @opts: options or NULL.
 * @ret_store: the store on success; release with cc_store_close().
 * Returns 0 or a negative error.
 */
int cc_store_open(const char *dir, const cc_store_opts_t *opts, cc_store_t **ret_store);

/**
 * cc_store_sync - make every commit so far durable (fdatasync), for a
 * store opened with lazy_meta_sync. Returns 0 or a negative error.
 */
int cc_store_sync(cc_store_t *store);

/**
 * cc_store_close - close the environment and free the store. Accepts NULL
 * and sets *@store_p to NULL. No transaction may be open.
 */
void cc_store_close(cc_store_t **store_p);

/**
 * cc_store_dbi - open or create a named database.
 * @name: database name.
 * @flags: extra mdb_dbi_open flags (MDB_INTEGERKEY, MDB_DUPSORT, ...).
 * @ret_dbi: the handle, valid until cc_store_close().
 * Returns 0 or a negative error. Call at start-up, before other work.
 */
int cc_store_dbi(cc_store_t *store, const char *name, unsigned flags, MDB_dbi *ret_dbi);

/* The body of a write transaction. Returns 0 to commit, negative to abort
 * (the value is returned by cc_store_write). */
typedef int (*cc_store_write_fn)(cc_txn_t *txn, void *ctx);

/**
 * cc_store_write - run @fn in a write transaction and commit it durably
 * (fsync; a store opened with lazy_meta_sync: see there). If the map fills, the transaction is aborted, the map doubled and
 * @fn run again from the start.
 * Returns 0 once committed, @fn's negative result, or a negative error.
 */
int cc_store_write(cc_store_t *store, cc_store_write_fn fn, void *ctx);

/**
 * cc_store_follow - for memory that a write changes along with the store
 * (cc_idmap.h), or that it writes at the end (cc_ids.h): have
 * @prepare(txn, @ctx) called when a cc_store_write() function returned 0,
 * before the commit (a negative result aborts the transaction, returned by
 * cc_store_write()); @abort(@ctx) after every write transaction that is
 * aborted (before cc_store_write() runs its function again, too); and
 * @commit(@ctx) after every one committed. Any of the three may be NULL.
 * At most 8 per store. Returns 0 or -ENOSPC.
 */
int cc_store_follow(cc_store_t *store, int (*prepare)(cc_txn_t *txn, void *ctx),
                    void (*abort)(void *ctx), void (*commit)(void *ctx), void *ctx);

/** cc_store_writing - whether a cc_store_write() function is running. */
bool cc_store_writing(const cc_store_t *store);

/** cc_store_unfollow - stop calling the follower of @ctx, if any. */
void cc_store_unfollow(cc_store_t *store, void *ctx);

/**
 * cc_store_read_begin - start a read-only transaction.
 * End it with cc_txn_end(). Returns 0 or a negative error.
 */
int cc_store_read_begin(cc_store_t *store, cc_txn_t *ret_txn);

/** cc_txn_end - end (abort) a read transaction. Accepts an ended one. */
void cc_txn_end(cc_txn_t *txn);

/**
 * cc_txn_get - look a key up.
 * @ret_val: points into the map, valid until the transaction ends.
 * Returns 0, -ENOENT when absent (not sticky), or a negative error.
 */
int cc_txn_get(cc_txn_t *txn, MDB_dbi dbi, const void *key, size_t key_len, MDB_val *ret_val);

/**
 * cc_txn_put - store a value. @flags as mdb_put (0, MDB_NOOVERWRITE, ...).
 * Returns 0, MDB_KEYEXIST with MDB_NOOVERWRITE (not sticky), or an error.
 */
int cc_txn_put(cc_txn_t *txn, MDB_dbi dbi, const void *key, size_t key_len, const void *val,
               size_t val_len, unsigned flags);

/**
 * cc_txn_put_tail - cc_txn_put() that appends when @key sorts after every
 * key of @dbi (MDB_APPEND), else puts as usual. Keys that mostly grow (a
 * counter's zero-padded event ids, dossier ids by date) then fill their
 * pages to the end instead of splitting each in half: the tree is about
 * half the size, and the insert skips the search.
 * Returns 0 or an error.
 */
int cc_txn_put_tail(cc_txn_t *txn, MDB_dbi dbi, const void *key, size_t key_len, const void *val,
                    size_t val_len);

/* Called by cc_txn_update with the stored value (NULL when the key is
 * absent) to fill @val (the new value, of the size given to
 * cc_txn_update). Returns 0 to store @val, or a negative error (nothing is
 * stored; the error is returned, not sticky). */
typedef int (*cc_update_fn)(const MDB_val *old, void *val, void *ctx);

/**
 * cc_txn_update - read, change and write back one key's value with a
 * single search of the tree (a cursor): the cheap form of cc_txn_get then
 * cc_txn_put on the same key.
 * @val, @val_len: where @fn builds the new value, and its size.
 * Returns 0, @fn's error, or a (sticky) storage error.
 */
int cc_txn_update(cc_txn_t *txn, MDB_dbi dbi, const void *key, size_t key_len, void *val,
                  size_t val_len, cc_update_fn fn, void *ctx);

/**
 * cc_txn_del - delete a key (all its values). Returns 0, -ENOENT (not
 * sticky), or a negative error.
 */
int cc_txn_del(cc_txn_t *txn, MDB_dbi dbi, const void *key, size_t key_len);

/**
 * cc_txn_get_u64 / cc_txn_put_u64 - an unsigned counter or cursor stored
 * under a string key (8 bytes, big-endian). get returns 0 with *@ret = 0
 * when the key is absent.
 */
int cc_txn_get_u64(cc_txn_t *txn, MDB_dbi dbi, const char *key, uint64_t *ret);
int cc_txn_put_u64(cc_txn_t *txn, MDB_dbi dbi, const char *key, uint64_t v);

/* ---- Scans, counts and resets ------------------------------------------------ */

/* Called for each entry by the scans with the entry's key and value (valid
 * until the transaction ends). Return 0 to go on, 1 to stop there (the scan
 * then returns 0), or a negative error (the scan returns it). */
typedef int (*cc_scan_fn)(const MDB_val *key, const MDB_val *val, void *ctx);

/**
 * cc_txn_scan - the entries of @dbi in key order, from the first key >= the
 * @from_len bytes at @from (@from_len 0: from the first entry).
 * Returns 0, or a negative error (sticky unless it is @fn's).
 */
int cc_txn_scan(cc_txn_t *txn, MDB_dbi dbi, const void *from, size_t from_len, cc_scan_fn fn,
                void *ctx);

/**
 * cc_txn_dups - the values of @key in the MDB_DUPSORT database @dbi, in
 * order (@fn sees @key with each).
 * @ret_count: how many values @key has (may be NULL), counted before @fn
 *   runs; 0 when the key is absent.
 * @fn: may be NULL to count only.
 * Returns 0 or a negative error.
 */
int cc_txn_dups(cc_txn_t *txn, MDB_dbi dbi, const void *key, size_t key_len, cc_scan_fn fn,
                void *ctx, size_t *ret_count);

/** cc_txn_entries - how many entries @dbi holds. Returns 0 or a negative error. */
int cc_txn_entries(cc_txn_t *txn, MDB_dbi dbi, uint64_t *ret);

/**
 * cc_txn_floor - the entry of the greatest key at most @key (keys in
 * LMDB's order). @ret_key, @ret_val: valid until the transaction writes or
 * ends. Returns 0, -ENOENT when every key is greater (not sticky), or an
 * error.
 */
int cc_txn_floor(cc_txn_t *txn, MDB_dbi dbi, const void *key, size_t key_len, MDB_val *ret_key,
                 MDB_val *ret_val);

/**
 * cc_txn_dbi_find - the named database @name if it exists (it is not
 * created). Returns 0, -ENOENT (not sticky), or an error.
 */
int cc_txn_dbi_find(cc_txn_t *txn, const char *name, MDB_dbi *ret_dbi);

/**
 * cc_txn_remove_dbi - delete named database @name and its handle, if it
 * exists (a database a newer layout no longer has).
 * Returns 0 (also when there was none) or a storage error.
 */
int cc_txn_remove_dbi(cc_txn_t *txn, const char *name);

/** cc_txn_drop - delete every entry of @dbi (it stays open). Returns 0 or an error. */
int cc_txn_drop(cc_txn_t *txn, MDB_dbi dbi);

/* ---- (time, id) indexes ------------------------------------------------------- */

/*
 * A set of (time, id) pairs in time order, earliest first: due dates,
 * deadlines, timers. Key = the time as a biased big-endian u64 (so that
 * negative times sort before positive ones) followed by the id's bytes;
 * empty value. One key layout for every daemon.
 */
#define CC_TINDEX_ID_MAX 255

/**
 * cc_tindex_key - the key of (@t, @id) into @out (8 + CC_TINDEX_ID_MAX
 * bytes), for an index that puts it after a prefix of its own. Returns its
 * length.
 */
size_t cc_tindex_key(uint8_t *out, int64_t t, const char *id);

/**
 * cc_tindex_split - read a key made by cc_tindex_key() (@len bytes at
 * @key): the time in *@ret_t, the id into @id (CC_TINDEX_ID_MAX + 1
 * bytes). Returns 0, or MDB_CORRUPTED when it is not such a key.
 */
int cc_tindex_split(const void *key, size_t len, int64_t *ret_t, char *id);

/** cc_tindex_put - add (@t, @id) (present already: no change). */
int cc_tindex_put(cc_txn_t *txn, MDB_dbi dbi, int64_t t, const char *id);

/** cc_tindex_del - remove (@t, @id); an absent pair is not an error. */
int cc_tindex_del(cc_txn_t *txn, MDB_dbi dbi, int64_t t, const char *id);

/* Called for each pair by cc_tindex_scan(); returns as cc_scan_fn. */
typedef int (*cc_tindex_fn)(int64_t t, const char *id, void *ctx);

/**
 * cc_tindex_scan - the pairs with a time <= @until, earliest first
 * (INT64_MAX: all of them). @id is NUL-terminated and valid during the call.
 * Returns 0 or a negative error (MDB_CORRUPTED for a malformed key).
 */
int cc_tindex_scan(cc_txn_t *txn, MDB_dbi dbi, int64_t until, cc_tindex_fn fn, void *ctx);

/**
 * cc_tindex_first - the earliest pair: its time in *@ret_t and id in @id
 * (@id_len bytes, at least CC_TINDEX_ID_MAX + 1). Returns 0, -ENOENT when
 * the index is empty, or a negative error.
 */
int cc_tindex_first(cc_txn_t *txn, MDB_dbi dbi, int64_t *ret_t, char *id, size_t id_len);

/** cc_be64_put / cc_be64_get - big-endian u64 for keys that sort. */
void cc_be64_put(uint8_t out[8], uint64_t v);
uint64_t cc_be64_get(const void *in);

/* ---- Append-only log ------------------------------------------------------ */

/**
 * cc_log_append - append @rec at sequence last+1.
 * @ret_seq: the new record's sequence number (first is 1).
 */
int cc_log_append(cc_txn_t *txn, MDB_dbi log, const void *rec, size_t len, uint64_t *ret_seq);

/**
 * cc_log_get - record @seq of @log (unpacked, see cc_store_log_pack).
 * @ret_rec: valid until the transaction writes or ends, or the next
 *   cc_log_get() of this log (in any transaction: the buffer is the
 *   store's).
 * Returns 0, -ENOENT (not sticky), MDB_CORRUPTED or another error.
 */
int cc_log_get(cc_txn_t *txn, MDB_dbi log, uint64_t seq, const void **ret_rec, size_t *ret_len);

/**
 * cc_store_log_pack - store the records of @log packed by @pack
 * (cc_logpack.h): cc_log_append() packs, cc_log_get() and cc_log_scan()
 * unpack, so that no reader sees the stored form. NULL stops (before the
 * pack is closed). At most 2 logs per store. Returns 0 or -ENOSPC.
 */
int cc_store_log_pack(cc_store_t *store, MDB_dbi log, cc_logpack_t *pack);

/**
 * cc_log_last - the highest sequence number in @log, 0 if empty.
 */
int cc_log_last(cc_txn_t *txn, MDB_dbi log, uint64_t *ret_seq);

/* Called for each record by cc_log_scan(); return non-zero to stop. The
 * data is valid during the call (a packed log's record is unpacked into a
 * buffer that the next record reuses). */
typedef int (*cc_log_fn)(uint64_t seq, const void *rec, size_t len, void *ctx);

/**
 * cc_log_scan - call @fn for up to @max records with seq > @after, in order.
 * @ret_count: how many were passed to @fn (may be NULL).
 * Returns 0, or a negative error; a non-zero @fn result stops the scan and
 * is returned if negative.
 */
int cc_log_scan(cc_txn_t *txn, MDB_dbi log, uint64_t after, size_t max, cc_log_fn fn, void *ctx,
                size_t *ret_count);

/* ---- Operations ---------------------------------------------------------------- */

/* Figures for `cchc ctl stats`. */
typedef struct {
    size_t map_size;
    size_t used_bytes;
    uint64_t grows;   /* map growths since open */
    uint64_t commits; /* write transactions committed since open */
} cc_store_stats_t;

/** cc_store_stats - current figures. */
void cc_store_stats(cc_store_t *store, cc_store_stats_t *ret);

/**
 * cc_store_backup_at - hot, compacting copy of the environment into
 * "data.mdb" of the open directory @dir_fd, which must not hold one
 * (created with O_EXCL, not through a symbolic link). Readers and the
 * writer keep running meanwhile. On failure the partial file is removed.
 * Returns 0 or a negative error (-EEXIST when data.mdb is there).
 */
int cc_store_backup_at(cc_store_t *store, int dir_fd);

/**
 * cc_store_backup - cc_store_backup_at() into the directory @path
 * (created if missing). Returns 0 or a negative error.
 */
int cc_store_backup(cc_store_t *store, const char *path);

/** cc_store_strerror - text for a value returned by this module. */
const char *cc_store_strerror(int err);

#endif
