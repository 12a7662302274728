/*
 * cc_config.c - table-driven configuration (see cc_config.h).
 */
#include "cc_config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cc_args.h"
#include "cc_mem.h"
#include "cc_proto.h"
#include "cc_time.h"

int cc_parse_time(const char *s, int64_t *ret)
{
    char *end;
    long long v;

    if (s == NULL || *s == '\0')
        return -EINVAL;
    if (strchr(s, '-') == NULL) {
        errno = 0;
        v = strtoll(s, &end, 10);
        if (errno || *end != '\0')
            return -EINVAL;
        *ret = v;
        return 0;
    }
    return cc_time_parse_iso(s, ret) < 0 ? -EINVAL : 0;
}

static const cc_option_t *find(const cc_option_t *table, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}

static int set_value(const cc_option_t *o, void *settings, const char *value, char *why,
                     size_t why_len)
{
    char *p = (char *)settings + o->offset;
    char *end;
    long long v;

    switch (o->type) {
    case CC_OPT_STR: {
        char **sp = (char **)p;

        free(*sp);
        *sp = value ? cc_xstrdup(value) : NULL;
        return 0;
    }
    case CC_OPT_INT:
        errno = 0;
        v = strtoll(value, &end, 10);
        if (errno || end == value || *end != '\0') {
            snprintf(why, why_len, "'%s' is not an integer", value);
            return -EINVAL;
        }
        if (v < o->min || v > o->max) {
            snprintf(why, why_len, "%lld is outside %lld..%lld", v, (long long)o->min,
                     (long long)o->max);
            return -EINVAL;
        }
        *(int64_t *)p = v;
        return 0;
    case CC_OPT_BOOL:
        if (!strcasecmp(value, "yes") || !strcasecmp(value, "true") || !strcmp(value, "1"))
            *(bool *)p = true;
        else if (!strcasecmp(value, "no") || !strcasecmp(value, "false") || !strcmp(value, "0"))
            *(bool *)p = false;
        else {
            snprintf(why, why_len, "'%s' is not yes or no", value);
            return -EINVAL;
        }
        return 0;
    case CC_OPT_TIME:
        if (cc_parse_time(value, (int64_t *)p) < 0) {
            snprintf(why, why_len, "'%s' is not a time (2025-03-03T09:00:00+07:00)", value);
            return -EINVAL;
        }
        return 0;
    }
    return -EINVAL;
}

typedef struct {
    const char *daemon;
    const cc_option_t *table;
    size_t n;
    void *settings;
    const char *path;
    char *err;
    size_t err_len;
    int failed;
} ini_ctx_t;

/* Debian's inih passes no line number to the handler; a handler that
 * returns 0 makes ini_parse() return the line of the first error, so the
 * reason is kept here and prefixed with "file:line" afterwards. */
static int on_ini(void *user, const char *section, const char *name, const char *value)
{
    ini_ctx_t *c = user;
    const cc_option_t *o;
    char why[256];

    if (c->failed)
        return 0;
    if (section[0] != '\0' && strcmp(section, c->daemon) != 0)
        return 1; /* another daemon's section of a shared file */
    o = find(c->table, c->n, name);
    if (o == NULL) {
        snprintf(c->err, c->err_len, "unknown option '%s'", name);
        c->failed = 1;
        return 0;
    }
    if (set_value(o, c->settings, value, why, sizeof(why)) < 0) {
        snprintf(c->err, c->err_len, "%s: %s", name, why);
        c->failed = 1;
        return 0;
    }
    return 1;
}

/* The options cc_config_load() knows besides the table; their ids follow
 * the table's rows. */
enum { OPT_CONFIG, OPT_HELP, OPT_VERSION, OPT_BUILTIN_COUNT_ };

static const struct {
    const char *name;
    char short_name;
    cc_arg_kind_t kind;
    const char *left; /* as --help shows it */
    const char *help;
} builtins[OPT_BUILTIN_COUNT_] = {
    [OPT_CONFIG] = { "config", CC_CONFIG_FILE_SHORT, CC_ARG_REQUIRED, "  -c, --config=FILE",
                     "read options from FILE (INI: key = value, at the top or in the daemon's "
                     "own [section])" },
    [OPT_HELP] = { "help", CC_CONFIG_HELP_SHORT, CC_ARG_NONE, "  -h, --help",
                   "print this help and exit" },
    [OPT_VERSION] = { "version", CC_CONFIG_VERSION_SHORT, CC_ARG_NONE, "  -V, --version",
                      "print the version and exit" },
};

typedef struct {
    const cc_option_t *table;
    size_t n;
} lookup_ctx_t;

/* cc_args_lookup_fn over the table, then the built-in options. */
static int lookup(void *ctx, const char *name, size_t len, char short_name, cc_arg_kind_t *ret)
{
    const lookup_ctx_t *l = ctx;

    for (size_t i = 0; i < l->n; i++)
        if (name && cc_args_name_is(name, len, l->table[i].name)) {
            *ret = l->table[i].type == CC_OPT_BOOL ? CC_ARG_OPTIONAL : CC_ARG_REQUIRED;
            return (int)i;
        }
    for (size_t b = 0; b < OPT_BUILTIN_COUNT_; b++)
        if (name ? cc_args_name_is(name, len, builtins[b].name)
                 : short_name == builtins[b].short_name) {
            *ret = builtins[b].kind;
            return (int)(l->n + b);
        }
    return -1;
}

static const char *value_name(const cc_option_t *o)
{
    static const char *const by_type[] = {
        [CC_OPT_STR] = "VALUE",
        [CC_OPT_INT] = "N",
        [CC_OPT_BOOL] = "yes|no",
        [CC_OPT_TIME] = "TIME",
    };

    return by_type[o->type];
}

