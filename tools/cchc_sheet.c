/*
 * cchc_sheet.c - terminal tables, CSV and workbooks of scoring's answers
 * (see cchc_sheet.h).
 */
#include "cchc_sheet.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <xlsxwriter.h>

#include "cc_client.h"
#include "cc_format.h"

/* ---- Reading an answer ------------------------------------------------------------ */

uint64_t cchc_count_of(const msgpack_object *map, const char *key)
{
    uint64_t v = 0;

    cc_map_u64(map, key, &v);
    return v;
}

bool cchc_rate_of(const msgpack_object *map, const char *r, uint64_t *num, uint64_t *den)
{
    char k[64]; /* a column's key and "_num" */

    snprintf(k, sizeof(k), "%s_num", r);
    if (cc_map_u64(map, k, num) < 0)
        return false;
    snprintf(k, sizeof(k), "%s_den", r);
    return cc_map_u64(map, k, den) == 0;
}

const char *cchc_text_of(const msgpack_object *map, const char *key, char *buf, size_t len)
{
    cc_client_map_copy(map, key, buf, len); /* too long: cut, not blanked */
    return buf;
}

void cchc_period_text(const msgpack_object *map, char *buf, size_t len)
{
    char period[32], d0[16], d1[16];
    int64_t from = 0, to = 0;

    cc_map_i64(map, "from", &from);
    cc_map_i64(map, "to", &to);
    cchc_text_of(map, "period", period, sizeof(period));
    snprintf(buf, len, "%s%s%s%s – %s", period[0] ? "kỳ " : "", period, period[0] ? ": " : "",
             cc_fmt_date(from, d0, sizeof(d0)), cc_fmt_date(to, d1, sizeof(d1)));
}

/* What a decimal or percent cell holds. */
typedef enum { DEC_NUMBER, DEC_NOT_MEASURED, DEC_NO_DATA } dec_state_t;

/* Column @c's string in row @r: a number (its hundredths in *@ret), "not
 * measured", or no data (anything else, or absent). */
static dec_state_t decimal_of(const msgpack_object *r, const cchc_column_t *c, char *buf,
                              size_t len, uint64_t *ret)
{
    cchc_text_of(r, c->key, buf, len);
    if (cc_decimal_parse(buf, ret) == 0)
        return DEC_NUMBER;
    return strcmp(buf, "not measured") == 0 ? DEC_NOT_MEASURED : DEC_NO_DATA;
}

void cchc_cell_text(const msgpack_object *r, const cchc_column_t *c, char *buf, size_t len)
{
    uint64_t num, den;
    char s[40];

    switch (c->kind) {
    case CCHC_COL_COUNT:
        if (cc_map_find(r, c->key) == NULL)
            snprintf(buf, len, "–");
        else
            cc_fmt_count(cchc_count_of(r, c->key), buf, len);
        return;
    case CCHC_COL_RATE:
        if (!cchc_rate_of(r, c->key, &num, &den))
            num = den = 0;
        cc_fmt_rate(num, den, buf, len);
        return;
    case CCHC_COL_DECIMAL:
    case CCHC_COL_PERCENT:
        if (decimal_of(r, c, s, sizeof(s), &num) == DEC_NOT_MEASURED)
            snprintf(buf, len, "chưa đo");
        else
            cc_fmt_decimal(s, c->kind == CCHC_COL_PERCENT, buf, len);
        return;
    }
}

cchc_sheet_t cchc_sheet_of(const msgpack_object *answer, bool single, bool rows_only)
{
    cchc_sheet_t s = { answer, NULL, NULL };

    if (!single) {
        s.rows = cc_map_find(answer, "rows");
        s.total = rows_only ? NULL : cc_map_find(answer, "total");
    }
    return s;
}

static uint32_t sheet_rows(const cchc_sheet_t *s)
{
    if (s->rows == NULL)
        return 1;
    return s->rows->type == MSGPACK_OBJECT_ARRAY ? s->rows->via.array.size : 0;
}

/* Row @i of @s, the total after the rows (NULL when there is none). */
static const msgpack_object *sheet_row(const cchc_sheet_t *s, uint32_t i)
{
    if (i < sheet_rows(s))
        return s->rows ? &s->rows->via.array.ptr[i] : s->answer;
    return s->total;
}

/* ---- The terminal table ----------------------------------------------------------- */

