/*
 * cc_format.h - numbers, rates and dates as a Vietnamese office writes them
 * (13.616; 93,01%; 14/06/2024), and text padded by characters for the
 * terminal tables of the cchc tool.
 */
#ifndef CC_FORMAT_H
#define CC_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** cc_fmt_count - @v with '.' between thousands ("13.616") into @buf. Returns @buf. */
char *cc_fmt_count(uint64_t v, char *buf, size_t len);

/**
 * cc_fmt_rate - @num / @den as a percent with two decimals and a decimal
 * comma ("93,01%", rounded half up), or "–" (no data) when @den is 0.
 * Returns @buf.
 */
char *cc_fmt_rate(uint64_t num, uint64_t den, char *buf, size_t len);

/**
 * cc_decimal_parse - a daemon's decimal string (digits, a point, two
 * decimals: "1234.50") in hundredths (123450) into *@ret.
 * Returns 0, or -EINVAL for anything else ("not measured", "no data").
 */
int cc_decimal_parse(const char *s, uint64_t *ret);

/**
 * cc_fmt_decimal - a daemon's decimal string (digits, a point, two
 * decimals: "1234.50") as an office writes it ("1.234,50"), followed by "%"
 * when @percent; "–" for a string that is no such number ("no data").
 * Returns @buf.
 */
char *cc_fmt_decimal(const char *s, bool percent, char *buf, size_t len);

/** cc_fmt_date - the local day of Unix time @t as "14/06/2024". Returns @buf. */
char *cc_fmt_date(int64_t t, char *buf, size_t len);

/** cc_text_width - how many characters (not bytes) the UTF-8 @s shows. */
size_t cc_text_width(const char *s);

/**
 * cc_text_fit - @s cut to at most @width characters (with "…" when cut)
 * and padded with spaces to exactly @width, into @buf. Returns @buf.
 */
char *cc_text_fit(const char *s, size_t width, char *buf, size_t len);

#endif
