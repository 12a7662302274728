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

int cc_calendar_parse(const char *name, const char *buf, size_t len, cc_calendar_t **ret_calendar,
                      char *err, size_t err_len)
{
    static const char *const header[] = { "date", "kind", "note" };
    enum { NYEARS = CC_CALENDAR_YEAR_MAX - CC_CALENDAR_YEAR_MIN + 1 };
    int year_line[NYEARS] = { 0 };
    cc_tsv_t *t = NULL;
    raw_entry_t *raw = NULL;
    size_t n_raw = 0, notes_len = 0, notes_cap = 0;
    char *notes = NULL;
    cc_calendar_t *cal = NULL;
    int first_year = 0, last_year = 0, r;

    t = cc_xmalloc(sizeof(*t));
    cc_tsv_init(t, name, buf, len);
    r = cc_tsv_expect_header(t, header, 3, err, err_len);
    if (r < 0)
        goto out;

    while ((r = cc_tsv_next(t, err, err_len)) > 0) {
        const char *date = t->fields[0];
        const char *kind = t->n_fields > 1 ? t->fields[1] : "";
        const char *note = t->n_fields > 2 ? t->fields[2] : "";
        raw_entry_t *re;
        size_t nl;
        int y, m, d;

        if (t->n_fields > 3) {
            cc_set_error(err, err_len, "%s:%d: too many columns (expected 3)", name, t->line);
            r = -EINVAL;
            goto out;
        }
        if (!strcmp(date, "year")) {
            char *end;
            long yv = strtol(kind, &end, 10);
            if (strlen(kind) != 4 || *end != '\0' || yv < CC_CALENDAR_YEAR_MIN ||
                yv > CC_CALENDAR_YEAR_MAX) {
                cc_set_error(err, err_len, "%s:%d: bad year '%s' (expected YYYY in %d..%d)", name,
                             t->line, kind, CC_CALENDAR_YEAR_MIN, CC_CALENDAR_YEAR_MAX);
                r = -EINVAL;
                goto out;
            }
            if (year_line[yv - CC_CALENDAR_YEAR_MIN]) {
                cc_set_error(err, err_len, "%s:%d: year %ld already declared on line %d", name,
                             t->line, yv, year_line[yv - CC_CALENDAR_YEAR_MIN]);
                r = -EINVAL;
                goto out;
            }
            year_line[yv - CC_CALENDAR_YEAR_MIN] = t->line;
            continue;
        }
        if (n_raw == CC_CALENDAR_MAX_ENTRIES) {
            cc_set_error(err, err_len, "%s:%d: more than %d dates", name, t->line,
                         CC_CALENDAR_MAX_ENTRIES);
            r = -EINVAL;
            goto out;
        }
        if (!raw)
            raw = cc_xcalloc(CC_CALENDAR_MAX_ENTRIES, sizeof(*raw));
        re = &raw[n_raw];
        if (cc_date_parse(date, &re->e.day) < 0) {
            cc_set_error(err, err_len, "%s:%d: bad date '%s' (expected YYYY-MM-DD or 'year')", name,
                         t->line, date);
            r = -EINVAL;
            goto out;
        }
        if (cc_calendar_kind_parse(kind, &re->e.kind) < 0) {
            cc_set_error(err, err_len,
                         "%s:%d: unknown kind '%s' (expected holiday, compensatory_day_off or "
                         "working_saturday)",
                         name, t->line, kind);
            r = -EINVAL;
            goto out;
        }
        cc_day_to_ymd(re->e.day, &y, &m, &d);
        if (y < CC_CALENDAR_YEAR_MIN || y > CC_CALENDAR_YEAR_MAX) {
            cc_set_error(err, err_len, "%s:%d: date '%s' outside years %d..%d", name, t->line, date,
                         CC_CALENDAR_YEAR_MIN, CC_CALENDAR_YEAR_MAX);
            r = -EINVAL;
            goto out;
        }
        if (re->e.kind == CC_CAL_WORKING_SATURDAY && cc_weekday(re->e.day) != 5) {
            cc_set_error(err, err_len, "%s:%d: working_saturday %s is not a Saturday", name,
                         t->line, date);
            r = -EINVAL;
            goto out;
        }
        if (re->e.kind == CC_CAL_COMPENSATORY_DAY_OFF && cc_weekday(re->e.day) >= 5) {
            cc_set_error(err, err_len, "%s:%d: compensatory_day_off %s falls on a weekend", name,
                         t->line, date);
            r = -EINVAL;
            goto out;
        }
        nl = strlen(note);
        if (nl > CC_CALENDAR_NOTE_MAX) {
            cc_set_error(err, err_len, "%s:%d: note longer than %d bytes", name, t->line,
                         CC_CALENDAR_NOTE_MAX);
            r = -EINVAL;
            goto out;
        }
        if (notes_len + nl + 1 > notes_cap) {
            size_t cap = notes_cap ? notes_cap * 2 : 4096;
            while (cap < notes_len + nl + 1)
                cap *= 2;
            notes = cc_xrealloc(notes, cap);
            notes_cap = cap;
        }
        memcpy(notes + notes_len, note, nl + 1);
        re->note_off = notes_len;
        notes_len += nl + 1;
        re->e.verify = contains_verify(note);
        re->line = t->line;
        n_raw++;
    }
    if (r < 0)
        goto out;

    for (int i = 0; i < NYEARS; i++)
        if (year_line[i]) {
            if (!first_year)
                first_year = CC_CALENDAR_YEAR_MIN + i;
            last_year = CC_CALENDAR_YEAR_MIN + i;
        }

    if (n_raw > 0)
        qsort(raw, n_raw, sizeof(*raw), cmp_raw);
    for (size_t i = 0; i < n_raw; i++) {
        int y;
        char ds[16];
        cc_day_to_ymd(raw[i].e.day, &y, NULL, NULL);
        cc_date_format(raw[i].e.day, ds, sizeof(ds));
        if (i > 0 && raw[i - 1].e.day == raw[i].e.day) {
            cc_set_error(err, err_len, "%s:%d: date %s already listed on line %d", name,
                         raw[i].line, ds, raw[i - 1].line);
            r = -EINVAL;
            goto out;
        }
        if (!year_line[y - CC_CALENDAR_YEAR_MIN]) {
            cc_set_error(err, err_len, "%s:%d: date %s is in year %d, which has no 'year' line",
                         name, raw[i].line, ds, y);
            r = -EINVAL;
            goto out;
        }
    }

    cal = cc_xcalloc(1, sizeof(*cal));
    if (first_year) {
        cal->first_day = cc_day_from_ymd(first_year, 1, 1);
        cal->n_days = cc_day_from_ymd(last_year + 1, 1, 1) - cal->first_day;
        cal->days = cc_xcalloc((size_t)cal->n_days, 1);
        for (int32_t i = 0; i < cal->n_days; i++) {
            int y;
            cc_day_to_ymd(cal->first_day + i, &y, NULL, NULL);
            if (year_line[y - CC_CALENDAR_YEAR_MIN])
                cal->days[i] = cc_weekday(cal->first_day + i) < 5 ? DAY_WORKING : DAY_OFF;
        }
        for (size_t i = 0; i < n_raw; i++)
            cal->days[raw[i].e.day - cal->first_day] =
                raw[i].e.kind == CC_CAL_WORKING_SATURDAY ? DAY_WORKING : DAY_OFF;
    }
    if (n_raw > 0) {
        cal->entries = cc_xcalloc(n_raw, sizeof(*cal->entries));
        for (size_t i = 0; i < n_raw; i++) {
            cal->entries[i] = raw[i].e;
            cal->entries[i].note = notes + raw[i].note_off;
        }
        cal->n_entries = n_raw;
        cal->notes = notes;
        notes = NULL;
    }
    *ret_calendar = cal;
    cal = NULL;
    r = 0;
out:
    cc_calendar_destroy(&cal);
    free(notes);
    free(raw);
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
