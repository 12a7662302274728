/*
 * cchc_report.c - the province's verdict at the command line: `cchc report`
 * (one unit, a unit with its children, or a table of many units),
 * `cchc grade` (grades, and the supervisors' notes on them) and
 * `cchc reminder` (văn bản nhắc nhở, phê bình). Reports are the scoring
 * daemon's queries report and table (PROTOCOL.md §5.1, §5.4); notes are
 * intake events (§3.5).
 *
 * Output: a terminal table with Vietnamese numbers and dates (13.616;
 * 93,01%; 14/06/2024), --format=csv (RFC 4180, UTF-8 with a BOM so that
 * Excel shows the Vietnamese, one row per unit, the unit and period in
 * their own columns), --format=xlsx --output=FILE (typed cells, laid out as
 * the province's tables: title, period, columns, rows, total, grades),
 * --format=json (the daemon's answer).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <xlsxwriter.h>

#include "cc_base.h"
#include "cc_figures.h"
#include "cc_format.h"
#include "cc_json.h"
#include "cc_period.h"
#include "cc_time.h"
#include "cc_vocab.h"
#include "cchc.h"

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
    "  --output=FILE       write to FILE instead of standard output\n"
    "\n"
    "Global options and exit status: `cchc --help`.\n";

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
    "PERIOD and the formats as in `cchc report --help`; set and reason take a\n"
    "period name (--period=2025-H1).\n"
    "\n"
    "Global options and exit status: `cchc --help`.\n";

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
    "\n"
    "Global options and exit status: `cchc --help`.\n";

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

/* The uint @key of @map, 0 when absent. */
static uint64_t count_of(const msgpack_object *map, const char *key)
{
    uint64_t v = 0;

    cc_map_u64(map, key, &v);
    return v;
}

static bool rate_of(const msgpack_object *map, const char *r, uint64_t *num, uint64_t *den)
{
    char k[CC_MAX_KEY + 8];

    snprintf(k, sizeof(k), "%s_num", r);
    if (cc_map_u64(map, k, num) < 0)
        return false;
    snprintf(k, sizeof(k), "%s_den", r);
    return cc_map_u64(map, k, den) == 0;
}

/* The text of string @key of @map ("" when absent), in @buf. */
static const char *text_of(const msgpack_object *map, const char *key, char *buf, size_t len)
{
    if (cc_map_strcpy(map, key, buf, len) < 0)
        buf[0] = '\0';
    return buf;
}

/* "kỳ 2025-03: 15/02/2025 – 14/03/2025" */
static void period_text(const msgpack_object *map, char *buf, size_t len)
{
    char period[32], d0[16], d1[16];
    int64_t from = 0, to = 0;

    cc_map_i64(map, "from", &from);
    cc_map_i64(map, "to", &to);
    text_of(map, "period", period, sizeof(period));
    snprintf(buf, len, "%s%s%s%s – %s", period[0] ? "kỳ " : "", period, period[0] ? ": " : "",
             cc_fmt_date(from, d0, sizeof(d0)), cc_fmt_date(to, d1, sizeof(d1)));
}

static void csv_cell(FILE *f, const char *s, bool last)
{
    if (strpbrk(s, ",\"\n\r") == NULL) {
        fputs(s, f);
    } else {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    }
    fputc(last ? '\n' : ',', f);
}

/* ---- One unit --------------------------------------------------------------------- */

