/*
 * cchc_sheet.h - the province's tables at the command line: a scoring
 * answer of one unit or many (rows and their total) written as a terminal
 * table with Vietnamese numbers and dates (13.616; 93,01%; 14/06/2024), as
 * CSV (RFC 4180, UTF-8 with a BOM so that Excel shows the Vietnamese, one
 * row per unit, the unit and period in their own columns) or as an .xlsx
 * workbook (typed cells, laid out as the province's tables: title,
 * period, columns, rows, total, grades).
 *
 * What is shown is a layout: the columns of the terminal table and the
 * workbook, and the (usually longer) columns of the CSV, each naming the
 * answer's key and how its value is written. `cchc report` and `cchc
 * grade` use the report's figures (proto/cc_figures.h), `cchc index` the
 * index's.
 */
#ifndef CCHC_SHEET_H
#define CCHC_SHEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cc_codec.h"

/* How a column's value is read from a row and written. */
typedef enum {
    CCHC_COL_COUNT,   /* uint <key>: 13.616; absent: empty */
    CCHC_COL_RATE,    /* <key>_num ÷ <key>_den: 93,01%; no data: – */
    CCHC_COL_DECIMAL, /* string <key> "17.50": 17,50; "not measured": chưa đo */
    CCHC_COL_PERCENT, /* string <key> "48.44": 48,44%; "no data": – */
} cchc_col_kind_t;

/* One column: the figure it shows and its headers. */
typedef struct {
    char key[24];
    cchc_col_kind_t kind;
    char vi[200];      /* the full header (CSV, workbook) */
    char short_vi[40]; /* the terminal table's two header lines, at most */
    char short_en[40]; /* CCHC_COL_WIDTH characters each */
} cchc_column_t;

#define CCHC_COL_WIDTH 10

/* What a table shows. */
typedef struct {
    const char *title;  /* the workbook's first line */
    const char *report; /* the terminal's first words: "Báo cáo / Report" */
    const cchc_column_t *table;
    size_t n_table; /* terminal table and workbook */
    const cchc_column_t *csv;
    size_t n_csv; /* CSV */
    bool grades;  /* each row also has its grade and what decided it */
} cchc_layout_t;

/* The answer to show: its rows, and their total. */
typedef struct {
    const msgpack_object *answer; /* the RESULT: period, from, to */
    const msgpack_object *rows;   /* array of row maps; NULL: the answer is the one row */
    const msgpack_object *total;  /* the total's map; NULL: none shown */
} cchc_sheet_t;

/**
 * cchc_sheet_of - the sheet of @answer: its "rows" and "total", or, when
 * @single, the answer itself as the only row without a total (a report of
 * one unit); @rows_only keeps the rows but leaves the total out.
 */
cchc_sheet_t cchc_sheet_of(const msgpack_object *answer, bool single, bool rows_only);

/**
 * cchc_sheet_table - the terminal table of @s on @f: a numbered row per
 * unit and the total, with the short headers of @l's table columns (and the
 * grades when @l has them).
 */
void cchc_sheet_table(FILE *f, const cchc_sheet_t *s, const cchc_layout_t *l);

/**
 * cchc_sheet_csv - @s as CSV on @f: a BOM, the header line (unit code and
 * name, period, first and last day, @l's CSV columns, grades), one line per
 * row, the total last (empty code, "Tổng cộng").
 */
void cchc_sheet_csv(FILE *f, const cchc_sheet_t *s, const cchc_layout_t *l);

/**
 * cchc_sheet_xlsx - @s as a workbook at @path: @l's title, the period, the
 * headers of @l's table columns, a numbered row per unit, the total in bold,
 * the grades. Returns 0, or -EIO when the file cannot be written.
 */
int cchc_sheet_xlsx(const char *path, const cchc_sheet_t *s, const cchc_layout_t *l);

/* ---- Reading an answer ------------------------------------------------------------ */

/** cchc_count_of - the uint @key of @map, 0 when absent. */
uint64_t cchc_count_of(const msgpack_object *map, const char *key);

/**
 * cchc_rate_of - the numerator and denominator of rate @r of @map
 * (<r>_num, <r>_den). Returns false when either is absent.
 */
bool cchc_rate_of(const msgpack_object *map, const char *r, uint64_t *num, uint64_t *den);

/** cchc_text_of - the string @key of @map ("" when absent; cut at a character
 * when longer than @len) in @buf. Returns @buf. */
const char *cchc_text_of(const msgpack_object *map, const char *key, char *buf, size_t len);

/** cchc_period_text - "kỳ 2025-03: 15/02/2025 – 14/03/2025" from @map's period, from, to. */
void cchc_period_text(const msgpack_object *map, char *buf, size_t len);

/**
 * cchc_cell_text - the value of column @c in row @r as the terminal shows
 * it (13.616; 93,01%; 17,50; "–" for no data, "chưa đo" not measured).
 */
void cchc_cell_text(const msgpack_object *r, const cchc_column_t *c, char *buf, size_t len);

#endif
