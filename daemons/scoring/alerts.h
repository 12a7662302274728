/*
 * alerts.h - alert state, the due-date index, and alert publication.
 *
 * LMDB databases (opened by sc_alerts_open in the scoring environment):
 *   alerts   alert id -> MessagePack alert map {id, kind, severity, unit,
 *            subject, raised_at, text}; only ACTIVE alerts are stored.
 *            The id is "<kind>:<subject>" (e.g. "dossier_overdue:HS-001"), so
 *            whoever clears an alert finds it without a second index.
 *   due      be64(due) | dossier id -> "" : open dossiers in processing
 *            whose overdue alert is not raised yet, in due order. The tick
 *            reads it from the start while due < now. (Improvement on the
 *            design: a dossier leaves the index when its alert is raised, so a
 *            tick costs O(newly overdue), not O(all overdue); it comes back if
 *            the alert is cleared while the dossier stays open.)
 *   sos      be64(limit) | dossier id -> "" : dossiers with a SOS request
 *            pending review whose sos_pending alert is not raised yet, in
 *            order of the moment the request becomes alertable (the same
 *            pattern as "due"; the entry leaves on review, on raise, or when
 *            the dossier ends).
 *   meta     "alert_seq" -> u64: sequence of alert changes (raise or clear).
 *
 * Raising and clearing happen inside the caller's write transaction, with
 * the state change that caused them. Each change is queued in memory; the
 * caller publishes the queue only after the commit (sc_alerts_flush), and
 * drops it when the transaction is retried or aborted (sc_alerts_begin).
 * Publication body (type ALERT 0x85, topic = unit code):
 *   {seq: uint, op: "raise" | "clear", alert: {the alert map}}
 * Late joiners use the snapshot (sc_alerts_snapshot): the active alerts
 * and the current seq; they apply PUB messages with seq > snapshot seq
 * (zguide Clone pattern).
 */
#ifndef SC_ALERTS_H
#define SC_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cc_auth.h"
#include "cc_codec.h"
#include "cc_store.h"

#define SC_ALERT_ID_MAX (CC_MAX_CODE + 1 + CC_MAX_ID)
#define SC_ALERT_TEXT_MAX 512

/* One alert, as raised. */
typedef struct {
    const char *kind;     /* "dossier_overdue", ... */
    const char *severity; /* "info", "warning", "critical" */
    const char *unit;     /* unit code (the PUB topic) */
    const char *subject;  /* dossier id, PAKN id or unit code */
    int64_t raised_at;
    const char *text; /* Vietnamese, with the figures */
} sc_alert_t;

/* Called after a commit for each queued change: @unit is the topic, @body
 * the ALERT body (valid during the call). */
typedef void (*sc_publish_fn)(void *ctx, const char *unit, const void *body, size_t len);

typedef struct sc_alerts sc_alerts_t;

/**
 * sc_alerts_open - open the alerts, due and meta databases in @store.
 * @ret: a new object (sc_alerts_destroy). Returns 0 or a storage error.
 */
int sc_alerts_open(cc_store_t *store, sc_alerts_t **ret);

/** sc_alerts_destroy - free; accepts NULL, nulls the pointer. */
void sc_alerts_destroy(sc_alerts_t **self_p);

/** sc_alerts_set_publisher - where sc_alerts_flush sends (NULL: nowhere). */
void sc_alerts_set_publisher(sc_alerts_t *a, sc_publish_fn fn, void *ctx);

/** sc_alerts_begin - start of a write transaction: drop queued changes. */
void sc_alerts_begin(sc_alerts_t *a);

/** sc_alerts_flush - after a commit: publish queued changes, empty the queue. */
void sc_alerts_flush(sc_alerts_t *a);

/**
 * sc_alert_id - the id of (@kind, @subject) into @buf (SC_ALERT_ID_MAX+1).
 */
void sc_alert_id(char *buf, size_t size, const char *kind, const char *subject);

/**
 * sc_alerts_raise - store @al as active unless an alert with its id is
 * active already (no repeats while it holds), and queue its publication.
 * @ret_raised: true when it was new (may be NULL).
 * Returns 0 or a storage error.
 */
int sc_alerts_raise(sc_alerts_t *a, cc_txn_t *txn, const sc_alert_t *al, bool *ret_raised);

/**
 * sc_alerts_clear - remove the active alert @id, if any, and queue a
 * "clear" publication carrying the alert as it was raised.
 * @ret_cleared: true when there was one (may be NULL).
 */
int sc_alerts_clear(sc_alerts_t *a, cc_txn_t *txn, const char *id, bool *ret_cleared);

/** sc_alerts_seq - the current alert sequence (0: no change yet). */
int sc_alerts_seq(sc_alerts_t *a, cc_txn_t *txn, uint64_t *ret);

/** sc_alerts_active - number of active alerts. */
int sc_alerts_active(sc_alerts_t *a, cc_txn_t *txn, uint64_t *ret);

/**
 * sc_alerts_snapshot - encode the RESULT body {rid, seq, alerts: [...]}
 * of the active alerts whose unit @who may see and, when @units is not
 * NULL (an array of unit codes), that are in @units too.
 * @out: an encoder positioned at the start of the body.
 */
int sc_alerts_snapshot(sc_alerts_t *a, cc_txn_t *txn, const cc_principal_t *who,
                       const msgpack_object *units, uint64_t rid, cc_enc_t *out);

/* ---- Due-date index -------------------------------------------------------- */

/** sc_due_put / sc_due_del - add or remove (@due, @dossier) in the index. */
int sc_due_put(sc_alerts_t *a, cc_txn_t *txn, int64_t due, const char *dossier);
int sc_due_del(sc_alerts_t *a, cc_txn_t *txn, int64_t due, const char *dossier);

/**
 * sc_due_first - the earliest entry of the index.
 * @ret_due, @ret_dossier (CC_MAX_ID+1 bytes): filled when found.
 * Returns 0, -ENOENT when the index is empty, or a storage error.
 */
int sc_due_first(sc_alerts_t *a, cc_txn_t *txn, int64_t *ret_due, char *ret_dossier);

/** sc_due_count - entries in the index. */
int sc_due_count(sc_alerts_t *a, cc_txn_t *txn, uint64_t *ret);

/* ---- SOS-pending index (same shape as the due index) ------------------------ */

/** sc_sos_put / sc_sos_del - add or remove (@limit, @dossier) in the index. */
int sc_sos_put(sc_alerts_t *a, cc_txn_t *txn, int64_t limit, const char *dossier);
int sc_sos_del(sc_alerts_t *a, cc_txn_t *txn, int64_t limit, const char *dossier);

/**
 * sc_sos_first - the earliest entry of the SOS index.
 * Returns 0, -ENOENT when empty, or a storage error.
 */
int sc_sos_first(sc_alerts_t *a, cc_txn_t *txn, int64_t *ret_limit, char *ret_dossier);

/** sc_sos_count - entries in the SOS index. */
int sc_sos_count(sc_alerts_t *a, cc_txn_t *txn, uint64_t *ret);

#endif
