/*
 * dossier_store.h - a dossier as intake stores it: its state and its
 * history, in one compact LMDB value.
 *
 * One value per dossier (LMDB "dossier") holds the state (cc_dossier_t),
 * the dossier id and the sequence numbers of the dossier's records in the
 * log, in the order they were appended. It is keyed by the seq of the
 * dossier's first record (8 bytes, big-endian), not by its id: the seqs
 * grow, so a new dossier appends whatever ids counters choose (with
 * random ids, UUIDs, each insert keyed by the id dirtied its own B-tree
 * page). An in-memory map (cc_idmap) finds the key from the id; it is
 * filled from the table at open.
 *
 *   version (1 byte, CC_DOSSIER_STORE_VERSION)
 *   state, channel, sos_pending, apology, supplements, klass,
 *   consults_open (1 byte each)
 *   received_at, due_at, promised_at, resolved_at, last_at, sos_at
 *                                      (unsigned LEB128 varints; 0 = unset)
 *   proc, recv_unit                    (1 byte length, the bytes)
 *   unit                               (the same, or 0xff: as recv_unit)
 *   id                                 (1 byte length, the bytes)
 *   the number of records, then the first seq and the difference of each
 *   next one to the one before         (varints)
 *
 * About 80 bytes for a dossier of one record, against 180 for the fixed
 * struct, and an event costs one put of its dossier.
 */
#ifndef CC_DOSSIER_STORE_H
#define CC_DOSSIER_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cc_idmap.h"
#include "cc_store.h"
#include "dossier.h"

#define CC_DOSSIER_STORE_VERSION 3

/* The stored dossiers: their table and the map of their ids. */
typedef struct cc_dossiers cc_dossiers_t;

/* A dossier read from the store. The history points into the value read,
 * valid until the transaction writes or ends. */
typedef struct {
    cc_dossier_t d;        /* state CC_DOSSIER_NONE when there is no such dossier */
    uint64_t n_records;    /* its records in the log */
    uint64_t last_seq;     /* the last of them (0: none) */
    const uint8_t *deltas; /* the varint differences after the first seq */
    size_t deltas_len;
    uint64_t first_seq; /* and the key */
} cc_stored_dossier_t;

/**
 * cc_dossiers_open - open the table "dossier" of @store and, with @fill,
 * fill the map of its ids (hashed under the key @meta holds as
 * "dossier_hash_key"); without, the table is about to be rebuilt.
 * @ret_unreadable: the values that are not a dossier of this version
 *   (their ids unknown, a rebuild is due).
 * Returns 0 or a storage error.
 */
int cc_dossiers_open(cc_store_t *store, MDB_dbi meta, bool fill, uint64_t *ret_unreadable,
                     cc_dossiers_t **ret_ds);

/** cc_dossiers_close - free the map; accepts NULL. */
void cc_dossiers_close(cc_dossiers_t **ds_p);

/**
 * cc_dossiers_drop - empty the table in @txn (a rebuild); the map is
 * emptied by cc_dossiers_dropped() once @txn committed.
 */
int cc_dossiers_drop(cc_txn_t *txn, cc_dossiers_t *ds);

/** cc_dossiers_dropped - forget every id: cc_dossiers_drop() committed. */
void cc_dossiers_dropped(cc_dossiers_t *ds);

/** cc_dossiers_count - dossiers stored. */
uint64_t cc_dossiers_count(const cc_dossiers_t *ds);

/** cc_dossiers_map_bytes - memory the map of ids takes. */
size_t cc_dossiers_map_bytes(const cc_dossiers_t *ds);

/**
 * cc_dossier_load - read dossier @id.
 * @ret: the dossier; its state is CC_DOSSIER_NONE and its history empty
 *   when there is none.
 * Returns 0, MDB_CORRUPTED for a value that is not a dossier of this
 * version, or another storage error.
 */
int cc_dossier_load(cc_txn_t *txn, const cc_dossiers_t *ds, const char *id,
                    cc_stored_dossier_t *ret);

/**
 * cc_dossier_save - write dossier @id: state @d, the history of @old with
 * @seq appended (0: none appended; a new dossier needs its first seq).
 * @old: as loaded (its history is copied before the write).
 * Returns 0, -EINVAL for a new dossier without a seq, -EOVERFLOW past the
 * map's numbers (CC_IDMAP_VALUE_MAX), or a storage error.
 */
int cc_dossier_save(cc_txn_t *txn, cc_dossiers_t *ds, const char *id, const cc_dossier_t *d,
                    const cc_stored_dossier_t *old, uint64_t seq);

/* Called with each seq of a history, in order; nonzero stops. */
typedef int (*cc_dossier_seq_fn)(uint64_t seq, void *ctx);

/**
 * cc_dossier_each_seq - call @fn with each seq of @sd's history.
 * Returns 0, what @fn returned when nonzero, or MDB_CORRUPTED.
 */
int cc_dossier_each_seq(const cc_stored_dossier_t *sd, cc_dossier_seq_fn fn, void *ctx);

#endif
