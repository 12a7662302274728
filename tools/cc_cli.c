/*
 * cc_cli.c - the command line of the cchc tool (see cc_cli.h).
 */
#include "cc_cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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
    [CC_EP_ALERTS] = { "alerts", "CCHC_ALERTS", CC_ENDPOINT_ALERTS },
};

/* The daemons' public keys (CurveZMQ); the alerts socket has none. */
static const struct {
    const char *option;
    const char *env;
} server_keys[CC_EP_COUNT_] = {
    [CC_EP_INTAKE] = { "intake-key", "CCHC_INTAKE_KEY" },
    [CC_EP_HOTLINE] = { "hotline-key", "CCHC_HOTLINE_KEY" },
    [CC_EP_SCORING] = { "scoring-key", "CCHC_SCORING_KEY" },
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

static bool name_is(const char *name, size_t len, const char *want)
{
    return strlen(want) == len && memcmp(name, want, len) == 0;
}

/* A global option; returns 1 if @name was one (and took it), 0 if not, or
 * -EINVAL for a bad value. */
static int global_option(cc_cli_t *c, const char *arg, const char *name, size_t len,
                         const char *value, char *err, size_t err_len)
{
    uint64_t ms;
    size_t n;

    if (name_is(name, len, "help")) {
        c->help = true;
        return 1;
    }
    if (name_is(name, len, "version")) {
        c->version = true;
        return 1;
    }
    for (int i = 0; i < CC_EP_COUNT_; i++)
        if (server_keys[i].option && name_is(name, len, server_keys[i].option)) {
            if (value == NULL || *value == '\0')
                return cc_fail(-EINVAL, err, err_len,
                               "%s needs a value: the daemon's public key, or its file", arg);
            c->server_key[i] = value;
            return 1;
        }
    if (name_is(name, len, "key")) {
        if (value == NULL || *value == '\0')
            return cc_fail(-EINVAL, err, err_len, "%s needs a value: your key pair file", arg);
        c->key_file = value;
        return 1;
    }
    for (int i = 0; i < CC_EP_COUNT_; i++)
        if (name_is(name, len, endpoints[i].option)) {
            if (value == NULL || *value == '\0')
                return cc_fail(-EINVAL, err, err_len,
                               "%s needs a value, e.g. --intake=tcp://127.0.0.1:7301", arg);
            c->endpoint[i] = value;
            return 1;
        }
    if (name_is(name, len, "who")) {
        if (value == NULL || *value == '\0' || cc_units_parse(value, NULL, 1, &n) < 0 ||
            strcmp(value, "*") == 0)
            return cc_fail(-EINVAL, err, err_len,
                           "%s: the name must be 1..32 printable characters without spaces", arg);
        c->who = value;
        c->who_given = true;
        return 1;
    }
    if (name_is(name, len, "units")) {
        if (value == NULL || cc_units_parse(value, NULL, CC_MAX_UNITS, &n) < 0)
            return cc_fail(-EINVAL, err, err_len,
                           "%s: expected unit codes separated by commas (A,B) or \"*\" for all",
                           arg);
        c->units = value;
        c->units_set = c->units_given = true;
        return 1;
    }
    if (name_is(name, len, "timeout")) {
        if (value == NULL || cc_cli_uint(value, 1, CC_CLI_MAX_TIMEOUT_MS, &ms) < 0)
            return cc_fail(-EINVAL, err, err_len, "%s: expected milliseconds, 1..3600000", arg);
        c->timeout_ms = (int)ms;
        c->timeout_set = true;
        return 1;
    }
    return 0;
}

int cc_cli_parse(int argc, char *const *argv, cc_cli_getenv_fn env, cc_cli_t *ret, char *err,
                 size_t err_len)
{
    cc_cli_t c;
    bool options_done = false;
    const char *v;
    size_t n;

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

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (!options_done && strcmp(a, "--") == 0) {
            options_done = true;
        } else if (!options_done && strcmp(a, "-h") == 0) {
            c.help = true;
        } else if (!options_done && a[0] == '-' && a[1] == '-' && a[2] != '\0') {
            const char *name = a + 2;
            const char *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            const char *value = eq ? eq + 1 : NULL;
            int r = global_option(&c, a, name, len, value, err, err_len);

            if (r < 0)
                return r;
            if (r == 0) {
                if (c.n_opts == CC_CLI_MAX_OPTS)
                    return cc_fail(-EINVAL, err, err_len, "too many options (at %s)", a);
                c.opts[c.n_opts++] = (cc_cli_opt_t){ name, len, value };
            }
        } else if (!options_done && a[0] == '-' && a[1] != '\0') {
            return cc_fail(-EINVAL, err, err_len, "unknown option %s (options are --name=value)",
                           a);
        } else if (c.command == NULL) {
            c.command = a;
        } else {
            if (c.n_args == CC_CLI_MAX_ARGS)
                return cc_fail(-EINVAL, err, err_len, "too many arguments (at %s)", a);
            c.args[c.n_args++] = a;
        }
    }
    *ret = c;
    return 0;
}

bool cc_cli_opt(const cc_cli_t *cli, const char *name, const char **ret_value)
{
    /* The last occurrence wins, as for global options. */
    for (size_t i = cli->n_opts; i-- > 0;)
        if (name_is(cli->opts[i].name, cli->opts[i].name_len, name)) {
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
