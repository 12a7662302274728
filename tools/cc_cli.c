/*
 * cc_cli.c - the command line of the cchc tool (see cc_cli.h).
 */
#include "cc_cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cc_args.h"
#include "cc_base.h"
#include "cc_client.h"
#include "cc_period.h"
#include "cc_time.h"

static const struct {
    const char *option;
    const char *env;
    const char *def;
} endpoints[CC_EP_COUNT_] = {
    [CC_EP_INTAKE] = { "intake", "CCHC_INTAKE", CC_ENDPOINT_INTAKE },
    [CC_EP_HOTLINE] = { "hotline", "CCHC_HOTLINE", CC_ENDPOINT_HOTLINE },
    [CC_EP_SCORING] = { "scoring", "CCHC_SCORING", CC_ENDPOINT_SCORING },
};

/* The environment variables of the daemons' public keys (CurveZMQ). */
static const struct {
    const char *env;
} server_keys[CC_EP_COUNT_] = {
    [CC_EP_INTAKE] = { "CCHC_INTAKE_KEY" },
    [CC_EP_HOTLINE] = { "CCHC_HOTLINE_KEY" },
    [CC_EP_SCORING] = { "CCHC_SCORING_KEY" },
};

const char *cc_endpoint_name(cc_endpoint_t ep)
{
    return ep < CC_EP_COUNT_ ? endpoints[ep].option : "?";
}

int cc_cli_uint(const char *s, uint64_t min, uint64_t max, uint64_t *ret)
{
    uint64_t v = 0;

    if (s == NULL || *s == '\0')
        return -EINVAL;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -EINVAL;
        if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
            return -EINVAL;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    if (v < min || v > max)
        return -EINVAL;
    *ret = v;
    return 0;
}

int cc_cli_duration(const char *s, uint64_t max_ms, uint64_t *ret_ms)
{
    static const struct {
        const char *unit;
        uint64_t ms;
    } units[] = { { "ms", 1 }, { "s", 1000 }, { "", 1000 }, { "m", 60000 }, { "h", 3600000 } };
    char digits[21];
    size_t n = s ? strspn(s, "0123456789") : 0;
    uint64_t v;

    if (n == 0 || n >= sizeof(digits))
        return -EINVAL;
    memcpy(digits, s, n);
    digits[n] = '\0';
    if (cc_cli_uint(digits, 0, UINT64_MAX / 3600000, &v) < 0)
        return -EINVAL;
    for (size_t i = 0; i < CC_N(units); i++)
        if (strcmp(s + n, units[i].unit) == 0) {
            if (v * units[i].ms > max_ms)
                return -EINVAL;
            *ret_ms = v * units[i].ms;
            return 0;
        }
    return -EINVAL;
}

int cc_cli_time(const char *s, int64_t *ret)
{
    uint64_t u;
    cc_time_t t;

    if (s && cc_cli_uint(s, 0, (uint64_t)INT64_MAX, &u) == 0) {
        *ret = (int64_t)u;
        return 0;
    }
    if (s == NULL || cc_time_parse_iso(s, &t) < 0)
        return -EINVAL;
    *ret = t;
    return 0;
}

int cc_cli_day_range(const char *from, const char *to, int64_t *ret_from, int64_t *ret_to)
{
    int32_t d0, d1;

    if (from == NULL || to == NULL || cc_date_parse_any(from, &d0) < 0 ||
        cc_date_parse_any(to, &d1) < 0 || d1 < d0)
        return -EINVAL;
    *ret_from = cc_day_start(d0);
    *ret_to = cc_day_start(d1 + 1) - 1;
    return 0;
}

/* The global options; cc_cli_parse() handles each by its index. */
enum {
    G_INTAKE = CC_EP_INTAKE,
    G_HOTLINE = CC_EP_HOTLINE,
    G_SCORING = CC_EP_SCORING,
    G_INTAKE_KEY,
    G_HOTLINE_KEY,
    G_SCORING_KEY,
    G_KEY,
    G_WHO,
    G_UNITS,
    G_TIMEOUT,
    G_HELP,
    G_VERSION,
    G_COUNT_
};

