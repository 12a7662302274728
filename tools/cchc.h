/*
 * cchc.h - what the commands of the cchc tool share: exit codes, the
 * parsed command line, connecting to a daemon with clear messages.
 *
 * Each command lives in its own file (cchc_push.c, cchc_watch.c,
 * cchc_query.c, cchc_hotline.c) and returns the process exit status.
 */
#ifndef CCHC_H
#define CCHC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cc_catalog.h"
#include "cc_cli.h"
#include "cc_client.h"
#include "cc_push.h"

/* Exit statuses (documented in `cchc --help` and README). */
#define CCHC_EXIT_OK 0          /* everything accepted (duplicates count as accepted) */
#define CCHC_EXIT_REJECTED 1    /* some events or the request refused by the daemon */
#define CCHC_EXIT_USAGE 2       /* bad command line */
#define CCHC_EXIT_UNREACHABLE 3 /* daemon unreachable or no answer in time */
#define CCHC_EXIT_PROTOCOL 4    /* a reply broke the protocol */

/**
 * cchc_usage_error - print "cchc: <msg>" and a hint to stderr.
 * Returns CCHC_EXIT_USAGE.
 */
int cchc_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * cchc_daemon_program - the program behind an endpoint ("cchc-intaked").
 */
const char *cchc_daemon_program(cc_endpoint_t ep);

/**
 * cchc_fail - report a failed request on stderr, in Vietnamese then
 * English ("vi / en", as every message of the tool), and choose the exit
 * status: -ETIMEDOUT: "cannot reach <daemon> at <ep> (no reply within N
 * ms); is <program> running? (systemctl status <program>)" -> 3; 1 with
 * @err: "<daemon> refused: <code> (field F): <vi> / <en>" -> 1;
 * CC_EMALFORMED / -EPROTO -> 4; a timeout whose handshake failed
 * (cc_client_handshake_error): the key refused -> 1, CurveZMQ on one end
 * only or the wrong daemon key -> 3, each said; other errors -> 3.
 * @ep: which daemon; @c: the client (endpoint, timeout).
 */
int cchc_fail(cc_endpoint_t ep, cc_client_t *c, int r, const cc_client_error_t *err);

/**
 * cchc_wrong_daemon - whether the daemon that answered at @ep's endpoint
 * is the one @ep names: @daemon is what its HELLO or ping RESULT said
 * ("" or NULL: not said, taken as right). Otherwise says which daemon
 * answers there and which option or variable to fix.
 * Returns CCHC_EXIT_OK, or CCHC_EXIT_UNREACHABLE (the daemon wanted is not
 * at that endpoint).
 */
int cchc_wrong_daemon(cc_endpoint_t ep, const cc_client_t *c, const char *daemon);

/**
 * cchc_connect - create a client for daemon @ep and, unless @role is NULL,
 * say HELLO as @role with the command line's --who and @units. With the
 * daemon's public key (cchc_curve) the connection is CurveZMQ and HELLO
 * leaves out the role, and the name and units not given explicitly: the
 * key's principal applies.
 * @ret: the client; destroy it with cc_client_destroy().
 * Returns CCHC_EXIT_OK, or the exit status after printing why.
 */
int cchc_connect(const cc_cli_t *cli, cc_endpoint_t ep, const char *role, const char *units,
                 cc_client_t **ret);

/**
 * cchc_hello - say HELLO on @c (a client for daemon @ep) as @role with the
 * command line's --who and @units; over CurveZMQ, only what was given
 * explicitly (the key's principal applies).
 * Returns 0 or a negative errno (cc_client_hello()).
 */
int cchc_hello(const cc_cli_t *cli, cc_endpoint_t ep, cc_client_t *c, const char *role,
               const char *units, cc_client_error_t *err);

/**
 * cchc_connect_wait - cchc_connect() that, while the daemon does not answer
 * HELLO (it is starting or restarting), says so once and keeps asking for
 * up to @patience_ms.
 */
