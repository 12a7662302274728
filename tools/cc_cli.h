/*
 * cc_cli.h - the command line of the cchc tool, parsed without side
 * effects so that tests can check it.
 *
 * Grammar:  cchc [GLOBAL OPTIONS] COMMAND [ARGS] [OPTIONS]
 * getopt_long conventions (base/cc_args.h): --name=value or --name value,
 * short options (-u SO-TP, -j) where the tables below give one, "--" ends
 * the options, options and operands in any order. Which options take a
 * value is known from two tables: the global options (cc_cli_globals,
 * handled here; environment variable, then built-in default):
 *   --intake=EP       $CCHC_INTAKE   tcp://127.0.0.1:7301
 *   --hotline=EP      $CCHC_HOTLINE  tcp://127.0.0.1:7302
 *   --scoring=EP      $CCHC_SCORING  tcp://127.0.0.1:7303
 *   --intake-key=K, --hotline-key=K, --scoring-key=K ($CCHC_INTAKE_KEY, ...)
 *                     the daemon's public key (a file or the key): CurveZMQ
 *   --key=FILE        $CCHC_KEY      your key pair file (or the secret key
 *                     itself in $CCHC_SECRET_KEY)
 *   -w, --who=NAME    $CCHC_WHO      "cchc"
 *   -U, --units=A,B   $CCHC_UNITS    "*"
 *   -t, --timeout=MS                 3000
 *   -h, --help        -V, --version
 * and every command's options (cc_cli_command_options), one vocabulary for
 * the whole tool, kept for the command to check (cc_cli_check_opts) and
 * read (cc_cli_opt).
 */
#ifndef CC_CLI_H
#define CC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum { CC_EP_INTAKE, CC_EP_HOTLINE, CC_EP_SCORING, CC_EP_COUNT_ } cc_endpoint_t;

#define CC_CLI_MAX_ARGS 16
#define CC_CLI_MAX_OPTS 16
#define CC_CLI_DEFAULT_WHO "cchc"
#define CC_CLI_MAX_TIMEOUT_MS 3600000

/* An option of the tool, in cc_cli_globals or cc_cli_command_options. */
typedef struct {
    const char *name;  /* long name, without "--" */
    char short_name;   /* -u; 0 = none */
    const char *value; /* what its value is in help ("MS"); NULL for a flag */
    const char *help;  /* one line (global options; NULL for command options,
                          which their command's help describes) */
} cc_cli_option_t;

/* The global options, and every command's options (NULL-name terminated). */
extern const cc_cli_option_t cc_cli_globals[];
extern const cc_cli_option_t cc_cli_command_options[];

/**
 * cc_cli_option_find - the tool's option with long name @name (@len bytes)
 * or, when @name is NULL, short name @short_name.
 * @ret_id: its id for cc_cli_parse (globals first; may be NULL).
 * Returns the option, or NULL.
 */
const cc_cli_option_t *cc_cli_option_find(const char *name, size_t len, char short_name,
                                          int *ret_id);

/* One command option as given: the table's name (whichever form was
 * typed) and its value. */
typedef struct {
    const char *name; /* the long name from cc_cli_command_options */
    size_t name_len;
    const char *value; /* into argv, or NULL for a flag */
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

/**
 * cc_cli_print_globals - the global options as `cchc --help` lists them
 * (with their environment variables and defaults) on @f.
 */
void cc_cli_print_globals(FILE *f);

/** cc_endpoint_name - "intake", "hotline", "scoring". */
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
 * cc_cli_duration - parse a duration: a number with a unit, "500ms", "90s",
 * "2m", "1h", or a plain number of seconds ("60"); at most @max_ms.
 * @ret_ms: the duration in milliseconds.
 * Returns 0 or -EINVAL.
 */
int cc_cli_duration(const char *s, uint64_t max_ms, uint64_t *ret_ms);

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
