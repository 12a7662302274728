/*
 * cc_figures.h - the figures of a report (PROTOCOL.md §5.1), defined once:
 * each key with its Vietnamese and English label and its kind.
 *
 * Scoring answers with these keys; the cchc tool labels and formats them
 * from this table (tables, CSV, spreadsheets); tests check that every key a
 * report carries is here and that PROTOCOL.md names every key here. A rate
 * <r> is carried as three keys, <r>_num, <r>_den and <r>_rate. The index
 * query's indicators and figures are defined the same way, below.
 */
#ifndef CC_FIGURES_H
#define CC_FIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    CC_FIG_COUNT,   /* a count (uint) */
    CC_FIG_RATE,    /* a rate: <key>_num, <key>_den, <key>_rate */
    CC_FIG_DECIMAL, /* a string: a number with two decimals ("54.32") */
    CC_FIG_PERCENT, /* a string: a percent with two decimals ("82.30"), or "no data" */
} cc_fig_kind_t;

/* One figure. */
typedef struct {
    const char *key;
    uint8_t kind; /* cc_fig_kind_t */
    const char *vi, *en;
} cc_figure_t;

/* Every figure, in the order reports print them. */
extern const cc_figure_t cc_figures[];
extern const size_t cc_figures_n;

/**
 * cc_figure_find - the figure whose key is the @len bytes at @key; for a
 * rate also its "<r>_rate", "<r>_num" or "<r>_den" (then *@ret_part is
 * "rate", "num" or "den", else NULL; @ret_part may be NULL). Returns the
 * figure or NULL.
 */
const cc_figure_t *cc_figure_find(const char *key, size_t len, const char **ret_part);

/* ---- The real-time service index (QĐ 766, DOMAIN.md §7.3; PROTOCOL.md §5.6) ---- */

/* Its indicators, in the order of cc_indicators[]. */
typedef enum {
    CC_IX_CKMB,         /* transparency: no event carries it */
    CC_IX_TDGQ,         /* 2.1 progress */
    CC_IX_ONLINE_SHARE, /* 3.3 online dossiers */
    CC_IX_ONLINE_OFFER, /* 3.1 procedures offered online */
    CC_IX_ONLINE_USED,  /* 3.2 online procedures used */
    CC_IX_PAY_ONLINE,   /* 3.6 paid online */
    CC_IX_PAY_OTHER,    /* the rest of the payment group: no event carries it */
    CC_IX_E_RESULT,     /* electronic results */
    CC_IX_E_PARTS,      /* components digitized */
    CC_IX_MDSH_OTHER,   /* the rest of the digitization group: no event carries it */
    CC_IX_PAKN_TIMELY,  /* complaints answered on time */
    CC_IX_PAKN_SAT,     /* satisfaction with complaints */
    CC_IX_DOSSIER_SAT,  /* satisfaction with dossiers */
    CC_IX_COUNT_
} cc_indicator_id_t;

/* One indicator. Carried as <key>_num, <key>_den (uint), <key>_pts (string:
 * the points with two decimals, or "not measured") and <key>_max (uint). */
typedef struct {
    const char *key;
    const char *group;  /* CKMB, TDGQ, DVTT (online service), TTTT (online payment), MDSH, MDHL */
    const char *code;   /* its number in DOMAIN.md §7.3 ("2.1"), "" when it has none */
    uint8_t max_points; /* they add up to 100 */
    bool from_events;   /* false: no event carries it, it is always "not measured" */
    const char *abbr;   /* at most 10 characters, for a terminal column */
    const char *vi, *en;
} cc_indicator_t;

extern const cc_indicator_t cc_indicators[CC_IX_COUNT_];

/* The index's own figures (index_score, index_coverage, index_share). */
extern const cc_figure_t cc_index_figures[];
extern const size_t cc_index_figures_n;

/**
 * cc_indicator_find - the indicator whose key is the @len bytes at @key
 * followed by "_num", "_den", "_pts" or "_max" (then *@ret_part is that
 * part without "_"), or the key alone (*@ret_part NULL). @ret_part may be
 * NULL. Returns the indicator or NULL.
 */
const cc_indicator_t *cc_indicator_find(const char *key, size_t len, const char **ret_part);

/**
 * cc_index_figure_find - the figure of cc_index_figures whose key is the
 * @len bytes at @key, or NULL.
 */
const cc_figure_t *cc_index_figure_find(const char *key, size_t len);

#endif