static void usage(const char *daemon, const cc_option_t *table, size_t n)
{
    char left[96], help[1024];

    printf("Usage: cchc-%sd [OPTION...]\n"
           "\n"
           "The %s daemon of cchc. Options are read, later ones winning, from the\n"
           "built-in defaults, the file of --config (keys at the top or in [%s]),\n"
           "$STATE_DIRECTORY for state_dir, and the command line. On the command line\n"
           "'-' and '_' are the same (--state-dir, --state_dir); a value follows '=' or\n"
           "comes as the next argument; a yes/no option alone means yes (no:\n"
           "--OPTION=no). See cchc-%sd(8) and cchc.conf(5).\n"
           "\n",
           daemon, daemon, daemon, daemon);
    for (size_t b = 0; b < OPT_BUILTIN_COUNT_; b++)
        cc_args_print_help(stdout, builtins[b].left, CC_ARGS_HELP_COLUMN, builtins[b].help);
    printf("\nOptions (a file key is the option's name, with '_'):\n");
    for (size_t i = 0; i < n; i++) {
        const cc_option_t *o = &table[i];
        char dashed[64];
        size_t k;

        for (k = 0; o->name[k] && k + 1 < sizeof(dashed); k++)
            dashed[k] = o->name[k] == '_' ? '-' : o->name[k];
        dashed[k] = '\0';
        snprintf(left, sizeof(left), "      --%s%s%s", dashed, o->type == CC_OPT_BOOL ? "[=" : "=",
                 value_name(o));
        if (o->type == CC_OPT_BOOL)
            snprintf(left + strlen(left), sizeof(left) - strlen(left), "]");
        if (o->type == CC_OPT_INT)
            snprintf(help, sizeof(help), "%s, %lld..%lld (default: %s)", o->help, (long long)o->min,
                     (long long)o->max, o->def ? o->def : "unset");
        else
            snprintf(help, sizeof(help), "%s (default: %s)", o->help, o->def ? o->def : "unset");
        cc_args_print_help(stdout, left, CC_ARGS_HELP_COLUMN, help);
    }
}

int cc_config_load(const char *daemon, const cc_option_t *table, size_t n, void *settings, int argc,
                   char **argv, char *err, size_t err_len)
{
    lookup_ctx_t l = { table, n };
    const char *config_path = NULL;
    const char *state_env = getenv("STATE_DIRECTORY");
    bool state_on_cli = false;
    cc_args_t it;
    cc_arg_t a;
    char why[256];
    int r;

    for (size_t i = 0; i < n; i++)
        if (table[i].def && set_value(&table[i], settings, table[i].def, why, sizeof(why)) < 0) {
            snprintf(err, err_len, "built-in default of %s: %s", table[i].name, why);
            return -EINVAL;
        }
    /* First pass: the command line's shape, --help, --version, the file. */
    cc_args_init(&it, argc, argv);
    while ((r = cc_args_next(&it, lookup, &l, &a, why, sizeof(why))) > 0) {
        if (a.id == CC_ARGS_OPERAND) {
            snprintf(err, err_len, "unexpected argument '%s' (options only; see --help)", a.value);
            return -EINVAL;
        }
        if (a.id == (int)(n + OPT_HELP)) {
            usage(daemon, table, n);
            return 1;
        }
        if (a.id == (int)(n + OPT_VERSION)) {
            printf("cchc-%sd %s (protocol %d)\n", daemon, CCHC_VERSION, CC_PROTO_VERSION);
            return 1;
        }
        if (a.id == (int)(n + OPT_CONFIG))
            config_path = a.value;
        else if (strcmp(table[a.id].name, "state_dir") == 0)
            state_on_cli = true;
    }
    if (r < 0) {
        snprintf(err, err_len, "%s (see --help)", why);
        return -EINVAL;
    }
    if (config_path) {
        ini_ctx_t c = { daemon, table, n, settings, config_path, err, err_len, 0 };
        char reason[512];

        c.err = reason;
        c.err_len = sizeof(reason);
        r = ini_parse(config_path, on_ini, &c);
        if (c.failed) {
            snprintf(err, err_len, "%s:%d: %s", config_path, r, reason);
            return -EINVAL;
        }
        if (r < 0) {
            snprintf(err, err_len, "%s: cannot open: %s", config_path, strerror(errno));
            return -EINVAL;
        }
        if (r > 0) {
            snprintf(err, err_len, "%s:%d: not a 'key = value' line", config_path, r);
            return -EINVAL;
        }
    }
    /* systemd's StateDirectory= may list several, colon-separated. */
    if (state_env && *state_env && !state_on_cli && find(table, n, "state_dir")) {
        char *first = cc_xstrndup(state_env, strcspn(state_env, ":"));

        set_value(find(table, n, "state_dir"), settings, first, why, sizeof(why));
        free(first);
    }
    /* Second pass: the command line's values win. */
    cc_args_init(&it, argc, argv);
    while (cc_args_next(&it, lookup, &l, &a, why, sizeof(why)) > 0) {
        const cc_option_t *o;

        if (a.id >= (int)n)
            continue; /* --config, read above */
        o = &table[a.id];
        if (set_value(o, settings, a.value ? a.value : "yes", why, sizeof(why)) < 0) {
            snprintf(err, err_len, "%s: %s", a.spelled, why);
            return -EINVAL;
        }
    }
    return 0;
}

void cc_config_free(const cc_option_t *table, size_t n, void *settings)
{
    for (size_t i = 0; i < n; i++)
        if (table[i].type == CC_OPT_STR) {
            char **sp = (char **)((char *)settings + table[i].offset);

            free(*sp);
            *sp = NULL;
        }
}
