#include "cc_calendar.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cc_mem.h"
#include "cc_time.h"
#include "cc_tsv.h"

/* Per-day state, precomputed for every day of the covered span so that a lookup
 * is one array index (intake asks per event). */
enum { DAY_UNKNOWN = 0, DAY_WORKING = 1, DAY_OFF = 2 };

struct cc_calendar {
    int32_t first_day; /* 1 January of the first covered year */
    int32_t n_days;    /* span up to 31 December of the last covered year */
    uint8_t *days;     /* DAY_* per day of the span */
    cc_calendar_entry_t *entries;
    size_t n_entries;
    char *notes; /* all notes, NUL-separated; entries point here */
};

static const char *const kind_names[] = { "holiday", "compensatory_day_off", "working_saturday" };

const char *cc_calendar_kind_name(cc_calendar_kind_t kind)
{
    if ((unsigned)kind >= sizeof(kind_names) / sizeof(kind_names[0]))
        return "?";
    return kind_names[kind];
}

int cc_calendar_kind_parse(const char *s, cc_calendar_kind_t *ret_kind)
{
    for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
        if (!strcmp(s, kind_names[i])) {
            *ret_kind = (cc_calendar_kind_t)i;
            return 0;
        }
    return -EINVAL;
}

void cc_calendar_destroy(cc_calendar_t **self_p)
{
    cc_calendar_t *c;

    if (!self_p || !*self_p)
        return;
    c = *self_p;
    free(c->days);
    free(c->entries);
    free(c->notes);
    free(c);
    *self_p = NULL;
}

typedef struct {
    cc_calendar_entry_t e;
    int line;
    size_t note_off;
} raw_entry_t;

static int cmp_raw(const void *a, const void *b)
{
    const raw_entry_t *x = a, *y = b;
    if (x->e.day != y->e.day)
        return x->e.day < y->e.day ? -1 : 1;
    return x->line < y->line ? -1 : (x->line > y->line);
}

static bool contains_verify(const char *s)
{
    for (; *s; s++)
        if (!strncasecmp(s, "verify", 6))
            return true;
    return false;
}

enum { NYEARS = CC_CALENDAR_YEAR_MAX - CC_CALENDAR_YEAR_MIN + 1 };

/* What the lines of a calendar file declare, before the calendar is built. */
typedef struct {
    const char *name;      /* the file, for messages */
    int year_line[NYEARS]; /* the line declaring each year, 0 when none */
    raw_entry_t *raw;      /* the dated lines, as read */
    size_t n_raw;
    char *notes; /* their notes, NUL-separated */
    size_t notes_len, notes_cap;
} cal_draft_t;

/* A 'year' line: the year @kind is covered, declared once. */
static int read_year(cal_draft_t *dr, int line, const char *kind, char *err, size_t err_len)
{
    char *end;
    long yv = strtol(kind, &end, 10);

    if (strlen(kind) != 4 || *end != '\0' || yv < CC_CALENDAR_YEAR_MIN || yv > CC_CALENDAR_YEAR_MAX)
        return cc_fail(-EINVAL, err, err_len, "%s:%d: bad year '%s' (expected YYYY in %d..%d)",
                       dr->name, line, kind, CC_CALENDAR_YEAR_MIN, CC_CALENDAR_YEAR_MAX);
    if (dr->year_line[yv - CC_CALENDAR_YEAR_MIN])
        return cc_fail(-EINVAL, err, err_len, "%s:%d: year %ld already declared on line %d",
                       dr->name, line, yv, dr->year_line[yv - CC_CALENDAR_YEAR_MIN]);
    dr->year_line[yv - CC_CALENDAR_YEAR_MIN] = line;
    return 0;
}

/* A dated line's date and kind into @re: a real date within the years a
 * calendar can cover, a working Saturday on a Saturday, a compensatory day
 * off on a weekday. */
static int read_date_kind(const cal_draft_t *dr, int line, const char *date, const char *kind,
                          raw_entry_t *re, char *err, size_t err_len)
{
    int y, m, d;

    if (cc_date_parse(date, &re->e.day) < 0)
        return cc_fail(-EINVAL, err, err_len,
                       "%s:%d: bad date '%s' (expected YYYY-MM-DD or 'year')", dr->name, line,
                       date);
    if (cc_calendar_kind_parse(kind, &re->e.kind) < 0)
        return cc_fail(-EINVAL, err, err_len,
                       "%s:%d: unknown kind '%s' (expected holiday, compensatory_day_off or "
                       "working_saturday)",
                       dr->name, line, kind);
    cc_day_to_ymd(re->e.day, &y, &m, &d);
    if (y < CC_CALENDAR_YEAR_MIN || y > CC_CALENDAR_YEAR_MAX)
        return cc_fail(-EINVAL, err, err_len, "%s:%d: date '%s' outside years %d..%d", dr->name,
                       line, date, CC_CALENDAR_YEAR_MIN, CC_CALENDAR_YEAR_MAX);
    if (re->e.kind == CC_CAL_WORKING_SATURDAY && cc_weekday(re->e.day) != 5)
        return cc_fail(-EINVAL, err, err_len, "%s:%d: working_saturday %s is not a Saturday",
                       dr->name, line, date);
    if (re->e.kind == CC_CAL_COMPENSATORY_DAY_OFF && cc_weekday(re->e.day) >= 5)
        return cc_fail(-EINVAL, err, err_len, "%s:%d: compensatory_day_off %s falls on a weekend",
                       dr->name, line, date);
    return 0;
}

