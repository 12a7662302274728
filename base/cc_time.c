#include "cc_time.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

static int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

int32_t cc_local_day(cc_time_t t)
{
    return (int32_t)floor_div(t + CC_TZ_OFFSET_SECONDS, CC_SECONDS_PER_DAY);
}

cc_time_t cc_day_start(int32_t day)
{
    return (cc_time_t)day * CC_SECONDS_PER_DAY - CC_TZ_OFFSET_SECONDS;
}

int cc_local_second_of_day(cc_time_t t)
{
    return (int)floor_mod(t + CC_TZ_OFFSET_SECONDS, CC_SECONDS_PER_DAY);
}

int cc_local_minute_of_day(cc_time_t t) { return cc_local_second_of_day(t) / 60; }

/* Howard Hinnant's days_from_civil / civil_from_days (public domain algorithms). */
int32_t cc_day_from_ymd(int y, int m, int d)
{
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = floor_div(yy, 400);
    int64_t yoe = yy - era * 400;
    int64_t mp = (m + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

void cc_day_to_ymd(int32_t day, int *ret_y, int *ret_m, int *ret_d)
{
    int64_t z = (int64_t)day + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    if (ret_y)
        *ret_y = (int)(y + (m <= 2));
    if (ret_m)
        *ret_m = (int)m;
    if (ret_d)
        *ret_d = (int)d;
}

static int days_in_month(int y, int m)
{
    static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dim[m - 1];
}

int cc_ymd_valid(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

int cc_weekday(int32_t day)
{
    /* Day 0 (1970-01-01) was a Thursday = 3 with Monday = 0. */
    return (int)floor_mod((int64_t)day + 3, 7);
}

/* Reads exactly n decimal digits at s. Returns -1 if any is not a digit. */
static int read_digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Parses "YYYY-MM-DD" at the start of s; returns characters consumed or -EINVAL. */
static int parse_date_prefix(const char *s, int32_t *ret_day)
{
    int y, m, d;

    y = read_digits(s, 4);
    if (y < 0 || s[4] != '-')
        return -EINVAL;
    m = read_digits(s + 5, 2);
    if (m < 0 || s[7] != '-')
        return -EINVAL;
    d = read_digits(s + 8, 2);
    if (d < 0 || !cc_ymd_valid(y, m, d))
        return -EINVAL;
    *ret_day = cc_day_from_ymd(y, m, d);
    return 10;
}

int cc_date_parse(const char *s, int32_t *ret_day)
{
    int32_t day;
    int r;

    if (!s)
        return -EINVAL;
    r = parse_date_prefix(s, &day);
    if (r < 0)
        return r;
    if (s[r] != '\0')
        return -EINVAL;
    *ret_day = day;
    return 0;
}

int cc_date_format(int32_t day, char *buf, size_t len)
{
    int y, m, d;

    if (!buf || len < 11) {
        if (buf && len > 0)
            buf[0] = '\0';
        return -ENOSPC;
    }
    cc_day_to_ymd(day, &y, &m, &d);
    snprintf(buf, len, "%04d-%02d-%02d", y, m, d);
    return 0;
}

int cc_time_parse_iso(const char *s, cc_time_t *ret)
{
    int32_t day;
    int hh = 0, mi = 0, ss = 0, r;
    int64_t offset = CC_TZ_OFFSET_SECONDS;
    const char *p;

    if (!s)
        return -EINVAL;
    r = parse_date_prefix(s, &day);
    if (r < 0)
        return r;
    p = s + r;
    if (*p == '\0')
        goto done;
    if (*p != 'T' && *p != ' ')
        return -EINVAL;
    p++;
    hh = read_digits(p, 2);
    if (hh < 0 || hh > 23 || p[2] != ':')
        return -EINVAL;
    mi = read_digits(p + 3, 2);
    if (mi < 0 || mi > 59)
        return -EINVAL;
    p += 5;
    if (*p == ':') {
        ss = read_digits(p + 1, 2);
        /* 60 would be a leap second; Unix time has none, so refuse it. */
        if (ss < 0 || ss > 59)
            return -EINVAL;
        p += 3;
    }
    if (*p == 'Z' || *p == 'z') {
        offset = 0;
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh = read_digits(p + 1, 2), om;
        if (oh < 0 || oh > 14 || p[3] != ':')
            return -EINVAL;
        om = read_digits(p + 4, 2);
        if (om < 0 || om > 59)
            return -EINVAL;
        offset = (int64_t)(oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
        p += 6;
    }
    if (*p != '\0')
        return -EINVAL;
done:
    *ret = (cc_time_t)day * CC_SECONDS_PER_DAY + hh * 3600 + mi * 60 + ss - offset;
    return 0;
}

int cc_time_format_iso(cc_time_t t, char *buf, size_t len)
{
    int y, m, d, sod;

    if (!buf || len < 26) {
        if (buf && len > 0)
            buf[0] = '\0';
        return -ENOSPC;
    }
    cc_day_to_ymd(cc_local_day(t), &y, &m, &d);
    sod = cc_local_second_of_day(t);
    snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", y, m, d, sod / 3600, sod / 60 % 60,
             sod % 60);
    return 0;
}

uint64_t cc_mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t cc_mono_ms(void) { return cc_mono_us() / 1000u; }