static void print_unit_table(FILE *f, const msgpack_object *r)
{
    char unit[CC_MAX_CODE + 1], name[256], when[96], label[200], fit[400], v[64], a[32], b[32];

    text_of(r, "unit", unit, sizeof(unit));
    text_of(r, "unit_name", name, sizeof(name));
    period_text(r, when, sizeof(when));
    fprintf(f, "Báo cáo / Report: %s %s, %s\n", unit, name, when);
    for (size_t i = 0; i < cc_figures_n; i++) {
        const cc_figure_t *fig = &cc_figures[i];
        uint64_t num, den;

        if (fig->kind == CC_FIG_RATE) {
            if (!rate_of(r, fig->key, &num, &den))
                continue;
            if (den)
                snprintf(v, sizeof(v), "%s (%s/%s)", cc_fmt_rate(num, den, a, sizeof(a)),
                         cc_fmt_count(num, b, sizeof(b)),
                         cc_fmt_count(den, a + 16, sizeof(a) - 16));
            else
                snprintf(v, sizeof(v), "không có dữ liệu / no data");
        } else {
            if (cc_map_find(r, fig->key) == NULL)
                continue;
            cc_fmt_count(count_of(r, fig->key), v, sizeof(v));
        }
        snprintf(label, sizeof(label), "%s / %s", fig->vi, fig->en);
        fprintf(f, "  %s  %s\n", cc_text_fit(label, 64, fit, sizeof(fit)), v);
    }
}

/* ---- Many units ------------------------------------------------------------------- */

/* The columns of the province's tables (seeds/000, seeds/004): the
 * figure, its header in the CSV and the workbook, and the two short header
 * lines of the terminal table. */
typedef struct {
    const char *key; /* a count key, or a rate <r> (kind) */
    bool rate;
    const char *vi;                  /* full header */
    const char *short_vi, *short_en; /* at most COL_WIDTH characters */
} column_t;

enum { COL_WIDTH = 10 };

static const column_t columns[] = {
    { "to_handle", false, "Tổng số phải giải quyết", "Phải GQ", "to handle" },
    { "ok_share_num", false, "Đúng hạn, trước hạn", "Đúng hạn", "in time" },
    { "open_within", false, "Đang giải quyết trong hạn", "Trong hạn", "open, due" },
    { "late_share_num", false, "Trễ hạn", "Trễ hạn", "late" },
    { "overall", true, "Đánh giá chung", "Chung", "overall" },
    { "on_time", true, "Tỷ lệ đúng hạn", "Đúng hạn", "on-time" },
    { "pakn_received", false, "PAKN tiếp nhận", "PAKN nhận", "complaints" },
    { "pakn_handled", false, "PAKN đã xử lý", "PAKN xử lý", "handled" },
    { "pakn_ans_l1", false, "Cấp độ 1", "Cấp độ 1", "level 1" },
    { "pakn_ans_l2", false, "Cấp độ 2", "Cấp độ 2", "level 2" },
    { "pakn_ans_l3", false, "Cấp độ 3", "Cấp độ 3", "level 3" },
    { "reminders", false, "Nhắc nhở", "Nhắc nhở", "reminders" },
    { "criticisms", false, "Phê bình", "Phê bình", "criticisms" },
};

/* @s right-aligned in COL_WIDTH characters, after a space. */
static void print_cell(FILE *f, const char *s)
{
    size_t w = cc_text_width(s);

    fprintf(f, " %*s%s", (int)(w < COL_WIDTH ? COL_WIDTH - w : 0), "", s);
}

static void cell_text(const msgpack_object *r, const column_t *c, char *buf, size_t len)
{
    uint64_t num, den;

    if (c->rate) {
        if (!rate_of(r, c->key, &num, &den))
            num = den = 0;
        cc_fmt_rate(num, den, buf, len);
    } else
        cc_fmt_count(count_of(r, c->key), buf, len);
}