int cchc_connect_wait(const cc_cli_t *cli, cc_endpoint_t ep, const char *role, const char *units,
                      int patience_ms, cc_client_t **ret);

/**
 * cchc_curve - the CurveZMQ settings for daemon @ep from the command line:
 * @ret_server_key "" when none is given (plain), else the daemon's public
 * key, with our key pair in @ret_key (from --key, $CCHC_KEY or
 * $CCHC_SECRET_KEY).
 * Returns CCHC_EXIT_OK, or the exit status after printing why.
 */
int cchc_curve(const cc_cli_t *cli, cc_endpoint_t ep, cc_curve_keypair_t *ret_key,
               char *ret_server_key);

/**
 * cchc_format_local - format a Unix time as local "YYYY-MM-DD HH:MM"
 * (UTC+7) into @buf (>= 17 bytes); "-" for 0.
 */
void cchc_format_local(int64_t t, char *buf, size_t len);

/**
 * cchc_push_result_write - one push result as a JSON line on @f:
 * {"line":N,"eid":...,"status":"ok","seq":S,"dup":false} or
 * {...,"status":"error","code":...,"field":...,"vi":...,"en":...}.
 * @with_line: include "line" (the result's tag); `cchc push` does, the
 *   one-event commands do not.
 * @ep, @timeout_ms: named in the text of a "timeout" result.
 */
void cchc_push_result_write(FILE *f, const cc_push_result_t *res, bool with_line, cc_endpoint_t ep,
                            int timeout_ms);

/**
 * cchc_push_one - send one event through the push engine (so an unanswered
 * event is resent with the same eid) as @role with the command line's
 * --who and --units, and print the result: "ok: <what> (seq N, eid E):
 * đã ghi nhận / stored" (or "... stored before ...") on stdout, or with
 * @json the result line of cchc_push_result_write(); a refusal's reason
 * goes to stderr ("vi / en").
 * @ev, @ev_len: the encoded event map; @eid: its event id.
 * @what: how to name the event in messages ("pakn_assigned PA-1").
 * Returns the exit status: 0 stored (or stored before), 1 refused,
 * 3 unreachable or unanswered, 4 protocol error.
 */
int cchc_push_one(const cc_cli_t *cli, cc_endpoint_t ep, const char *role, const char *eid,
                  const void *ev, size_t ev_len, const char *what, bool json);

/**
 * cchc_query - connect to @ep, say HELLO as @role (with --who and --units),
 * send QUERY @q with the encoded pairs in @pairs (may be NULL) and
 * wait for the RESULT.
 * @ret: the RESULT on CCHC_EXIT_OK; release with cc_msg_deinit().
 * Returns the exit status, after printing why when it is not 0.
 */
int cchc_query(const cc_cli_t *cli, cc_endpoint_t ep, const char *role, const char *q,
               const cc_enc_t *pairs, cc_msg_t *ret);

/**
 * cchc_print_json - print a RESULT body as one JSON line, without "rid".
 */
void cchc_print_json(const msgpack_object *body);

/** One labelled line of a record table. */
typedef struct {
    const char *key;   /* key in the record map */
    const char *label; /* "state / trạng thái" */
} cchc_row_t;

/**
 * cchc_print_record - print @n rows "  label:   value" from map @rec: times
 * (keys per cc_json_is_time_key) as local "YYYY-MM-DD HH:MM", booleans as
 * yes/no, absent, empty or nil values as "-".
 */
void cchc_print_record(const msgpack_object *rec, const cchc_row_t *rows, size_t n);

/** How a history of log records is printed. */
typedef struct {
    const char *const *hidden;  /* NULL-terminated: keys never printed as details
                                   (besides eid, type, at, by, state) */
    const char *const *changes; /* NULL-terminated: keys printed only when they
                                   differ from the previous record */
    bool first_changes;         /* print @changes on the first record too
                                   (empty strings and false left out) */
} cchc_history_view_t;