const cc_cli_option_t cc_cli_globals[G_COUNT_ + 1] = {
    [G_INTAKE] = { "intake", 0, "EP", "intake endpoint" },
    [G_HOTLINE] = { "hotline", 0, "EP", "hotline endpoint" },
    [G_SCORING] = { "scoring", 0, "EP", "scoring endpoint (queries and alerts)" },
    [G_INTAKE_KEY] = { "intake-key", 0, "KEY",
                       "intake's public key (a file or the key): CurveZMQ" },
    [G_HOTLINE_KEY] = { "hotline-key", 0, "KEY",
                        "hotline's public key (a file or the key): CurveZMQ" },
    [G_SCORING_KEY] = { "scoring-key", 0, "KEY",
                        "scoring's public key (a file or the key): CurveZMQ" },
    [G_KEY] = { "key", 0, "FILE", "your CurveZMQ key pair file (cchc keygen)" },
    [G_WHO] = { "who", 'w', "NAME", "who you are: 1..32 characters, no spaces" },
    [G_UNITS] = { "units", 'U', "A,B", "your units (codes separated by commas), or * for all" },
    [G_TIMEOUT] = { "timeout", 't', "MS",
                    "how long to wait for a reply, 1..3600000 ms (push resends then)" },
    [G_HELP] = { "help", 'h', NULL, "this help (after a command: the command's)" },
    [G_VERSION] = { "version", 'V', NULL, "the version" },
};

/* Every option of every command: which take a value, and the short ones.
 * Each command checks which of them it takes (cc_cli_check_opts). */
const cc_cli_option_t cc_cli_command_options[] = {
    { "unit", 'u', "U", NULL },
    { "json", 'j', NULL, NULL },
    { "period", 'p', "PERIOD", NULL },
    { "format", 'f', "F", NULL },
    { "output", 'o', "FILE", NULL },
    { "count", 'n', "N", NULL },
    { "to", 0, "WHERE", NULL },
    { "role", 0, "ROLE", NULL },
    { "window", 0, "N", NULL },
    { "progress", 0, NULL, NULL },
    { "retry-for", 0, "DURATION", NULL },
    { "catalog-dir", 0, "DIR", NULL },
    { "parent", 0, "U", NULL },
    { "kind", 0, "KIND", NULL },
    { "with-children", 0, NULL, NULL },
    { "from", 0, "DATE", NULL },
    { "rank", 0, "FIGURE", NULL },
    { "asc", 0, NULL, NULL },
    { "csv", 0, NULL, NULL },
    { "grade", 0, "GRADE", NULL },
    { "reason", 0, "TEXT", NULL },
    { "doc", 0, "NUMBER", NULL },
    { "date", 0, "DATE", NULL },
    { "max", 0, "N", NULL },
    { "id", 0, "ID", NULL },
    { "type", 0, "TYPE", NULL },
    { "channel", 0, "CHANNEL", NULL },
    { "closed", 0, NULL, NULL },
    { "text", 0, "TEXT", NULL },
    { "contact", 0, "ID", NULL },
    { "dossier", 0, "ID", NULL },
    { "urgent", 0, NULL, NULL },
    { "caller-name", 0, "NAME", NULL },
    { "caller-phone", 0, "PHONE", NULL },
    { "category", 0, "CATEGORY", NULL },
    { "outside", 0, "AGENCY", NULL },
    { "at", 0, "TIME", NULL },
    { "eid", 0, "ID", NULL },
    { "severity", 0, "SEVERITY", NULL },
    { "summary", 0, NULL, NULL },
    { "note", 0, "TEXT", NULL },
    { "no-wait", 0, NULL, NULL },
    { "pakn", 0, "ID", NULL },
    { "phone", 0, "NUMBER", NULL },
    { "for", 0, "WHO", NULL },
    { "data-key", 0, "ID", NULL },
    { NULL, 0, NULL, NULL },
};

const cc_cli_option_t *cc_cli_option_find(const char *name, size_t len, char short_name,
                                          int *ret_id)
{
    static const cc_cli_option_t *const tables[] = { cc_cli_globals, cc_cli_command_options };
    int id = 0;

    for (size_t t = 0; t < CC_N(tables); t++)
        for (const cc_cli_option_t *o = tables[t]; o->name; o++, id++)
            if (name ? cc_strn_eq(name, len, o->name) : short_name && short_name == o->short_name) {
                if (ret_id)
                    *ret_id = id;
                return o;
            }
    return NULL;
}

/* cc_args_lookup_fn: the global options are ids 0..G_COUNT_-1, the command
 * options follow. Names are matched exactly ("with-children"). */