/* The note of @re (@nl bytes), kept in the notes buffer; whether it asks
 * to verify the date. */
static void keep_note(cal_draft_t *dr, raw_entry_t *re, const char *note, size_t nl)
{
    if (dr->notes_len + nl + 1 > dr->notes_cap) {
        size_t cap = dr->notes_cap ? dr->notes_cap * 2 : 4096;
        while (cap < dr->notes_len + nl + 1)
            cap *= 2;
        dr->notes = cc_xrealloc(dr->notes, cap);
        dr->notes_cap = cap;
    }
    memcpy(dr->notes + dr->notes_len, note, nl + 1);
    re->note_off = dr->notes_len;
    dr->notes_len += nl + 1;
    re->e.verify = contains_verify(note);
}

/* A dated line (holiday, compensatory day off, working Saturday) with
 * its note. */
static int read_dated(cal_draft_t *dr, int line, const char *date, const char *kind,
                      const char *note, char *err, size_t err_len)
{
    raw_entry_t *re;
    size_t nl;
    int r;

    if (dr->n_raw == CC_CALENDAR_MAX_ENTRIES)
        return cc_fail(-EINVAL, err, err_len, "%s:%d: more than %d dates", dr->name, line,
                       CC_CALENDAR_MAX_ENTRIES);
    if (!dr->raw)
        dr->raw = cc_xcalloc(CC_CALENDAR_MAX_ENTRIES, sizeof(*dr->raw));
    re = &dr->raw[dr->n_raw];
    if ((r = read_date_kind(dr, line, date, kind, re, err, err_len)) < 0)
        return r;
    nl = strlen(note);
    if (nl > CC_CALENDAR_NOTE_MAX)
        return cc_fail(-EINVAL, err, err_len, "%s:%d: note longer than %d bytes", dr->name, line,
                       CC_CALENDAR_NOTE_MAX);
    keep_note(dr, re, note, nl);
    re->line = line;
    dr->n_raw++;
    return 0;
}

/* Every line after the header: 'year' lines and dated lines. */
static int read_lines(cal_draft_t *dr, cc_tsv_t *t, char *err, size_t err_len)
{
    int r;

    while ((r = cc_tsv_next(t, err, err_len)) > 0) {
        const char *date = t->fields[0];
        const char *kind = t->n_fields > 1 ? t->fields[1] : "";
        const char *note = t->n_fields > 2 ? t->fields[2] : "";

        if (t->n_fields > 3)
            return cc_fail(-EINVAL, err, err_len, "%s:%d: too many columns (expected 3)", dr->name,
                           t->line);
        if (!strcmp(date, "year"))
            r = read_year(dr, t->line, kind, err, err_len);
        else
            r = read_dated(dr, t->line, date, kind, note, err, err_len);
        if (r < 0)
            return r;
    }
    return r;
}

/* The dates in order: each listed once, each in a declared year. */
static int check_dates(cal_draft_t *dr, char *err, size_t err_len)
{
    const raw_entry_t *raw = dr->raw;

    if (dr->n_raw > 0)
        qsort(dr->raw, dr->n_raw, sizeof(*dr->raw), cmp_raw);
    for (size_t i = 0; i < dr->n_raw; i++) {
        int y;
        char ds[16];
        cc_day_to_ymd(raw[i].e.day, &y, NULL, NULL);
        cc_date_format(raw[i].e.day, ds, sizeof(ds));
        if (i > 0 && raw[i - 1].e.day == raw[i].e.day)
            return cc_fail(-EINVAL, err, err_len, "%s:%d: date %s already listed on line %d",
                           dr->name, raw[i].line, ds, raw[i - 1].line);
        if (!dr->year_line[y - CC_CALENDAR_YEAR_MIN])
            return cc_fail(-EINVAL, err, err_len,
                           "%s:%d: date %s is in year %d, which has no 'year' line", dr->name,
                           raw[i].line, ds, y);
    }
    return 0;
}

/* Every day from the first declared year to the last: in a declared year,
 * working Monday to Friday and off at the weekend, then as the dates
 * listed say; unknown otherwise. */
