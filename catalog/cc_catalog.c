#include "cc_catalog.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_base.h"
#include "cc_embedded.h"
#include "cc_mem.h"
#include "cc_time.h"
#include "cc_tsv.h"
#include "cc_vocab.h"

/* Open-addressing hash index from code to array position (+1; 0 = empty slot). */
typedef struct {
    uint32_t *slots;
    size_t mask;
} code_index_t;

/* A unit as read from units.tsv, before its parent is resolved. */
typedef struct {
    cc_unit_t u;
    const char *parent_code; /* as written, until resolved */
} unit_rec_t;

struct cc_catalog {
    cc_unit_t *units;
    size_t n_units;
    cc_procedure_t *procedures;
    size_t n_procedures;
    code_index_t unit_index;
    code_index_t procedure_index;
    /* The procedures each unit may handle, sorted by code: those of unit i
     * are unit_procs[unit_proc_start[i] .. unit_proc_start[i + 1]). */
    size_t *unit_proc_start;
    const cc_procedure_t **unit_procs;
    cc_calendar_t *calendar;
    cc_policy_t policy;
    /* Every string the catalog owns, freed at destroy. */
    char **strings;
    size_t n_strings;
    size_t cap_strings;
};

static const char *const duration_kind_names[] = { "working_days", "calendar_days", "same_day" };
static const char *const online_names[] = { "none", "partial", "full" };
static const char *const level_names[] = { "province", "district", "commune" };

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static int name_parse(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(names[i], s))
            return (int)i;
    return -EINVAL;
}

const char *cc_unit_kind_name(cc_unit_kind_t kind) { return cc_vocab_name(&cc_unit_kinds, kind); }

int cc_unit_kind_parse(const char *s, cc_unit_kind_t *ret_kind)
{
    int i = cc_vocab_find(&cc_unit_kinds, 0, s, strlen(s));
    if (i < 0)
        return -EINVAL;
    *ret_kind = (cc_unit_kind_t)i;
    return 0;
}

const char *cc_duration_kind_name(cc_duration_kind_t kind)
{
    return (unsigned)kind < N_OF(duration_kind_names) ? duration_kind_names[kind] : "?";
}

int cc_duration_kind_parse(const char *s, cc_duration_kind_t *ret_kind)
{
    int i = name_parse(duration_kind_names, N_OF(duration_kind_names), s);
    if (i < 0)
        return i;
    *ret_kind = (cc_duration_kind_t)i;
    return 0;
}

const char *cc_online_name(cc_online_t online)
{
    return (unsigned)online < N_OF(online_names) ? online_names[online] : "?";
}

int cc_online_parse(const char *s, cc_online_t *ret_online)
{
    int i = name_parse(online_names, N_OF(online_names), s);
    if (i < 0)
        return i;
    *ret_online = (cc_online_t)i;
    return 0;
}

