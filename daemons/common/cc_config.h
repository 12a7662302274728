/*
 * cc_config.h - declarative configuration: one table per daemon.
 *
 * Each option is a row (name, type, default, bounds, help, where it goes in
 * the daemon's settings struct). Values come, later ones winning, from the
 * defaults, an INI file (--config=PATH; keys at top level or in a section
 * named after the daemon), $STATE_DIRECTORY for "state_dir", and the
 * command line (getopt_long conventions, cc_args.h: --name=value or
 * --name value, '-' and '_' alike; -c, -h and -V for --config, --help and
 * --version).
 * A bad value fails start-up with the file, line and reason. `--help`
 * prints the table with each default, `--version` the version.
 */
#ifndef CC_CONFIG_H
#define CC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    CC_OPT_STR,  /* char * (owned by the settings; freed by cc_config_free) */
    CC_OPT_INT,  /* int64_t within [min, max] */
    CC_OPT_BOOL, /* bool: yes/no, true/false, 1/0 */
    CC_OPT_TIME, /* int64_t Unix seconds from ISO 8601, 0 when unset */
} cc_opt_type_t;

typedef struct {
    const char *name; /* file key and long option: "state_dir" (--state-dir) */
    cc_opt_type_t type;
    size_t offset;    /* offsetof(settings struct, field) */
    const char *def;  /* default as text; NULL = unset (NULL / 0) */
    int64_t min, max; /* for CC_OPT_INT */
    const char *help;
} cc_option_t;

/* The options every daemon has besides its table, and their short forms. */
#define CC_CONFIG_HELP_SHORT 'h'
#define CC_CONFIG_VERSION_SHORT 'V'
#define CC_CONFIG_FILE_SHORT 'c'

/**
 * cc_config_load - fill @settings from defaults, file, environment and
 * command line.
 * @daemon: daemon name (INI section, messages).
 * @table, @n: the option table.
 * @settings: the daemon's settings struct (zeroed by the caller).
 * @argc, @argv: command line; -h/--help prints the options with their
 *   defaults, -V/--version the version (both on stdout, then return 1);
 *   -c/--config=FILE names the INI file.
 * @err, @err_len: on failure "file:line: reason" or "--opt: reason".
 * Returns 0, 1 after --help / --version, or -EINVAL.
 */
int cc_config_load(const char *daemon, const cc_option_t *table, size_t n, void *settings, int argc,
                   char **argv, char *err, size_t err_len);

/** cc_config_free - free the strings cc_config_load() stored. */
void cc_config_free(const cc_option_t *table, size_t n, void *settings);

/**
 * cc_parse_time - parse an ISO 8601 time ("2025-03-03T09:00:00+07:00",
 * "...Z", or local "2025-03-03T09:00" / "2025-03-03" in UTC+7) or plain
 * Unix seconds. Returns 0 or -EINVAL.
 */
int cc_parse_time(const char *s, int64_t *ret);

#endif
