/*
 * state.h - scoring's derived state: applying the intake and hotline logs.
 *
 * Scoring holds derived state only (ARCHITECTURE.md): everything here is a
 * function of the two logs and can be deleted and rebuilt from them.
 *
 * EXACTLY-ONCE: sc_state_apply_group() applies a group of BATCHes (of
 * either feed, in the order they were read) in ONE write transaction that
 * also stores each feed's cursor (the last sequence number applied). A
 * record with seq <= cursor is ignored (a duplicate BATCH after a re-sent
 * READ), a gap (seq > cursor + 1) ends the batch there, so a crash anywhere
 * neither loses nor double-counts a record.
 *
 * LMDB databases of the scoring environment (besides alerts.h's "alerts",
 * "acks", "due", "sos", "timers" and "meta", tally.h's "tally" and index.h's
 * "ixdossier" and "ixonline"):
 *   cursor   "intake" | "hotline" -> u64 (be64), last seq applied
 *   dossier  dossier id -> sc_dossier_t {version, state, flags (overdue,
 *            extended, alert flags), pending SOS kind, its unit and alert
 *            limit, due, received_at, unit, proc}: enough to know which unit
 *            to move or decrement when a dossier is transferred or ends, and
 *            which SOS kind a review decides
 *   pakn     complaint id -> sc_pakn_t {version, the unit it counts for,
 *            counted / answered / overdue / published / alert flags, the
 *            deadline in force and its due-soon timer}
 *   consult  dossier id, 0, agency -> i64 deadline: consultations asked
 *            and not yet answered (consult_late)
 * (sc_dossier_t and sc_pakn_t: state_priv.h.)
 *   meta     "applied/<feed>", "skipped/<feed>", "invalid/<feed>",
 *            "duplicate/<feed>", "open_dossiers" -> u64, "alert_seq",
 *            "layout" (SC_STATE_LAYOUT_CURRENT)
 *   cursor   also "<feed>#digest" -> u64: the digest of the record at the
 *            cursor, to tell a source restored from an older backup
 *
 * LAYOUT: sc_state_open() compares meta "layout" with the current one; on
 * a difference (or a store of layout 1, which had no such key but has a
 * cursor) it empties every derived database (sc_state_empty: all but the
 * acknowledgements), keeps alert_seq + 1, and the feeds read both logs
 * again from seq 1: a rebuild (sc_state_rebuilt_from, logged). An operator
 * asks for the same rebuild with QUERY rebuild (scoring.c).
 *
 * ROLLBACK: a batch whose head is below the cursor, or which carries the
 * record at the cursor with another digest than the one applied, is not
 * applied (-ESTALE): the source was restored from an older backup or
 * replaced, and the figures can only be rebuilt (PROTOCOL.md §2.3).
 *
 * ALERTS: raising and clearing happen in the transaction of the record or
 * tick that causes them; the changes wait in sc_alerts' queue until the
 * caller publishes them (sc_state_publish) or drops them while scoring is
 * catching up (sc_state_publish with a NULL function).
 *
 * Counting is by transition of the dossier's state, which the intake
 * record carries after each event: open (processing, supplement_wait) to
 * resolved counts the record's class; open to refused/stopped/withdrawn
 * counts ended_without_class; a change of handling unit while open counts
 * transferred_out for the old unit and transferred_in for the new one.
 * All counts go to the handling unit on the local day of the event's "at".
 * SOS: a request counts sos_<kind>_req for the handling unit and is
 * remembered with that unit; its review counts _ok or _deny there (the
 * kind comes from the dossier, the outcome from "approved"). A late
 * resolution counts its "apology" (in_time, late, none = missing).
 *
 * Complaints (PROTOCOL.md §5.1 "Counting rules"): a complaint counts for
 * one unit, fixed at its first attribution: the handling unit of the
 * dossier it names (when known here), else the record's unit, else "" (the
 * hotline) until its first pakn_assigned, which counts pakn_to_unit for ""
 * and pakn_received for the unit on that day. Its first answer and first
 * publication count once; pakn_overdue once, at the first escalation or
 * late first answer.
 *
 * Skipped records: an unknown record type is "skipped"; a record whose
 * fields are missing or ill-typed is "invalid". Both advance the cursor and
 * change nothing else.
 */
#ifndef SC_STATE_H
#define SC_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alerts.h"
#include "cc_catalog.h"
#include "cc_codec.h"
#include "cc_store.h"
#include "index.h"

typedef enum { SC_FEED_INTAKE, SC_FEED_HOTLINE, SC_FEED_COUNT_ } sc_feed_id_t;

