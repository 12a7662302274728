/*
 * scoring.h - the scoring daemon (cchc-scoringd): derived state only.
 *
 * Layout (libcchc_scoring; main.c only calls sc_scoring_main):
 *   tally.c   per-unit per-day counters (db "tally")
 *   alerts.c  active alerts, alert sequence, due-date index, publication
 *   state.c   applying BATCHes exactly once (cursor in the same txn),
 *             dossier snapshots, the overdue tick
 *   report.c  QUERY q=report
 *   feed.c    one consumer (DEALER, long-poll READ) per source log
 *   scoring.c this file: options, sockets, the poll loop, queries
 *
 * Sockets: a ROUTER (listen, default tcp://127.0.0.1:7303) for HELLO and
 * QUERY; a PUB (publish, default tcp://127.0.0.1:7304) for alerts, three
 * frames [unit code, header ALERT, body {seq, op, alert}]; a DEALER to
 * intake (7301) and one to hotline (7302). One poll loop over the ROUTER,
 * both DEALERs and the signalfd, and a tick (tick_ms) that raises overdue
 * alerts, pings the watchdog and updates STATUS=.
 *
 * Queries on the ROUTER (PROTOCOL.md §2): ping (no HELLO), stats, clock
 * {t} (operator, --test-clock only: sets the clock, runs the tick, then
 * replies), backup {path} (operator), report (report.h), alerts {units?}
 * (snapshot for late subscribers: {rid, seq, alerts: [...]}; supervisor,
 * filtered by scope, or operator).
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
#define SC_PUBLISH_DEFAULT "tcp://127.0.0.1:7304"
#define SC_INTAKE_DEFAULT "tcp://127.0.0.1:7301"
#define SC_HOTLINE_DEFAULT "tcp://127.0.0.1:7302"

/* Settings (the option table in scoring.c). */
typedef struct {
    cc_daemon_settings_t d; /* listen, state_dir, catalog_dir, tick, clock, log */
    char *publish;          /* PUB endpoint of alerts */
    char *intake;           /* intake's ROUTER, whose log is read */
    char *hotline;          /* hotline's ROUTER, whose log is read */
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
