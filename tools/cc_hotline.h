/*
 * cc_hotline.h - the hotline 1022 commands of the cchc tool turned into
 * events (PROTOCOL.md §4), without side effects so that tests can check
 * them.
 *
 * One table row per subcommand says which event it builds, which options
 * become which fields, and who sends it:
 *
 *   cchc contact log --id=C --type=T --channel=CH [--unit=U] [--closed]   contact
 *   cchc contact close ID                                                  contact_closed
 *   cchc pakn receive --id=PA --text=... [--contact=C] [--dossier=D]
 *        [--urgent] [--caller-name=...] [--caller-phone=...]               pakn_received
 *   cchc pakn classify ID --category=procedure|conduct|proposal           pakn_classified
 *   cchc pakn assign ID --unit=U                                           pakn_assigned
 *   cchc pakn forward ID --outside=AGENCY                                  pakn_forwarded
 *   cchc pakn refuse ID --reason=anonymous|unclear|handled|not_pakn|other  pakn_refused
 *   cchc pakn accept ID                                                    pakn_accepted
 *   cchc pakn answer ID --text=...                                         pakn_answered
 *   cchc pakn publish|close|reopen ID                                      pakn_published, ...
 *
 * Every event subcommand also takes --at=TIME (ISO 8601 or Unix seconds;
 * default now), --eid=ID (default generated, cc_hotline_eid()), --role=
 * agent|contact_point and --json. `pakn show ID` and `pakn open --unit=U`
 * are queries, handled by the tool (cchc_hotline.c).
 */
#ifndef CC_HOTLINE_H
#define CC_HOTLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cc_cli.h"
#include "cc_codec.h"
#include "cc_proto.h"

/* What cc_hotline_event_build() made, besides the encoded event. */
typedef struct {
    char eid[CC_MAX_ID + 1];     /* the event id (given or generated) */
    char type[CC_MAX_CODE + 1];  /* the event type, e.g. "pakn_assigned" */
    char subject[CC_MAX_ID + 1]; /* the contact or complaint id */
    const char *role;            /* HELLO role to send it as (static string) */
    int64_t at;                  /* the event time, Unix seconds */
} cc_hotline_event_t;

/**
 * cc_hotline_is_event - whether @cli (command "contact" or "pakn") names a
 * subcommand that sends an event (as opposed to `pakn show` / `pakn open`
 * or an unknown subcommand).
 */
bool cc_hotline_is_event(const cc_cli_t *cli);

/**
 * cc_hotline_role - the HELLO role for a hotline command: --role when
 * given (agent | contact_point; for the queries also supervisor |
 * operator), else "contact_point" for what a unit's contact point does
 * (accept, answer, show, open) when --units is a list of units, else
 * "agent".
 * @unit_side: the command is one a contact point does.
 * @query: the command is a query (allows supervisor and operator).
 * @ret: the role (a static string).
 * Returns 0 or -EINVAL (an unknown --role; @err says why).
 */
int cc_hotline_role(const cc_cli_t *cli, bool unit_side, bool query, const char **ret, char *err,
                    size_t err_len);

/**
 * cc_hotline_eid - the generated event id "<who>-<type>-<id>-<unix ms>"
 * (deterministic for the same inputs, unique as long as one principal does
 * not send the same event type for the same id twice in a millisecond).
 * When that is longer than CC_MAX_ID, "<type>-<id>" is replaced by 16 hex
 * digits of its FNV-1a hash: "<who>-<hash>-<unix ms>".
 * @buf: receives the id (>= CC_MAX_ID + 1 bytes).
 * Returns 0, or -EINVAL when @buf is too small.
 */
int cc_hotline_eid(const char *who, const char *type, const char *id, uint64_t unix_ms, char *buf,
                   size_t len);

/**
 * cc_hotline_event_build - the event that an event subcommand stands for.
 * @cli: the parsed command line (command "contact" or "pakn", the
 *   subcommand in args[0]).
 * @now_ms: the current time in Unix milliseconds (for the default --at
 *   and the generated event id).
 * @out: receives the encoded event map (reset first; on failure its
 *   content is undefined).
 * @ret: what was built (written only on success).
 * @err, @err_len: the reason of a usage error.
 * Enumerated values (--type, --channel, --category), required options,
 * ids and --at are checked here; lengths and catalogs are the daemon's.
 * Returns 0 or -EINVAL (usage error).
 */
int cc_hotline_event_build(const cc_cli_t *cli, int64_t now_ms, cc_enc_t *out,
                           cc_hotline_event_t *ret, char *err, size_t err_len);

/**
 * cc_hotline_help - the help text for `cchc contact|pakn [SUB] --help`:
 * the subcommand's own usage when args[0] names one, else the command's
 * overview. Returns a static string.
 */
const char *cc_hotline_help(const cc_cli_t *cli);

#endif
