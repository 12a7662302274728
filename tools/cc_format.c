/*
 * cc_format.c - Vietnamese number, rate and date forms (see cc_format.h).
 */
#include "cc_format.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cc_period.h"
#include "cc_time.h"

char *cc_fmt_count(uint64_t v, char *buf, size_t len)
{
    char digits[32];
    size_t n = (size_t)snprintf(digits, sizeof(digits), "%" PRIu64, v), out = 0;

    for (size_t i = 0; i < n && out + 2 < len; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[out++] = '.';
        buf[out++] = digits[i];
    }
    if (len)
        buf[out < len ? out : len - 1] = '\0';
    return buf;
}

char *cc_fmt_rate(uint64_t num, uint64_t den, char *buf, size_t len)
{
    unsigned __int128 hundredths;

    if (den == 0) {
        snprintf(buf, len, "–");
        return buf;
    }
    hundredths = ((unsigned __int128)num * 20000 + den) / (2 * (unsigned __int128)den);
    snprintf(buf, len, "%llu,%02llu%%", (unsigned long long)(hundredths / 100),
             (unsigned long long)(hundredths % 100));
    return buf;
}

int cc_decimal_parse(const char *s, uint64_t *ret)
{
    const char *point = strchr(s, '.');
    size_t n = point ? (size_t)(point - s) : 0;
    uint64_t whole = 0;

    if (n == 0 || n > 17 || strlen(point + 1) != 2)
        return -EINVAL;
    for (const char *p = s; *p; p++)
        if (p != point && (*p < '0' || *p > '9'))
            return -EINVAL;
    for (size_t i = 0; i < n; i++)
        whole = whole * 10 + (uint64_t)(s[i] - '0');
    *ret = whole * 100 + (uint64_t)(point[1] - '0') * 10 + (uint64_t)(point[2] - '0');
    return 0;
}

char *cc_fmt_decimal(const char *s, bool percent, char *buf, size_t len)
{
    char whole[32];
    uint64_t v;

    if (cc_decimal_parse(s, &v) < 0) {
        snprintf(buf, len, "–");
        return buf;
    }
    snprintf(buf, len, "%s,%02u%s", cc_fmt_count(v / 100, whole, sizeof(whole)),
             (unsigned)(v % 100), percent ? "%" : "");
    return buf;
}

char *cc_fmt_date(int64_t t, char *buf, size_t len)
{
    return cc_date_format_vi(cc_local_day(t), buf, len);
}

size_t cc_text_width(const char *s)
{
    size_t w = 0;

    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

char *cc_text_fit(const char *s, size_t width, char *buf, size_t len)
{
    size_t out = 0, shown = 0, total = cc_text_width(s);
    size_t keep = total > width && width > 0 ? width - 1 : width;

    for (const char *p = s; *p && out + 4 < len;) {
        size_t cl = 1;

        while ((p[cl] & 0xC0) == 0x80)
            cl++;
        if (shown == keep)
            break;
        memcpy(buf + out, p, cl);
        out += cl;
        p += cl;
        shown++;
    }
    if (total > width && width > 0 && out + 4 < len) {
        memcpy(buf + out, "…", 3);
        out += 3;
        shown++;
    }
    while (shown < width && out + 1 < len) {
        buf[out++] = ' ';
        shown++;
    }
    buf[out] = '\0';
    return buf;
}