/* FNV-1a, 32 bit. */
static uint32_t hash_code(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

static void index_init(code_index_t *ix, size_t n)
{
    size_t cap = 16;
    while (cap < n * 2)
        cap <<= 1;
    ix->slots = cc_xcalloc(cap, sizeof(*ix->slots));
    ix->mask = cap - 1;
}

/* Finds code; returns the slot holding it or the empty slot where it would go. */
static size_t index_slot(const code_index_t *ix, const char *code,
                         const char *(*code_at)(const void *, size_t), const void *arr)
{
    size_t i = hash_code(code) & ix->mask;
    while (ix->slots[i] != 0 && strcmp(code_at(arr, ix->slots[i] - 1), code) != 0)
        i = (i + 1) & ix->mask;
    return i;
}

static const char *unit_code_at(const void *arr, size_t i)
{
    return ((const cc_unit_t *)arr)[i].code;
}

static const char *procedure_code_at(const void *arr, size_t i)
{
    return ((const cc_procedure_t *)arr)[i].code;
}

static const char *unit_rec_code_at(const void *arr, size_t i)
{
    return ((const unit_rec_t *)arr)[i].u.code;
}

void cc_catalog_destroy(cc_catalog_t **self_p)
{
    cc_catalog_t *c;

    if (!self_p || !*self_p)
        return;
    c = *self_p;
    for (size_t i = 0; i < c->n_strings; i++)
        free(c->strings[i]);
    free(c->strings);
    for (size_t i = 0; i < c->n_procedures; i++)
        free(CC_UNCONST(c->procedures[i].units));
    free(c->units);
    free(c->procedures);
    free(c->unit_index.slots);
    free(c->procedure_index.slots);
    free(c->unit_proc_start);
    free(c->unit_procs);
    cc_calendar_destroy(&c->calendar);
    free(c);
    *self_p = NULL;
}

/* Copies s into a string the catalog owns. */
static const char *own(cc_catalog_t *c, const char *s)
{
    char *d;

    if (c->n_strings == c->cap_strings) {
        size_t cap = c->cap_strings ? c->cap_strings * 2 : 256;
        c->strings = cc_xrealloc(c->strings, cap * sizeof(*c->strings));
        c->cap_strings = cap;
    }
    d = cc_xstrdup(s);
    c->strings[c->n_strings++] = d;
    return d;
}

/* Checks a code column; on failure writes the message and returns -EINVAL. */
static int check_code(const cc_tsv_t *t, const char *col, const char *v, char *err, size_t err_len)
{
    if (v[0] == '\0') {
        cc_set_error(err, err_len, "%s:%d: empty %s", t->name, t->line, col);
        return -EINVAL;
    }
    if (strlen(v) > CC_CODE_MAX) {
        cc_set_error(err, err_len, "%s:%d: %s '%.40s...' longer than %d bytes", t->name, t->line,
                     col, v, CC_CODE_MAX);
        return -EINVAL;
    }
    if (!cc_code_valid(v, CC_CODE_MAX)) {
        cc_set_error(err, err_len, "%s:%d: %s '%s' may only contain A-Z a-z 0-9 . _ -", t->name,
                     t->line, col, v);
        return -EINVAL;
    }
    return 0;
}

static int check_text(const cc_tsv_t *t, const char *col, const char *v, size_t max, char *err,
                      size_t err_len)
{
    if (v[0] == '\0') {
        cc_set_error(err, err_len, "%s:%d: empty %s", t->name, t->line, col);
        return -EINVAL;
    }
    if (strlen(v) > max) {
        cc_set_error(err, err_len, "%s:%d: %s longer than %zu bytes", t->name, t->line, col, max);
        return -EINVAL;
    }
    return 0;
}

/* Empty means open; otherwise YYYY-MM-DD. */
static int parse_opt_date(const cc_tsv_t *t, const char *col, const char *v, int32_t open,
                          int32_t *ret, char *err, size_t err_len)
{
    if (v[0] == '\0') {
        *ret = open;
        return 0;
    }
    if (cc_date_parse(v, ret) < 0) {
        cc_set_error(err, err_len, "%s:%d: bad %s '%s' (expected YYYY-MM-DD or empty)", t->name,
                     t->line, col, v);
        return -EINVAL;
    }
    return 0;
}

static const char *field(const cc_tsv_t *t, size_t i)
{
    return i < t->n_fields ? t->fields[i] : "";
}

static int too_many_columns(const cc_tsv_t *t, size_t n, char *err, size_t err_len)
{
    if (t->n_fields <= n)
        return 0;
    cc_set_error(err, err_len, "%s:%d: too many columns (expected %zu)", t->name, t->line, n);
    return -EINVAL;
}

/* A reporting cut-off day, 1..28 (every month has it). */
static int parse_cutoff_day(const cc_tsv_t *t, const char *s, int *ret, char *err, size_t err_len)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (*end != '\0' || v < 1 || v > 28)
        return cc_fail(-EINVAL, err, err_len,
                       "%s:%d: report_cutoff_day '%s': expected a day of the month, 1..28", t->name,
                       t->line, s);
    *ret = (int)v;
    return 0;
}

/* A catalog file read row by row (units.tsv, procedures.tsv): its columns,
 * what its rows are called in messages and how many it may hold, how a row
 * becomes a record, and where a record's code is. */
