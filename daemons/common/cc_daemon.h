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
 * a daemon's cc_option_t table; @listen_default is the daemon's own endpoint. */
#define CC_DAEMON_OPTIONS(settings_type, m, listen_default)                                        \
    { .name = "listen",                                                                            \
      .type = CC_OPT_STR,                                                                          \
      .offset = offsetof(settings_type, m.listen),                                                 \
      .def = (listen_default),                                                                     \
      .help = "ZeroMQ endpoint of the ROUTER socket: tcp://IP:PORT with a numeric address "        \
              "(IPv4, [IPv6] or *) or ipc://PATH" },                                               \
        { .name = "state_dir",                                                                     \
          .type = CC_OPT_STR,                                                                      \
          .offset = offsetof(settings_type, m.state_dir),                                          \
          .def = "./state",                                                                        \
          .help = "state directory (LMDB in <state_dir>/db); $STATE_DIRECTORY wins when set, "     \
                  "unless given on the command line" },                                            \
        { .name = "catalog_dir",                                                                   \
          .type = CC_OPT_STR,                                                                      \
          .offset = offsetof(settings_type, m.catalog_dir),                                        \
          .help = "directory of catalogs (units.tsv, procedures.tsv, calendar.tsv, policy.ini); "  \
                  "unset = the embedded demo catalogs" },                                          \
        { .name = "tick_ms",                                                                       \
          .type = CC_OPT_INT,                                                                      \
          .offset = offsetof(settings_type, m.tick_ms),                                            \
          .def = "1000",                                                                           \
          .min = 10,                                                                               \
          .max = 60000,                                                                            \
          .help = "housekeeping tick period in milliseconds" },                                    \
        { .name = "map_size_mb",                                                                   \
          .type = CC_OPT_INT,                                                                      \
          .offset = offsetof(settings_type, m.map_size_mb),                                        \
          .def = "64",                                                                             \
          .min = 1,                                                                                \
          .max = 1 << 20,                                                                          \
          .help = "initial LMDB map size in MiB (grows on demand)" },                              \
        { .name = "test_clock",                                                                    \
          .type = CC_OPT_TIME,                                                                     \
          .offset = offsetof(settings_type, m.test_clock),                                         \
          .help = "run on a test clock starting at this time, moved only by `cchc ctl DAEMON "     \
                  "clock` (tests and demos only; unset = the system clock)" },                     \
        { .name = "log_level",                                                                     \
          .type = CC_OPT_STR,                                                                      \
          .offset = offsetof(settings_type, m.log_level),                                          \
          .def = "info",                                                                           \
          .help = "least important level logged: debug, info, notice, warning, err" },             \
        { .name = "security",                                                                      \
          .type = CC_OPT_STR,                                                                      \
          .offset = offsetof(settings_type, m.security),                                           \
          .def = "plain",                                                                          \
          .help = "curve: CurveZMQ, clients known by key (server_key, principals); plain: HELLO "  \
                  "believed, loopback and ipc:// only" },                                          \
        { .name = "server_key",                                                                    \
          .type = CC_OPT_STR,                                                                      \
          .offset = offsetof(settings_type, m.server_key),                                         \
          .help =                                                                                  \
              "the daemon's CURVE key pair file (cchc keygen); unset = the systemd credential "    \
              "server.key" },                                                                      \
        { .name = "principals",                                                                    \
          .type = CC_OPT_STR,                                                                      \
          .offset = offsetof(settings_type, m.principals),                                         \
          .help = "principals file: each client key's role, name and units (security = curve)" },  \
    {                                                                                              \
        .name = "backup_dir", .type = CC_OPT_STR, .offset = offsetof(settings_type, m.backup_dir), \
        .help = "the only directory backups may be written under; unset = <state_dir>/backup"      \
    }

/**
 * cc_daemon_configure - read the configuration and set up logging and the
 * clock: cc_config_load(), the log level, the test clock.
 * @name: daemon name ("intake").
 * @table, @n, @settings: the daemon's option table and settings struct.
 * @common: the cc_daemon_settings_t inside @settings.
 * Returns -1 to go on, or the process exit status to return now (0 after
 * --help or --version, 2 for a bad configuration, logged; the settings are
 * then freed).
 */
int cc_daemon_configure(const char *name, const cc_option_t *table, size_t n, void *settings,
                        cc_daemon_settings_t *common, int argc, char **argv);

/**
 * cc_daemon_listen - the daemon's security (cc_security_open from its
 * settings) into @ret_sec, and its ROUTER into @ret_router: a CURVE server
 * when the security says so, bound to the settings' listen endpoint. The
 * caller closes both, also after a failure (the router may be NULL).
 * Returns 0 or a negative error, said in @err.
 */
int cc_daemon_listen(const cc_daemon_settings_t *set, void *zctx, cc_security_t **ret_sec,
                     void **ret_router, char *err, size_t err_len);

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

/**
 * cc_daemon_check_fields - answer ERROR bad_field, with the reason in both
 * languages ("@what_vi: ..." / "@what_en: ...", cc_reject_fields), unless
 * the body of request @req passes @fields.
 * Returns true when it passes (nothing was sent).
 */
bool cc_daemon_check_fields(void *router, const cc_request_t *req, const cc_field_t *fields,
                            size_t n, const char *what_vi, const char *what_en);

/**
 * cc_daemon_refuse_message - ERROR unsupported for a request of a message
 * type daemon @name does not take, naming the mistake: an EVENT or READ
 * sent to scoring says where events go and whose logs there are; a reply
 * type or an unknown one says it is not a request.
 */
void cc_daemon_refuse_message(void *router, const cc_request_t *req, const char *name);

/**
 * cc_daemon_refuse_query - ERROR unsupported (field "q") for query @q that
 * daemon @name does not answer, naming the daemon that does when there is
 * one ("this is cchc-intaked; 'report' is a query for cchc-scoringd").
 */
void cc_daemon_refuse_query(void *router, const cc_request_t *req, const char *name, cc_str_t q);

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
 * embedded demo catalogs) and log what was loaded, with a warning naming
 * the policy keys the file sets that no code reads (cc_policy_unread).
 * Returns 0, or the loader's error with "file:line: reason" in @err.
 */
int cc_daemon_load_catalog(const char *dir, cc_catalog_t **ret_catalog, char *err, size_t err_len);

/**
 * cc_daemon_reload_catalog - SIGHUP: load the catalogs from @dir again and,
 * only if that succeeds, replace *@catalog_p (the old one is destroyed).
 * Sends RELOADING=1 / READY=1 and logs the outcome (and the unread policy
 * keys, as at start); on failure the old catalogs stay. Returns 0 or the
 * loader's error.
 */
int cc_daemon_reload_catalog(const char *dir, cc_catalog_t **catalog_p);

#endif