static void build_days(cc_calendar_t *cal, const cal_draft_t *dr)
{
    int first_year = 0, last_year = 0;

    for (int i = 0; i < NYEARS; i++)
        if (dr->year_line[i]) {
            if (!first_year)
                first_year = CC_CALENDAR_YEAR_MIN + i;
            last_year = CC_CALENDAR_YEAR_MIN + i;
        }
    if (!first_year)
        return;
    cal->first_day = cc_day_from_ymd(first_year, 1, 1);
    cal->n_days = cc_day_from_ymd(last_year + 1, 1, 1) - cal->first_day;
    cal->days = cc_xcalloc((size_t)cal->n_days, 1);
    for (int32_t i = 0; i < cal->n_days; i++) {
        int y;
        cc_day_to_ymd(cal->first_day + i, &y, NULL, NULL);
        if (dr->year_line[y - CC_CALENDAR_YEAR_MIN])
            cal->days[i] = cc_weekday(cal->first_day + i) < 5 ? DAY_WORKING : DAY_OFF;
    }
    for (size_t i = 0; i < dr->n_raw; i++)
        cal->days[dr->raw[i].e.day - cal->first_day] =
            dr->raw[i].e.kind == CC_CAL_WORKING_SATURDAY ? DAY_WORKING : DAY_OFF;
}

/* The dates listed, in order, with their notes: the calendar takes the
 * notes buffer. */
static void build_entries(cc_calendar_t *cal, cal_draft_t *dr)
{
    if (dr->n_raw == 0)
        return;
    cal->entries = cc_xcalloc(dr->n_raw, sizeof(*cal->entries));
    for (size_t i = 0; i < dr->n_raw; i++) {
        cal->entries[i] = dr->raw[i].e;
        cal->entries[i].note = dr->notes + dr->raw[i].note_off;
    }
    cal->n_entries = dr->n_raw;
    cal->notes = dr->notes;
    dr->notes = NULL;
}

int cc_calendar_parse(const char *name, const char *buf, size_t len, cc_calendar_t **ret_calendar,
                      char *err, size_t err_len)
{
    static const char *const header[] = { "date", "kind", "note" };
    cal_draft_t dr = { .name = name };
    cc_tsv_t *t = cc_xmalloc(sizeof(*t));
    int r;

    cc_tsv_init(t, name, buf, len);
    r = cc_tsv_expect_header(t, header, 3, err, err_len);
    if (r >= 0)
        r = read_lines(&dr, t, err, err_len);
    if (r >= 0)
        r = check_dates(&dr, err, err_len);
    if (r >= 0) {
        cc_calendar_t *cal = cc_xcalloc(1, sizeof(*cal));

        build_days(cal, &dr);
        build_entries(cal, &dr);
        *ret_calendar = cal;
        r = 0;
    }
    free(dr.notes);
    free(dr.raw);
    free(t);
    return r;
}

bool cc_calendar_year_covered(const cc_calendar_t *cal, int year)
{
    int32_t d;

    if (year < CC_CALENDAR_YEAR_MIN || year > CC_CALENDAR_YEAR_MAX)
        return false;
    d = cc_day_from_ymd(year, 1, 1) - cal->first_day;
    return d >= 0 && d < cal->n_days && cal->days[d] != DAY_UNKNOWN;
}

static inline uint8_t day_state(const cc_calendar_t *cal, int32_t day)
{
    int64_t i = (int64_t)day - cal->first_day;
    if (i < 0 || i >= cal->n_days)
        return DAY_UNKNOWN;
    return cal->days[i];
}

int cc_calendar_working_day(const cc_calendar_t *cal, int32_t day, bool *ret_working)
{
    uint8_t s = day_state(cal, day);

    if (s == DAY_UNKNOWN)
        return -ERANGE;
    *ret_working = s == DAY_WORKING;
    return 0;
}

bool cc_calendar_is_working_day(const cc_calendar_t *cal, int32_t day, bool *ret_known)
{
    uint8_t s = day_state(cal, day);

    if (ret_known)
        *ret_known = s != DAY_UNKNOWN;
    return s == DAY_WORKING;
}

int cc_calendar_add_working_days(const cc_calendar_t *cal, int32_t day, int n, int32_t *ret_day)
{
    int32_t d = day, step = n < 0 ? -1 : 1;
    int scanned = 0;

    while (n != 0) {
        uint8_t s;
        if (++scanned > CC_CALENDAR_MAX_SCAN_DAYS || d == (step > 0 ? INT32_MAX : INT32_MIN))
            return -ERANGE;
        d += step;
        s = day_state(cal, d);
        if (s == DAY_UNKNOWN)
            return -ERANGE;
        if (s == DAY_WORKING)
            n -= step;
    }
    *ret_day = d;
    return 0;
}

int cc_calendar_next_working_day(const cc_calendar_t *cal, int32_t day, bool inclusive,
                                 int32_t *ret_day)
{
    int32_t d = day;

    if (!inclusive) {
        if (d == INT32_MAX)
            return -ERANGE;
        d++;
    }
    for (int scanned = 0; scanned <= CC_CALENDAR_MAX_SCAN_DAYS; scanned++, d++) {
        uint8_t s = day_state(cal, d);
        if (s == DAY_UNKNOWN)
            return -ERANGE;
        if (s == DAY_WORKING) {
            *ret_day = d;
            return 0;
        }
    }
    return -ERANGE;
}

size_t cc_calendar_entry_count(const cc_calendar_t *cal) { return cal->n_entries; }

const cc_calendar_entry_t *cc_calendar_entry_at(const cc_calendar_t *cal, size_t i)
{
    if (i >= cal->n_entries)
        return NULL;
    return &cal->entries[i];
}