typedef struct {
    const char *name;           /* "units.tsv": messages are "units.tsv:LINE: reason" */
    const char *const *columns; /* the header, in order */
    size_t n_columns;
    size_t n_required;       /* columns[n_required..n_columns) may be left out, from the end */
    const char *record_name; /* "unit": "duplicate unit code" */
    const char *rows_name;   /* "units": "more than 100000 units" */
    size_t max_rows;
    size_t record_size; /* bytes of one record */
    /* Fills the zeroed record from the row t holds; returns 0, or -EINVAL
     * with "file:line: reason" in err, leaving nothing in the record to free. */
    int (*parse_row)(cc_catalog_t *c, const cc_tsv_t *t, void *record, char *err, size_t err_len);
    const char *(*code_at)(const void *records, size_t i); /* the code of record i */
} catalog_file_t;

/* The records of a catalog file, in file order, with the line of each. */
typedef struct {
    void *records; /* n records of the file's record_size bytes */
    int *lines;
    size_t n;
} catalog_rows_t;

/* Reads catalog file f from buf[0..len): checks its header, then turns each
 * row into a record (f->parse_row), refusing a row with more columns than
 * the header named and a row beyond f->max_rows.
 * Returns 0, or a negative errno with "file:line: reason" in err. Either
 * way *ret_rows holds the records accepted so far: the caller owns them and
 * frees ret_rows->records and ret_rows->lines. */
static int read_catalog_rows(cc_catalog_t *c, const catalog_file_t *f, const char *buf, size_t len,
                             catalog_rows_t *ret_rows, char *err, size_t err_len)
{
    cc_tsv_t *t = cc_xmalloc(sizeof(*t));
    catalog_rows_t rows = { 0 };
    size_t cap = 0, n_columns;
    int r;

    cc_tsv_init(t, f->name, buf, len);
    r = cc_tsv_expect_header_opt(t, f->columns, f->n_columns, f->n_required, err, err_len);
    if (r < 0)
        goto out;
    n_columns = (size_t)r;
    while ((r = cc_tsv_next(t, err, err_len)) > 0) {
        void *record;

        if ((r = too_many_columns(t, n_columns, err, err_len)) < 0)
            goto out;
        if (rows.n == f->max_rows) {
            r = cc_fail(-EINVAL, err, err_len, "%s:%d: more than %zu %s", f->name, t->line,
                        f->max_rows, f->rows_name);
            goto out;
        }
        if (rows.n == cap) {
            cap = cap ? cap * 2 : 64;
            rows.records = cc_xrealloc(rows.records, cap * f->record_size);
            rows.lines = cc_xrealloc(rows.lines, cap * sizeof(*rows.lines));
        }
        record = (char *)rows.records + rows.n * f->record_size;
        memset(record, 0, f->record_size);
        if ((r = f->parse_row(c, t, record, err, err_len)) < 0)
            goto out;
        rows.lines[rows.n++] = t->line;
    }
out:
    *ret_rows = rows;
    free(t);
    return r;
}

/* Indexes the codes of the records of file f into *ret_index, refusing a
 * code on two rows. Returns 0 or -EINVAL with the message; either way the
 * caller frees ret_index->slots. */
static int index_codes(const catalog_file_t *f, const catalog_rows_t *rows, code_index_t *ret_index,
                       char *err, size_t err_len)
{
    index_init(ret_index, rows->n);
    for (size_t i = 0; i < rows->n; i++) {
        const char *code = f->code_at(rows->records, i);
        size_t s = index_slot(ret_index, code, f->code_at, rows->records);

        if (ret_index->slots[s])
            return cc_fail(
                -EINVAL, err, err_len, "%s:%d: duplicate %s code '%s' (first on line %d)", f->name,
                rows->lines[i], f->record_name, code, rows->lines[ret_index->slots[s] - 1]);
        ret_index->slots[s] = (uint32_t)i + 1;
    }
    return 0;
}

/* Fills a unit's record (unit_rec_t) from a row of units.tsv: the
 * parse_row of units_file. */
