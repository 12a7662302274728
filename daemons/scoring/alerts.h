/*
 * alerts.h - alert state, acknowledgements, the time indexes that raise
 * alerts, and the changes waiting for publication.
 *
 * LMDB databases (opened by sc_alerts_open in the scoring environment):
 *   alerts   alert id -> a stored alert: a fixed header (version, kind,
 *            severity, unit length, raised_at, the unit code) followed by
 *            the MessagePack alert map of PROTOCOL.md §5.3 {id, kind,
 *            severity, unit, subject, [detail], raised_at, text, [ack]}.
 *            Only ACTIVE alerts are stored. The id is
 *            "<kind>:<subject>[:<detail>]" (e.g. "dossier_overdue:HS-001",
 *            "consult_late:HS-001:SO-XD"), so whoever clears an alert finds
 *            it without a second index; the header lets a snapshot filter
 *            by unit, kind and severity without decoding the map.
 *   acks     alert id, 0, unit, 0, be64(raised_at) -> {by, at, note}:
 *            supervisors' acknowledgements. An alert instance is its id,
 *            its unit and the moment its condition became true (raised_at),
 *            which the logs determine for the alerts of dossiers and
 *            complaints, so a rebuild raises the same instances and finds
 *            their acknowledgements (the rate and feed alerts take the
 *            moment scoring saw them: a rebuild makes new instances). This
 *            database is NOT derived from the logs and survives rebuilds.
 *   due      be64(due) | dossier id -> "" : open dossiers in processing
 *            whose overdue alert is not raised yet, in due order. The tick
 *            reads it from the start while due < now. (A dossier leaves the
 *            index when its alert is raised, so a tick costs O(newly
 *            overdue), not O(all overdue); it comes back if the alert is
 *            cleared while the dossier stays open.)
 *   sos      be64(limit) | dossier id -> "" : SOS requests pending review
 *            whose sos_pending alert is not raised yet (same pattern).
 *   timers   be64(t) | alert id -> "" : every other alert that time raises
 *            (dossier_due_soon, promise_missed, consult_late,
 *            pakn_due_soon): at t the tick checks the subject's stored
 *            state and raises the alert if its condition still holds;
 *            stale entries are dropped.
 *   meta     "alert_seq" -> u64: sequence of alert changes (raise, clear,
 *            ack).
 *
 * Raising, clearing and acknowledging happen inside the caller's write
 * transaction, with the state change that caused them. Each change is
 * queued in memory; after the commit the caller either publishes the queue
 * (sc_alerts_publish) or, while scoring is catching up with its sources,
 * drops it (sc_alerts_hold: subscribers then get a fresh snapshot). The
 * queue is emptied when the transaction is retried or aborted
 * (sc_alerts_begin).
 */
#ifndef SC_ALERTS_H
#define SC_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cc_auth.h"
#include "cc_codec.h"
#include "cc_store.h"
#include "cc_vocab.h"

#define SC_ALERT_ID_MAX (CC_MAX_CODE + 1 + CC_MAX_ID + 1 + CC_MAX_CODE)
#define SC_ALERT_TEXT_MAX 512
#define SC_ALERT_NOTE_MAX 512

/* One alert, as raised. */
typedef struct {
    cc_alert_kind_t kind;
    cc_severity_t severity;
    const char *unit;    /* unit code; "" for an alert about scoring itself */
    const char *subject; /* dossier id, PAKN id, unit code or feed name */
    const char *detail;  /* NULL, or a third part of the id (consult_late: the agency) */
    int64_t raised_at;   /* when its condition became true */
    const char *text;    /* Vietnamese, with the figures */
} sc_alert_t;

/* What is known of a stored alert without decoding its map. */
typedef struct {
    cc_alert_kind_t kind;
    cc_severity_t severity;
    int64_t raised_at;
    bool acked; /* a supervisor acknowledged it */
    char unit[CC_MAX_CODE + 1];
} sc_alert_head_t;

