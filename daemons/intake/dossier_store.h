/*
 * dossier_store.h - a dossier as intake stores it: its state and its
 * history, in one compact LMDB value.
 *
 * One value per dossier (LMDB "dossier", key = the dossier id) holds the
 * state (cc_dossier_t) and the sequence numbers of the dossier's records in
 * the log, in the order they were appended:
 *
 *   version (1 byte, CC_DOSSIER_STORE_VERSION)
 *   state, channel, sos_pending, apology, supplements, klass,
 *   consults_open (1 byte each)
 *   received_at, due_at, promised_at, resolved_at, last_at, sos_at
 *                                      (unsigned LEB128 varints; 0 = unset)
 *   proc, recv_unit                    (1 byte length, the bytes)
 *   unit                               (the same, or 0xff: as recv_unit)
 *   the number of records, then the first seq and the difference of each
 *   next one to the one before         (varints)
 *
 * About 50 bytes for a dossier of one record, against 180 for the fixed
 * struct, and an event costs one put of its dossier instead of two (state,
 * and a separate history index keyed by the dossier id): with ids that are
 * not sequential (UUIDs) every put of a random key dirties its own B-tree
 * page, so one fewer is a third less written per commit.
 */
#ifndef CC_DOSSIER_STORE_H
#define CC_DOSSIER_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "cc_store.h"
#include "dossier.h"

#define CC_DOSSIER_STORE_VERSION 2

/* A dossier read from the store. The history points into the value read,
 * valid until the transaction writes or ends. */
typedef struct {
    cc_dossier_t d;        /* state CC_DOSSIER_NONE when there is no such dossier */
    uint64_t n_records;    /* its records in the log */
    uint64_t last_seq;     /* the last of them (0: none) */
    const uint8_t *deltas; /* the varint differences after the first seq */
    size_t deltas_len;
    uint64_t first_seq;
} cc_stored_dossier_t;

/**
 * cc_dossier_load - read dossier @id.
 * @ret: the dossier; its state is CC_DOSSIER_NONE and its history empty
 *   when there is none.
 * Returns 0, MDB_CORRUPTED for a value that is not a dossier of this
 * version, or another storage error.
 */
int cc_dossier_load(cc_txn_t *txn, MDB_dbi dbi, const char *id, cc_stored_dossier_t *ret);

/**
 * cc_dossier_save - write dossier @id: state @d, the history of @old with
 * @seq appended (0: none appended).
 * @old: as loaded (its history is copied before the write).
 * Returns 0 or a storage error.
 */
int cc_dossier_save(cc_txn_t *txn, MDB_dbi dbi, const char *id, const cc_dossier_t *d,
                    const cc_stored_dossier_t *old, uint64_t seq);

/* Called with each seq of a history, in order; nonzero stops. */
typedef int (*cc_dossier_seq_fn)(uint64_t seq, void *ctx);

/**
 * cc_dossier_each_seq - call @fn with each seq of @sd's history.
 * Returns 0, what @fn returned when nonzero, or MDB_CORRUPTED.
 */
int cc_dossier_each_seq(const cc_stored_dossier_t *sd, cc_dossier_seq_fn fn, void *ctx);

#endif