static int parse_unit_row(cc_catalog_t *c, const cc_tsv_t *t, void *record, char *err,
                          size_t err_len)
{
    unit_rec_t *u = record;
    const char *kind = field(t, 2), *parent = field(t, 3), *cutoff_day = field(t, 6);
    int r;

    if ((r = check_code(t, "code", field(t, 0), err, err_len)) < 0 ||
        (r = check_text(t, "name", field(t, 1), CC_NAME_MAX, err, err_len)) < 0)
        return r;
    if (cc_unit_kind_parse(kind, &u->u.kind) < 0)
        return cc_fail(-EINVAL, err, err_len,
                       "%s:%d: unknown kind '%s' (expected province_office, department, "
                       "district, commune, center or other)",
                       t->name, t->line, kind);
    if (parent[0] && (r = check_code(t, "parent", parent, err, err_len)) < 0)
        return r;
    if ((r = parse_opt_date(t, "effective_from", field(t, 4), INT32_MIN, &u->u.effective_from, err,
                            err_len)) < 0 ||
        (r = parse_opt_date(t, "effective_to", field(t, 5), INT32_MAX, &u->u.effective_to, err,
                            err_len)) < 0)
        return r;
    if (cutoff_day[0] &&
        (r = parse_cutoff_day(t, cutoff_day, &u->u.report_cutoff_day, err, err_len)) < 0)
        return r;
    if (u->u.effective_from > u->u.effective_to)
        return cc_fail(-EINVAL, err, err_len, "%s:%d: effective_from is after effective_to",
                       t->name, t->line);
    u->u.code = own(c, field(t, 0));
    u->u.name = own(c, field(t, 1));
    if (parent[0])
        u->parent_code = own(c, parent);
    return 0;
}

/* units.tsv: one unit a row (deploy/catalog/README.md). */
static const char *const unit_columns[] = {
    "code", "name", "kind", "parent", "effective_from", "effective_to", "report_cutoff_day"
};

static const catalog_file_t units_file = {
    .name = "units.tsv",
    .columns = unit_columns,
    .n_columns = N_OF(unit_columns),
    /* report_cutoff_day is optional: a file of six columns is fine. */
    .n_required = N_OF(unit_columns) - 1,
    .record_name = "unit",
    .rows_name = "units",
    .max_rows = CC_CATALOG_MAX_UNITS,
    .record_size = sizeof(unit_rec_t),
    .parse_row = parse_unit_row,
    .code_at = unit_rec_code_at,
};

/* Points each unit of rows (unit_rec_t records indexed by ix) at its parent,
 * refusing a parent that is not in units.tsv. Returns 0 or -EINVAL. */
static int resolve_unit_parents(const catalog_rows_t *rows, const code_index_t *ix, char *err,
                                size_t err_len)
{
    unit_rec_t *recs = rows->records;

    for (size_t i = 0; i < rows->n; i++) {
        size_t s;

        if (!recs[i].parent_code)
            continue;
        s = index_slot(ix, recs[i].parent_code, unit_rec_code_at, recs);
        if (!ix->slots[s])
            return cc_fail(-EINVAL, err, err_len, "%s:%d: unknown parent unit '%s'",
                           units_file.name, rows->lines[i], recs[i].parent_code);
        recs[i].u.parent = recs[ix->slots[s] - 1].u.code;
    }
    return 0;
}

/* Refuses a unit of rows (parents resolved) that is its own ancestor.
 * Returns 0 or -EINVAL. */
static int check_parent_cycles(const catalog_rows_t *rows, const code_index_t *ix, char *err,
                               size_t err_len)
{
    const unit_rec_t *recs = rows->records;

    for (size_t i = 0; i < rows->n; i++) {
        /* A chain longer than n units must repeat a unit. */
        const char *p = recs[i].u.parent;
        for (size_t steps = 0; p; steps++) {
            size_t s;

            if (steps >= rows->n || !strcmp(p, recs[i].u.code))
                return cc_fail(-EINVAL, err, err_len,
                               "%s:%d: unit '%s' is its own ancestor (parent cycle)",
                               units_file.name, rows->lines[i], recs[i].u.code);
            s = index_slot(ix, p, unit_rec_code_at, recs);
            p = recs[ix->slots[s] - 1].u.parent;
        }
    }
    return 0;
}

