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

#include "cc_mem.h"
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

static void usage(const char *daemon, const cc_option_t *table, size_t n)
{
    printf("Usage: cchc-%sd [--config=FILE] [--OPTION=VALUE ...]\n\nOptions (file key = "
           "option name):\n",
           daemon);
    for (size_t i = 0; i < n; i++)
        printf("  --%-20s %s (default: %s)\n", table[i].name, table[i].help,
               table[i].def ? table[i].def : "unset");
}

int cc_config_load(const char *daemon, const cc_option_t *table, size_t n, void *settings, int argc,
                   char **argv, char *err, size_t err_len)
{
    const char *config_path = NULL;
    const char *state_env = getenv("STATE_DIRECTORY");
    bool state_on_cli = false;
    char why[256];

    for (size_t i = 0; i < n; i++)
        if (table[i].def && set_value(&table[i], settings, table[i].def, why, sizeof(why)) < 0) {
            snprintf(err, err_len, "built-in default of %s: %s", table[i].name, why);
            return -EINVAL;
        }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(daemon, table, n);
            return 1;
        }
        if (!strncmp(argv[i], "--config=", 9))
            config_path = argv[i] + 9;
        if (!strncmp(argv[i], "--state_dir=", 12) || !strncmp(argv[i], "--state-dir=", 12))
            state_on_cli = true;
    }
    if (config_path) {
        ini_ctx_t c = { daemon, table, n, settings, config_path, err, err_len, 0 };
        char reason[512];
        int r;

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
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *eq;
        const cc_option_t *o;
        char name[64];
        size_t len;

        if (!strncmp(a, "--config=", 9))
            continue;
        /* --name=value, or --name alone for a yes/no option (= yes). */
        eq = strchr(a, '=');
        len = eq ? (size_t)(eq - a - 2) : strlen(a) - 2;
        if (strncmp(a, "--", 2) != 0 || len == 0 || len >= sizeof(name)) {
            snprintf(err, err_len, "%s: expected --option=value (see --help)", a);
            return -EINVAL;
        }
        memcpy(name, a + 2, len);
        name[len] = '\0';
        for (char *p = name; *p; p++)
            if (*p == '-')
                *p = '_';
        o = find(table, n, name);
        if (o == NULL) {
            snprintf(err, err_len, "--%s: unknown option (see --help)", name);
            return -EINVAL;
        }
        if (eq == NULL && o->type != CC_OPT_BOOL) {
            snprintf(err, err_len, "--%s: expected --%s=value (see --help)", name, name);
            return -EINVAL;
        }
        if (set_value(o, settings, eq ? eq + 1 : "yes", why, sizeof(why)) < 0) {
            snprintf(err, err_len, "--%s: %s", name, why);
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