static int lookup(void *ctx, const char *name, size_t len, char short_name, cc_arg_kind_t *ret)
{
    const cc_cli_option_t *o;
    int id;

    (void)ctx;
    if ((o = cc_cli_option_find(name, len, short_name, &id)) == NULL)
        return -1;
    *ret = o->value ? CC_ARG_REQUIRED : CC_ARG_NONE;
    return id;
}

void cc_cli_print_globals(FILE *f)
{
    for (const cc_cli_option_t *o = cc_cli_globals; o->name; o++) {
        int i = (int)(o - cc_cli_globals);
        char left[64], help[256];

        snprintf(left, sizeof(left), "  %s%c%s--%s%s%s", o->short_name ? "-" : " ",
                 o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ", o->name,
                 o->value ? "=" : "", o->value ? o->value : "");
        if (i < CC_EP_COUNT_)
            snprintf(help, sizeof(help), "%s [%s] (default %s)", o->help, endpoints[i].env,
                     endpoints[i].def);
        else if (i >= G_INTAKE_KEY && i <= G_SCORING_KEY)
            snprintf(help, sizeof(help), "%s [%s]", o->help, server_keys[i - G_INTAKE_KEY].env);
        else if (i == G_KEY)
            snprintf(help, sizeof(help), "%s [CCHC_KEY; or the secret key in CCHC_SECRET_KEY]",
                     o->help);
        else if (i == G_WHO)
            snprintf(help, sizeof(help), "%s [CCHC_WHO] (default %s)", o->help, CC_CLI_DEFAULT_WHO);
        else if (i == G_UNITS)
            snprintf(help, sizeof(help), "%s [CCHC_UNITS] (default *)", o->help);
        else if (i == G_TIMEOUT)
            snprintf(help, sizeof(help), "%s (default %d)", o->help, CC_CLIENT_TIMEOUT_MS);
        else
            snprintf(help, sizeof(help), "%s", o->help);
        cc_args_print_help(f, left, CC_ARGS_HELP_COLUMN, help);
    }
}

/* Take global option @id with @value (as spelled @arg). */
static int global_option(cc_cli_t *c, int id, const char *arg, const char *value, char *err,
                         size_t err_len)
{
    uint64_t ms;
    size_t n;

    switch (id) {
    case G_HELP:
        c->help = true;
        return 0;
    case G_VERSION:
        c->version = true;
        return 0;
    case G_WHO:
        if (*value == '\0' || cc_units_parse(value, NULL, 1, &n) < 0 || strcmp(value, "*") == 0)
            return cc_fail(-EINVAL, err, err_len,
                           "%s %s: the name must be 1..32 printable characters without spaces", arg,
                           value);
        c->who = value;
        c->who_given = true;
        return 0;
    case G_UNITS:
        if (cc_units_parse(value, NULL, CC_MAX_UNITS, &n) < 0)
            return cc_fail(-EINVAL, err, err_len,
                           "%s %s: expected unit codes separated by commas (A,B) or \"*\" for all",
                           arg, value);
        c->units = value;
        c->units_set = c->units_given = true;
        return 0;
    case G_INTAKE_KEY:
    case G_HOTLINE_KEY:
    case G_SCORING_KEY:
        if (*value == '\0')
            return cc_fail(-EINVAL, err, err_len,
                           "%s needs a value: the daemon's public key, or its file", arg);
        c->server_key[id - G_INTAKE_KEY] = value;
        return 0;
    case G_KEY:
        if (*value == '\0')
            return cc_fail(-EINVAL, err, err_len, "%s needs a value: your key pair file", arg);
        c->key_file = value;
        return 0;
    case G_TIMEOUT:
        if (cc_cli_uint(value, 1, CC_CLI_MAX_TIMEOUT_MS, &ms) < 0)
            return cc_fail(-EINVAL, err, err_len, "%s %s: expected milliseconds, 1..3600000", arg,
                           value);
        c->timeout_ms = (int)ms;
        c->timeout_set = true;
        return 0;
    default: /* an endpoint */
        if (*value == '\0')
            return cc_fail(-EINVAL, err, err_len,
                           "%s needs a value, e.g. --intake=tcp://127.0.0.1:7301", arg);
        c->endpoint[id] = value;
        return 0;
    }
}

