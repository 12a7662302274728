/*
 * cchc_report.c - the province's verdict at the command line: `cchc report`
 * (one unit, a unit with its children, or a table of many units),
 * `cchc grade` (grades, and the supervisors' notes on them), `cchc index`
 * (the real-time service index of QĐ 766) and `cchc reminder` (văn bản
 * nhắc nhở, phê bình). Reports are the scoring daemon's queries report,
 * table and index (PROTOCOL.md §5.1, §5.4, §5.6); notes are intake events
 * (§3.5).
 *
 * Output (cchc_sheet.h): a terminal table with Vietnamese numbers and
 * dates (13.616; 93,01%; 14/06/2024), --format=csv (one row per unit,
 * every figure), --format=xlsx --output=FILE (laid out as the province's
 * tables), --format=json (the daemon's answer). The report's and the
 * index's are the same writers with their own columns.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cc_base.h"
#include "cc_figures.h"
#include "cc_format.h"
#include "cc_json.h"
#include "cc_mem.h"
#include "cc_period.h"
#include "cc_time.h"
#include "cc_vocab.h"
#include "cchc.h"
#include "cchc_sheet.h"

const char cchc_help_report[] =
    "Usage: cchc report --unit=U [--with-children] PERIOD [--format=F] [--output=FILE]\n"
    "       cchc report --units=A,B|KIND|* [--parent=P] PERIOD [--rank=FIGURE [--asc]] ...\n"
    "\n"
    "The figures of DOMAIN.md §5 from cchc-scoringd (role supervisor): received,\n"
    "resolved early / on time / late, open within and past due, the on-time and\n"
    "overall rates with their numerator and denominator, complaints (PAKN) by\n"
    "level, reminders and criticisms. One unit, a unit and each of its children\n"
    "with their total, or a table of many units ranked by a figure with the total\n"
    "(--units: codes, a kind such as district or department, or * for all in your\n"
    "scope).\n"
    "\n"
    "PERIOD: --period=2025-03 (the month ending on the cut-off, 15/02-14/03 by\n"
    "default), 2025-Q1, 2025-H1, 2025-H2, 2025-9M or 2025 (15/12/2024-14/12/2025);\n"
    "or --from=DATE --to=DATE (YYYY-MM-DD or dd/mm/yyyy, both included).\n"
    "\n"
    "Options:\n"
    "  --unit=U            one unit (with --with-children: and its children)\n"
    "  --units=LIST        without --unit: a table of these unit codes, a kind, or *\n"
    "                      (the global --units, your scope: codes narrow it)\n"
    "  --parent=P          only the children of P (e.g. the communes of a district)\n"
    "  --rank=FIGURE       order the rows by this figure (on_time, overall, received...),\n"
    "                      largest first; --asc for smallest first\n"
    "  --format=F          table (default), csv, xlsx (needs --output) or json;\n"
    "                      --json and --csv are short for --format=json/csv\n"
    "  --output=FILE       write to FILE instead of standard output\n";

const char cchc_help_grade[] =
    "Usage: cchc grade --units=A,B|KIND|* PERIOD [--format=F] [--output=FILE]\n"
    "       cchc grade set --unit=U --period=P --grade=A+|A|B|C --reason=TEXT\n"
    "       cchc grade reason --unit=U --period=P --reason=TEXT\n"
    "\n"
    "Grades of DOMAIN.md §7.2 (mức độ hoàn thành), computed by cchc-scoringd from\n"
    "the figures and the province's policy: A+ when the on-time rate reaches the\n"
    "year's target, complaints reach theirs and there was no reminder; A from 70%,\n"
    "B from 50%, else C (and C beyond 3 reminders). Each row says which criterion\n"
    "decided; units with few resolved dossiers are marked \"low volume\" and listed\n"
    "last. Departments need a written reason for A+ (`grade reason`). A supervisor\n"
    "may set a grade with a reason (`grade set`): both grades are shown.\n"
    "\n"
    "Options of the table, as for `cchc report` (see its help):\n"
    "  --units=LIST|KIND|*, --unit=U [--with-children], --parent=P   the rows\n"
    "  --period=P, or --from=DATE --to=DATE                           the period\n"
    "  --rank=FIGURE [--asc]            order (default: the on-time rate, best first)\n"
    "  --format=table|csv|xlsx|json, --json, --csv, --output=FILE     the output\n"
    "Options of set and reason:\n"
    "  --unit=U --period=P              the unit and the period named (2025-H1)\n"
    "  --grade=A+|A|B|C                 set: the grade\n"
    "  --reason=TEXT                    why (required)\n"
    "  --json                           the result as one JSON line\n";

const char cchc_help_index[] =
    "Usage: cchc index --unit=U [--with-children] PERIOD [--format=F] [--output=FILE]\n"
    "       cchc index --units=A,B|KIND|* [--parent=P] PERIOD [--rank=KEY [--asc]] ...\n"
    "\n"
    "The real-time service index of QĐ 766/QĐ-TTg (DOMAIN.md §7.3) from\n"
    "cchc-scoringd (role supervisor): each indicator the events carry with its\n"
    "numerator, denominator and points (progress TDGQ 2.1, online service 3.1-3.3,\n"
    "online payment 3.6, electronic results and digitized components, complaints\n"
    "on time and satisfaction, satisfaction with dossiers), \"not measured\" for\n"
    "the others (transparency CKMB, the rest of payment and digitization), the\n"
    "coverage (points measurable of 100), the score and its share of the\n"
    "measurable points. One unit, or a table of many units with their total (the\n"
    "province for --units=*), computed from the sums of their figures.\n"
    "\n"
    "PERIOD (--period=NAME, or --from=DATE --to=DATE), --units, --parent, --format,\n"
    "--output, --json and --csv as in `cchc report --help`.\n"
    "  --rank=KEY          order the rows by an indicator's points (tdgq,\n"
    "                      online_share...), index_score or index_share; --asc for\n"
    "                      smallest first\n";

const char cchc_help_reminder[] =
    "Usage: cchc reminder add --unit=U --kind=reminder|criticism --doc=NUMBER\n"
    "                         --date=DATE --reason=TEXT [--json]\n"
    "       cchc reminder list --unit=U PERIOD [--json]\n"
    "\n"
    "Reminders (văn bản nhắc nhở) and criticisms (phê bình) of a unit, recorded by a\n"
    "supervisor of it. They are stored by cchc-intaked once durable, count in the\n"
    "report on the document's date, and a reminder keeps a unit from A+.\n"
    "  --doc=NUMBER    the document's number, e.g. 5485/UBND-KGVX\n"
    "  --date=DATE     its date, YYYY-MM-DD or dd/mm/yyyy\n"
    "  PERIOD          --period=2025-H1, or --from=DATE --to=DATE (as for cchc report)\n";

typedef enum { OUT_TABLE, OUT_CSV, OUT_XLSX, OUT_JSON } out_t;

/* ---- Common: the period, the output ------------------------------------------------ */