/* Loads units.tsv from buf[0..len) into c: its units, indexed by code, each
 * parent known and no unit its own ancestor. Returns 0 or -EINVAL with
 * "units.tsv:line: reason" in err. */
static int load_units(cc_catalog_t *c, const char *buf, size_t len, char *err, size_t err_len)
{
    catalog_rows_t rows;
    code_index_t ix = { 0 };
    const unit_rec_t *recs;
    int r;

    if ((r = read_catalog_rows(c, &units_file, buf, len, &rows, err, err_len)) < 0 ||
        (r = index_codes(&units_file, &rows, &ix, err, err_len)) < 0 ||
        (r = resolve_unit_parents(&rows, &ix, err, err_len)) < 0 ||
        (r = check_parent_cycles(&rows, &ix, err, err_len)) < 0)
        goto out;
    recs = rows.records;
    c->units = cc_xcalloc(rows.n ? rows.n : 1, sizeof(*c->units));
    for (size_t i = 0; i < rows.n; i++)
        c->units[i] = recs[i].u;
    c->n_units = rows.n;
    /* Positions are the same in recs and c->units, so the index carries over. */
    c->unit_index = ix;
    ix.slots = NULL;
out:
    free(ix.slots);
    free(rows.records);
    free(rows.lines);
    return r;
}

static int parse_unit_list(cc_catalog_t *c, const cc_tsv_t *t, const char *list, cc_procedure_t *p,
                           char *err, size_t err_len)
{
    const char **units = NULL;
    char item[CC_TSV_MAX_LINE + 1];
    const char *s = list;
    size_t n = 0;
    int r;

    units = cc_xcalloc(CC_PROCEDURE_MAX_UNITS, sizeof(*units));
    for (;;) {
        const char *comma = strchr(s, ','), *e = comma ? comma : s + strlen(s);
        const cc_unit_t *u;
        size_t k = 0;

        while (s < e && *s == ' ')
            s++;
        while (e > s && e[-1] == ' ')
            e--;
        k = (size_t)(e - s);
        memcpy(item, s, k);
        item[k] = '\0';
        if (k == 0) {
            cc_set_error(err, err_len, "%s:%d: empty unit code in units list", t->name, t->line);
            r = -EINVAL;
            goto out;
        }
        if ((r = check_code(t, "unit", item, err, err_len)) < 0)
            goto out;
        u = cc_catalog_unit(c, item);
        if (!u) {
            cc_set_error(err, err_len, "%s:%d: unknown unit '%s' in units", t->name, t->line, item);
            r = -EINVAL;
            goto out;
        }
        for (size_t i = 0; i < n; i++)
            if (units[i] == u->code) {
                cc_set_error(err, err_len, "%s:%d: unit '%s' listed twice", t->name, t->line, item);
                r = -EINVAL;
                goto out;
            }
        if (n == CC_PROCEDURE_MAX_UNITS) {
            cc_set_error(err, err_len, "%s:%d: more than %d units", t->name, t->line,
                         CC_PROCEDURE_MAX_UNITS);
            r = -EINVAL;
            goto out;
        }
        units[n++] = u->code;
        if (!comma)
            break;
        s = comma + 1;
    }
    units = cc_xrealloc(units, n * sizeof(*units));
    p->units = units;
    p->n_units = n;
    units = NULL;
    r = 0;
out:
    free(units);
    return r;
}

/* The level column of a procedure: province, district or commune
 * (*ret_level is the catalog's own copy of the word). Returns 0 or -EINVAL. */
static int parse_level(const cc_tsv_t *t, const char *s, const char **ret_level, char *err,
                       size_t err_len)
{
    int i = name_parse(level_names, N_OF(level_names), s);

    if (i < 0)
        return cc_fail(-EINVAL, err, err_len,
                       "%s:%d: unknown level '%s' (expected province, district or commune)",
                       t->name, t->line, s);
    *ret_level = level_names[i];
    return 0;
}

/* The duration and duration_kind columns of procedure p: 0..CC_DURATION_MAX
 * working or calendar days, or same_day with duration 0. Returns 0 or
 * -EINVAL. */
