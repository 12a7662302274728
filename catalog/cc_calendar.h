/* cc_calendar: the working-day calendar (DOMAIN.md §2 "Calendar").
 *
 * Built from calendar.tsv: the holidays, compensatory days off and swapped working
 * Saturdays as announced each year, plus "year" lines declaring which years are
 * fully announced.  A working day is a Monday..Friday that is neither a holiday nor
 * a compensatory day off, or a listed working Saturday.  Days in years that are not
 * declared are unknown: every function that needs one returns -ERANGE instead of
 * guessing, so a missing yearly announcement is noticed, never silently assumed.
 *
 * A calendar is immutable after parsing and may be read from many threads.
 */
#ifndef CC_CALENDAR_H
#define CC_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits on calendar.tsv. */
#define CC_CALENDAR_YEAR_MIN 1990
#define CC_CALENDAR_YEAR_MAX 2200
#define CC_CALENDAR_MAX_ENTRIES 10000
#define CC_CALENDAR_NOTE_MAX 256 /* bytes */
/* Longest run of days the working-day searches walk before giving up (-ERANGE). */
#define CC_CALENDAR_MAX_SCAN_DAYS 3660

typedef struct cc_calendar cc_calendar_t;

typedef enum {
    CC_CAL_HOLIDAY,              /* "holiday": public holiday (BLLĐ Đ112) */
    CC_CAL_COMPENSATORY_DAY_OFF, /* "compensatory_day_off": day off in a swap or for a holiday on a weekend */
    CC_CAL_WORKING_SATURDAY, /* "working_saturday": a Saturday worked in exchange */
} cc_calendar_kind_t;

typedef struct {
    int32_t day;
    cc_calendar_kind_t kind;
    const char *note; /* never NULL; "" if none */
    bool verify;      /* the note asks to check the date against the official announcement */
} cc_calendar_entry_t;

/* Parses calendar.tsv text buf[0..len) (need not be NUL-terminated); name is used
 * in messages.  Format: header "date<TAB>kind<TAB>note"; rows "YYYY-MM-DD<TAB>kind
 * <TAB>note" and "year<TAB>YYYY".  A note containing "verify" (any case) marks the
 * date as to be checked against the official announcement.
 * Returns 0 and a new calendar in *ret_calendar (caller owns; cc_calendar_destroy),
 * or -EINVAL with "name:line: reason" in err. */
int cc_calendar_parse(const char *name, const char *buf, size_t len, cc_calendar_t **ret_calendar,
                      char *err, size_t err_len);

/* Frees *self_p (NULL allowed) and sets it to NULL. */
void cc_calendar_destroy(cc_calendar_t **self_p);

/* true if year is declared fully announced. */
bool cc_calendar_year_covered(const cc_calendar_t *cal, int year);

/* Whether day is a working day.  Returns 0 and writes *ret_working, or -ERANGE if
 * day's year is not covered. */
int cc_calendar_working_day(const cc_calendar_t *cal, int32_t day, bool *ret_working);

/* Convenience form: true if day is a known working day.  *ret_known (may be NULL)
 * is set to false when day's year is not covered (the result is then false). */
bool cc_calendar_is_working_day(const cc_calendar_t *cal, int32_t day, bool *ret_known);

/* The n-th working day strictly after day (n == 0: day itself, unchanged); for
 * n < 0 the -n-th working day strictly before it.  Returns 0 and writes *ret_day,
 * or -ERANGE if an uncovered year is reached before the answer. */
int cc_calendar_add_working_days(const cc_calendar_t *cal, int32_t day, int n, int32_t *ret_day);

/* The first working day after day, or at/after day if inclusive.
 * Returns 0 and writes *ret_day, or -ERANGE (uncovered year reached). */
int cc_calendar_next_working_day(const cc_calendar_t *cal, int32_t day, bool inclusive,
                                 int32_t *ret_day);

/* Listed entries (holidays, days off, working Saturdays) in date order; the
 * pointers stay valid for the calendar's life. */
size_t cc_calendar_entry_count(const cc_calendar_t *cal);
const cc_calendar_entry_t *cc_calendar_entry_at(const cc_calendar_t *cal, size_t i);

/* Name used in calendar.tsv for kind ("holiday", ...), and its parser
 * (returns 0 or -EINVAL). */
const char *cc_calendar_kind_name(cc_calendar_kind_t kind);
int cc_calendar_kind_parse(const char *s, cc_calendar_kind_t *ret_kind);

#endif