/* Add the period of the command line to @q: --period, or --from and --to. */
static int period_pairs(const cc_cli_t *cli, const char *cmd, cc_enc_t *q)
{
    const char *period = NULL, *from = NULL, *to = NULL;
    int64_t t0, t1;

    cc_cli_opt(cli, "period", &period);
    cc_cli_opt(cli, "from", &from);
    cc_cli_opt(cli, "to", &to);
    if (period && (from || to))
        return cchc_usage_error(cmd, "give --period, or --from and --to, not both");
    if (period) {
        cc_period_t p;
        char why[200];

        if (cc_period_parse(period, 15, &p, why, sizeof(why)) < 0)
            return cchc_usage_error(cmd, "--period=%s: %s", period, why);
        cc_enc_kv_str(q, "period", period);
        return CCHC_EXIT_OK;
    }
    if (from == NULL || to == NULL)
        return cchc_usage_error(cmd, "%s needs --period, or --from and --to", cmd);
    if (cc_cli_day_range(from, to, &t0, &t1) < 0)
        return cchc_usage_error(cmd,
                                "--from/--to: expected dates YYYY-MM-DD or dd/mm/yyyy, from <= to");
    cc_enc_kv_i64(q, "from", t0);
    cc_enc_kv_i64(q, "to", t1);
    return CCHC_EXIT_OK;
}

static int output_of(const cc_cli_t *cli, const char *cmd, out_t *ret, const char **ret_file)
{
    const char *f = NULL;

    *ret = OUT_TABLE;
    *ret_file = NULL;
    cc_cli_opt(cli, "output", ret_file);
    if (cc_cli_opt(cli, "json", NULL))
        *ret = OUT_JSON;
    if (cc_cli_opt(cli, "csv", NULL))
        *ret = OUT_CSV;
    if (cc_cli_opt(cli, "format", &f)) {
        if (f && strcmp(f, "table") == 0)
            *ret = OUT_TABLE;
        else if (f && strcmp(f, "csv") == 0)
            *ret = OUT_CSV;
        else if (f && strcmp(f, "xlsx") == 0)
            *ret = OUT_XLSX;
        else if (f && strcmp(f, "json") == 0)
            *ret = OUT_JSON;
        else
            return cchc_usage_error(cmd, "--format=%s: expected table, csv, xlsx or json",
                                    f ? f : "");
    }
    if (*ret == OUT_XLSX && *ret_file == NULL)
        return cchc_usage_error(cmd, "--format=xlsx needs --output=FILE");
    return CCHC_EXIT_OK;
}