static int parse_duration(const cc_tsv_t *t, const char *duration, const char *kind,
                          cc_procedure_t *p, char *err, size_t err_len)
{
    char *end;
    long d;

    errno = 0;
    d = strtol(duration, &end, 10);
    if (duration[0] < '0' || duration[0] > '9' || *end != '\0' || errno || d > CC_DURATION_MAX)
        return cc_fail(-EINVAL, err, err_len,
                       "%s:%d: bad duration '%s' (expected an integer 0..%d)", t->name, t->line,
                       duration, CC_DURATION_MAX);
    p->duration = (int)d;
    if (cc_duration_kind_parse(kind, &p->duration_kind) < 0)
        return cc_fail(-EINVAL, err, err_len,
                       "%s:%d: unknown duration_kind '%s' (expected working_days, calendar_days "
                       "or same_day)",
                       t->name, t->line, kind);
    if (p->duration_kind == CC_DURATION_SAME_DAY && p->duration != 0)
        return cc_fail(-EINVAL, err, err_len, "%s:%d: same_day needs duration 0 (got %d)", t->name,
                       t->line, p->duration);
    return 0;
}

/* The has_fee column of a procedure: yes or no. Returns 0 or -EINVAL. */
static int parse_has_fee(const cc_tsv_t *t, const char *s, bool *ret_has_fee, char *err,
                         size_t err_len)
{
    if (!strcmp(s, "yes"))
        *ret_has_fee = true;
    else if (!strcmp(s, "no"))
        *ret_has_fee = false;
    else
        return cc_fail(-EINVAL, err, err_len, "%s:%d: bad has_fee '%s' (expected yes or no)",
                       t->name, t->line, s);
    return 0;
}

/* Fills a procedure (cc_procedure_t) from a row of procedures.tsv: the
 * parse_row of procedures_file. Its units list is the last thing made, so a
 * refused row leaves nothing to free. */
static int parse_procedure_row(cc_catalog_t *c, const cc_tsv_t *t, void *record, char *err,
                               size_t err_len)
{
    cc_procedure_t *p = record;
    const char *online = field(t, 6);
    int r;

    if ((r = check_code(t, "code", field(t, 0), err, err_len)) < 0 ||
        (r = check_text(t, "name", field(t, 1), CC_NAME_MAX, err, err_len)) < 0 ||
        (r = check_text(t, "field", field(t, 2), CC_FIELD_MAX, err, err_len)) < 0 ||
        (r = parse_level(t, field(t, 3), &p->level, err, err_len)) < 0 ||
        (r = parse_duration(t, field(t, 4), field(t, 5), p, err, err_len)) < 0)
        return r;
    if (cc_online_parse(online, &p->online) < 0)
        return cc_fail(-EINVAL, err, err_len,
                       "%s:%d: unknown online '%s' (expected none, partial or full)", t->name,
                       t->line, online);
    if ((r = parse_has_fee(t, field(t, 7), &p->has_fee, err, err_len)) < 0)
        return r;
    if (field(t, 8)[0] == '\0')
        return cc_fail(-EINVAL, err, err_len,
                       "%s:%d: empty units (at least one unit must handle it)", t->name, t->line);
    p->code = own(c, field(t, 0));
    p->name = own(c, field(t, 1));
    p->field = own(c, field(t, 2));
    return parse_unit_list(c, t, field(t, 8), p, err, err_len);
}

/* procedures.tsv: one procedure (TTHC) a row, with the units that handle it. */
static const char *const procedure_columns[] = { "code",   "name",     "field",
                                                 "level",  "duration", "duration_kind",
                                                 "online", "has_fee",  "units" };

static const catalog_file_t procedures_file = {
    .name = "procedures.tsv",
    .columns = procedure_columns,
    .n_columns = N_OF(procedure_columns),
    .n_required = N_OF(procedure_columns),
    .record_name = "procedure",
    .rows_name = "procedures",
    .max_rows = CC_CATALOG_MAX_PROCEDURES,
    .record_size = sizeof(cc_procedure_t),
    .parse_row = parse_procedure_row,
    .code_at = procedure_code_at,
};

