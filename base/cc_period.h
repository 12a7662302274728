/*
 * cc_period.h - reporting periods (kỳ báo cáo, DOMAIN.md §5) and the date
 * forms users write.
 *
 * The province reports on a cut-off: a month's figures run from the
 * cut-off day of the previous month to the day before it in the month
 * itself (cut-off 15: 15/02–14/03 for March; seeds/001 "15/12/2022 –
 * 14/3/2023"). Longer periods are runs of such months, all starting in the
 * previous December: quarter I 15/12–14/03, six months 15/12–14/06, nine
 * months 15/12–14/09, the year 15/12–14/12. Cut-off 1 is the calendar:
 * March is 01/03–31/03. The cut-off day is policy, 1..28, and a unit may
 * have its own (seeds/002: 26th to 25th).
 *
 * Names: "2025-03" (a month), "2025-Q1" .. "2025-Q4", "2025-H1",
 * "2025-H2", "2025-9M", "2025" (the year).
 */
#ifndef CC_PERIOD_H
#define CC_PERIOD_H

#include <stddef.h>
#include <stdint.h>

/* A period: its first and last local days (cc_time.h day numbers), both
 * inclusive. */
typedef struct {
    int32_t from_day, to_day;
} cc_period_t;

/**
 * cc_period_parse - the period named @spec for a cut-off day @cutoff_day
 * (1..28).
 * Returns 0 with *@ret, or -EINVAL with the reason in @err.
 */
int cc_period_parse(const char *spec, int cutoff_day, cc_period_t *ret, char *err, size_t err_len);

/**
 * cc_date_parse_any - a date as users write it: "2024-06-14" or
 * "14/06/2024" (also "14/6/2024"). Returns 0 with the day number, or
 * -EINVAL.
 */
int cc_date_parse_any(const char *s, int32_t *ret_day);

/**
 * cc_date_format_vi - "14/06/2024" into @buf (at least 11 bytes).
 * Returns @buf.
 */
char *cc_date_format_vi(int32_t day, char *buf, size_t len);

#endif