/* The column that shows figure @fig, headed by its label. */
static cchc_column_t figure_column(const cc_figure_t *fig)
{
    static const cchc_col_kind_t kinds[] = { [CC_FIG_COUNT] = CCHC_COL_COUNT,
                                             [CC_FIG_RATE] = CCHC_COL_RATE,
                                             [CC_FIG_DECIMAL] = CCHC_COL_DECIMAL,
                                             [CC_FIG_PERCENT] = CCHC_COL_PERCENT };
    cchc_column_t c = { .kind = kinds[fig->kind] };

    snprintf(c.key, sizeof(c.key), "%s", fig->key);
    snprintf(c.vi, sizeof(c.vi), "%s", fig->vi);
    return c;
}

/* ---- One unit --------------------------------------------------------------------- */

/* "<title>: <code> <name>, <period>" of row @r of @answer. */
static void print_unit_head(FILE *f, const char *title, const msgpack_object *answer,
                            const msgpack_object *r)
{
    char unit[CC_MAX_CODE + 1], name[256], when[96];

    cchc_text_of(r, "unit", unit, sizeof(unit));
    cchc_text_of(r, "unit_name", name, sizeof(name));
    cchc_period_text(answer, when, sizeof(when));
    fprintf(f, "%s: %s %s, %s\n", title, unit, name, when);
}

/* One labelled line "  <vi / en, padded>  <value>". */
static void print_line(FILE *f, const char *label, const char *value)
{
    char fit[400];

    fprintf(f, "  %s  %s\n", cc_text_fit(label, 64, fit, sizeof(fit)), value);
}

static void print_unit_table(FILE *f, const msgpack_object *r)
{
    char label[200], v[64], rate[32], num[32], den[32];

    print_unit_head(f, "Báo cáo / Report", r, r);
    for (size_t i = 0; i < cc_figures_n; i++) {
        const cc_figure_t *fig = &cc_figures[i];
        uint64_t n, d;

        if (fig->kind == CC_FIG_RATE) {
            if (!cchc_rate_of(r, fig->key, &n, &d))
                continue;
            if (d)
                snprintf(v, sizeof(v), "%s (%s/%s)", cc_fmt_rate(n, d, rate, sizeof(rate)),
                         cc_fmt_count(n, num, sizeof(num)), cc_fmt_count(d, den, sizeof(den)));
            else
                snprintf(v, sizeof(v), "không có dữ liệu / no data");
        } else {
            if (cc_map_find(r, fig->key) == NULL)
                continue;
            cc_fmt_count(cchc_count_of(r, fig->key), v, sizeof(v));
        }
        snprintf(label, sizeof(label), "%s / %s", fig->vi, fig->en);
        print_line(f, label, v);
    }
}

/* The index of one unit: each indicator with its figures and points, then
 * the score, the coverage and the share. */
static void print_index_unit(FILE *f, const msgpack_object *answer, const msgpack_object *r)
{
    char label[200], v[160], key[32], pts[32], p[32], rate[32], num[32], den[32];

    print_unit_head(f, "Chỉ số phục vụ (QĐ 766) / service index", answer, r);
    for (size_t i = 0; i < CC_IX_COUNT_; i++) {
        const cc_indicator_t *ix = &cc_indicators[i];
        uint64_t n, d;

        snprintf(key, sizeof(key), "%s_pts", ix->key);
        cchc_text_of(r, key, pts, sizeof(pts));
        cc_fmt_decimal(pts, false, p, sizeof(p));
        if (strcmp(pts, "not measured") == 0)
            snprintf(v, sizeof(v), "chưa đo / not measured (tối đa / max %u)", ix->max_points);
        else if (cchc_rate_of(r, ix->key, &n, &d))
            snprintf(v, sizeof(v), "%s / %u điểm  (%s/%s = %s)", p, ix->max_points,
                     cc_fmt_count(n, num, sizeof(num)), cc_fmt_count(d, den, sizeof(den)),
                     d ? cc_fmt_rate(n, d, rate, sizeof(rate)) : "không có / none");
        else
            snprintf(v, sizeof(v), "%s / %u điểm", p, ix->max_points);
        snprintf(label, sizeof(label), "%s%s%s %s / %s", ix->group, ix->code[0] ? " " : "",
                 ix->code, ix->vi, ix->en);
        print_line(f, label, v);
    }
    for (size_t i = 0; i < cc_index_figures_n; i++) {
        const cc_figure_t *fig = &cc_index_figures[i];
        cchc_column_t col = figure_column(fig);

        cchc_cell_text(r, &col, v, sizeof(v));
        snprintf(label, sizeof(label), "%s / %s", fig->vi, fig->en);
        print_line(f, label, v);
    }
}

