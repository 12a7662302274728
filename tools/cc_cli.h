/*
 * cc_cli.h - the command line of the cchc tool, parsed without side
 * effects so that tests can check it.
 *
 * Grammar:  cchc [GLOBAL OPTIONS] COMMAND [ARGS] [OPTIONS]
 * Options are "--name=value" or "--name" (a flag); global options may
 * appear anywhere; "--" ends the options. Global options and their
 * defaults (environment variable, then built-in default):
 *   --intake=EP   $CCHC_INTAKE   tcp://127.0.0.1:7301
 *   --hotline=EP  $CCHC_HOTLINE  tcp://127.0.0.1:7302
 *   --scoring=EP  $CCHC_SCORING  tcp://127.0.0.1:7303
 *   --alerts=EP   $CCHC_ALERTS   tcp://127.0.0.1:7304
 *   --who=NAME    $CCHC_WHO      "cchc"
 *   --units=A,B   $CCHC_UNITS    "*"
 *   --key=FILE    $CCHC_KEY      our CurveZMQ key pair file (or the secret
 *                 key itself in $CCHC_SECRET_KEY)
 *   --intake-key=K, --hotline-key=K, --scoring-key=K ($CCHC_INTAKE_KEY, ...)
 *                 the daemon's public key (a file or the key): CurveZMQ
 *   --timeout=MS                 3000
 *   --help, -h    --version
 * Every other option is kept for the command to check
 * (cc_cli_check_opts) and read (cc_cli_opt).
 */
#ifndef CC_CLI_H
#define CC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    CC_EP_INTAKE,
    CC_EP_HOTLINE,
    CC_EP_SCORING,
    CC_EP_ALERTS,
    CC_EP_COUNT_
} cc_endpoint_t;

#define CC_CLI_MAX_ARGS 16
#define CC_CLI_MAX_OPTS 16
#define CC_CLI_DEFAULT_WHO "cchc"
#define CC_CLI_MAX_TIMEOUT_MS 3600000

/* One command option, pointing into argv. */
typedef struct {
    const char *name; /* without "--", not NUL-terminated: see name_len */
    size_t name_len;
    const char *value; /* after '=', or NULL for a flag */
} cc_cli_opt_t;

typedef struct {
    const char *endpoint[CC_EP_COUNT_];
    const char *who;
    const char *units;
    bool units_set;   /* --units given on the command line (not from $CCHC_UNITS) */
    bool who_given;   /* --who or $CCHC_WHO given */
    bool units_given; /* --units or $CCHC_UNITS given */
    const char *server_key[CC_EP_COUNT_]; /* the daemon's public key (a file or the key);
                                             NULL: plain */
    const char *key_file;                 /* our key pair file (--key, $CCHC_KEY) */
    const char *secret_key;               /* our secret key itself ($CCHC_SECRET_KEY) */
    int timeout_ms;
    bool timeout_set; /* --timeout given explicitly */
    bool help;
    bool version;
    const char *command; /* NULL when none was given */
    size_t n_args;
    const char *args[CC_CLI_MAX_ARGS]; /* operands after the command */
    size_t n_opts;
    cc_cli_opt_t opts[CC_CLI_MAX_OPTS];
} cc_cli_t;

/* Environment lookup (getenv in the tool, a table in tests). */
typedef const char *(*cc_cli_getenv_fn)(const char *name);

/**
 * cc_cli_parse - parse the command line.
 * @argc, @argv: as given to main (argv[0] is skipped). @ret points into
 *   @argv, which must outlive it.
 * @env: environment lookup, or NULL for none.
 * @ret: the result (filled on success).
 * @err, @err_len: the reason of a usage error.
 * Returns 0 or -EINVAL (usage error).
 */
int cc_cli_parse(int argc, char *const *argv, cc_cli_getenv_fn env, cc_cli_t *ret, char *err,
                 size_t err_len);

/** cc_endpoint_name - "intake", "hotline", "scoring", "alerts". */
const char *cc_endpoint_name(cc_endpoint_t ep);

/**
 * cc_cli_opt - whether command option @name was given.
 * @ret_value: its value (NULL for a flag); may be NULL.
 */
bool cc_cli_opt(const cc_cli_t *cli, const char *name, const char **ret_value);

/**
 * cc_cli_check_opts - refuse command options that the command does not
 * know. @allowed is a NULL-terminated list of names; a name ending in '='
 * takes a value ("window="), others are flags ("json").
 * Returns 0 or -EINVAL with @err filled.
 */
int cc_cli_check_opts(const cc_cli_t *cli, const char *const *allowed, char *err, size_t err_len);

/**
 * cc_cli_uint - parse a decimal unsigned integer in [@min, @max].
 * Returns 0 or -EINVAL.
 */
int cc_cli_uint(const char *s, uint64_t min, uint64_t max, uint64_t *ret);

/**
 * cc_cli_time - parse a time: ISO 8601 (cc_time_parse_iso forms) or Unix
 * seconds. Returns 0 or -EINVAL.
 */
int cc_cli_time(const char *s, int64_t *ret);

/**
 * cc_cli_day_range - the period from the start of local day @from
 * ("YYYY-MM-DD" or "dd/mm/yyyy") to the end of local day @to, inclusive, in Unix seconds
 * (Asia/Ho_Chi_Minh, UTC+7).
 * Returns 0, or -EINVAL for a malformed date or @to before @from.
 */
int cc_cli_day_range(const char *from, const char *to, int64_t *ret_from, int64_t *ret_to);

#endif