/* Loads procedures.tsv from buf[0..len) into c (whose units are loaded):
 * its procedures, indexed by code, each handled by known units. Returns 0
 * or -EINVAL with "procedures.tsv:line: reason" in err. */
static int load_procedures(cc_catalog_t *c, const char *buf, size_t len, char *err, size_t err_len)
{
    catalog_rows_t rows;
    int r;

    r = read_catalog_rows(c, &procedures_file, buf, len, &rows, err, err_len);
    /* The catalog owns the procedures read even when it refuses the file:
     * destroying it frees their unit lists. */
    c->procedures = rows.records;
    c->n_procedures = rows.n;
    if (r == 0)
        r = index_codes(&procedures_file, &rows, &c->procedure_index, err, err_len);
    free(rows.lines);
    return r;
}

static int procedure_code_cmp(const void *a, const void *b)
{
    return strcmp((*(const cc_procedure_t *const *)a)->code,
                  (*(const cc_procedure_t *const *)b)->code);
}

/* The inverse of the procedures' unit lists: each unit's procedures, by code. */
static void index_unit_procedures(cc_catalog_t *c)
{
    size_t *fill = cc_xcalloc(c->n_units + 1, sizeof(*fill));

    c->unit_proc_start = cc_xcalloc(c->n_units + 1, sizeof(*c->unit_proc_start));
    for (size_t i = 0; i < c->n_procedures; i++)
        for (size_t k = 0; k < c->procedures[i].n_units; k++)
            c->unit_proc_start[cc_catalog_unit(c, c->procedures[i].units[k]) - c->units + 1]++;
    for (size_t u = 0; u < c->n_units; u++)
        c->unit_proc_start[u + 1] += c->unit_proc_start[u];
    c->unit_procs = cc_xcalloc(c->unit_proc_start[c->n_units] + 1, sizeof(*c->unit_procs));
    for (size_t i = 0; i < c->n_procedures; i++)
        for (size_t k = 0; k < c->procedures[i].n_units; k++) {
            size_t u = (size_t)(cc_catalog_unit(c, c->procedures[i].units[k]) - c->units);

            c->unit_procs[c->unit_proc_start[u] + fill[u]++] = &c->procedures[i];
        }
    for (size_t u = 0; u < c->n_units; u++)
        qsort(c->unit_procs + c->unit_proc_start[u], fill[u], sizeof(*c->unit_procs),
              procedure_code_cmp);
    free(fill);
}

int cc_catalog_load_buffers(const cc_catalog_sources_t *src, cc_catalog_t **ret_catalog, char *err,
                            size_t err_len)
{
    cc_catalog_t *c = NULL;
    int r;

    if (!src || !src->units || !src->procedures || !src->calendar) {
        cc_set_error(err, err_len, "catalog: units, procedures and calendar are required");
        r = -EINVAL;
        goto out;
    }
    c = cc_xcalloc(1, sizeof(*c));
    if (src->policy) {
        r = cc_policy_parse("policy.ini", src->policy, src->policy_len, &c->policy, err, err_len);
        if (r < 0)
            goto out;
    } else {
        cc_policy_defaults(&c->policy);
    }
    r = cc_calendar_parse("calendar.tsv", src->calendar, src->calendar_len, &c->calendar, err,
                          err_len);
    if (r < 0)
        goto out;
    r = load_units(c, src->units, src->units_len, err, err_len);
    if (r < 0)
        goto out;
    r = load_procedures(c, src->procedures, src->procedures_len, err, err_len);
    if (r < 0)
        goto out;
    index_unit_procedures(c);
    *ret_catalog = c;
    c = NULL;
    r = 0;
out:
    cc_catalog_destroy(&c);
    return r;
}