/* ---- Layouts ------------------------------------------------------------------------ */

/* The columns of the province's tables (seeds/000, seeds/004). */
static const cchc_column_t report_columns[] = {
    { "to_handle", CCHC_COL_COUNT, "Tổng số phải giải quyết", "Phải GQ", "to handle" },
    { "ok_share_num", CCHC_COL_COUNT, "Đúng hạn, trước hạn", "Đúng hạn", "in time" },
    { "open_within", CCHC_COL_COUNT, "Đang giải quyết trong hạn", "Trong hạn", "open, due" },
    { "late_share_num", CCHC_COL_COUNT, "Trễ hạn", "Trễ hạn", "late" },
    { "overall", CCHC_COL_RATE, "Đánh giá chung", "Chung", "overall" },
    { "on_time", CCHC_COL_RATE, "Tỷ lệ đúng hạn", "Đúng hạn", "on-time" },
    { "pakn_received", CCHC_COL_COUNT, "PAKN tiếp nhận", "PAKN nhận", "complaints" },
    { "pakn_handled", CCHC_COL_COUNT, "PAKN đã xử lý", "PAKN xử lý", "handled" },
    { "pakn_ans_l1", CCHC_COL_COUNT, "Cấp độ 1", "Cấp độ 1", "level 1" },
    { "pakn_ans_l2", CCHC_COL_COUNT, "Cấp độ 2", "Cấp độ 2", "level 2" },
    { "pakn_ans_l3", CCHC_COL_COUNT, "Cấp độ 3", "Cấp độ 3", "level 3" },
    { "reminders", CCHC_COL_COUNT, "Nhắc nhở", "Nhắc nhở", "reminders" },
    { "criticisms", CCHC_COL_COUNT, "Phê bình", "Phê bình", "criticisms" },
};

/* Add column @key (a figure's key, or "<key>_<part>") of @kind headed @vi
 * (printf) to @cols, which has room for it. */
static void add_column(cchc_column_t *cols, size_t *n, cchc_col_kind_t kind, const char *key,
                       const char *short_vi, const char *short_en, const char *vi_fmt, ...)
    __attribute__((format(printf, 7, 8)));

static void add_column(cchc_column_t *cols, size_t *n, cchc_col_kind_t kind, const char *key,
                       const char *short_vi, const char *short_en, const char *vi_fmt, ...)
{
    cchc_column_t *c = &cols[(*n)++];
    va_list ap;

    memset(c, 0, sizeof(*c));
    c->kind = kind;
    snprintf(c->key, sizeof(c->key), "%s", key);
    snprintf(c->short_vi, sizeof(c->short_vi), "%s", short_vi);
    snprintf(c->short_en, sizeof(c->short_en), "%s", short_en);
    va_start(ap, vi_fmt);
    vsnprintf(c->vi, sizeof(c->vi), vi_fmt, ap);
    va_end(ap);
}

/* The column of a figure of cc_figures.h's tables. */
static void add_figure(cchc_column_t *cols, size_t *n, const cc_figure_t *fig)
{
    cols[(*n)++] = figure_column(fig);
}

/* Room for the index's CSV columns: four per indicator, and its figures. */
enum { INDEX_CSV_MAX = 4 * CC_IX_COUNT_ + 8, INDEX_TABLE_MAX = CC_IX_COUNT_ + 8 };

/* The index's columns: in the table and workbook, each indicator's points
 * (its group, code and maximum as headers) and the index's figures; in the
 * CSV, each indicator's numerator, denominator, points and maximum too. */