/* The operations a change publishes (PROTOCOL.md §5.3). */
typedef enum { SC_OP_RAISE, SC_OP_CLEAR, SC_OP_ACK } sc_alert_op_t;

/** sc_alert_op_name - "raise", "clear" or "ack". */
const char *sc_alert_op_name(sc_alert_op_t op);

/* One committed change, handed to the publisher. */
typedef struct {
    uint64_t seq;
    sc_alert_op_t op;
    sc_alert_head_t head;
    const void *alert; /* the alert map (on clear: as it was), valid during the call */
    size_t alert_len;
} sc_change_t;

/* Called after a commit for each queued change. */
typedef void (*sc_publish_fn)(void *ctx, const sc_change_t *ch);

typedef struct sc_alerts sc_alerts_t;

/**
 * sc_alerts_open - open the alerts, acks, due, sos, timers and meta
 * databases in @store.
 * @ret: a new object (sc_alerts_destroy). Returns 0 or a storage error.
 */
int sc_alerts_open(cc_store_t *store, sc_alerts_t **ret);

/** sc_alerts_destroy - free; accepts NULL, nulls the pointer. */
void sc_alerts_destroy(sc_alerts_t **self_p);

/** sc_alerts_begin - start of a write transaction: drop queued changes. */
void sc_alerts_begin(sc_alerts_t *a);

/**
 * sc_alerts_publish - after a commit: hand every queued change to @fn (may
 * be NULL), then empty the queue. Returns how many there were.
 */
size_t sc_alerts_publish(sc_alerts_t *a, sc_publish_fn fn, void *ctx);

/** sc_alerts_queued - how many changes wait for sc_alerts_publish. */
size_t sc_alerts_queued(const sc_alerts_t *a);

/**
 * sc_alert_id - the id of (@kind, @subject, @detail) into @buf
 * (SC_ALERT_ID_MAX + 1 bytes); @detail may be NULL.
 */
void sc_alert_id(char *buf, size_t size, cc_alert_kind_t kind, const char *subject,
                 const char *detail);

/**
 * sc_alert_id_parse - split an id made by sc_alert_id(): its kind, and
 * its subject and detail (each CC_MAX_ID + 1 bytes, detail "" when none).
 * Returns 0 or -EINVAL.
 */
int sc_alert_id_parse(const char *id, cc_alert_kind_t *ret_kind, char *ret_subject,
                      char *ret_detail);

/**
 * sc_alerts_raise - store @al as active unless an alert with its id is
 * active already (no repeats while it holds), with its acknowledgement if
 * that instance was acknowledged before, and queue a "raise".
 * @ret_raised: true when it was new (may be NULL).
 * Returns 0 or a storage error.
 */
int sc_alerts_raise(sc_alerts_t *a, cc_txn_t *txn, const sc_alert_t *al, bool *ret_raised);

/**
 * sc_alerts_clear - remove the active alert @id, if any, and queue a
 * "clear" carrying the alert as it was.
 * @ret_cleared: true when there was one (may be NULL).
 */
int sc_alerts_clear(sc_alerts_t *a, cc_txn_t *txn, const char *id, bool *ret_cleared);

/**
 * sc_alerts_clear_kind - clear the alert (@kind, @subject) without a
 * detail. Returns as sc_alerts_clear.
 */
int sc_alerts_clear_kind(sc_alerts_t *a, cc_txn_t *txn, cc_alert_kind_t kind, const char *subject);

/**
 * sc_alerts_get - the header of the active alert @id.
 * Returns 0, -ENOENT when no such alert is active, or a storage error.
 */
int sc_alerts_get(sc_alerts_t *a, cc_txn_t *txn, const char *id, sc_alert_head_t *ret);

/**
 * sc_alerts_ack - record that @by acknowledged the active alert @id at
 * @at, with @note ("" for none): kept in "acks", added to the stored alert
 * as its `ack`, and an "ack" change is queued. An acknowledgement of an
 * already acknowledged alert replaces it.
 * Returns 0, -ENOENT when no such alert is active, or a storage error.
 */
