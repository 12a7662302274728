/*
 * cc_ids.h - which log record holds an event id: the event daemons'
 * exactly-once (PROTOCOL.md §7.3).
 *
 * Event ids belong to their sender: the id is the pair (sender, event id),
 * and nobody can make another sender's ids conflict. For each log record
 * the store keeps its id's hash and, for an event from a peer, the event's
 * digest (to tell a retry from another event under a reused id).
 *
 * Stored: LMDB "id_runs", one value per run of consecutive records (one
 * write transaction's), keyed by the run's first seq (8 bytes big-endian:
 * every put appends, whatever ids clients choose), holding 13 bytes a
 * record: flags (has an id, has a digest), the high 32 bits of the
 * id's keyed hash (cc_idmap_hash) and the digest, big-endian. About 13
 * bytes an event.
 * In memory: the hashes, mapped to their seqs (cc_idmap), filled at open.
 * A hash found is confirmed against the record's own "by" and "eid", so
 * ids that share a hash never merge.
 *
 * Older stores kept instead a "dedupe" index keyed by (sender, NUL, event
 * id), or by the event id alone before ids belonged to their sender, with
 * the seq, then 0x01 and the digest, then the sender; its keys were the
 * clients' ids, so ids that are not sequential put each insert on its own
 * page. Such a store is converted at open, a chunk of records per
 * transaction, resuming where an interrupted conversion stopped.
 */
#ifndef CC_IDS_H
#define CC_IDS_H

#include <stdbool.h>
#include <stdint.h>

#include "cc_codec.h"
#include "cc_store.h"

typedef struct cc_ids cc_ids_t;

/* A record found by its id. */
typedef struct {
    uint64_t seq;
    bool has_digest; /* the event came from a peer */
    uint64_t digest;
} cc_id_found_t;

/**
 * cc_ids_open - open the ids of log @log of @store (meta keys in @meta),
 * converting an older store's; @head: the log's last seq. Logs progress.
 * Returns 0, -EPROTO for ids of a newer version's layout, or a storage
 * error.
 */
int cc_ids_open(cc_store_t *store, MDB_dbi meta, MDB_dbi log, uint64_t head, cc_ids_t **ret_ids);

/** cc_ids_close - free the ids; accepts NULL. */
void cc_ids_close(cc_ids_t **ids_p);

/** cc_ids_hash - the hash of @sender's event id @eid. */
uint64_t cc_ids_hash(const cc_ids_t *ids, const char *sender, cc_str_t eid);

/**
 * cc_ids_find - the record of @sender's event id @eid (of hash @hash), in
 * write transaction @txn: committed, or added earlier in @txn (a read
 * transaction older than the last commit may not see what the map
 * names: MDB_CORRUPTED).
 * Returns 0 with @ret filled, -ENOENT, or a storage error.
 */
int cc_ids_find(cc_ids_t *ids, cc_txn_t *txn, uint64_t hash, const char *sender, cc_str_t eid,
                cc_id_found_t *ret);

/**
 * cc_ids_add - record @seq (the log's newest) holds the id of @hash;
 * @digest: the event's, or NULL for a record the daemon raises itself.
 * Written with the transaction's commit. Returns 0 or an error (-EOVERFLOW
 * past seq CC_IDMAP_VALUE_MAX).
 */
int cc_ids_add(cc_ids_t *ids, cc_txn_t *txn, uint64_t seq, uint64_t hash, const uint64_t *digest);

/** cc_ids_count - ids in memory. */
uint64_t cc_ids_count(const cc_ids_t *ids);

/** cc_ids_map_bytes - the memory of the map of ids. */
size_t cc_ids_map_bytes(const cc_ids_t *ids);

#endif
