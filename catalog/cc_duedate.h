/* cc_duedate: due dates, deadlines and classification (DOMAIN.md §4, §5, §6).
 *
 * Rules, with the policy values of the catalog (defaults in brackets):
 *  - Effective receipt day: the local day of the receipt, unless the receipt is
 *    after the cut-off [15:00] or on a non-working day; then the next working day.
 *    "After" is strictly later: a receipt at 15:00:00 exactly is before the cut-off.
 *  - The receipt day itself is never counted (BLDS Đ147).
 *  - working_days N (N >= 1): close of office hours [17:00] of the N-th working day
 *    after the effective receipt day.  working_days 0 is the same as same_day.
 *  - calendar_days N: the N-th day after the effective receipt day; if that day is
 *    not a working day, the next working day (BLDS Đ148); at close of office hours.
 *    calendar_days 0 is the same as same_day.
 *  - same_day: close of office hours of the effective receipt day.
 *  - Supplement restart (NĐ 61 Đ19 k4): call cc_due_at() again with the time of
 *    supplement_completed as start; the full duration counts again from that day.
 * A computation that needs a day of a year not covered by calendar.tsv returns
 * -ERANGE; nothing is guessed.
 */
#ifndef CC_DUEDATE_H
#define CC_DUEDATE_H

#include <stdint.h>

#include "cc_calendar.h"
#include "cc_catalog.h"
#include "cc_time.h"
#include "cc_vocab.h"

/* Limit on the hours argument of cc_deadline_working_hours(). */
#define CC_WORKING_HOURS_MAX 2000

/* Due date of a dossier of procedure p received (or supplement completed) at start.
 * Returns 0 and writes *ret_due; -ERANGE if the calendar does not cover a needed
 * year; -EINVAL if c or p is NULL. */
int cc_due_at(const cc_catalog_t *c, const cc_procedure_t *p, cc_time_t start, cc_time_t *ret_due);

/* The effective receipt day of start (see above).  Returns 0 or -ERANGE. */
int cc_effective_receipt_day(const cc_catalog_t *c, cc_time_t start, int32_t *ret_day);

/* Close of office hours of day (afternoon_end of the policy), as an instant. */
cc_time_t cc_day_close(const cc_catalog_t *c, int32_t day);

/* Classifies a dossier resolved at resolved_at with due date due_at (DOMAIN.md §5):
 *  - late if resolved_at > due_at;
 *  - early if some working day lies on or after the day of resolved_at and before
 *    the day of due_at.  So a resolution on a working day before the due day is
 *    early; one on a non-working day counts as made on the next working day (that
 *    is when the result can be returned): Saturday before a Monday due date is on
 *    time, Saturday before a Wednesday due date is early;
 *  - on_time otherwise.
 * Returns 0 and writes *ret_class; -ERANGE if a needed year is not covered. */
int cc_classify(const cc_calendar_t *cal, cc_time_t resolved_at, cc_time_t due_at,
                cc_class_t *ret_class);

/* "early", "on_time", "late"; "?" for an invalid value. */
const char *cc_class_name(cc_class_t cls);

/* Parses a cc_class_name() string.  Returns 0 or -EINVAL. */
int cc_class_parse(const char *s, cc_class_t *ret_class);

/* Deadline of n working days from start with the rules of working_days
 * procedures (cut-off, receipt day not counted); n == 0 is the close of the
 * effective receipt day (PAKN level 1: same working day).  Returns 0, -EINVAL
 * (n < 0 or n > CC_DURATION_MAX) or -ERANGE. */
int cc_deadline_working_days(const cc_catalog_t *c, cc_time_t start, int n, cc_time_t *ret);

/* Deadline of `hours` office hours from start (urgent PAKN: 4 hours): only time
 * inside office hours [07:00-11:30, 13:00-17:00] of working days counts; no cut-off.
 * A start outside office hours counts from the next opening.  A deadline that falls
 * exactly at the end of a session is that end (11:30, 17:00), not the next opening.
 * hours == 0 gives the first office-hours instant at or after start.
 * Returns 0, -EINVAL (hours < 0 or > CC_WORKING_HOURS_MAX) or -ERANGE. */
int cc_deadline_working_hours(const cc_catalog_t *c, cc_time_t start, int hours, cc_time_t *ret);

/* Number of working days d with from_day < d <= to_day (0 if to_day <= from_day).
 * So a supplement requested on day s for a dossier received on day r is "later
 * than 3 working days after receipt" when the result for (r, s) is > 3.
 * Returns 0 and writes *ret, or -ERANGE. */
int cc_working_days_between(const cc_calendar_t *cal, int32_t from_day, int32_t to_day, int *ret);

#endif
