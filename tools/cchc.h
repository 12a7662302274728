/*
 * cchc.h - what the commands of the cchc tool share: exit codes, the
 * parsed command line, connecting to a daemon with clear messages.
 *
 * Each command lives in its own file (cchc_push.c, cchc_watch.c,
 * cchc_query.c) and returns the process exit status.
 */
#ifndef CCHC_H
#define CCHC_H

#include <stdbool.h>
#include <stdint.h>

#include "cc_cli.h"
#include "cc_client.h"

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
 * cchc_fail - report a failed request on stderr and choose the exit status:
 * -ETIMEDOUT: "cannot reach <daemon> at <ep> (no reply within N ms); is
 * <program> running? (systemctl status <program>)" -> 3; 1 with @err:
 * "<daemon> refused: <code>: <en> / <vi>" -> 1; CC_EMALFORMED / -EPROTO
 * -> 4; other errors -> 3.
 * @ep: which daemon; @c: the client (endpoint, timeout).
 */
int cchc_fail(cc_endpoint_t ep, cc_client_t *c, int r, const cc_client_error_t *err);

/**
 * cchc_connect - create a client for daemon @ep and, unless @role is NULL,
 * say HELLO as @role with the command line's --who and @units.
 * @ret: the client; destroy it with cc_client_destroy().
 * Returns CCHC_EXIT_OK, or the exit status after printing why.
 */
int cchc_connect(const cc_cli_t *cli, cc_endpoint_t ep, const char *role, const char *units,
                 cc_client_t **ret);

/**
 * cchc_format_local - format a Unix time as local "YYYY-MM-DD HH:MM"
 * (UTC+7) into @buf (>= 17 bytes); "-" for 0.
 */
void cchc_format_local(int64_t t, char *buf, size_t len);

/* The commands; each returns the exit status. */
int cchc_cmd_push(const cc_cli_t *cli);
int cchc_cmd_watch(const cc_cli_t *cli);
int cchc_cmd_report(const cc_cli_t *cli);
int cchc_cmd_dossier(const cc_cli_t *cli);
int cchc_cmd_ctl(const cc_cli_t *cli);

/* Help of each command (printed by `cchc CMD --help`). */
extern const char cchc_help_push[];
extern const char cchc_help_watch[];
extern const char cchc_help_report[];
extern const char cchc_help_dossier[];
extern const char cchc_help_ctl[];

#endif