int cc_catalog_load(const char *dir, cc_catalog_t **ret_catalog, char *err, size_t err_len)
{
    static const char *const files[4] = { "units.tsv", "procedures.tsv", "calendar.tsv",
                                          "policy.ini" };
    char *bufs[4] = { NULL, NULL, NULL, NULL };
    size_t lens[4] = { 0, 0, 0, 0 };
    cc_catalog_sources_t src;
    int r;

    if (!dir) {
        src = (cc_catalog_sources_t){
            (const char *)cc_embedded_units,      cc_embedded_units_len,
            (const char *)cc_embedded_procedures, cc_embedded_procedures_len,
            (const char *)cc_embedded_calendar,   cc_embedded_calendar_len,
            (const char *)cc_embedded_policy,     cc_embedded_policy_len,
        };
        return cc_catalog_load_buffers(&src, ret_catalog, err, err_len);
    }
    for (size_t i = 0; i < 4; i++) {
        char path[PATH_MAX];
        if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, files[i]) >= sizeof(path)) {
            cc_set_error(err, err_len, "%s: path too long", dir);
            r = -ENAMETOOLONG;
            goto out;
        }
        r = cc_tsv_read_file(path, &bufs[i], &lens[i]);
        /* policy.ini is optional: the built-in defaults apply without it. */
        if (r == -ENOENT && i == 3)
            continue;
        if (r < 0) {
            cc_set_error(err, err_len, "%s: %s", path,
                         r == -EFBIG ? "file too large" : strerror(-r));
            goto out;
        }
    }
    src = (cc_catalog_sources_t){ bufs[0], lens[0], bufs[1], lens[1],
                                  bufs[2], lens[2], bufs[3], lens[3] };
    r = cc_catalog_load_buffers(&src, ret_catalog, err, err_len);
out:
    for (size_t i = 0; i < 4; i++)
        free(bufs[i]);
    return r;
}

const cc_unit_t *cc_catalog_unit(const cc_catalog_t *c, const char *code)
{
    size_t s;

    if (!c || !code || !c->unit_index.slots)
        return NULL;
    s = index_slot(&c->unit_index, code, unit_code_at, c->units);
    return c->unit_index.slots[s] ? &c->units[c->unit_index.slots[s] - 1] : NULL;
}

const cc_procedure_t *cc_catalog_procedure(const cc_catalog_t *c, const char *code)
{
    size_t s;

    if (!c || !code || !c->procedure_index.slots)
        return NULL;
    s = index_slot(&c->procedure_index, code, procedure_code_at, c->procedures);
    return c->procedure_index.slots[s] ? &c->procedures[c->procedure_index.slots[s] - 1] : NULL;
}

bool cc_procedure_handled_by(const cc_procedure_t *p, const char *unit_code)
{
    if (!p || !unit_code)
        return false;
    for (size_t i = 0; i < p->n_units; i++)
        if (!strcmp(p->units[i], unit_code))
            return true;
    return false;
}

bool cc_unit_valid_on(const cc_unit_t *u, int32_t day)
{
    return u && day >= u->effective_from && day <= u->effective_to;
}

size_t cc_catalog_unit_count(const cc_catalog_t *c) { return c->n_units; }

const cc_unit_t *cc_catalog_unit_at(const cc_catalog_t *c, size_t i)
{
    return i < c->n_units ? &c->units[i] : NULL;
}

const cc_procedure_t *const *cc_catalog_unit_procedures(const cc_catalog_t *c, const cc_unit_t *u,
                                                        size_t *ret_n)
{
    /* Compared as integers: u may point into another object. */
    uintptr_t at = (uintptr_t)u, base = c ? (uintptr_t)c->units : 0;
    size_t i;

    *ret_n = 0;
    if (!c || !u || at < base || (at - base) % sizeof(*u) != 0 ||
        (i = (at - base) / sizeof(*u)) >= c->n_units)
        return NULL;
    *ret_n = c->unit_proc_start[i + 1] - c->unit_proc_start[i];
    return c->unit_procs + c->unit_proc_start[i];
}

size_t cc_catalog_procedure_count(const cc_catalog_t *c) { return c->n_procedures; }

const cc_procedure_t *cc_catalog_procedure_at(const cc_catalog_t *c, size_t i)
{
    return i < c->n_procedures ? &c->procedures[i] : NULL;
}

const cc_calendar_t *cc_catalog_calendar(const cc_catalog_t *c) { return c->calendar; }

const cc_policy_t *cc_catalog_policy(const cc_catalog_t *c) { return &c->policy; }
