/*
 * cc_principals.c - the principals file (see cc_principals.h).
 */
#include "cc_principals.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_base.h"
#include "cc_file.h"
#include "cc_mem.h"

typedef struct {
    cc_principal_t *p;
    int line;
} entry_t;

struct cc_principals {
    entry_t *v; /* sorted by key */
    size_t n, cap;
};

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* A code: 1..CC_MAX_CODE printable ASCII bytes without space or comma. */
static bool code_ok(const char *s, size_t len)
{
    if (len == 0 || len > CC_MAX_CODE)
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f || s[i] == ',')
            return false;
    return true;
}

/* Split @s[0..n) into at most @max fields; returns how many there were
 * (may exceed @max: the rest is not stored). */
static size_t split(const char *s, size_t n, cc_str_t *f, size_t max)
{
    size_t count = 0, i = 0;

    while (i < n) {
        size_t start;

        while (i < n && is_blank(s[i]))
            i++;
        if (i == n)
            break;
        start = i;
        while (i < n && !is_blank(s[i]))
            i++;
        if (count < max)
            f[count] = (cc_str_t){ s + start, i - start };
        count++;
    }
    return count;
}

/* Parse the units field into a new principal; NULL with @why on error. */
static cc_principal_t *units_parse(cc_role_t role, cc_str_t who, cc_str_t units, char *why,
                                   size_t why_len)
{
    cc_principal_t *p;
    size_t n = 1;
    char name[CC_MAX_CODE + 1];

    memcpy(name, who.ptr, who.len);
    name[who.len] = '\0';
    if (units.len == 1 && units.ptr[0] == '-')
        return cc_principal_new(role, name, 0);
    for (size_t i = 0; i < units.len; i++)
        n += units.ptr[i] == ',';
    if (n > CC_MAX_UNITS) {
        cc_set_error(why, why_len, "more than %d units (use * for every unit)", CC_MAX_UNITS);
        return NULL;
    }
    p = cc_principal_new(role, name, n);
    for (size_t i = 0, start = 0; i <= units.len; i++) {
        size_t len;

        if (i < units.len && units.ptr[i] != ',')
            continue;
        len = i - start;
        if (len == 1 && units.ptr[start] == '*' && units.len == 1) {
            p->all_units = true;
        } else if (!code_ok(units.ptr + start, len) ||
                   (len == 1 && (units.ptr[start] == '*' || units.ptr[start] == '-'))) {
            cc_set_error(why, why_len,
                         "units: expected unit codes separated by commas, * alone for every "
                         "unit, or - for none");
            free(p);
            return NULL;
        }
        memcpy(p->units[p->n_units++], units.ptr + start, len);
        start = i + 1;
    }
    return p;
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const entry_t *)a)->p->key, ((const entry_t *)b)->p->key);
}

/* One non-comment line: key, role, who, units. */
static int parse_line(cc_principals_t *t, const char *s, size_t n, int line, char *why,
                      size_t why_len)
{
    cc_str_t f[4];
    size_t count = split(s, n, f, CC_N(f));
    cc_principal_t *p;
    cc_role_t role;
    char key[CC_CURVE_KEY_LEN + 1];

    if (count != 4)
        return cc_fail(-EINVAL, why, why_len, "expected 4 fields (key role who units), found %zu",
                       count);
    if (f[0].len != CC_CURVE_KEY_LEN)
        return cc_fail(-EINVAL, why, why_len, "the key is not 40 Z85 characters");
    memcpy(key, f[0].ptr, CC_CURVE_KEY_LEN);
    key[CC_CURVE_KEY_LEN] = '\0';
    if (!cc_curve_key_valid(key))
        return cc_fail(-EINVAL, why, why_len, "the key is not 40 Z85 characters");
    if (cc_role_parse(f[1].ptr, f[1].len, &role) < 0)
        return cc_fail(-EINVAL, why, why_len,
                       "unknown role '%.*s' (counter, agent, contact_point, supervisor, "
                       "operator, consumer)",
                       (int)(f[1].len < 32 ? f[1].len : 32), f[1].ptr);
    if (!code_ok(f[2].ptr, f[2].len) || (f[2].len == 1 && f[2].ptr[0] == '*'))
        return cc_fail(-EINVAL, why, why_len,
                       "the name must be 1..%d printable ASCII characters without space or comma",
                       CC_MAX_CODE);
    if ((p = units_parse(role, f[2], f[3], why, why_len)) == NULL)
        return -EINVAL;
    memcpy(p->key, key, sizeof(p->key));
    if (t->n == CC_PRINCIPALS_MAX) {
        free(p);
        return cc_fail(-EINVAL, why, why_len, "more than %d keys", CC_PRINCIPALS_MAX);
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 64;
        t->v = cc_xrealloc(t->v, t->cap * sizeof(*t->v));
    }
    t->v[t->n++] = (entry_t){ p, line };
    return 0;
}

int cc_principals_parse(const char *text, size_t len, const char *name, cc_principals_t **ret,
                        char *err, size_t err_len)
{
    cc_principals_t *t = cc_xcalloc(1, sizeof(*t));
    cc_lines_t it = { text, len, 0, 0 };
    const char *s;
    size_t n;
    int r;

    while ((r = cc_lines_next(&it, &s, &n)) > 0) {
        char why[192];

        if ((r = parse_line(t, s, n, it.line, why, sizeof(why))) < 0) {
            cc_set_error(err, err_len, "%s:%d: %s", name, it.line, why);
            goto out;
        }
    }
    if (r < 0) {
        r = cc_fail(-EINVAL, err, err_len, "%s:%d: a NUL byte", name, it.line);
        goto out;
    }
    if (t->n > 1)
        qsort(t->v, t->n, sizeof(*t->v), entry_cmp);
    for (size_t i = 1; i < t->n; i++)
        if (strcmp(t->v[i - 1].p->key, t->v[i].p->key) == 0) {
            const entry_t *a = &t->v[i - 1], *b = &t->v[i];

            r = cc_fail(-EINVAL, err, err_len, "%s:%d: key given again (first on line %d)", name,
                        a->line > b->line ? a->line : b->line,
                        a->line < b->line ? a->line : b->line);
            goto out;
        }
    *ret = t;
    t = NULL;
out:
    cc_principals_destroy(&t);
    return r;
}

int cc_principals_load(const char *path, cc_principals_t **ret, char *err, size_t err_len)
{
    char *text = NULL;
    size_t len = 0;
    int r = cc_file_read_guarded(path, CC_PRINCIPALS_FILE_MAX, false, "the principals file", &text,
                                 &len, err, err_len);

    if (r == 0)
        r = cc_principals_parse(text, len, path, ret, err, err_len);
    free(text);
    return r;
}

void cc_principals_destroy(cc_principals_t **self_p)
{
    cc_principals_t *t = self_p ? *self_p : NULL;

    if (t == NULL)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i].p);
    free(t->v);
    free(t);
    *self_p = NULL;
}

const cc_principal_t *cc_principals_find(const cc_principals_t *t, const char *key)
{
    size_t lo = 0, hi = t ? t->n : 0;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(t->v[mid].p->key, key);

        if (c == 0)
            return t->v[mid].p;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

size_t cc_principals_count(const cc_principals_t *t) { return t ? t->n : 0; }
