/*
 * feed.h - a consumer of one event log (intake or hotline).
 *
 * One DEALER socket connected to the source daemon. It says HELLO as role
 * "consumer", who "scoring", then asks READ {rid, after, max: 4096, wait:
 * 1000} (long poll) again and again, one READ in flight (PROTOCOL.md
 * §7.5). Each BATCH is handed to the take callback as soon as it comes,
 * after the next READ was sent: the source reads its next page while
 * scoring applies this one. The owner applies what it took (it may gather
 * several BATCHes into one transaction) and then tells the feed where the
 * stored cursor stands (sc_feed_applied), or that it must read again from
 * there (sc_feed_reread: a gap, a malformed batch, a failed commit), or
 * that the source rolled back (sc_feed_stop). So the feed has two
 * positions: the stored cursor (its figures) and where its next READ
 * starts, after the last BATCH taken.
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
 * and since records are applied by sequence number against the stored
 * cursor, a duplicate BATCH could not double-count anyway.
 */
#ifndef SC_FEED_H
#define SC_FEED_H

#include <stdbool.h>
#include <stdint.h>

#include <zmq.h>

#include "cc_codec.h"
#include "cc_curve.h"

#define SC_FEED_READ_MAX CC_MAX_READ /* records asked for in one READ: as many as allowed */
#define SC_FEED_WAIT_MS 1000
#define SC_FEED_GRACE_MS 5000 /* beyond wait, before a READ is re-sent */
#define SC_FEED_RETRY_MS 1000 /* after an error reply or a failed apply */

/* Take the BATCH frame @body (as received, read in place: record.h; take
 * it with zmq_msg_move, what is left is closed after the call) of
 * @records records, going up to @last, the source's log up to @head. The
 * next READ is in flight already, after @last; the callback may apply the
 * batch at once or later, and says how it went with sc_feed_applied,
 * sc_feed_reread or sc_feed_stop (those may be called from inside it). */
typedef void (*sc_feed_take_fn)(void *ctx, zmq_msg_t *body, uint32_t records, uint64_t last,
                                uint64_t head);

typedef struct sc_feed sc_feed_t;

/* Figures of a feed. */
typedef struct {
    uint64_t cursor;       /* last seq applied: the stored cursor */
    uint64_t taken;        /* last seq taken (not yet applied when > cursor) */
    uint64_t head;         /* source's last seq, from the latest BATCH or HELLO reply */
    uint64_t batches;      /* BATCHes applied */
    uint64_t resends;      /* READs re-sent after a timeout */
    uint64_t errors;       /* ERROR replies and failed applies */
    bool connected;        /* a BATCH or HELLO reply came since the last timeout */
    bool head_known;       /* a BATCH or HELLO reply told the head */
    bool behind;           /* the cursor stored last is before the head */
    bool stopped;          /* stopped on a rollback of the source (sc_feed_stop) */
    uint64_t caught_up_ms; /* monotonic time the stored cursor last reached the head */
} sc_feed_figures_t;

/**
 * sc_feed_new - create a feed and send its first HELLO and READ.
 * @zctx: ZeroMQ context.
 * @name: "intake" or "hotline" (for logs).
 * @endpoint: the source's ROUTER endpoint (copied).
 * @key, @server_key: scoring's key pair and the source's public key (Z85)
 *   for CurveZMQ (copied), or both NULL for plain.
 * @cursor: the stored cursor to read after.
 * @take, @ctx: the BATCH callback.
 * @ret: the feed (sc_feed_destroy). Returns 0 or -errno.
 */
int sc_feed_new(void *zctx, const char *name, const char *endpoint, const cc_curve_keypair_t *key,
                const char *server_key, uint64_t cursor, sc_feed_take_fn take, void *ctx,
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

/**
 * sc_feed_applied - the BATCHes taken were applied up to @cursor, which is
 * stored now (@batches of them); reading goes on where it is.
 */
void sc_feed_applied(sc_feed_t *f, uint64_t cursor, uint64_t batches, uint64_t now_ms);

/**
 * sc_feed_reread - what was taken after @cursor (the stored cursor) was
 * not applied: forget the READ in flight and read after @cursor, at once
 * or, with @later, after SC_FEED_RETRY_MS (a failed commit).
 */
void sc_feed_reread(sc_feed_t *f, uint64_t cursor, bool later, uint64_t now_ms);

/**
 * sc_feed_stop - the source rolled back (PROTOCOL.md §5.7): read nothing
 * more until sc_feed_restart().
 */
void sc_feed_stop(sc_feed_t *f);

/** sc_feed_figures - current figures. */
void sc_feed_figures(const sc_feed_t *f, sc_feed_figures_t *ret);

#endif