/** sc_feed_name - "intake" or "hotline" (also the cursor key). */
const char *sc_feed_name(sc_feed_id_t f);

typedef struct sc_state sc_state_t;

/* A record dated more than this before the clock is history (an import, a
 * counter entering yesterday's events). */
#define SC_HISTORY_S 3600

/* What applying one BATCH did. */
typedef struct {
    uint64_t cursor;    /* the feed's cursor after the commit */
    uint64_t applied;   /* records applied (counted) */
    uint64_t skipped;   /* unknown record types */
    uint64_t invalid;   /* missing or ill-typed fields */
    uint64_t duplicate; /* seq <= cursor: already applied */
    bool gap;           /* stopped at a seq beyond cursor + 1 */
    bool malformed;     /* stopped at an item that is not [seq, record] or breaks the
                           decoder's rules (record.h), or the body is no BATCH */
    uint64_t history;   /* applied records dated more than SC_HISTORY_S before now */
    bool rollback;      /* the source lost what scoring applied (-ESTALE) */
    char rollback_why[160];
} sc_batch_result_t;

/* Live figures for stats and STATUS=. */
typedef struct {
    uint64_t cursor[SC_FEED_COUNT_];
    uint64_t applied[SC_FEED_COUNT_];
    uint64_t skipped[SC_FEED_COUNT_];
    uint64_t invalid[SC_FEED_COUNT_];
    uint64_t duplicate[SC_FEED_COUNT_];
    uint64_t open_dossiers;
    uint64_t active_alerts;
    uint64_t alert_seq;
    uint64_t due_indexed;
    uint64_t sos_indexed; /* SOS requests pending, not yet alerted */
    uint64_t timers;      /* alerts waiting for their moment (due soon, promise, consult) */
    uint64_t pakn_known;  /* complaints scoring has seen */
    cc_store_stats_t store;
} sc_stats_t;

/**
 * sc_state_open - open (creating) the scoring environment in @dir.
 * @map_size: initial LMDB map size in bytes (0: default).
 * @catalog: units and procedures for names (borrowed; may be NULL; swap
 *   with sc_state_set_catalog on reload).
 * @ret: the state (sc_state_close).
 * @err, @err_len: reason on failure.
 * Returns 0 or a negative storage error.
 */
int sc_state_open(const char *dir, size_t map_size, const cc_catalog_t *catalog, sc_state_t **ret,
                  char *err, size_t err_len);

/** sc_state_close - close and free; accepts NULL, nulls the pointer. */
void sc_state_close(sc_state_t **self_p);

/** sc_state_set_catalog - use @catalog (borrowed) from now on. */
void sc_state_set_catalog(sc_state_t *st, const cc_catalog_t *catalog);

/**
 * sc_state_cursor - the stored cursor of @feed (0 when nothing applied).
 */
int sc_state_cursor(sc_state_t *st, sc_feed_id_t feed, uint64_t *ret);

/* One BATCH read from a feed: its body as received, read in place
 * (record.h). */
typedef struct {
    sc_feed_id_t feed;
    const void *body; /* the BATCH map ({rid, last, head, events}) */
    size_t len;
} sc_batch_t;

/**
 * sc_state_apply_group - apply @n BATCHes, in order, exactly once, in one
 * write transaction with the feeds' cursors.
 * @now: the clock, to decide whether a moved due date clears an alert.
 * @ret: what was done with each batch (@n of them): a batch without
 *   "events" is only marked malformed; one that shows a rollback of its
 *   source (ROLLBACK above) is marked so and neither it nor the later
 *   batches of its feed are applied, while the other feed's are.
 * Alert changes wait for sc_state_publish.
 * Returns 0 once committed, or a storage error (then nothing of the group
 * is stored).
 */
int sc_state_apply_group(sc_state_t *st, const sc_batch_t *batches, size_t n, int64_t now,
                         sc_batch_result_t *ret);

/**
 * sc_state_apply_batch - apply a BATCH body of @feed exactly once (a group
 * of one).
 * @body, @len: the BATCH map ({rid, last, head, events: [[seq, record],
 *   ...]}) as received; "events" and "head" are read.
 * @now: the clock, to decide whether a moved due date clears an alert.
 * @ret: what was done (may be NULL); filled also on -ESTALE.
 * Alert changes wait for sc_state_publish.
 * Returns 0, -EINVAL when "events" is missing, -ESTALE when the source
 * rolled back (ROLLBACK above), or a storage error (then nothing of the
 * batch is stored).
 */