int cc_cli_parse(int argc, char *const *argv, cc_cli_getenv_fn env, cc_cli_t *ret, char *err,
                 size_t err_len)
{
    cc_cli_t c;
    cc_args_t it;
    cc_arg_t a;
    const char *v;
    size_t n;
    int r;

    memset(&c, 0, sizeof(c));
    for (int i = 0; i < CC_EP_COUNT_; i++) {
        v = env ? env(endpoints[i].env) : NULL;
        c.endpoint[i] = v && *v ? v : endpoints[i].def;
    }
    for (int i = 0; i < CC_EP_COUNT_; i++) {
        v = env && server_keys[i].env ? env(server_keys[i].env) : NULL;
        c.server_key[i] = v && *v ? v : NULL;
    }
    v = env ? env("CCHC_KEY") : NULL;
    c.key_file = v && *v ? v : NULL;
    v = env ? env("CCHC_SECRET_KEY") : NULL;
    c.secret_key = v && *v ? v : NULL;
    v = env ? env("CCHC_WHO") : NULL;
    c.who = v && *v ? v : CC_CLI_DEFAULT_WHO;
    c.who_given = v && *v;
    if (cc_units_parse(c.who, NULL, 1, &n) < 0)
        return cc_fail(-EINVAL, err, err_len, "CCHC_WHO='%s' is not a valid name", c.who);
    v = env ? env("CCHC_UNITS") : NULL;
    c.units = v && *v ? v : "*";
    c.units_given = v && *v;
    if (cc_units_parse(c.units, NULL, CC_MAX_UNITS, &n) < 0)
        return cc_fail(-EINVAL, err, err_len, "CCHC_UNITS='%s' is not a list of unit codes",
                       c.units);
    c.timeout_ms = CC_CLIENT_TIMEOUT_MS;

    cc_args_init(&it, argc, argv);
    while ((r = cc_args_next(&it, lookup, NULL, &a, err, err_len)) > 0) {
        if (a.id == CC_ARGS_OPERAND) {
            if (c.command == NULL) {
                c.command = a.value;
            } else {
                if (c.n_args == CC_CLI_MAX_ARGS)
                    return cc_fail(-EINVAL, err, err_len, "too many arguments (at %s)", a.value);
                c.args[c.n_args++] = a.value;
            }
        } else if (a.id < G_COUNT_) {
            if ((r = global_option(&c, a.id, a.spelled, a.value, err, err_len)) < 0)
                return r;
        } else {
            const char *name = cc_cli_command_options[a.id - G_COUNT_].name;

            if (c.n_opts == CC_CLI_MAX_OPTS)
                return cc_fail(-EINVAL, err, err_len, "too many options (at %s)", a.spelled);
            c.opts[c.n_opts++] = (cc_cli_opt_t){ name, strlen(name), a.value };
        }
    }
    if (r < 0)
        return r;
    *ret = c;
    return 0;
}

bool cc_cli_opt(const cc_cli_t *cli, const char *name, const char **ret_value)
{
    /* The last occurrence wins, as for global options. */
    for (size_t i = cli->n_opts; i-- > 0;)
        if (cc_strn_eq(cli->opts[i].name, cli->opts[i].name_len, name)) {
            if (ret_value)
                *ret_value = cli->opts[i].value;
            return true;
        }
    return false;
}

int cc_cli_check_opts(const cc_cli_t *cli, const char *const *allowed, char *err, size_t err_len)
{
    for (size_t i = 0; i < cli->n_opts; i++) {
        const cc_cli_opt_t *o = &cli->opts[i];
        bool known = false;

        for (size_t k = 0; allowed && allowed[k]; k++) {
            size_t len = strlen(allowed[k]);
            bool takes_value = len > 0 && allowed[k][len - 1] == '=';

            if (takes_value)
                len--;
            if (len != o->name_len || memcmp(allowed[k], o->name, len) != 0)
                continue;
            known = true;
            if (takes_value && (o->value == NULL || o->value[0] == '\0')) {
                snprintf(err, err_len, "--%.*s needs a value (--%.*s=...)", (int)o->name_len,
                         o->name, (int)o->name_len, o->name);
                return -EINVAL;
            }
            if (!takes_value && o->value != NULL) {
                snprintf(err, err_len, "--%.*s takes no value", (int)o->name_len, o->name);
                return -EINVAL;
            }
            break;
        }
        if (!known) {
            snprintf(err, err_len, "unknown option --%.*s%s%s", (int)o->name_len, o->name,
                     cli->command ? " for " : "", cli->command ? cli->command : "");
            return -EINVAL;
        }
    }
    return 0;
}
