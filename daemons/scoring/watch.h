/*
 * watch.h - the supervisors' view of the alerts (PROTOCOL.md §5.2, §5.3):
 * the `alerts` query (a page of the active alerts, or their counts), the
 * `watch` subscription, and the `ack` query.
 *
 * A subscription lives on the connection that asked for it, on scoring's
 * ROUTER socket: the server knows who the subscriber is (the principal of
 * its HELLO), so it sends each subscriber only the alerts of its units,
 * matched exactly, whatever filter the client asks for. After the RESULT
 * the subscriber receives ALERT messages on the same connection:
 *   snapshot  pages of the active alerts matching the filter (page 0
 *             starts a new view; `last` ends it), or one `summary` (counts
 *             per unit, kind and severity) in summary mode;
 *   raise, clear, ack   each change after the snapshot, with its seq
 *             (summary mode: a new `summary`, at most once per tick);
 *   heartbeat every SC_WATCH_HEARTBEAT_MS, so a client can tell a quiet
 *             view from a dead connection; its `stale` says whether scoring
 *             is behind its sources (the view may be late), and a change of
 *             it is sent at once.
 * A subscriber whose socket is full (it does not read) loses changes: it
 * is marked lost and gets a fresh snapshot as soon as it can take one. So
 * does every subscriber after scoring held changes back while catching up
 * with its sources (sc_watch_resync). Only what is true now ever reaches
 * a subscriber twice; the snapshot is read in one transaction, so it and
 * the changes after it are consistent by seq.
 */
#ifndef SC_WATCH_H
#define SC_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alerts.h"
#include "cc_auth.h"
#include "cc_net.h"
#include "cc_store.h"

#define SC_WATCH_MAX 1024          /* subscriptions at once; beyond: overloaded */
#define SC_WATCH_PAGE 1000         /* alerts per snapshot page, and default query page */
#define SC_ALERTS_PAGE_MAX 10000   /* largest `max` of the alerts query */
#define SC_WATCH_HEARTBEAT_MS 5000 /* a heartbeat at least this often */
#define SC_WATCH_VIEW_MS 1000      /* a summary or a new snapshot at most this often */

typedef struct sc_watch sc_watch_t;

/**
 * sc_watch_new - the subscriptions of scoring's @router (borrowed; it
 * must have ZMQ_ROUTER_MANDATORY set, so that a full or gone subscriber is
 * told apart), reading alerts from @alerts in @store.
 */
sc_watch_t *sc_watch_new(void *router, cc_store_t *store, sc_alerts_t *alerts);

/** sc_watch_destroy - free; accepts NULL, nulls the pointer. */
void sc_watch_destroy(sc_watch_t **self_p);

/**
 * sc_watch_query_alerts - answer QUERY alerts (a page of the active
 * alerts matching the request's filter, or their counts with `summary`)
 * for @who, or an ERROR.
 */
void sc_watch_query_alerts(sc_watch_t *w, const cc_request_t *req, const cc_principal_t *who);

/**
 * sc_watch_subscribe - answer QUERY watch: replace the connection's
 * subscription by one with the request's filter, reply RESULT {rid, seq,
 * heartbeat_ms} and send the snapshot; or an ERROR.
 */
void sc_watch_subscribe(sc_watch_t *w, const cc_request_t *req, const cc_principal_t *who);

/** sc_watch_unsubscribe - answer QUERY unwatch: end the connection's subscription. */
void sc_watch_unsubscribe(sc_watch_t *w, const cc_request_t *req);

/**
 * sc_watch_ack - answer QUERY ack: @who (a supervisor of the alert's unit,
 * or an operator) acknowledges the active alert `id` at @now with an
 * optional `note`; durable before the RESULT {rid, alert}, then published.
 */
void sc_watch_ack(sc_watch_t *w, const cc_request_t *req, const cc_principal_t *who, int64_t now);

/**
 * sc_watch_end_all - end every subscription, telling each (ALERT op
 * `ended` with @vi and @en) to subscribe again: the principals file was
 * reloaded and what a key may see may have changed.
 */
void sc_watch_end_all(sc_watch_t *w, const char *vi, const char *en);

/** sc_watch_forget - end the subscription of connection @id (a new HELLO). */
void sc_watch_forget(sc_watch_t *w, const void *id, size_t id_len);

/**
 * sc_watch_publish - send one committed change to every subscriber whose
 * view it belongs to (an sc_publish_fn: @ctx is the sc_watch_t).
 */
void sc_watch_publish(void *ctx, const sc_change_t *ch);

/**
 * sc_watch_set_stale - whether scoring is behind its sources (catching up,
 * a feed lagging or stopped): told to every subscriber at once, then in
 * each heartbeat.
 */
void sc_watch_set_stale(sc_watch_t *w, bool stale);

/**
 * sc_watch_hold - keep every change published from now on (sc_watch_publish),
 * in order, instead of sending it, until sc_watch_release. A view sent
 * meanwhile is read at the store's present: the kept changes it already
 * reflects are not sent to it again.
 */
void sc_watch_hold(sc_watch_t *w);

/**
 * sc_watch_release - end the hold: send the kept changes in order (@send),
 * or drop them (the caller then owes the subscribers a fresh snapshot,
 * sc_watch_resync). Returns how many were kept.
 */
size_t sc_watch_release(sc_watch_t *w, bool send);

/** sc_watch_resync - give every subscriber a fresh snapshot (now or when it can take it). */
void sc_watch_resync(sc_watch_t *w);

/**
 * sc_watch_tick - heartbeats, pending summaries and snapshots of lost
 * subscribers; call every loop turn with the monotonic time.
 */
void sc_watch_tick(sc_watch_t *w, uint64_t now_ms);

/** sc_watch_count - subscriptions now. */
size_t sc_watch_count(const sc_watch_t *w);

/** sc_watch_sent - ALERT messages sent since start. */
uint64_t sc_watch_sent(const sc_watch_t *w);

#endif
