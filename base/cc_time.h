/* cc_time: the project's time model.
 *
 * cc_time_t is Unix time in seconds, UTC.  Every civil computation (days, office
 * hours, cut-off) uses local time in Asia/Ho_Chi_Minh, which is a fixed UTC+7 with no
 * daylight saving since 1975, so it is done arithmetically here; no TZ database is
 * consulted and results do not depend on the TZ environment variable.
 *
 * A "day" (int32_t) is a local civil day number: days since 1970-01-01 local time
 * (day 0 = Thursday 1970-01-01).  Day numbers may be negative.
 */
#ifndef CC_TIME_H
#define CC_TIME_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t cc_time_t;

/* Offset of local time from UTC, in seconds (UTC+7, no DST). */
#define CC_TZ_OFFSET_SECONDS (7 * 3600)
#define CC_SECONDS_PER_DAY 86400
/* Buffer size that always fits cc_time_format_iso() output (incl. NUL). */
#define CC_TIME_ISO_LEN 32

/* Local civil day number containing instant t. */
int32_t cc_local_day(cc_time_t t);

/* The instant of local midnight (00:00 +07:00) at the start of day. */
cc_time_t cc_day_start(int32_t day);

/* Minutes since local midnight of instant t, 0..1439. */
int cc_local_minute_of_day(cc_time_t t);

/* Seconds since local midnight of instant t, 0..86399. */
int cc_local_second_of_day(cc_time_t t);

/* Day number of the proleptic Gregorian date y-m-d.  Does not validate: use
 * cc_ymd_valid() first for untrusted input. */
int32_t cc_day_from_ymd(int y, int m, int d);

/* Gregorian date of day; any output pointer may be NULL. */
void cc_day_to_ymd(int32_t day, int *ret_y, int *ret_m, int *ret_d);

/* true if y-m-d is a real date with 1 <= y <= 9999. */
int cc_ymd_valid(int y, int m, int d);

/* Weekday of day: 0 = Monday ... 5 = Saturday, 6 = Sunday. */
int cc_weekday(int32_t day);

/* Parses a date "YYYY-MM-DD" (exactly; no time part) into a day number.
 * Returns 0 and writes *ret_day, or -EINVAL if malformed or not a real date. */
int cc_date_parse(const char *s, int32_t *ret_day);

/* Formats day as "YYYY-MM-DD" into buf (at least 11 bytes).
 * Returns 0, or -ENOSPC if buf is too small. */
int cc_date_format(int32_t day, char *buf, size_t len);

/* Parses an ISO 8601 time.  Accepted forms:
 *   "2025-03-03T09:00:00+07:00" (any offset ±HH:MM), "2025-03-03T09:00:00Z",
 *   "2025-03-03T09:00:00" and "2025-03-03T09:00" (local time, +07:00),
 *   "2025-03-03" (local midnight).  A space may replace the 'T'.
 * Returns 0 and writes *ret, or -EINVAL if s is malformed (nothing written). */
int cc_time_parse_iso(const char *s, cc_time_t *ret);

/* Formats t as local time "YYYY-MM-DDTHH:MM:SS+07:00" into buf.
 * Returns 0, or -ENOSPC if len < 26 (buf then holds "" if len > 0). */
int cc_time_format_iso(cc_time_t t, char *buf, size_t len);

/** cc_mono_us - the monotonic clock in microseconds, for timeouts and rates. */
uint64_t cc_mono_us(void);

/** cc_mono_ms - the monotonic clock in milliseconds. */
uint64_t cc_mono_ms(void);

#endif