/**
 * cchc_print_history - print a query's "history" (array of [seq, record])
 * as a table: seq, local time, type, by, state, then "key=value" details.
 * Ignores items of another shape.
 */
void cchc_print_history(const msgpack_object *history, const cchc_history_view_t *view);

/* The commands; each returns the exit status. */
int cchc_cmd_push(const cc_cli_t *cli);
int cchc_cmd_watch(const cc_cli_t *cli);    /* cchc_watch.c */
int cchc_cmd_alerts(const cc_cli_t *cli);   /* cchc_watch.c */
int cchc_cmd_ack(const cc_cli_t *cli);      /* cchc_watch.c */
int cchc_cmd_report(const cc_cli_t *cli);   /* cchc_report.c */
int cchc_cmd_grade(const cc_cli_t *cli);    /* cchc_report.c */
int cchc_cmd_reminder(const cc_cli_t *cli); /* cchc_report.c */
int cchc_cmd_index(const cc_cli_t *cli);    /* cchc_report.c */
int cchc_cmd_dossier(const cc_cli_t *cli);
int cchc_cmd_ctl(const cc_cli_t *cli);
int cchc_cmd_hotline(const cc_cli_t *cli); /* `contact ...` and `pakn ...` */
int cchc_cmd_events(const cc_cli_t *cli);  /* cchc_events.c */

/**
 * cchc_events_brief - every event type a client sends, with its fields
 * (optional ones in brackets), grouped by daemon: the end of `cchc push
 * --help`. From proto/cc_schema.c, as `cchc events`.
 */
void cchc_events_brief(FILE *f);

int cchc_cmd_catalog(const cc_cli_t *cli); /* cchc_catalog.c */

/* A command of the tool. */
typedef struct {
    const char *name;
    const char *summary;                         /* one line for `cchc --help` */
    int (*run)(const cc_cli_t *cli);             /* returns the exit status */
    const char *help;                            /* `cchc CMD --help`, or: */
    const char *(*help_of)(const cc_cli_t *cli); /* the help for the subcommand given */
    void (*help_more)(FILE *f);                  /* printed after the help (may be NULL) */
    const char *subcommands; /* space-separated words after the command, or NULL */
    const char *options;     /* space-separated names of every option it takes (of any of
                                its subcommands; the global ones aside), or NULL */
} cchc_command_t;

/* The commands, NULL-name terminated (cchc.c). */
extern const cchc_command_t cchc_commands[];

/**
 * cchc_complete - the hidden `cchc __complete WORD...` behind the bash
 * completion (cchc.bash): @words are the words after "cchc" as bash split
 * them, the last one the word being completed. Prints the candidates, one
 * per line ("__files__" alone: complete a file name).
 * Returns 0.
 */
int cchc_complete(int n, const char *const *words);

/**
 * cchc_catalog_open - load the catalogs of @dir (NULL: the demo catalogs
 * built in), saying why on stderr when they cannot be loaded.
 * Returns CCHC_EXIT_OK with *@ret to destroy, or CCHC_EXIT_USAGE.
 */
int cchc_catalog_open(const char *dir, cc_catalog_t **ret);

int cchc_cmd_keygen(const cc_cli_t *cli); /* cchc_keygen.c */

/* Help of each command (printed by `cchc CMD --help`). */
extern const char cchc_help_push[];
extern const char cchc_help_watch[];
extern const char cchc_help_alerts[];
extern const char cchc_help_ack[];
extern const char cchc_help_report[];
extern const char cchc_help_grade[];
extern const char cchc_help_reminder[];
extern const char cchc_help_index[];
extern const char cchc_help_dossier[];
extern const char cchc_help_ctl[];
extern const char cchc_help_events[];
extern const char cchc_help_catalog[];
extern const char cchc_help_keygen[];

#endif