static void index_columns(cchc_column_t *table, size_t *n_table, cchc_column_t *csv, size_t *n_csv)
{
    char key[32], max[16];

    *n_table = *n_csv = 0;
    for (size_t i = 0; i < CC_IX_COUNT_; i++) {
        const cc_indicator_t *ix = &cc_indicators[i];

        snprintf(max, sizeof(max), "/%u", ix->max_points);
        snprintf(key, sizeof(key), "%s_pts", ix->key);
        add_column(table, n_table, CCHC_COL_DECIMAL, key, ix->abbr, max, "%s (tối đa %u điểm)",
                   ix->vi, ix->max_points);
        if (ix->from_events) {
            snprintf(key, sizeof(key), "%s_num", ix->key);
            add_column(csv, n_csv, CCHC_COL_COUNT, key, "", "", "%s: tử số", ix->vi);
            snprintf(key, sizeof(key), "%s_den", ix->key);
            add_column(csv, n_csv, CCHC_COL_COUNT, key, "", "", "%s: mẫu số", ix->vi);
        }
        snprintf(key, sizeof(key), "%s_pts", ix->key);
        add_column(csv, n_csv, CCHC_COL_DECIMAL, key, "", "", "%s: điểm", ix->vi);
        snprintf(key, sizeof(key), "%s_max", ix->key);
        add_column(csv, n_csv, CCHC_COL_COUNT, key, "", "", "%s: điểm tối đa", ix->vi);
    }
    for (size_t i = 0; i < cc_index_figures_n; i++) {
        static const char *const abbr[][2] = { { "Điểm", "score" },
                                               { "Đo được", "measured" },
                                               { "Tỷ lệ", "share" } };

        add_figure(csv, n_csv, &cc_index_figures[i]);
        add_figure(table, n_table, &cc_index_figures[i]);
        if (i >= CC_N(abbr))
            continue; /* a figure without a short heading keeps its own */
        snprintf(table[*n_table - 1].short_vi, sizeof(table->short_vi), "%s", abbr[i][0]);
        snprintf(table[*n_table - 1].short_en, sizeof(table->short_en), "%s", abbr[i][1]);
    }
}

/* ---- cchc report / cchc grade / cchc index --------------------------------------------- */

/* What a command of the verdict asks and shows. */
typedef struct {
    const char *cmd;
    const char *query;                     /* the query of many units: "table", "index" */
    bool report_one;                       /* a unit alone is asked with QUERY report */
    bool grades;                           /* the rows are graded */
    bool (*figure_known)(const char *key); /* --rank */
} verdict_t;

static bool report_figure(const char *key) { return cc_figure_find(key, strlen(key), NULL); }

static bool index_figure(const char *key)
{
    const char *part = NULL;

    return cc_index_figure_find(key, strlen(key)) ||
           (cc_indicator_find(key, strlen(key), &part) && part == NULL);
}

/* Write the answer @res of @v as @out (to @file, or standard output). */
static int write_answer(const verdict_t *v, const msgpack_object *res, bool single, out_t out,
                        const char *file)
{
    cchc_column_t table[INDEX_TABLE_MAX];
    cchc_column_t *csv = cc_xcalloc(cc_figures_n + INDEX_CSV_MAX, sizeof(*csv));
    bool index = strcmp(v->query, "index") == 0;
    cchc_layout_t l = { "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH VÀ PHẢN ÁNH, KIẾN NGHỊ",
                        "Báo cáo / Report",
                        report_columns,
                        CC_N(report_columns),
                        csv,
                        0,
                        v->grades };
    cchc_sheet_t s = cchc_sheet_of(res, single && !index, single && index);
    FILE *f = stdout;
    int status = CCHC_EXIT_OK;

    if (index) {
        l.title = "CHỈ SỐ ĐÁNH GIÁ CHẤT LƯỢNG PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP (QĐ 766/QĐ-TTg)";
        l.report = "Chỉ số phục vụ (QĐ 766) / service index";
        l.table = table;
        index_columns(table, &l.n_table, csv, &l.n_csv);
    } else {
        for (size_t i = 0; i < cc_figures_n; i++)
            add_figure(csv, &l.n_csv, &cc_figures[i]);
    }
    if (out == OUT_XLSX) {
        if (cchc_sheet_xlsx(file, &s, &l) < 0)
            status = cchc_usage_error(v->cmd, "cannot write %s", file);
        goto done;
    }
    if (file && (f = fopen(file, "w")) == NULL) {
        status = cchc_usage_error(v->cmd, "cannot write %s: %s", file, strerror(errno));
        goto done;
    }
    if (out == OUT_JSON) {
        json_t *j = cc_json_from_msgpack(res, 0);

        json_object_del(j, "rid");
        cc_json_print(f, j);
    } else if (out == OUT_CSV) {
        cchc_sheet_csv(f, &s, &l);
    } else if (single && index) {
        const msgpack_object *rows = cc_map_find(res, "rows");

        if (rows && rows->type == MSGPACK_OBJECT_ARRAY && rows->via.array.size == 1)
            print_index_unit(f, res, &rows->via.array.ptr[0]);
    } else if (single) {
        print_unit_table(f, res);
    } else {
        cchc_sheet_table(f, &s, &l);
    }
    if (f != stdout && fclose(f) != 0)
        status = cchc_usage_error(v->cmd, "cannot write %s", file);
done:
    free(csv);
    return status;
}