static void print_rows_table(FILE *f, const msgpack_object *res, bool grades)
{
    const msgpack_object *rows = cc_map_find(res, "rows"), *total = cc_map_find(res, "total");
    char when[96], fit[400], v[64];

    period_text(res, when, sizeof(when));
    fprintf(f, "Báo cáo / Report: %s\n", when);
    fprintf(f, "%-4s %s", "STT", cc_text_fit("Đơn vị", 30, fit, sizeof(fit)));
    for (size_t c = 0; c < CC_N(columns); c++)
        print_cell(f, columns[c].short_vi);
    if (grades)
        fprintf(f, " %s %s", cc_text_fit("Mức", 5, fit, sizeof(fit)), "Căn cứ");
    fprintf(f, "\n%-4s %s", "", cc_text_fit("unit", 30, fit, sizeof(fit)));
    for (size_t c = 0; c < CC_N(columns); c++)
        print_cell(f, columns[c].short_en);
    if (grades)
        fprintf(f, " %s %s", cc_text_fit("grade", 5, fit, sizeof(fit)), "basis");
    fputc('\n', f);
    for (uint32_t i = 0; rows && i <= rows->via.array.size; i++) {
        const msgpack_object *r = i < rows->via.array.size ? &rows->via.array.ptr[i] : total;
        char name[256], num[12];

        if (r == NULL)
            break;
        if (i < rows->via.array.size) {
            snprintf(num, sizeof(num), "%u", i + 1);
            text_of(r, "unit_name", name, sizeof(name));
        } else {
            num[0] = '\0';
            snprintf(name, sizeof(name), "Tổng cộng / total");
        }
        fprintf(f, "%-4s %s", num, cc_text_fit(name, 30, fit, sizeof(fit)));
        for (size_t c = 0; c < CC_N(columns); c++) {
            cell_text(r, &columns[c], v, sizeof(v));
            print_cell(f, v);
        }
        if (grades && i < rows->via.array.size) {
            char grade[8], basis[256], over[8], computed[8], why[1100];
            bool lv = false;

            text_of(r, "grade", grade, sizeof(grade));
            text_of(r, "grade_basis", basis, sizeof(basis));
            text_of(r, "grade_override", over, sizeof(over));
            text_of(r, "grade_computed", computed, sizeof(computed));
            text_of(r, "override_reason", why, sizeof(why));
            cc_map_bool(r, "low_volume", &lv);
            if (over[0])
                fprintf(f, " %s giám sát đặt / set by a supervisor: %s (tính / computed: %s, %s)",
                        cc_text_fit(grade, 5, fit, sizeof(fit)), why, computed, basis);
            else
                fprintf(f, " %s %s%s", cc_text_fit(grade, 5, fit, sizeof(fit)), basis,
                        lv ? " [ít hồ sơ / low volume]" : "");
        }
        fputc('\n', f);
    }
}

/* CSV: one row per unit, every figure, Vietnamese headers; the total last. */
static void print_rows_csv(FILE *f, const msgpack_object *res, bool single, bool grades)
{
    const msgpack_object *rows = single ? NULL : cc_map_find(res, "rows");
    const msgpack_object *total = single ? NULL : cc_map_find(res, "total");
    uint32_t n = single ? 1 : rows ? rows->via.array.size : 0;
    char buf[512], head[400];

    fputs("\xEF\xBB\xBF", f); /* UTF-8 BOM: Excel then reads the Vietnamese right */
    csv_cell(f, "Mã đơn vị", false);
    csv_cell(f, "Tên đơn vị", false);
    csv_cell(f, "Kỳ", false);
    csv_cell(f, "Từ ngày", false);
    csv_cell(f, "Đến ngày", false);
    for (size_t i = 0; i < cc_figures_n; i++) {
        bool last = i + 1 == cc_figures_n && !grades;

        snprintf(head, sizeof(head), "%s%s", cc_figures[i].vi,
                 cc_figures[i].kind == CC_FIG_RATE ? " (%)" : "");
        csv_cell(f, head, last);
    }
    if (grades) {
        csv_cell(f, "Mức", false);
        csv_cell(f, "Căn cứ", false);
        csv_cell(f, "Ít hồ sơ", true);
    }
    for (uint32_t i = 0; i <= n; i++) {
        const msgpack_object *r = single  ? (i == 0 ? res : NULL)
                                  : i < n ? &rows->via.array.ptr[i]
                                          : total;
        int64_t t = 0;

        if (r == NULL)
            break;
        csv_cell(f, i < n ? text_of(r, "unit", buf, sizeof(buf)) : "", false);
        csv_cell(f, i < n ? text_of(r, "unit_name", buf, sizeof(buf)) : "Tổng cộng", false);
        csv_cell(f, text_of(res, "period", buf, sizeof(buf)), false);
        cc_map_i64(i < n ? r : res, "from", &t);
        csv_cell(f, cc_fmt_date(t, buf, sizeof(buf)), false);
        cc_map_i64(i < n ? r : res, "to", &t);
        csv_cell(f, cc_fmt_date(t, buf, sizeof(buf)), false);
        for (size_t k = 0; k < cc_figures_n; k++) {
            bool last = k + 1 == cc_figures_n && !(grades && i < n);
            uint64_t num, den;

            if (cc_figures[k].kind == CC_FIG_RATE) {
                if (rate_of(r, cc_figures[k].key, &num, &den) && den)
                    snprintf(buf, sizeof(buf), "%.2f", 100.0 * (double)num / (double)den);
                else
                    buf[0] = '\0';
            } else {
                snprintf(buf, sizeof(buf), "%" PRIu64, count_of(r, cc_figures[k].key));
            }
            csv_cell(f, buf, last);
        }
        if (grades && i < n) {
            bool lv = false;

            csv_cell(f, text_of(r, "grade", buf, sizeof(buf)), false);
            csv_cell(f, text_of(r, "grade_basis", buf, sizeof(buf)), false);
            cc_map_bool(r, "low_volume", &lv);
            csv_cell(f, lv ? "có" : "", true);
        }
    }
}

