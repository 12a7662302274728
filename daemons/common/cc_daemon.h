/*
 * cc_daemon.h - what every cchc daemon does the same way.
 *
 * Intake and hotline are event daemons (cc_evd.h); scoring consumes their
 * logs and publishes alerts. Their loops differ, but their shell does not:
 * the common options, start-up (configuration, log level, test clock, the
 * state directory's lock, security: cc_security.h), the HELLO exchange, the
 * queries every daemon answers (ping, clock, backup), catalog reload on
 * SIGHUP, and the tick period that keeps the watchdog fed. They live here,
 * once.
 */
#ifndef CC_DAEMON_H
#define CC_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cc_auth.h"
#include "cc_catalog.h"
#include "cc_config.h"
#include "cc_net.h"
#include "cc_security.h"
#include "cc_store.h"

/* Settings every daemon has; a daemon's settings struct embeds it. */
typedef struct {
    char *listen;        /* ROUTER endpoint */
    char *state_dir;     /* LMDB environment lives in <state_dir>/db */
    char *catalog_dir;   /* catalogs; unset = embedded demo catalogs */
    int64_t tick_ms;     /* period of the housekeeping tick */
    int64_t map_size_mb; /* initial LMDB map size */
    int64_t test_clock;  /* start the test clock at this time (0 = off) */
    char *log_level;     /* debug, info, notice, warning, err */
    char *security;      /* plain or curve (cc_security.h) */
    char *server_key;    /* the daemon's CURVE key pair file */
    char *principals;    /* the principals file (CURVE) */
    char *backup_dir;    /* where `backup` may write; unset = <state_dir>/backup */
} cc_daemon_settings_t;

/* Option table rows of cc_daemon_settings_t member @m of struct @type, for
 * a daemon's cc_option_t table (listen has no default: the daemon sets its
 * own port when it is unset). */
#define CC_DAEMON_OPTIONS(type, m)                                                                 \
    { "listen",                                                                                    \
      CC_OPT_STR,                                                                                  \
      offsetof(type, m.listen),                                                                    \
      NULL,                                                                                        \
      0,                                                                                           \
      0,                                                                                           \
      "ROUTER endpoint: tcp://IP:PORT (numeric IPv4, [IPv6] or *) or ipc://PATH" },                \
        { "state_dir",                                                                             \
          CC_OPT_STR,                                                                              \
          offsetof(type, m.state_dir),                                                             \
          "./state",                                                                               \
          0,                                                                                       \
          0,                                                                                       \
          "state directory (LMDB in <state_dir>/db); $STATE_DIRECTORY when set" },                 \
        { "catalog_dir",                                                                           \
          CC_OPT_STR,                                                                              \
          offsetof(type, m.catalog_dir),                                                           \
          NULL,                                                                                    \
          0,                                                                                       \
          0,                                                                                       \
          "directory of catalogs (units.tsv, procedures.tsv, calendar.tsv, policy.ini); "          \
          "unset = embedded demo catalogs" },                                                      \
        { "tick_ms",                                                                               \
          CC_OPT_INT,                                                                              \
          offsetof(type, m.tick_ms),                                                               \
          "1000",                                                                                  \
          10,                                                                                      \
          60000,                                                                                   \
          "housekeeping tick period in milliseconds" },                                            \
        { "map_size_mb",                                                                           \
          CC_OPT_INT,                                                                              \
          offsetof(type, m.map_size_mb),                                                           \
          "64",                                                                                    \
          1,                                                                                       \
          1 << 20,                                                                                 \
          "initial LMDB map size in MiB (grows on demand)" },                                      \
        { "test_clock",                                                                            \
          CC_OPT_TIME,                                                                             \
          offsetof(type, m.test_clock),                                                            \
          NULL,                                                                                    \
          0,                                                                                       \
          0,                                                                                       \
          "run on a test clock starting at this time (tests only)" },                              \
        { "log_level",                                                                             \
          CC_OPT_STR,                                                                              \
          offsetof(type, m.log_level),                                                             \
          "info",                                                                                  \
          0,                                                                                       \
          0,                                                                                       \
          "least important level logged: debug, info, notice, warning, err" },                     \
        { "security",                                                                              \
          CC_OPT_STR,                                                                              \
          offsetof(type, m.security),                                                              \
          "plain",                                                                                 \
          0,                                                                                       \
          0,                                                                                       \
          "curve: CurveZMQ, clients known by key (server_key, principals); plain: HELLO "          \
          "believed, loopback and ipc:// only" },                                                  \
        { "server_key",                                                                            \
          CC_OPT_STR,                                                                              \
          offsetof(type, m.server_key),                                                            \
          NULL,                                                                                    \
          0,                                                                                       \
          0,                                                                                       \
          "the daemon's CURVE key pair file (cchc keygen); unset = the systemd credential "        \
          "server.key" },                                                                          \
        { "principals",                                                                            \
          CC_OPT_STR,                                                                              \
          offsetof(type, m.principals),                                                            \
          NULL,                                                                                    \
          0,                                                                                       \
          0,                                                                                       \
          "principals file: each client key's role, name and units (security = curve)" },          \
    {                                                                                              \
        "backup_dir", CC_OPT_STR, offsetof(type, m.backup_dir), NULL, 0, 0,                        \
            "the only directory backups may be written under; unset = <state_dir>/backup"          \
    }

