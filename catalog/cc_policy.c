#include "cc_policy.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_mem.h"
#include "cc_tsv.h"

typedef enum {
    PT_INT,     /* decimal integer */
    PT_PERCENT, /* decimal number, e.g. 97 or 96.5 */
    PT_MINUTE,  /* local time of day "HH:MM", stored as minutes */
    PT_BOOL,    /* yes/no, true/false, 1/0 */
} policy_type_t;

typedef struct {
    const char *section;
    const char *key;
    policy_type_t type;
    double def;
    double min;
    double max;
    size_t offset;
    const char *field; /* the member of cc_policy_t, as written in code */
    bool read_by_code; /* some code of this version reads it (else a start-up warning) */
} policy_param_t;

/* A parameter that code reads (P) or that no code reads yet (P_UNREAD): an
 * administrator who sets an unread one is warned at start that it has no
 * effect (cc_policy_unread). Flip P_UNREAD to P in the change that starts
 * reading it; test_catalog checks the flags against the sources. */
#define P(sec, k, t, d, lo, hi, field)                                                             \
    {                                                                                              \
        sec, k, t, d, lo, hi, offsetof(cc_policy_t, field), #field, true                           \
    }
#define P_UNREAD(sec, k, t, d, lo, hi, field)                                                      \
    {                                                                                              \
        sec, k, t, d, lo, hi, offsetof(cc_policy_t, field), #field, false                          \
    }

/* The one table of policy parameters.  Defaults and sources: DOMAIN.md §2, §4, §6-§8. */
static const policy_param_t policy_params[] = {
    P("dossier", "cutoff", PT_MINUTE, 15 * 60, 0, 1439, cutoff_minute),
    P("dossier", "future_tolerance_seconds", PT_INT, 300, 0, 86400, future_tolerance_seconds),
    P("dossier", "supplement_late_working_days", PT_INT, 3, 0, 365, supplement_late_working_days),
    P("dossier", "due_soon_working_days", PT_INT, 1, 0, 365, due_soon_working_days),
    P("dossier", "sos_pending_working_days", PT_INT, 1, 0, 365, sos_pending_working_days),
    P("office_hours", "morning_start", PT_MINUTE, 7 * 60, 0, 1439, morning_start_minute),
    P("office_hours", "morning_end", PT_MINUTE, 11 * 60 + 30, 0, 1439, morning_end_minute),
    P("office_hours", "afternoon_start", PT_MINUTE, 13 * 60, 0, 1439, afternoon_start_minute),
    P("office_hours", "afternoon_end", PT_MINUTE, 17 * 60, 0, 1439, afternoon_end_minute),
    P("on_time_target", "default", PT_PERCENT, 97, 0, 100, on_time_target_default),
    P("targets", "pakn", PT_PERCENT, 97, 0, 100, pakn_target),
    P("targets", "satisfaction", PT_PERCENT, 92, 0, 100, satisfaction_target),
    P("targets", "below_target_clear_margin", PT_PERCENT, 0.5, 0, 100, below_target_clear_margin),
    P("pakn", "level1_working_days", PT_INT, 0, 0, 365, pakn_level1_working_days),
    P("pakn", "level2_working_days", PT_INT, 15, 0, 365, pakn_level2_working_days),
    P("pakn", "level2_urgent_hours", PT_INT, 4, 1, 2000, pakn_level2_urgent_hours),
    P("pakn", "level3_working_days", PT_INT, 15, 0, 365, pakn_level3_working_days),
    P("pakn", "refusal_working_days", PT_INT, 2, 0, 365, pakn_refusal_working_days),
    P("pakn", "publication_working_days", PT_INT, 2, 0, 365, pakn_publication_working_days),
    P("pakn", "forward_working_days", PT_INT, 5, 0, 365, pakn_forward_working_days),
    P("pakn", "retention_days", PT_INT, 365, 1, 36500, pakn_retention_days),
    P("grade", "a_min", PT_PERCENT, 70, 0, 100, grade_a_min),
    P("grade", "b_min", PT_PERCENT, 50, 0, 100, grade_b_min),
    P("grade", "max_reminders", PT_INT, 3, 0, 1000, grade_max_reminders),
    P("grade", "min_volume", PT_INT, 20, 0, 1000000, grade_min_volume),
    P("grade", "aplus_reason_department", PT_BOOL, 1, 0, 1, aplus_reason_department),
    P("grade", "aplus_reason_district", PT_BOOL, 0, 0, 1, aplus_reason_district),
    P("grade", "aplus_reason_commune", PT_BOOL, 0, 0, 1, aplus_reason_commune),
    P("grade", "aplus_reason_other", PT_BOOL, 0, 0, 1, aplus_reason_other),
    P("report", "cutoff_day", PT_INT, 15, 1, 28, report_cutoff_day),
};
#define N_PARAMS (sizeof(policy_params) / sizeof(policy_params[0]))
_Static_assert(N_PARAMS <= 64, "cc_policy_t.set_in_file has one bit per parameter");