/* Ask for the rows of @v chosen on the command line into @q: --unit alone
 * (*@ret_single), its children, or --units (codes, a kind, or *). */
static int selection_pairs(const cc_cli_t *cli, const verdict_t *v, cc_enc_t *q, bool *ret_single,
                           bool *ret_as_kind)
{
    const char *unit = NULL, *rank = NULL, *parent = NULL;
    bool children = cc_cli_opt(cli, "with-children", NULL);
    const char *list;
    char codes[64][CC_MAX_CODE + 1];
    size_t n = 0;

    cc_cli_opt(cli, "unit", &unit);
    cc_cli_opt(cli, "rank", &rank);
    cc_cli_opt(cli, "parent", &parent);
    /* With --unit, --units is only the scope said in HELLO (as for every
     * command); without it, --units also chooses the table's rows. */
    *ret_single = !v->grades && unit && !children && !parent;
    *ret_as_kind = false;
    if (unit == NULL && !cli->units_set && !parent)
        return cchc_usage_error(v->cmd, "%s needs --unit=U or --units=LIST|KIND|*", v->cmd);
    if (rank && !v->figure_known(rank))
        return cchc_usage_error(v->cmd, "--rank=%s: not a figure (see the %s's keys)", rank,
                                v->query);
    if (*ret_single && v->report_one) {
        cc_enc_kv_str(q, "unit", unit);
        return CCHC_EXIT_OK;
    }
    list = unit ? unit : cli->units_set ? cli->units : "*";
    if (cc_units_parse(list, codes, 64, &n) < 0)
        return cchc_usage_error(v->cmd, "--units=%s: expected codes, a kind or *", list);
    *ret_as_kind = n == 1 && cc_vocab_find(&cc_unit_kinds, 0, codes[0], strlen(codes[0])) >= 0;
    if (*ret_as_kind) {
        cc_enc_kv_str(q, "kind", codes[0]);
    } else {
        cc_enc_str(q, "units");
        cc_enc_array(q, n);
        for (size_t i = 0; i < n; i++)
            cc_enc_str(q, codes[i]);
    }
    if (parent)
        cc_enc_kv_str(q, "parent", parent);
    if (children)
        cc_enc_kv_bool(q, "children", true);
    if (rank || v->grades)
        cc_enc_kv_str(q, "sort", rank ? rank : "on_time");
    if (cc_cli_opt(cli, "asc", NULL))
        cc_enc_kv_bool(q, "asc", true);
    if (v->grades)
        cc_enc_kv_bool(q, "grades", true);
    return CCHC_EXIT_OK;
}

static int run_verdict(const cc_cli_t *cli, const verdict_t *v)
{
    static const char *const allowed[] = { "unit=",   "parent=", "with-children", "period=",
                                           "from=",   "to=",     "rank=",         "asc",
                                           "format=", "output=", "json",          "csv",
                                           NULL };
    const char *file = NULL;
    bool single = false, as_kind = false;
    cc_msg_t res = { 0 };
    cc_enc_t q;
    char why[256];
    out_t out;
    int status;

    cc_enc_init(&q);
    if (cc_cli_check_opts(cli, allowed, why, sizeof(why)) < 0) {
        status = cchc_usage_error(v->cmd, "%s", why);
        goto out;
    }
    if ((status = output_of(cli, v->cmd, &out, &file)) != CCHC_EXIT_OK ||
        (status = selection_pairs(cli, v, &q, &single, &as_kind)) != CCHC_EXIT_OK ||
        (status = period_pairs(cli, v->cmd, &q)) != CCHC_EXIT_OK)
        goto out;
    /* A kind as the selection is not a scope: the scope said in HELLO is
     * then all units (with a key: the key's own), and the daemon answers
     * only those the principal may see. */
    {
        cc_cli_t scoped = *cli;

        if (as_kind ||
            (!single && !cc_cli_opt(cli, "unit", NULL) && strcmp(cli->units, "*") == 0)) {
            scoped.units = "*";
            scoped.units_given = false;
        }
        status = cchc_query(&scoped, CC_EP_SCORING, "supervisor",
                            single && v->report_one ? "report" : v->query, &q, &res);
    }
    if (status == CCHC_EXIT_OK)
        status = write_answer(v, &res.body, single, out, file);
out:
    cc_msg_deinit(&res);
    cc_enc_deinit(&q);
    return status;
}

