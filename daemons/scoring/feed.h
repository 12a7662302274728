/*
 * feed.h - a consumer of one event log (intake or hotline).
 *
 * One DEALER socket connected to the source daemon. It says HELLO as role
 * "consumer", who "scoring", then asks READ {rid, after: cursor, max: 1000,
 * wait: 1000} (long poll) again and again. Each BATCH goes to the apply
 * callback, which stores the records and the new cursor in one
 * transaction; the next READ starts after that cursor.
 *
 * Rollback: after each HELLO (a new session: the source may have been
 * restarted from another store) the first READ starts one record early,
 * at the cursor itself, so that the apply callback can check that the
 * source still holds the record scoring applied there; a callback that
 * answers -ESTALE (the source lost records, PROTOCOL.md §2.3) stops the
 * feed until sc_feed_restart().
 *
 * With CurveZMQ (the source's public key given), the DEALER is a CURVE
 * client with scoring's own key pair, and HELLO says only the role: the
 * source's principals file names the key (role consumer).
 *
 * Reconnects: libzmq reconnects the DEALER by itself. A restarted source
 * has forgotten our HELLO and answers not_authorized: we say HELLO again and
 * re-send the READ. If no reply comes within wait + 5 s (source down, or a
 * message lost with a dead connection), the HELLO and READ are sent again
 * under a new rid. Replies whose rid is not the current one are dropped;
 * and since the callback applies records by sequence number against the
 * stored cursor, a duplicate BATCH could not double-count anyway.
 */
#ifndef SC_FEED_H
#define SC_FEED_H

#include <stdbool.h>
#include <stdint.h>

#include "cc_codec.h"
#include "cc_curve.h"

#define SC_FEED_READ_MAX 1000
#define SC_FEED_WAIT_MS 1000
#define SC_FEED_GRACE_MS 5000 /* beyond wait, before a READ is re-sent */
#define SC_FEED_RETRY_MS 1000 /* after an error reply or a failed apply */

/* Apply a BATCH body; on success set *@ret_cursor to the cursor stored
 * with it. Return 0, -ESTALE to stop the feed (a rollback of the source),
 * or another negative error (the READ is retried later). */
typedef int (*sc_feed_apply_fn)(void *ctx, const msgpack_object *batch, uint64_t *ret_cursor);

typedef struct sc_feed sc_feed_t;

/* Figures of a feed. */
typedef struct {
    uint64_t cursor;       /* last seq applied */
    uint64_t head;         /* source's last seq, from the latest BATCH or HELLO reply */
    uint64_t batches;      /* BATCHes applied */
    uint64_t resends;      /* READs re-sent after a timeout */
    uint64_t errors;       /* ERROR replies and failed applies */
    bool connected;        /* a BATCH or HELLO reply came since the last timeout */
    bool head_known;       /* a BATCH or HELLO reply told the head */
    bool behind;           /* the last BATCH left records unread (last < head) */
    bool stopped;          /* stopped by the apply callback (-ESTALE) */
    uint64_t caught_up_ms; /* monotonic time of the last BATCH that reached the head */
} sc_feed_figures_t;

/**
 * sc_feed_new - create a feed and send its first HELLO and READ.
 * @zctx: ZeroMQ context.
 * @name: "intake" or "hotline" (for logs).
 * @endpoint: the source's ROUTER endpoint (copied).
 * @key, @server_key: scoring's key pair and the source's public key (Z85)
 *   for CurveZMQ (copied), or both NULL for plain.
 * @cursor: the stored cursor to read after.
 * @apply, @ctx: the BATCH callback.
 * @ret: the feed (sc_feed_destroy). Returns 0 or -errno.
 */
int sc_feed_new(void *zctx, const char *name, const char *endpoint, const cc_curve_keypair_t *key,
                const char *server_key, uint64_t cursor, sc_feed_apply_fn apply, void *ctx,
                sc_feed_t **ret);

/** sc_feed_destroy - close the socket and free; accepts NULL. */
void sc_feed_destroy(sc_feed_t **self_p);

/** sc_feed_socket - the DEALER, for zmq_poll. */
void *sc_feed_socket(sc_feed_t *f);

/** sc_feed_readable - take every waiting reply (call when POLLIN). */
void sc_feed_readable(sc_feed_t *f, uint64_t now_ms);

/** sc_feed_timer - re-send when a reply is overdue or a retry is due. */
void sc_feed_timer(sc_feed_t *f, uint64_t now_ms);

/** sc_feed_deadline_ms - monotonic time at which sc_feed_timer has work. */
uint64_t sc_feed_deadline_ms(const sc_feed_t *f);

/**
 * sc_feed_restart - read again after @cursor (a rebuild: 0), with a new
 * HELLO; a stopped feed goes again.
 */
void sc_feed_restart(sc_feed_t *f, uint64_t cursor);

/** sc_feed_figures - current figures. */
void sc_feed_figures(const sc_feed_t *f, sc_feed_figures_t *ret);

#endif
