/*
 * cc_evd.h - the event daemon: what intake and hotline share.
 *
 * An event daemon binds one ROUTER socket, learns who each connection is
 * (HELLO), takes EVENT requests from many clients with many in flight,
 * validates and applies them through its domain (intake: dossiers; hotline:
 * contacts and complaints), appends each accepted event to an append-only
 * LMDB log and acknowledges it only after the commit that holds it is on
 * disk. It serves the log to consumers by cursor with long polling (READ)
 * and answers operator queries (ping, stats, clock, backup) plus the
 * domain's own queries.
 *
 * Group commit: each turn of the loop takes every request already waiting
 * (up to batch_max events), applies the events in one write transaction,
 * commits once (one fsync), then sends all the replies. The loop is a single
 * thread: while it waits for the fsync, libzmq's I/O thread keeps receiving,
 * so the next batch is ready when the commit returns. (ARCHITECTURE.md
 * suggests a separate writer thread; with validation at a few microseconds
 * an event, the fsync dominates and one thread is simpler and as fast.)
 *
 * Idempotency: the log record of every accepted event is indexed by its
 * sender and event id (event ids belong to their sender: one counter's ids
 * cannot clash with another's). An id the sender used before is
 * acknowledged again with the stored sequence number and not applied, or
 * refused (event_id_conflict) when the event differs. A rejected event is
 * not stored, so a retry is validated again.
 */
#ifndef CC_EVD_H
#define CC_EVD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cc_auth.h"
#include "cc_codec.h"
#include "cc_config.h"
#include "cc_daemon.h"
#include "cc_reject.h"
#include "cc_store.h"

typedef struct cc_evd cc_evd_t;

/* Settings of an event daemon (the option table evd_options in cc_evd.c). */
typedef struct {
    cc_daemon_settings_t d; /* listen, state_dir, catalog_dir, tick, clock, log */
    int64_t batch_max;      /* events in one group commit */
    bool rebuild;           /* rebuild the domain's state from the log at start */
    char *personal_keys;    /* hotline: the personal data keys (cc_hotline_domain) */
} cc_evd_settings_t;

/* The domain's part of an event daemon. Callbacks return 0 for success,
 * 1 for "rejected" (with @rej filled and nothing written), or a negative
 * storage error (the whole batch is then aborted and retried or failed). */
typedef struct {
    const char *name; /* "intake", "hotline" */

    /* Option rows of the domain's own, into cc_evd_settings_t (NULL: none). */
    const cc_option_t *options;
    size_t n_options;

    /* The keys of its records whose values come from small sets (states,
     * unit codes, ...), NULL-terminated: the log stores each such value
     * once, in its table of strings (cc_logpack.h). */
    const char *const *packed_values;

    /* Create the domain state and open its databases. @catalog is the
     * daemon's catalog slot: the core loads the catalogs before open and
     * replaces them on SIGHUP (cc_daemon_reload_catalog), so a domain reads
     * *catalog each time and never keeps the catalog itself. @set: the
     * daemon's settings (its state_dir, the domain's own options). */
    int (*open)(void **ret_dom, cc_store_t *store, cc_catalog_t *const *catalog,
                const cc_evd_settings_t *set, char *err, size_t err_len);
    void (*close)(void **dom_p);

    /* Whether @who may push events at all (role check). */
    bool (*may_push)(const cc_principal_t *who);

    /* Validate event @ev (already checked: eid, type, at) from @who. If it
     * is allowed, write the domain state in @txn and append the record's
     * domain fields to @rec as key/value pairs (the core counts them and
     * adds eid, type, at, by). @seq is the sequence
     * number the record will have if accepted (for the domain's indexes).
     * Must validate fully before writing anything. */
    int (*apply)(void *dom, cc_txn_t *txn, const cc_principal_t *who, const msgpack_object *ev,
                 int64_t now, uint64_t seq, cc_enc_t *rec, cc_reject_t *rej);

    /* Answer a domain query @q: encode a whole RESULT map into @out (it
     * must include "rid"). Return -ENOENT for an unknown query. */
    int (*query)(void *dom, cc_store_t *store, const cc_principal_t *who, cc_str_t q,
                 const msgpack_object *body, uint64_t rid, cc_enc_t *out, cc_reject_t *rej);

    /* Housekeeping at every tick and after the test clock moves (e.g.
     * escalation). May append events with cc_evd_append_internal(). */
    int (*tick)(void *dom, cc_evd_t *evd, int64_t now);

    /* One line of live figures for STATUS= and stats. */
    void (*status)(void *dom, char *buf, size_t len);

    /* Rebuild the domain's state from the log alone (NULL: the domain
     * cannot). The daemon then takes the `rebuild` option, which runs it
     * at start; a domain also runs it itself from open when it finds a
     * stored layout it does not write. Logs its progress. */
    int (*rebuild)(void *dom, cc_store_t *store, char *err, size_t err_len);
} cc_evd_domain_t;

/**
 * cc_evd_main - run an event daemon: parse configuration, open the store
 * and the domain, bind, notify READY, loop until SIGTERM, exit cleanly.
 * @domain: the domain callbacks.
 * @default_listen: ROUTER endpoint when not configured.
 * Returns the process exit status (0 after a clean stop).
 */
int cc_evd_main(const cc_evd_domain_t *domain, const char *default_listen, int argc, char **argv);

/**
 * cc_evd_append_internal - append an event that the daemon itself raises
 * (escalation, say) to the log inside @txn. @rec_pairs as in apply;
 * @type names the event; @eid must be unique and deterministic so that a
 * retried tick cannot apply twice.
 * @ret_seq: the record's sequence number; 0 when @eid was raised before
 *   (nothing appended).
 * Returns 0 or a negative storage error.
 */
int cc_evd_append_internal(cc_evd_t *evd, cc_txn_t *txn, const char *eid, const char *type,
                           int64_t at, const cc_enc_t *rec_pairs, uint64_t *ret_seq);

/**
 * cc_evd_history_item - encode one item of a history: [seq, record] of
 * record @seq of @log, or nil when there is none.
 * Returns 0 or a storage error.
 */
int cc_evd_history_item(cc_txn_t *txn, MDB_dbi log, uint64_t seq, cc_enc_t *out);

/**
 * cc_evd_history - encode the history of one subject (a dossier, a
 * complaint) as an array of [seq, record] pairs from the log: @index maps
 * @id to the be64 sequence numbers of its records (MDB_DUPSORT), @log is
 * the log. A sequence missing from the log is encoded as nil.
 * Returns 0 or a negative storage error.
 */
int cc_evd_history(cc_txn_t *txn, MDB_dbi index, MDB_dbi log, const char *id, cc_enc_t *out);

/** cc_evd_store - the daemon's store (for a domain's tick). */
cc_store_t *cc_evd_store(cc_evd_t *evd);

#endif