/* @s right-aligned in CCHC_COL_WIDTH characters, after a space. */
static void print_cell(FILE *f, const char *s)
{
    size_t w = cc_text_width(s);

    fprintf(f, " %*s%s", (int)(w < CCHC_COL_WIDTH ? CCHC_COL_WIDTH - w : 0), "", s);
}

/* A row's grade, what decided it and a supervisor's override. */
static void print_grade(FILE *f, const msgpack_object *r)
{
    char grade[8], basis[256], over[8], computed[8], why[1100], fit[64];
    bool lv = false;

    cchc_text_of(r, "grade", grade, sizeof(grade));
    cchc_text_of(r, "grade_basis", basis, sizeof(basis));
    cchc_text_of(r, "grade_override", over, sizeof(over));
    cchc_text_of(r, "grade_computed", computed, sizeof(computed));
    cchc_text_of(r, "override_reason", why, sizeof(why));
    cc_map_bool(r, "low_volume", &lv);
    if (over[0])
        fprintf(f, " %s giám sát đặt / set by a supervisor: %s (tính / computed: %s, %s)",
                cc_text_fit(grade, 5, fit, sizeof(fit)), why, computed, basis);
    else
        fprintf(f, " %s %s%s", cc_text_fit(grade, 5, fit, sizeof(fit)), basis,
                lv ? " [ít hồ sơ / low volume]" : "");
}

void cchc_sheet_table(FILE *f, const cchc_sheet_t *s, const cchc_layout_t *l)
{
    uint32_t n = sheet_rows(s);
    char when[96], fit[400], v[64];

    cchc_period_text(s->answer, when, sizeof(when));
    fprintf(f, "%s: %s\n", l->report, when);
    fprintf(f, "%-4s %s", "STT", cc_text_fit("Đơn vị", 30, fit, sizeof(fit)));
    for (size_t c = 0; c < l->n_table; c++)
        print_cell(f, l->table[c].short_vi);
    if (l->grades)
        fprintf(f, " %s %s", cc_text_fit("Mức", 5, fit, sizeof(fit)), "Căn cứ");
    fprintf(f, "\n%-4s %s", "", cc_text_fit("unit", 30, fit, sizeof(fit)));
    for (size_t c = 0; c < l->n_table; c++)
        print_cell(f, l->table[c].short_en);
    if (l->grades)
        fprintf(f, " %s %s", cc_text_fit("grade", 5, fit, sizeof(fit)), "basis");
    fputc('\n', f);
    for (uint32_t i = 0; i <= n; i++) {
        const msgpack_object *r = sheet_row(s, i);
        char name[256], num[12];

        if (r == NULL)
            break;
        if (i < n) {
            snprintf(num, sizeof(num), "%u", i + 1);
            cchc_text_of(r, "unit_name", name, sizeof(name));
        } else {
            num[0] = '\0';
            snprintf(name, sizeof(name), "Tổng cộng / total");
        }
        fprintf(f, "%-4s %s", num, cc_text_fit(name, 30, fit, sizeof(fit)));
        for (size_t c = 0; c < l->n_table; c++) {
            cchc_cell_text(r, &l->table[c], v, sizeof(v));
            print_cell(f, v);
        }
        if (l->grades && i < n)
            print_grade(f, r);
        fputc('\n', f);
    }
}

/* ---- CSV --------------------------------------------------------------------------- */

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

/* Column @c of row @r as CSV writes it: numbers with a decimal point (rates
 * in percent: 93.01), empty for no data, "chưa đo" when not measured. */
static void csv_value(const msgpack_object *r, const cchc_column_t *c, char *buf, size_t len)
{
    uint64_t num, den;
    dec_state_t st;

    buf[0] = '\0';
    switch (c->kind) {
    case CCHC_COL_COUNT:
        if (cc_map_find(r, c->key))
            snprintf(buf, len, "%" PRIu64, cchc_count_of(r, c->key));
        return;
    case CCHC_COL_RATE:
        if (cchc_rate_of(r, c->key, &num, &den) && den)
            snprintf(buf, len, "%.2f", 100.0 * (double)num / (double)den);
        return;
    case CCHC_COL_DECIMAL:
    case CCHC_COL_PERCENT:
        st = decimal_of(r, c, buf, len, &num);
        if (st != DEC_NUMBER)
            snprintf(buf, len, "%s", st == DEC_NOT_MEASURED ? "chưa đo" : "");
        return;
    }
}