int sc_state_apply_batch(sc_state_t *st, sc_feed_id_t feed, const void *body, size_t len,
                         int64_t now, sc_batch_result_t *ret);

/**
 * sc_state_publish - hand the alert changes of the last commits to @fn
 * (NULL: drop them) and forget them. Returns how many there were.
 */
size_t sc_state_publish(sc_state_t *st, sc_publish_fn fn, void *ctx);

/**
 * sc_state_tick - in one transaction, raise what time made true by @now:
 * dossier_overdue (and apology_missing) for dossiers in processing past
 * their due date, sos_pending for requests past their limit, and the
 * timers' alerts (dossier_due_soon, promise_missed, consult_late,
 * pakn_due_soon) whose condition still holds. Each alert's raised_at is
 * the moment its condition became true (the due date, the limit, the
 * timer), so that a rebuild raises the same instances.
 * @ret_raised: how many were raised (may be NULL).
 */
int sc_state_tick(sc_state_t *st, int64_t now, size_t *ret_raised);

/**
 * sc_state_rates - raise or clear the rate alerts (unit_below_target,
 * satisfaction_below_target) of every unit of the catalog (@all) or of the
 * units whose resolutions or ratings changed since the last call, for the
 * reporting year to date on @now's day.
 * @ret_changes: alerts raised or cleared (may be NULL).
 */
int sc_state_rates(sc_state_t *st, int64_t now, bool all, size_t *ret_changes);

/**
 * sc_state_feed_alert - raise (@lagging) or clear the feed_lagging alert
 * of @feed: severity critical when @critical (a rollback), raised_at
 * @since, with @text. A change of severity replaces the alert.
 * Returns 0 or a storage error.
 */
int sc_state_feed_alert(sc_state_t *st, sc_feed_id_t feed, bool lagging, bool critical,
                        int64_t since, const char *text);

/**
 * sc_state_empty - empty every derived database inside @txn (the
 * acknowledgements stay) and keep the alert sequence going: the start of a
 * rebuild from the logs. Returns 0 or a storage error.
 */
int sc_state_empty(sc_state_t *st, cc_txn_t *txn);

/**
 * sc_state_rebuild - sc_state_empty in its own transaction (QUERY rebuild).
 * Returns 0 or a storage error.
 */
int sc_state_rebuild(sc_state_t *st);

/** sc_state_stats - current figures. */
int sc_state_stats(sc_state_t *st, sc_stats_t *ret);

/**
 * sc_state_rebuilt_from - the layout found by sc_state_open() when it was
 * not the current one and the derived state was emptied to be rebuilt from
 * the logs (the caller logs it); 0 when the store was current or new.
 */
uint64_t sc_state_rebuilt_from(sc_state_t *st);

/* The current layout: (index version << 24) | (tally version << 16) |
 * (dossier version << 8) | complaint version, stored in meta "layout". */
#define SC_STATE_LAYOUT_CURRENT 0x02070402u

/* A supervisor's note on a unit's grade for a period (intake grade_note):
 * the written reason A+ needs (@grade "") or a grade set by hand. */
typedef struct {
    char grade[4]; /* "" or one of cc_grades */
    char reason[1025];
    char by[CC_MAX_CODE + 1];
    int64_t at;
} sc_grade_note_t;

/**
 * sc_state_grade_note - the latest grade note on @unit for @period
 * ("2020-H1"), read in @txn. Returns 0, -ENOENT, or a storage error.
 */
int sc_state_grade_note(sc_state_t *st, cc_txn_t *txn, const char *unit, const char *period,
                        sc_grade_note_t *ret);

/* Called for each reminder or criticism by sc_state_notes() with its
 * record (the intake log record's map); returns as cc_scan_fn. */
typedef int (*sc_note_fn)(const msgpack_object *rec, void *ctx);

/**
 * sc_state_notes - the reminders and criticisms of @unit dated within the
 * days [@from_day, @to_day], in date order. Returns 0 or a storage error.
 */
int sc_state_notes(sc_state_t *st, cc_txn_t *txn, const char *unit, int32_t from_day,
                   int32_t to_day, sc_note_fn fn, void *ctx);

/* Accessors for the query modules (report.c, scoring.c). */
cc_store_t *sc_state_store(sc_state_t *st);
MDB_dbi sc_state_tally_dbi(sc_state_t *st);
sc_alerts_t *sc_state_alerts(sc_state_t *st);
const cc_catalog_t *sc_state_catalog(sc_state_t *st);
const sc_index_db_t *sc_state_index(sc_state_t *st);

#endif