/* Years accepted as keys of [on_time_target]. */
#define YEAR_MIN 2000
#define YEAR_MAX 2200

static const cc_year_target_t default_year_targets[] = {
    { 2020, 94.0 }, /* seeds/000: "chưa đạt 94%" */
    { 2023, 96.0 },
    { 2024, 97.0 },
};

static void store(cc_policy_t *p, const policy_param_t *d, double v)
{
    char *at = (char *)p + d->offset;

    switch (d->type) {
    case PT_INT:
    case PT_MINUTE:
        *(int *)(void *)at = (int)v;
        break;
    case PT_PERCENT:
        *(double *)(void *)at = v;
        break;
    case PT_BOOL:
        *(bool *)(void *)at = v != 0;
        break;
    }
}

void cc_policy_defaults(cc_policy_t *p)
{
    memset(p, 0, sizeof(*p));
    for (size_t i = 0; i < N_PARAMS; i++)
        store(p, &policy_params[i], policy_params[i].def);
    p->n_on_time_targets = sizeof(default_year_targets) / sizeof(default_year_targets[0]);
    memcpy(p->on_time_targets, default_year_targets, sizeof(default_year_targets));
}

double cc_policy_on_time_target(const cc_policy_t *p, int year)
{
    for (size_t i = 0; i < p->n_on_time_targets; i++)
        if (p->on_time_targets[i].year == year)
            return p->on_time_targets[i].percent;
    return p->on_time_target_default;
}

size_t cc_policy_unread(const cc_policy_t *p, char *buf, size_t len)
{
    size_t n = 0, used = 0;

    if (len)
        buf[0] = '\0';
    for (size_t i = 0; i < N_PARAMS; i++) {
        const policy_param_t *d = &policy_params[i];
        int w;

        if (d->read_by_code || !(p->set_in_file & (UINT64_C(1) << i)))
            continue;
        if (used < len) {
            w = snprintf(buf + used, len - used, "%s[%s] %s", n ? ", " : "", d->section, d->key);
            used += w > 0 ? (size_t)w : 0;
        }
        n++;
    }
    return n;
}

size_t cc_policy_key_count(void) { return N_PARAMS; }

int cc_policy_key_at(size_t i, cc_policy_key_t *ret)
{
    if (i >= N_PARAMS)
        return -EINVAL;
    *ret = (cc_policy_key_t){ policy_params[i].section, policy_params[i].key,
                              policy_params[i].field, policy_params[i].read_by_code };
    return 0;
}

typedef struct {
    cc_policy_t policy;
    bool seen[N_PARAMS];
    bool years_replaced;
    char reason[256]; /* first error; inih gives us its line number */
} parse_state_t;

static int parse_int(const char *s, long min, long max, long *ret)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end != '\0' || v < min || v > max)
        return -EINVAL;
    *ret = v;
    return 0;
}

static int parse_value(const policy_param_t *d, const char *v, double *ret, char *reason,
                       size_t len)
{
    long n;

    switch (d->type) {
    case PT_INT:
        if (parse_int(v, (long)d->min, (long)d->max, &n) < 0) {
            cc_set_error(reason, len, "%s: '%s' is not an integer in %.0f..%.0f", d->key, v, d->min,
                         d->max);
            return -EINVAL;
        }
        *ret = (double)n;
        return 0;
    case PT_PERCENT: {
        char *end;
        double x;
        errno = 0;
        x = strtod(v, &end);
        if (errno || end == v || *end != '\0' || !isfinite(x) || x < d->min || x > d->max) {
            cc_set_error(reason, len, "%s: '%s' is not a number in %g..%g", d->key, v, d->min,
                         d->max);
            return -EINVAL;
        }
        *ret = x;
        return 0;
    }
    case PT_MINUTE: {
        int hh, mm;
        if (strlen(v) != 5 || v[2] != ':' || v[0] < '0' || v[0] > '9' || v[1] < '0' || v[1] > '9' ||
            v[3] < '0' || v[3] > '9' || v[4] < '0' || v[4] > '9') {
            cc_set_error(reason, len, "%s: '%s' is not a time HH:MM", d->key, v);
            return -EINVAL;
        }
        hh = (v[0] - '0') * 10 + (v[1] - '0');
        mm = (v[3] - '0') * 10 + (v[4] - '0');
        if (hh > 23 || mm > 59) {
            cc_set_error(reason, len, "%s: '%s' is not a time HH:MM", d->key, v);
            return -EINVAL;
        }
        *ret = hh * 60 + mm;
        return 0;
    }
    case PT_BOOL:
        if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1")) {
            *ret = 1;
            return 0;
        }
        if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0")) {
            *ret = 0;
            return 0;
        }
        cc_set_error(reason, len, "%s: '%s' is not yes or no", d->key, v);
        return -EINVAL;
    }
    return -EINVAL;
}