void cchc_sheet_csv(FILE *f, const cchc_sheet_t *s, const cchc_layout_t *l)
{
    static const char *const head[] = { "Mã đơn vị", "Tên đơn vị", "Kỳ", "Từ ngày", "Đến ngày" };
    uint32_t n = sheet_rows(s);
    char buf[512], h[400];

    fputs("\xEF\xBB\xBF", f); /* UTF-8 BOM: Excel then reads the Vietnamese right */
    for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
        csv_cell(f, head[i], false);
    for (size_t i = 0; i < l->n_csv; i++) {
        bool pct = l->csv[i].kind == CCHC_COL_RATE || l->csv[i].kind == CCHC_COL_PERCENT;

        snprintf(h, sizeof(h), "%s%s", l->csv[i].vi, pct ? " (%)" : "");
        csv_cell(f, h, i + 1 == l->n_csv && !l->grades);
    }
    if (l->grades) {
        csv_cell(f, "Mức", false);
        csv_cell(f, "Căn cứ", false);
        csv_cell(f, "Ít hồ sơ", true);
    }
    for (uint32_t i = 0; i <= n; i++) {
        const msgpack_object *r = sheet_row(s, i);
        bool grade_cols = l->grades && i < n;
        int64_t t = 0;

        if (r == NULL)
            break;
        csv_cell(f, i < n ? cchc_text_of(r, "unit", buf, sizeof(buf)) : "", false);
        csv_cell(f, i < n ? cchc_text_of(r, "unit_name", buf, sizeof(buf)) : "Tổng cộng", false);
        csv_cell(f, cchc_text_of(s->answer, "period", buf, sizeof(buf)), false);
        cc_map_i64(i < n ? r : s->answer, "from", &t);
        csv_cell(f, cc_fmt_date(t, buf, sizeof(buf)), false);
        cc_map_i64(i < n ? r : s->answer, "to", &t);
        csv_cell(f, cc_fmt_date(t, buf, sizeof(buf)), false);
        for (size_t k = 0; k < l->n_csv; k++) {
            csv_value(r, &l->csv[k], buf, sizeof(buf));
            csv_cell(f, buf, k + 1 == l->n_csv && !grade_cols);
        }
        if (grade_cols) {
            bool lv = false;

            csv_cell(f, cchc_text_of(r, "grade", buf, sizeof(buf)), false);
            csv_cell(f, cchc_text_of(r, "grade_basis", buf, sizeof(buf)), false);
            cc_map_bool(r, "low_volume", &lv);
            csv_cell(f, lv ? "có" : "", true);
        }
    }
}

/* ---- The workbook ----------------------------------------------------------------- */

/* The cell formats of a workbook: plain and bold (the total row). */
typedef struct {
    lxw_format *title, *head, *count[2], *rate[2], *decimal[2], *text[2];
} formats_t;

static lxw_format *format_of(lxw_workbook *wb, const char *num_format, bool bold)
{
    lxw_format *f = workbook_add_format(wb);

    if (num_format)
        format_set_num_format(f, num_format);
    if (bold)
        format_set_bold(f);
    format_set_border(f, LXW_BORDER_THIN);
    return f;
}

static void add_formats(lxw_workbook *wb, formats_t *fm)
{
    fm->title = workbook_add_format(wb);
    format_set_bold(fm->title);
    format_set_font_size(fm->title, 14);
    fm->head = format_of(wb, NULL, true);
    format_set_text_wrap(fm->head);
    format_set_align(fm->head, LXW_ALIGN_CENTER);
    for (int b = 0; b < 2; b++) {
        fm->count[b] = format_of(wb, "#,##0", b);
        fm->rate[b] = format_of(wb, "0.00%", b);
        fm->decimal[b] = format_of(wb, "0.00", b);
        fm->text[b] = format_of(wb, NULL, b);
    }
}

/* Column @c of row @r into cell (@row, @col): a typed number, or a text
 * for no data ("–") and not measured ("chưa đo"). */
