/*
 * cc_period.c - reporting periods and date forms (see cc_period.h).
 */
#include "cc_period.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cc_base.h"
#include "cc_time.h"

/* The first day of month @m of year @y's period (the month may be 0: the
 * previous December). */
static int32_t month_start(int y, int m, int cutoff)
{
    if (m < 1) {
        y--;
        m += 12;
    }
    if (cutoff == 1)
        return cc_day_from_ymd(y, m, 1);
    /* From the cut-off day of the month before. */
    return m == 1 ? cc_day_from_ymd(y - 1, 12, cutoff) : cc_day_from_ymd(y, m - 1, cutoff);
}

/* The last day of month @m of year @y's period. */
static int32_t month_end(int y, int m, int cutoff)
{
    return (m == 12 ? month_start(y + 1, 1, cutoff) : month_start(y, m + 1, cutoff)) - 1;
}

int cc_period_parse(const char *spec, int cutoff_day, cc_period_t *ret, char *err, size_t err_len)
{
    int y = 0, a = 0, n = 0, first, last;

    if (cutoff_day < 1 || cutoff_day > 28)
        return cc_fail(-EINVAL, err, err_len, "cut-off day %d is not 1..28", cutoff_day);
    if (spec == NULL || sscanf(spec, "%4d%n", &y, &n) != 1 || n != 4 || y < 1900 || y > 9998)
        goto bad;
    spec += 4;
    if (*spec == '\0') {
        first = 1, last = 12; /* the year */
    } else if (sscanf(spec, "-%2d%n", &a, &n) == 1 && n == 3 && spec[3] == '\0' && a >= 1 &&
               a <= 12) {
        first = last = a; /* a month */
    } else if (sscanf(spec, "-Q%1d%n", &a, &n) == 1 && n == 3 && spec[3] == '\0' && a >= 1 &&
               a <= 4) {
        first = 3 * a - 2, last = 3 * a;
    } else if (strcmp(spec, "-H1") == 0 || strcmp(spec, "-H2") == 0) {
        first = spec[2] == '1' ? 1 : 7, last = spec[2] == '1' ? 6 : 12;
    } else if (strcmp(spec, "-9M") == 0) {
        first = 1, last = 9;
    } else {
        goto bad;
    }
    ret->from_day = month_start(y, first, cutoff_day);
    ret->to_day = month_end(y, last, cutoff_day);
    return 0;
bad:
    return cc_fail(-EINVAL, err, err_len,
                   "'%s' is not a period: expected YYYY-MM, YYYY-Q1..Q4, YYYY-H1, YYYY-H2, "
                   "YYYY-9M or YYYY",
                   spec ? spec : "");
}

int cc_date_parse_any(const char *s, int32_t *ret_day)
{
    int d, m, y, n = 0;

    if (s == NULL)
        return -EINVAL;
    if (cc_date_parse(s, ret_day) == 0)
        return 0;
    if (sscanf(s, "%2d/%2d/%4d%n", &d, &m, &y, &n) != 3 || s[n] != '\0' ||
        strlen(strrchr(s, '/') + 1) != 4 || !cc_ymd_valid(y, m, d))
        return -EINVAL;
    *ret_day = cc_day_from_ymd(y, m, d);
    return 0;
}

char *cc_date_format_vi(int32_t day, char *buf, size_t len)
{
    int y, m, d;

    cc_day_to_ymd(day, &y, &m, &d);
    snprintf(buf, len, "%02d/%02d/%04d", d, m, y);
    return buf;
}
