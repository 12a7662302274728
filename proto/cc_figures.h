/*
 * cc_figures.h - the figures of a report (PROTOCOL.md §5.1), defined once:
 * each key with its Vietnamese and English label and its kind.
 *
 * Scoring answers with these keys; the cchc tool labels and formats them
 * from this table (tables, CSV, spreadsheets); tests check that every key a
 * report carries is here and that PROTOCOL.md names every key here. A rate
 * <r> is carried as three keys, <r>_num, <r>_den and <r>_rate.
 */
#ifndef CC_FIGURES_H
#define CC_FIGURES_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    CC_FIG_COUNT, /* a count (uint) */
    CC_FIG_RATE,  /* a rate: <key>_num, <key>_den, <key>_rate */
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

#endif