/**
 * cc_daemon_configure - read the configuration and set up logging and the
 * clock: cc_config_load(), the log level, the test clock, and @default_listen
 * when no endpoint is configured.
 * @name: daemon name ("intake").
 * @table, @n, @settings: the daemon's option table and settings struct.
 * @common: the cc_daemon_settings_t inside @settings.
 * Returns -1 to go on, or the process exit status to return now (0 after
 * --help, 2 for a bad configuration, logged; the settings are then freed).
 */
int cc_daemon_configure(const char *name, const cc_option_t *table, size_t n, void *settings,
                        cc_daemon_settings_t *common, const char *default_listen, int argc,
                        char **argv);

/**
 * cc_daemon_security - set up the daemon's security (cc_security_open)
 * from its settings, for ROUTER endpoints @listen.
 */
int cc_daemon_security(const cc_daemon_settings_t *set, void *zctx, const char *const *listen,
                       size_t n, cc_security_t **ret, char *err, size_t err_len);

/**
 * cc_daemon_tick_ms - the tick period: @tick_ms, or half of WatchdogSec if
 * that is shorter, so that WATCHDOG=1 from the tick is always in time.
 */
uint64_t cc_daemon_tick_ms(int64_t tick_ms);

/**
 * cc_daemon_state_path - create @state_dir if needed, take its lock and
 * write "<state_dir>/db" into @buf.
 *
 * One daemon per state directory: the lock is an exclusive flock() on
 * "<state_dir>/lock" (which then holds the daemon's pid), held until the
 * process exits or closes *@ret_lock_fd. A second daemon on the same
 * directory fails here, naming the directory and the pid that holds it.
 * @ret_lock_fd: the lock's file descriptor; close it at exit.
 * Returns 0, -EBUSY when another process holds the lock, or -errno; @err
 * is filled on failure.
 */
int cc_daemon_state_path(const char *state_dir, char *buf, size_t len, int *ret_lock_fd, char *err,
                         size_t err_len);

/**
 * cc_daemon_hello - answer a HELLO: build the principal (cc_security_hello:
 * believed in plain mode, a narrowing of the key's with CURVE), bind it to
 * the connection in @sessions, log it, and reply RESULT {rid, daemon,
 * version, head}.
 * @head: the daemon's log head (0 for scoring, which has no log).
 * Returns 0 when the connection is identified, negative when refused (an
 * ERROR was sent).
 */
int cc_daemon_hello(void *router, cc_security_t *sec, cc_sessions_t *sessions,
                    const cc_request_t *req, const char *name, uint64_t head);

/* What cc_daemon_query() did with a QUERY. */
typedef enum {
    CC_QUERY_ANSWERED,  /* replied (a RESULT or an ERROR) */
    CC_QUERY_CLOCK_SET, /* test clock moved: run the tick, then cc_daemon_reply_ok() */
    CC_QUERY_MINE,      /* not a common query: *ret_q names it; the daemon answers */
} cc_query_outcome_t;

/**
 * cc_daemon_query - check a QUERY's fields and answer the queries every
 * daemon shares: ping (no HELLO needed), clock (operator, test clock only)
 * and backup (operator: a compacting copy of @store, cc_store_backup_at,
 * into a directory below @set's backup_dir, never through "..", a symbolic
 * link or an absolute path elsewhere); refuse others without HELLO. Every
 * query of an operator, and every refused operator command, is logged
 * with the principal (PRINCIPAL=, OPERATOR_COMMAND=).
 * @who: the connection's principal or NULL.
 * @set: the daemon's settings (state_dir, backup_dir).
 * @ret_q: the query name when the outcome is CC_QUERY_MINE.
 */
cc_query_outcome_t cc_daemon_query(void *router, const cc_request_t *req, const cc_principal_t *who,
                                   cc_store_t *store, const cc_daemon_settings_t *set,
                                   const char *name, cc_str_t *ret_q);

/**
 * cc_daemon_reply_ok - RESULT {rid, daemon, now, test_clock}: the answer to
 * ping and clock.
 */
void cc_daemon_reply_ok(void *router, const cc_request_t *req, const char *name);

/**
 * cc_daemon_load_catalog - load the catalogs at start (@dir NULL: the
 * embedded demo catalogs) and log what was loaded.
 * Returns 0, or the loader's error with "file:line: reason" in @err.
 */
int cc_daemon_load_catalog(const char *dir, cc_catalog_t **ret_catalog, char *err, size_t err_len);

/**
 * cc_daemon_reload_catalog - SIGHUP: load the catalogs from @dir again and,
 * only if that succeeds, replace *@catalog_p (the old one is destroyed).
 * Sends RELOADING=1 / READY=1 and logs the outcome; on failure the old
 * catalogs stay. Returns 0 or the loader's error.
 */
int cc_daemon_reload_catalog(const char *dir, cc_catalog_t **catalog_p);

#endif