static void xlsx_value(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const msgpack_object *r,
                       const cchc_column_t *c, const formats_t *fm, int bold)
{
    uint64_t num, den;
    char s[40];

    switch (c->kind) {
    case CCHC_COL_COUNT:
        if (cc_map_find(r, c->key))
            worksheet_write_number(ws, row, col, (double)cchc_count_of(r, c->key), fm->count[bold]);
        return;
    case CCHC_COL_RATE:
        if (cchc_rate_of(r, c->key, &num, &den) && den)
            worksheet_write_number(ws, row, col, (double)num / (double)den, fm->rate[bold]);
        else
            worksheet_write_string(ws, row, col, "–", fm->text[bold]);
        return;
    case CCHC_COL_DECIMAL:
    case CCHC_COL_PERCENT:
        switch (decimal_of(r, c, s, sizeof(s), &num)) {
        case DEC_NUMBER:
            if (c->kind == CCHC_COL_PERCENT)
                worksheet_write_number(ws, row, col, (double)num / 10000.0, fm->rate[bold]);
            else
                worksheet_write_number(ws, row, col, (double)num / 100.0, fm->decimal[bold]);
            return;
        case DEC_NOT_MEASURED:
            worksheet_write_string(ws, row, col, "chưa đo", fm->text[bold]);
            return;
        case DEC_NO_DATA:
            worksheet_write_string(ws, row, col, "–", fm->text[bold]);
            return;
        }
    }
}

int cchc_sheet_xlsx(const char *path, const cchc_sheet_t *s, const cchc_layout_t *l)
{
    uint32_t n = sheet_rows(s);
    lxw_workbook *wb = workbook_new(path);
    lxw_col_t ncols = (lxw_col_t)(2 + l->n_table + (l->grades ? 2 : 0));
    lxw_col_t grade_col = (lxw_col_t)(2 + l->n_table);
    lxw_worksheet *ws;
    lxw_row_t row = 3;
    char when[96], buf[512];
    formats_t fm;

    if (wb == NULL)
        return -EIO;
    ws = workbook_add_worksheet(wb, "Báo cáo");
    add_formats(wb, &fm);
    cchc_period_text(s->answer, when, sizeof(when));
    worksheet_merge_range(ws, 0, 0, 0, ncols - 1, l->title, fm.title);
    snprintf(buf, sizeof(buf), "Báo cáo %s", when);
    worksheet_merge_range(ws, 1, 0, 1, ncols - 1, buf, NULL);
    worksheet_set_column(ws, 0, 0, 5, NULL);
    worksheet_set_column(ws, 1, 1, 36, NULL);
    worksheet_set_column(ws, 2, (lxw_col_t)(ncols - 1), 12, NULL);
    worksheet_write_string(ws, row, 0, "STT", fm.head);
    worksheet_write_string(ws, row, 1, "Đơn vị", fm.head);
    for (size_t c = 0; c < l->n_table; c++)
        worksheet_write_string(ws, row, (lxw_col_t)(2 + c), l->table[c].vi, fm.head);
    if (l->grades) {
        worksheet_write_string(ws, row, grade_col, "Mức", fm.head);
        worksheet_write_string(ws, row, grade_col + 1, "Căn cứ đánh giá", fm.head);
        worksheet_set_column(ws, grade_col + 1, grade_col + 1, 60, NULL);
    }
    row++;
    for (uint32_t i = 0; i <= n; i++) {
        const msgpack_object *r = sheet_row(s, i);
        int total = i == n;

        if (r == NULL)
            break;
        if (!total)
            worksheet_write_number(ws, row, 0, i + 1, fm.count[0]);
        worksheet_write_string(ws, row, 1,
                               total ? "Tổng cộng" : cchc_text_of(r, "unit_name", buf, sizeof(buf)),
                               fm.text[total]);
        for (size_t c = 0; c < l->n_table; c++)
            xlsx_value(ws, row, (lxw_col_t)(2 + c), r, &l->table[c], &fm, total);
        if (l->grades && !total) {
            char basis[256];
            bool lv = false;

            cc_map_bool(r, "low_volume", &lv);
            worksheet_write_string(ws, row, grade_col, cchc_text_of(r, "grade", buf, sizeof(buf)),
                                   fm.head);
            cchc_text_of(r, "grade_basis", basis, sizeof(basis));
            snprintf(buf, sizeof(buf), "%s%s", basis, lv ? " (ít hồ sơ)" : "");
            worksheet_write_string(ws, row, grade_col + 1, buf, NULL);
        }
        row++;
    }
    return workbook_close(wb) == LXW_NO_ERROR ? 0 : -EIO;
}