static int on_year_target(parse_state_t *st, const char *key, const char *value)
{
    cc_policy_t *p = &st->policy;
    long year;
    double pct;
    char *end;
    size_t i;

    if (parse_int(key, YEAR_MIN, YEAR_MAX, &year) < 0) {
        cc_set_error(st->reason, sizeof(st->reason),
                     "unknown key '%s' in [on_time_target] (expected default or a year %d..%d)",
                     key, YEAR_MIN, YEAR_MAX);
        return 0;
    }
    errno = 0;
    pct = strtod(value, &end);
    if (errno || end == value || *end != '\0' || !isfinite(pct) || pct < 0 || pct > 100) {
        cc_set_error(st->reason, sizeof(st->reason), "%ld: '%s' is not a number in 0..100", year,
                     value);
        return 0;
    }
    if (!st->years_replaced) {
        p->n_on_time_targets = 0;
        st->years_replaced = true;
    }
    for (i = 0; i < p->n_on_time_targets; i++)
        if (p->on_time_targets[i].year == year) {
            cc_set_error(st->reason, sizeof(st->reason), "year %ld given twice", year);
            return 0;
        }
    if (p->n_on_time_targets == CC_POLICY_MAX_YEAR_TARGETS) {
        cc_set_error(st->reason, sizeof(st->reason), "more than %d years",
                     CC_POLICY_MAX_YEAR_TARGETS);
        return 0;
    }
    /* Keep sorted by year. */
    i = p->n_on_time_targets;
    while (i > 0 && p->on_time_targets[i - 1].year > year) {
        p->on_time_targets[i] = p->on_time_targets[i - 1];
        i--;
    }
    p->on_time_targets[i] = (cc_year_target_t){ (int)year, pct };
    p->n_on_time_targets++;
    return 1;
}

/* inih handler: returns 1 to go on, 0 for an error (inih then reports its line). */
static int on_key(void *user, const char *section, const char *key, const char *value)
{
    parse_state_t *st = user;
    double v;

    if (st->reason[0])
        return 1; /* keep only the first error */
    if (!key)
        return 1; /* section header alone (INI_CALL_HANDLER_ON_NEW_SECTION builds) */
    for (size_t i = 0; i < N_PARAMS; i++) {
        const policy_param_t *d = &policy_params[i];
        if (strcmp(d->section, section) != 0 || strcmp(d->key, key) != 0)
            continue;
        if (st->seen[i]) {
            cc_set_error(st->reason, sizeof(st->reason), "%s given twice in [%s]", key, section);
            return 0;
        }
        st->seen[i] = true;
        if (parse_value(d, value, &v, st->reason, sizeof(st->reason)) < 0)
            return 0;
        store(&st->policy, d, v);
        st->policy.set_in_file |= UINT64_C(1) << i;
        return 1;
    }
    if (!strcmp(section, "on_time_target"))
        return on_year_target(st, key, value);
    cc_set_error(st->reason, sizeof(st->reason), "unknown key '%s' in [%s]", key, section);
    return 0;
}

int cc_policy_parse(const char *name, const char *buf, size_t len, cc_policy_t *ret_policy,
                    char *err, size_t err_len)
{
    parse_state_t *st = NULL;
    char *text = NULL;
    const cc_policy_t *p;
    int r, line;

    if (memchr(buf, '\0', len)) {
        cc_set_error(err, err_len, "%s: contains a NUL byte", name);
        r = -EINVAL;
        goto out;
    }
    if (!cc_utf8_valid(buf, len)) {
        cc_set_error(err, err_len, "%s: invalid UTF-8", name);
        r = -EINVAL;
        goto out;
    }
    st = cc_xcalloc(1, sizeof(*st));
    text = cc_xmalloc(len + 1);
    memcpy(text, buf, len);
    text[len] = '\0';
    cc_policy_defaults(&st->policy);

    line = ini_parse_string(text, on_key, st);
    if (line != 0) {
        if (line < 0) {
            r = -ENOMEM;
            goto out;
        }
        cc_set_error(err, err_len, "%s:%d: %s", name, line,
                     st->reason[0] ? st->reason
                                   : "syntax error (expected [section] or key = value)");
        r = -EINVAL;
        goto out;
    }

    /* Cross-parameter checks that a per-key range cannot express. */
    p = &st->policy;
    if (!(p->morning_start_minute < p->morning_end_minute &&
          p->morning_end_minute <= p->afternoon_start_minute &&
          p->afternoon_start_minute < p->afternoon_end_minute)) {
        cc_set_error(err, err_len,
                     "%s: office hours must satisfy morning_start < morning_end <= afternoon_start "
                     "< afternoon_end",
                     name);
        r = -EINVAL;
        goto out;
    }
    if (p->cutoff_minute > p->afternoon_end_minute) {
        cc_set_error(err, err_len, "%s: cutoff must not be after afternoon_end", name);
        r = -EINVAL;
        goto out;
    }
    if (p->grade_b_min > p->grade_a_min) {
        cc_set_error(err, err_len, "%s: grade b_min must not exceed a_min", name);
        r = -EINVAL;
        goto out;
    }
    *ret_policy = st->policy;
    r = 0;
out:
    free(text);
    free(st);
    return r;
}