int sc_alerts_ack(sc_alerts_t *a, cc_txn_t *txn, const char *id, const char *by, int64_t at,
                  const char *note);

/** sc_alerts_seq - the current alert sequence (0: no change yet). */
int sc_alerts_seq(sc_alerts_t *a, cc_txn_t *txn, uint64_t *ret);

/** sc_alerts_bump_seq - skip one number (a rebuild: subscribers resync). */
int sc_alerts_bump_seq(sc_alerts_t *a, cc_txn_t *txn);

/** sc_alerts_active - number of active alerts. */
int sc_alerts_active(sc_alerts_t *a, cc_txn_t *txn, uint64_t *ret);

/* Called by sc_alerts_each for each active alert: its id, header and map
 * (valid during the call). Return 0 to go on, 1 to stop, or an error. */
typedef int (*sc_alert_fn)(const char *id, const sc_alert_head_t *head, const void *map,
                           size_t map_len, void *ctx);

/**
 * sc_alerts_each - every active alert whose id is after @after ("" or
 * NULL: from the first), in id order.
 * Returns 0 or a storage error (MDB_CORRUPTED for a bad record).
 */
int sc_alerts_each(sc_alerts_t *a, cc_txn_t *txn, const char *after, sc_alert_fn fn, void *ctx);

/**
 * sc_alerts_each_prefix - every active alert whose id starts with
 * @prefix. Returns as sc_alerts_each.
 */
int sc_alerts_each_prefix(sc_alerts_t *a, cc_txn_t *txn, const char *prefix, sc_alert_fn fn,
                          void *ctx);

/* ---- Time indexes: (time, dossier) pairs, and (time, alert id) timers ------- */

/** sc_due_put / sc_due_del - add or remove (@due, @dossier) in the due index. */
int sc_due_put(sc_alerts_t *a, cc_txn_t *txn, int64_t due, const char *dossier);
int sc_due_del(sc_alerts_t *a, cc_txn_t *txn, int64_t due, const char *dossier);

/**
 * sc_due_first - the earliest entry of the due index.
 * @ret_due, @ret_dossier (CC_TINDEX_ID_MAX+1 bytes): filled when found.
 * Returns 0, -ENOENT when the index is empty, or a storage error.
 */
int sc_due_first(sc_alerts_t *a, cc_txn_t *txn, int64_t *ret_due, char *ret_dossier);

/** sc_due_count - entries in the due index. */
int sc_due_count(sc_alerts_t *a, cc_txn_t *txn, uint64_t *ret);

/** sc_sos_put / sc_sos_del / sc_sos_first / sc_sos_count - the SOS index, alike. */
int sc_sos_put(sc_alerts_t *a, cc_txn_t *txn, int64_t limit, const char *dossier);
int sc_sos_del(sc_alerts_t *a, cc_txn_t *txn, int64_t limit, const char *dossier);
int sc_sos_first(sc_alerts_t *a, cc_txn_t *txn, int64_t *ret_limit, char *ret_dossier);
int sc_sos_count(sc_alerts_t *a, cc_txn_t *txn, uint64_t *ret);

/**
 * sc_timer_put / sc_timer_del - add or remove the timer raising alert @id
 * at @t (t 0: nothing to do).
 */
int sc_timer_put(sc_alerts_t *a, cc_txn_t *txn, int64_t t, const char *id);
int sc_timer_del(sc_alerts_t *a, cc_txn_t *txn, int64_t t, const char *id);

/** sc_timer_first / sc_timer_count - the earliest timer; how many there are. */
int sc_timer_first(sc_alerts_t *a, cc_txn_t *txn, int64_t *ret_t, char *ret_id);
int sc_timer_count(sc_alerts_t *a, cc_txn_t *txn, uint64_t *ret);

/**
 * sc_alerts_derived - the databases a rebuild empties (all but "acks"),
 * into @ret (room for 8); returns how many.
 */
size_t sc_alerts_derived(const sc_alerts_t *a, MDB_dbi *ret);

#endif