/* An .xlsx laid out as the province's tables: title, period, the columns,
 * one row per unit, the total row, the grades. */
static int write_xlsx(const char *path, const msgpack_object *res, bool single, bool grades)
{
    const msgpack_object *rows = single ? NULL : cc_map_find(res, "rows");
    const msgpack_object *total = single ? res : cc_map_find(res, "total");
    uint32_t n = single ? 1 : rows ? rows->via.array.size : 0;
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws;
    lxw_format *title, *headf, *countf, *ratef, *boldc, *boldr, *boldt;
    char when[96], buf[512];
    lxw_row_t row = 3;
    lxw_col_t ncols = (lxw_col_t)(2 + CC_N(columns) + (grades ? 2 : 0));
    lxw_error e;

    if (wb == NULL)
        return -EIO;
    ws = workbook_add_worksheet(wb, "Báo cáo");
    title = workbook_add_format(wb);
    format_set_bold(title);
    format_set_font_size(title, 14);
    headf = workbook_add_format(wb);
    format_set_bold(headf);
    format_set_text_wrap(headf);
    format_set_align(headf, LXW_ALIGN_CENTER);
    format_set_border(headf, LXW_BORDER_THIN);
    countf = workbook_add_format(wb);
    format_set_num_format(countf, "#,##0");
    format_set_border(countf, LXW_BORDER_THIN);
    ratef = workbook_add_format(wb);
    format_set_num_format(ratef, "0.00%");
    format_set_border(ratef, LXW_BORDER_THIN);
    boldc = workbook_add_format(wb);
    format_set_bold(boldc);
    format_set_num_format(boldc, "#,##0");
    format_set_border(boldc, LXW_BORDER_THIN);
    boldr = workbook_add_format(wb);
    format_set_bold(boldr);
    format_set_num_format(boldr, "0.00%");
    format_set_border(boldr, LXW_BORDER_THIN);
    boldt = workbook_add_format(wb);
    format_set_bold(boldt);
    format_set_border(boldt, LXW_BORDER_THIN);

    period_text(res, when, sizeof(when));
    worksheet_merge_range(ws, 0, 0, 0, ncols - 1,
                          "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH VÀ PHẢN ÁNH, KIẾN NGHỊ", title);
    snprintf(buf, sizeof(buf), "Báo cáo %s", when);
    worksheet_merge_range(ws, 1, 0, 1, ncols - 1, buf, NULL);
    worksheet_set_column(ws, 0, 0, 5, NULL);
    worksheet_set_column(ws, 1, 1, 36, NULL);
    worksheet_set_column(ws, 2, (lxw_col_t)(ncols - 1), 12, NULL);
    worksheet_write_string(ws, row, 0, "STT", headf);
    worksheet_write_string(ws, row, 1, "Đơn vị", headf);
    for (size_t c = 0; c < CC_N(columns); c++)
        worksheet_write_string(ws, row, (lxw_col_t)(2 + c), columns[c].vi, headf);
    if (grades) {
        worksheet_write_string(ws, row, (lxw_col_t)(2 + CC_N(columns)), "Mức", headf);
        worksheet_write_string(ws, row, (lxw_col_t)(3 + CC_N(columns)), "Căn cứ đánh giá", headf);
        worksheet_set_column(ws, (lxw_col_t)(3 + CC_N(columns)), (lxw_col_t)(3 + CC_N(columns)), 60,
                             NULL);
    }
    row++;
    for (uint32_t i = 0; i <= n; i++) {
        bool is_total = single ? false : i == n;
        const msgpack_object *r = single     ? (i == 0 ? res : NULL)
                                  : is_total ? total
                                             : &rows->via.array.ptr[i];

        if (r == NULL)
            break;
        if (!is_total)
            worksheet_write_number(ws, row, 0, i + 1, countf);
        worksheet_write_string(ws, row, 1,
                               is_total ? "Tổng cộng" : text_of(r, "unit_name", buf, sizeof(buf)),
                               is_total ? boldt : NULL);
        for (size_t c = 0; c < CC_N(columns); c++) {
            lxw_col_t col = (lxw_col_t)(2 + c);
            uint64_t num, den;

            if (columns[c].rate) {
                if (rate_of(r, columns[c].key, &num, &den) && den)
                    worksheet_write_number(ws, row, col, (double)num / (double)den,
                                           is_total ? boldr : ratef);
                else
                    worksheet_write_string(ws, row, col, "–", is_total ? boldt : NULL);
            } else {
                worksheet_write_number(ws, row, col, (double)count_of(r, columns[c].key),
                                       is_total ? boldc : countf);
            }
        }
        if (grades && !is_total) {
            char basis[256];
            bool lv = false;

            cc_map_bool(r, "low_volume", &lv);
            worksheet_write_string(ws, row, (lxw_col_t)(2 + CC_N(columns)),
                                   text_of(r, "grade", buf, sizeof(buf)), headf);
            text_of(r, "grade_basis", basis, sizeof(basis));
            snprintf(buf, sizeof(buf), "%s%s", basis, lv ? " (ít hồ sơ)" : "");
            worksheet_write_string(ws, row, (lxw_col_t)(3 + CC_N(columns)), buf, NULL);
        }
        row++;
        if (single)
            break;
    }
    e = workbook_close(wb);
    return e == LXW_NO_ERROR ? 0 : -EIO;
}