int cchc_cmd_report(const cc_cli_t *cli)
{
    static const verdict_t v = { "report", "table", true, false, report_figure };

    return run_verdict(cli, &v);
}

int cchc_cmd_index(const cc_cli_t *cli)
{
    static const verdict_t v = { "index", "index", false, false, index_figure };

    return run_verdict(cli, &v);
}

/* ---- Notes on units: grade set / grade reason / reminder add ----------------------- */

static int64_t wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Send a unit event @type (PROTOCOL.md §3.5) for --unit, now, with the
 * options named @opts as string fields of the same names (all required but
 * "grade"); a reminder also gets doc_date from --date. The event id names
 * the sender, the type, the unit and the moment. */
static int send_note(const cc_cli_t *cli, const char *cmd, const char *type,
                     const char *const *opts, size_t n)
{
    const char *unit = NULL, *v, *date = NULL;
    char eid[CC_MAX_ID + 1], what[128];
    int64_t now_ms = wall_ms(), doc = 0;
    int32_t day;
    cc_enc_t e;
    size_t map;
    int status;

    if (!cc_cli_opt(cli, "unit", &unit) || unit == NULL)
        return cchc_usage_error(cmd, "%s needs --unit=U", cmd);
    for (size_t i = 0; i < n; i++)
        if (strcmp(opts[i], "grade") != 0 && (!cc_cli_opt(cli, opts[i], &v) || v == NULL || !*v))
            return cchc_usage_error(cmd, "%s needs --%s=", cmd, opts[i]);
    if (strcmp(type, "reminder") == 0) {
        if (!cc_cli_opt(cli, "date", &date) || cc_date_parse_any(date, &day) < 0)
            return cchc_usage_error(cmd, "--date: expected YYYY-MM-DD or dd/mm/yyyy");
        if (day > cc_local_day(now_ms / 1000))
            return cchc_usage_error(cmd, "--date=%s: a document cannot be dated after today", date);
        doc = cc_day_start(day) + 8 * 3600; /* 08:00 that day: within office hours */
        if (doc > now_ms / 1000)
            doc = now_ms / 1000;
    }
    snprintf(eid, sizeof(eid), "%.24s-%s-%.20s-%lld", cli->who, type, unit, (long long)now_ms);
    cc_enc_init(&e);
    map = cc_enc_map_open(&e);
    cc_enc_kv_str(&e, "eid", eid);
    cc_enc_kv_str(&e, "type", type);
    cc_enc_kv_i64(&e, "at", now_ms / 1000);
    cc_enc_kv_str(&e, "unit", unit);
    for (size_t i = 0; i < n; i++)
        if (cc_cli_opt(cli, opts[i], &v) && v)
            cc_enc_kv_str(&e, opts[i], v);
    if (doc)
        cc_enc_kv_i64(&e, "doc_date", doc);
    cc_enc_map_close(&e, map);
    snprintf(what, sizeof(what), "%s %s", type, unit);
    status = cchc_push_one(cli, CC_EP_INTAKE, "supervisor", eid, e.buf.data, e.buf.size, what,
                           cc_cli_opt(cli, "json", NULL));
    cc_enc_deinit(&e);
    return status;
}

/* Check the options of a note command against @allowed, and that option
 * @opt (when not NULL) is one of the codes of @v (@expected says which). */
static int check_note(const cc_cli_t *cli, const char *cmd, const char *const *allowed,
                      const char *opt, const cc_vocab_t *v, const char *expected)
{
    const char *val = NULL;
    char why[256];

    if (cc_cli_check_opts(cli, allowed, why, sizeof(why)) < 0)
        return cchc_usage_error(cmd, "%s", why);
    if (opt &&
        (!cc_cli_opt(cli, opt, &val) || val == NULL || cc_vocab_find(v, 0, val, strlen(val)) < 0))
        return cchc_usage_error(cmd, "--%s: expected %s", opt, expected);
    return CCHC_EXIT_OK;
}

