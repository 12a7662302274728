/*
 * scoring.h - the scoring daemon (cchc-scoringd): derived state only.
 *
 * Layout (libcchc_scoring; main.c only calls sc_scoring_main):
 *   tally.c   per-unit per-day and per-month counters (db "tally")
 *   alerts.c  active alerts, acknowledgements, alert sequence, time indexes
 *   record.c  a BATCH and its records read in place, checked
 *   cache.c   the dossiers' snapshots used last, written once a transaction
 *   state.c   applying BATCHes exactly once (cursor in the same txn),
 *             dossier and complaint snapshots, the alerts records raise
 *   index.c   the QĐ 766 service index's figures
 *   tick.c    the alerts time raises, the rate alerts, the feed alerts
 *   watch.c   QUERY alerts, watch, unwatch, ack: supervisors' live view
 *   report.c  QUERY report, table, notes, index
 *   feed.c    one consumer (DEALER, long-poll READ) per source log
 *   scoring.c this file: options, sockets, the poll loop, catching up,
 *             the other queries
 *
 * Sockets: a ROUTER (listen, default tcp://127.0.0.1:7303) for HELLO and
 * QUERY, on which subscribers also receive their ALERT messages (watch.h);
 * a DEALER to intake (7301) and one to hotline (7302). One poll loop over
 * the ROUTER, both DEALERs and the signalfd, and a tick (tick_ms) that
 * raises the alerts time makes true, evaluates the rate and feed alerts,
 * pings the watchdog and updates STATUS=.
 *
 * CATCHING UP: while a source has more than SC_BEHIND_RECORDS records
 * scoring has not read (after the last BATCH), or while the records it
 * applies are history (an import, even beside live traffic: at least
 * SC_HISTORY_MIN_RECORDS records dated more than SC_HISTORY_S before the
 * clock, state.h, within SC_HISTORY_HOLD_MS of the first; until
 * SC_HISTORY_QUIET_MS after the last old record), scoring is catching up:
 * it applies records but does not run the tick or the rate alerts (a
 * dossier whose resolution is a few records on must not look overdue),
 * and it publishes no change; the changes held back are counted (stats
 * held_back). Once caught up it runs the tick and the rate alerts, and
 * every subscriber gets a fresh snapshot: only what is true at the head it
 * reached. From the first old record, every change (live ones, the
 * tick's and acknowledgements too) is kept in order for that decision (the
 * hold, SC_HISTORY_HOLD_MS, sc_watch_hold): an import's first READ may
 * catch only a few of its records. A few late records alone (a counter
 * back online) and what came beside them go out when the hold ends.
 *
 * Queries on the ROUTER (PROTOCOL.md §2, §5): ping (no HELLO), stats, clock
 * {t} (operator, --test-clock only: sets the clock, runs the tick, then
 * replies), backup {path} (operator), rebuild (operator: derived state
 * emptied, both logs read again), report, table, notes (report.h),
 * alerts, watch, unwatch, ack (watch.h).
 *
 * systemd: READY=1 after the sockets are bound and LMDB is open; WATCHDOG=1
 * from the tick; STATUS= with cursors, records applied, open dossiers and
 * active alerts; STOPPING=1 on SIGTERM, then exit 0; SIGHUP reloads the
 * catalogs (names only: counting never depends on them).
 */
#ifndef SC_SCORING_H
#define SC_SCORING_H

#include <stdint.h>

#include "cc_daemon.h"

#define SC_LISTEN_DEFAULT "tcp://127.0.0.1:7303"
#define SC_BEHIND_RECORDS 4000     /* more unread records than this: catching up */
#define SC_HISTORY_HOLD_MS 500     /* the changes of old records wait this long ... */
#define SC_HISTORY_MIN_RECORDS 100 /* ... for this many old records: then an import */
#define SC_HISTORY_QUIET_MS 5000   /* history mode ends this long after the last old record */
#define SC_RATES_ALL_MS 60000      /* every unit's rate alerts at least this often */
/* While a source is behind, the BATCHes read from it are applied together,
 * in one transaction, up to this many records or batches, or this long
 * after the first (a BATCH that reaches its source's head is applied at
 * once, with what was gathered before it). */
#define SC_GROUP_RECORDS 65536
#define SC_GROUP_BATCHES 64
#define SC_GROUP_MS 500
#define SC_INTAKE_DEFAULT "tcp://127.0.0.1:7301"
#define SC_HOTLINE_DEFAULT "tcp://127.0.0.1:7302"

/* Settings (the option table in scoring.c). */
typedef struct {
    cc_daemon_settings_t d; /* listen, state_dir, catalog_dir, tick, clock, log */
    char *publish;          /* no longer used (alerts go on the ROUTER): warned about */
    char *intake;           /* intake's ROUTER, whose log is read */
    char *hotline;          /* hotline's ROUTER, whose log is read */
    int64_t feed_lag_s;     /* feed_lagging after this many seconds behind a source */
    char *intake_key;       /* intake's public key (CURVE), a file or the key */
    char *hotline_key;      /* hotline's public key (CURVE), a file or the key */
} sc_settings_t;

/**
 * sc_scoring_main - run the scoring daemon: configuration, store, sockets,
 * READY, loop until SIGTERM/SIGINT, clean exit.
 * Returns the process exit status: 0 after a clean stop (or --help), 1 when
 * start-up failed, 2 for a bad configuration.
 */
int sc_scoring_main(int argc, char **argv);

#endif