/* ---- cchc report / cchc grade ---------------------------------------------------- */

static int run_table_or_report(const cc_cli_t *cli, const char *cmd, bool grades)
{
    static const char *const allowed[] = {
        "unit=", "units=", "parent=", "kind=",   "with-children", "period=", "from=", "to=",
        "rank=", "asc",    "format=", "output=", "json",          "csv",     NULL
    };
    const char *unit = NULL, *rank = NULL, *parent = NULL, *file = NULL;
    bool children = cc_cli_opt(cli, "with-children", NULL), single, as_kind = false;
    cc_msg_t res = { 0 };
    FILE *f = stdout;
    cc_enc_t q;
    char why[256];
    out_t out;
    int status;

    cc_enc_init(&q);
    if (cc_cli_check_opts(cli, allowed, why, sizeof(why)) < 0) {
        status = cchc_usage_error(cmd, "%s", why);
        goto out;
    }
    cc_cli_opt(cli, "unit", &unit);
    cc_cli_opt(cli, "rank", &rank);
    cc_cli_opt(cli, "parent", &parent);
    if ((status = output_of(cli, cmd, &out, &file)) != CCHC_EXIT_OK)
        goto out;
    /* With --unit, --units is only the scope said in HELLO (as for every
     * command); without it, --units also chooses the table's rows. */
    single = !grades && unit && !children && !parent;
    if (unit == NULL && !cli->units_set && !parent) {
        status = cchc_usage_error(cmd, "%s needs --unit=U or --units=LIST|KIND|*", cmd);
        goto out;
    }
    if (rank && cc_figure_find(rank, strlen(rank), NULL) == NULL) {
        status = cchc_usage_error(cmd, "--rank=%s: not a figure (see the report's keys)", rank);
        goto out;
    }
    if ((status = period_pairs(cli, cmd, &q)) != CCHC_EXIT_OK)
        goto out;
    if (single) {
        cc_enc_kv_str(&q, "unit", unit);
    } else {
        const char *list = unit ? unit : cli->units_set ? cli->units : "*";
        char codes[64][CC_MAX_CODE + 1];
        size_t n = 0;

        if (cc_units_parse(list, codes, 64, &n) < 0) {
            status = cchc_usage_error(cmd, "--units=%s: expected codes, a kind or *", list);
            goto out;
        }
        as_kind = n == 1 && cc_vocab_find(&cc_unit_kinds, 0, codes[0], strlen(codes[0])) >= 0;
        if (as_kind) {
            cc_enc_kv_str(&q, "kind", codes[0]);
        } else {
            cc_enc_str(&q, "units");
            cc_enc_array(&q, n);
            for (size_t i = 0; i < n; i++)
                cc_enc_str(&q, codes[i]);
        }
        if (parent)
            cc_enc_kv_str(&q, "parent", parent);
        if (children)
            cc_enc_kv_bool(&q, "children", true);
        if (rank || grades)
            cc_enc_kv_str(&q, "sort", rank ? rank : "on_time");
        if (cc_cli_opt(cli, "asc", NULL))
            cc_enc_kv_bool(&q, "asc", true);
        if (grades)
            cc_enc_kv_bool(&q, "grades", true);
    }
    /* A kind (or "*") as the selection is not a scope: the scope said in
     * HELLO is then all units (with a key: the key's), and the daemon
     * answers only those the principal may see. */
    {
        cc_cli_t scoped = *cli;

        if (as_kind || (!single && !unit && strcmp(cli->units, "*") == 0)) {
            scoped.units = "*";
            scoped.units_given = false;
        }
        status =
            cchc_query(&scoped, CC_EP_SCORING, "supervisor", single ? "report" : "table", &q, &res);
    }
    if (status != CCHC_EXIT_OK)
        goto out;
    if (out == OUT_XLSX) {
        if (write_xlsx(file, &res.body, single, grades) < 0) {
            fprintf(stderr, "cchc: cannot write %s\n", file);
            status = CCHC_EXIT_USAGE;
        }
        goto out;
    }
    if (file && (f = fopen(file, "w")) == NULL) {
        fprintf(stderr, "cchc: cannot write %s: %s\n", file, strerror(errno));
        status = CCHC_EXIT_USAGE;
        goto out;
    }
    if (out == OUT_JSON) {
        json_t *j = cc_json_from_msgpack(&res.body, 0);

        json_object_del(j, "rid");
        cc_json_print(f, j);
    } else if (out == OUT_CSV) {
        print_rows_csv(f, &res.body, single, grades);
    } else if (single) {
        print_unit_table(f, &res.body);
    } else {
        print_rows_table(f, &res.body, grades);
    }
    if (f != stdout && fclose(f) != 0) {
        fprintf(stderr, "cchc: cannot write %s\n", file);
        status = CCHC_EXIT_USAGE;
    }
out:
    cc_msg_deinit(&res);
    cc_enc_deinit(&q);
    return status;
}

int cchc_cmd_report(const cc_cli_t *cli) { return run_table_or_report(cli, "report", false); }

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
    return run_table_or_report(cli, "grade", true);
}

static void print_note(const msgpack_object *n)
{
    char kind[16], doc[80], reason[1100], d[16];
    int64_t t = 0;
    int k;

    text_of(n, "kind", kind, sizeof(kind));
    text_of(n, "doc", doc, sizeof(doc));
    text_of(n, "reason", reason, sizeof(reason));
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
                period_text(&res.body, when, sizeof(when));
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