int cchc_cmd_grade(const cc_cli_t *cli)
{
    const char *sub = cli->n_args > 0 ? cli->args[0] : NULL;
    int status;

    if (sub && strcmp(sub, "set") == 0) {
        static const char *const allowed[] = {
            "unit=", "period=", "grade=", "reason=", "json", NULL
        };
        static const char *const opts[] = { "period", "grade", "reason" };

        if ((status = check_note(cli, "grade", allowed, "grade", &cc_grades, "A+, A, B or C")) !=
            CCHC_EXIT_OK)
            return status;
        return send_note(cli, "grade", "grade_note", opts, CC_N(opts));
    }
    if (sub && strcmp(sub, "reason") == 0) {
        static const char *const allowed[] = { "unit=", "period=", "reason=", "json", NULL };
        static const char *const opts[] = { "period", "reason" };

        if ((status = check_note(cli, "grade", allowed, NULL, NULL, NULL)) != CCHC_EXIT_OK)
            return status;
        return send_note(cli, "grade", "grade_note", opts, CC_N(opts));
    }
    if (sub)
        return cchc_usage_error("grade", "unknown subcommand '%s' (set, reason)", sub);
    {
        static const verdict_t v = { "grade", "table", false, true, report_figure };

        return run_verdict(cli, &v);
    }
}

static void print_note(const msgpack_object *n)
{
    char kind[16], doc[80], reason[1100], d[16];
    int64_t t = 0;
    int k;

    cchc_text_of(n, "kind", kind, sizeof(kind));
    cchc_text_of(n, "doc", doc, sizeof(doc));
    cchc_text_of(n, "reason", reason, sizeof(reason));
    cc_map_i64(n, "doc_date", &t);
    k = cc_vocab_find(&cc_note_kinds, 0, kind, strlen(kind));
    printf("  %s  %-10s %-24s %s\n", cc_fmt_date(t, d, sizeof(d)),
           k >= 0 ? cc_vocab_vi(&cc_note_kinds, (unsigned)k) : kind, doc, reason);
}

int cchc_cmd_reminder(const cc_cli_t *cli)
{
    const char *sub = cli->n_args > 0 ? cli->args[0] : NULL;
    char why[256];

    if (sub && strcmp(sub, "add") == 0) {
        static const char *const allowed[] = { "unit=",   "kind=", "doc=", "date=",
                                               "reason=", "json",  NULL };
        static const char *const opts[] = { "kind", "doc", "reason" };
        int status =
            check_note(cli, "reminder", allowed, "kind", &cc_note_kinds, "reminder or criticism");

        if (status != CCHC_EXIT_OK)
            return status;
        return send_note(cli, "reminder", "reminder", opts, CC_N(opts));
    }
    if (sub && strcmp(sub, "list") == 0) {
        static const char *const allowed[] = { "unit=", "period=", "from=", "to=", "json", NULL };
        const char *unit = NULL;
        cc_msg_t res = { 0 };
        cc_enc_t q;
        int status;

        if (cc_cli_check_opts(cli, allowed, why, sizeof(why)) < 0)
            return cchc_usage_error("reminder", "%s", why);
        if (!cc_cli_opt(cli, "unit", &unit) || unit == NULL)
            return cchc_usage_error("reminder", "reminder list needs --unit=U");
        cc_enc_init(&q);
        cc_enc_kv_str(&q, "unit", unit);
        if ((status = period_pairs(cli, "reminder", &q)) == CCHC_EXIT_OK &&
            (status = cchc_query(cli, CC_EP_SCORING, "supervisor", "notes", &q, &res)) ==
                CCHC_EXIT_OK) {
            const msgpack_object *notes = cc_map_find(&res.body, "notes");
            char when[96];

            if (cc_cli_opt(cli, "json", NULL)) {
                cchc_print_json(&res.body);
            } else {
                cchc_period_text(&res.body, when, sizeof(when));
                printf("Văn bản nhắc nhở, phê bình / reminders, criticisms: %s, %s\n", unit, when);
                for (uint32_t i = 0; notes && i < notes->via.array.size; i++)
                    print_note(&notes->via.array.ptr[i]);
                if (!notes || notes->via.array.size == 0)
                    printf("  (không có / none)\n");
            }
        }
        cc_msg_deinit(&res);
        cc_enc_deinit(&q);
        return status;
    }
    return cchc_usage_error("reminder",
                            sub ? "unknown subcommand '%s' (add, list)"
                                : "reminder needs a subcommand: add or list%s",
                            sub ? sub : "");
}
