/*
 * test_lifecycle_doc.c - PROTOCOL.md's lifecycle tables and code lists are
 * the code's (daemons/intake/dossier.c, daemons/hotline/complaint.c,
 * proto/cc_vocab.c), so that the document cannot drift.
 *
 * The two "event \ state" tables (§3.3 dossiers, §4 complaints) are parsed
 * row by row: every event of the vocabulary has a row, every state a
 * column (a column may group states, "refused / stopped / withdrawn"), and
 * each cell, stripped of its comments, equals cc_transition_text() of the
 * code's cell: "→ state (note)", "= (note)", "(note)", "✗" or "`code`".
 * Then every closed list of codes that clients send must appear in the
 * document as PROTOCOL.md writes lists: "`a` / `b`" or "`a` \| `b`".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cc_base.h"
#include "cc_figures.h"
#include "complaint.h"
#include "dossier.h"
#include "support.h"

#ifndef PROTOCOL_MD
#error "PROTOCOL_MD must name proto/PROTOCOL.md"
#endif

#define MAX_COLS 16
#define CELL_LEN 256

static char *doc;

/* The cell text without its comments: what cc_transition_text() renders. */
static void normalize(const char *cell, char *out, size_t len)
{
    const char *p = cell, *note = NULL;
    char head[CELL_LEN] = "";

    for (const char *q = cell; (q = strchr(q, '(')) != NULL; q++)
        if (q[1] >= 'a' && q[1] <= 'z' && q[2] == ')') {
            note = q;
            break;
        }
    if (strncmp(p, "→ ", strlen("→ ")) == 0) {
        size_t w = strcspn(p + strlen("→ "), " ");

        snprintf(head, sizeof(head), "→ %.*s", (int)w, p + strlen("→ "));
    } else if (p[0] == '=') {
        snprintf(head, sizeof(head), "=");
    } else if (strncmp(p, "✗", strlen("✗")) == 0) {
        snprintf(out, len, "✗");
        return;
    } else if (p[0] == '`') {
        snprintf(out, len, "%.*s", (int)(strcspn(p + 1, "`") + 2), p);
        return;
    } else if (note && note == p) {
        snprintf(out, len, "(%c)", note[1]);
        return;
    } else {
        snprintf(out, len, "?%s", cell);
        return;
    }
    if (note)
        snprintf(out, len, "%s (%c)", head, note[1]);
    else
        snprintf(out, len, "%s", head);
}

/* Split the table row @line ("| a | b |") into trimmed cells. Returns the
 * number of cells. */
static size_t split_row(const char *line, char cells[][CELL_LEN], size_t max)
{
    size_t n = 0;
    const char *p = strchr(line, '|');

    while (p && n < max) {
        const char *start = p + 1, *end = strchr(start, '|');

        if (end == NULL)
            break;
        while (start < end && *start == ' ')
            start++;
        const char *e = end;
        while (e > start && e[-1] == ' ')
            e--;
        snprintf(cells[n++], CELL_LEN, "%.*s", (int)(e - start), start);
        p = end;
        if (end[1] == '\n' || end[1] == '\0')
            break;
    }
    return n;
}

/* A lifecycle table of the document against the code's cells. */
typedef const cc_transition_t *(*cell_fn)(unsigned event, unsigned state);

static const cc_transition_t *dossier_cell(unsigned e, unsigned s)
{
    return cc_dossier_transition((cc_dossier_event_kind_t)e, (cc_dossier_state_t)s);
}

static const cc_transition_t *pakn_cell(unsigned e, unsigned s)
{
    return cc_pakn_transition((cc_hotline_event_kind_t)e, (cc_pakn_state_t)s);
}

/* Check the table whose header starts with @header; the events @first_ev
 * to @last_ev of @events must each have a row. Returns the rows checked. */
static size_t check_table(const char *header, const cc_vocab_t *events, unsigned first_ev,
                          unsigned last_ev, const cc_vocab_t *states, cell_fn cell)
{
    const char *p = strstr(doc, header);
    char hdr[MAX_COLS][CELL_LEN], row[MAX_COLS][CELL_LEN];
    int col_state[MAX_COLS][4]; /* the states of each column, -1 terminated */
    bool seen_ev[64] = { false }, seen_state[64] = { false };
    size_t ncols, rows = 0;

    if (p == NULL)
        fail_msg("PROTOCOL.md has no table starting \"%s\"", header);
    ncols = split_row(p, hdr, MAX_COLS);
    for (size_t c = 1; c < ncols; c++) {
        char *save = NULL, buf[CELL_LEN];
        size_t k = 0;

        snprintf(buf, sizeof(buf), "%s", hdr[c]);
        for (char *tok = strtok_r(buf, " /", &save); tok && k < 3;
             tok = strtok_r(NULL, " /", &save)) {
            int s = cc_vocab_find(states, 0, tok, strlen(tok));

            if (s < 0)
                fail_msg("%s: column \"%s\" names no state", states->what, hdr[c]);
            col_state[c][k++] = s;
            seen_state[s] = true;
        }
        col_state[c][k] = -1;
    }
    for (unsigned s = 0; s < states->n; s++)
        if (!seen_state[s])
            fail_msg("%s table: no column for state %s", events->what, cc_vocab_name(states, s));
    p = strchr(p, '\n') + 1; /* the |---| line */
    p = strchr(p, '\n') + 1;
    for (; *p == '|'; p = strchr(p, '\n') + 1) {
        size_t n = split_row(p, row, MAX_COLS);
        int e;

        if (n != ncols || row[0][0] != '`')
            fail_msg("malformed row: %.80s", p);
        e = cc_vocab_find(events, 0, row[0] + 1, strlen(row[0]) - 2);
        if (e < 0 || (unsigned)e < first_ev || (unsigned)e > last_ev)
            fail_msg("%s table: row %s is no such event", events->what, row[0]);
        seen_ev[e] = true;
        rows++;
        for (size_t c = 1; c < ncols; c++) {
            char want[CELL_LEN], got[CELL_LEN];

            normalize(row[c], want, sizeof(want));
            for (int k = 0; col_state[c][k] >= 0; k++) {
                cc_transition_text(cell((unsigned)e, (unsigned)col_state[c][k]), states, got,
                                   sizeof(got));
                if (strcmp(want, got) != 0)
                    fail_msg("%s in %s: PROTOCOL.md says \"%s\" (%s), the code \"%s\"", row[0],
                             cc_vocab_name(states, (unsigned)col_state[c][k]), want, row[c], got);
            }
        }
    }
    for (unsigned e = first_ev; e <= last_ev; e++)
        if (!seen_ev[e])
            fail_msg("%s table: no row for %s", events->what, cc_vocab_name(events, e));
    return rows;
}

static void test_dossier_table(void **state)
{
    (void)state;
    assert_int_equal(check_table("| event \\ state | none | processing |", &cc_dossier_events, 0,
                                 CC_EV_KIND_COUNT_ - 1, &cc_dossier_states, dossier_cell),
                     CC_EV_KIND_COUNT_);
}

static void test_pakn_table(void **state)
{
    (void)state;
    assert_int_equal(check_table("| event \\ state | none | received |", &cc_hotline_events,
                                 CC_HEV_PAKN_RECEIVED, CC_HEV_PAKN_REFUSED, &cc_pakn_states,
                                 pakn_cell),
                     CC_HEV_PAKN_REFUSED - CC_HEV_PAKN_RECEIVED + 1);
}

/* The daemon-only events have no cell a client can reach. */
static void test_daemon_events_illegal(void **state)
{
    (void)state;
    for (unsigned s = 0; s < CC_PAKN_STATE_COUNT_; s++) {
        assert_int_equal(pakn_cell(CC_HEV_PAKN_ESCALATED, s)->kind, CC_TR_ILLEGAL);
        assert_int_equal(pakn_cell(CC_HEV_PAKN_OVERDUE, s)->kind, CC_TR_ILLEGAL);
    }
    assert_int_equal(dossier_cell(CC_EV_KIND_COUNT_, 0)->kind, CC_TR_ILLEGAL);
}

/* Is the list of @v's codes from @first written in PROTOCOL.md? */
static bool doc_lists(const cc_vocab_t *v, unsigned first, const char *sep)
{
    char want[512] = "";
    size_t used = 0;

    for (unsigned i = first; i < v->n; i++)
        used += (size_t)snprintf(want + used, sizeof(want) - used, "%s`%s`", i > first ? sep : "",
                                 v->names[i]);
    return strstr(doc, want) != NULL;
}

static void test_code_lists(void **state)
{
    static const struct {
        const cc_vocab_t *v;
        unsigned first;
    } lists[] = {
        { &cc_channels, 0 },        { &cc_sos_kinds, CC_SOS_STOP },
        { &cc_return_methods, 0 },  { &cc_fee_methods, 0 },
        { &cc_digitized, 0 },       { &cc_ratings, 0 },
        { &cc_ctypes, 0 },          { &cc_hotline_channels, 0 },
        { &cc_pakn_categories, 1 }, { &cc_pakn_refusals, CC_REFUSAL_ANONYMOUS },
        { &cc_classes, 0 },         { &cc_apologies, CC_APOLOGY_IN_TIME },
    };
    (void)state;

    for (size_t i = 0; i < CC_N(lists); i++)
        if (!doc_lists(lists[i].v, lists[i].first, " / ") &&
            !doc_lists(lists[i].v, lists[i].first, " \\| ") &&
            !doc_lists(lists[i].v, lists[i].first, ", "))
            fail_msg("PROTOCOL.md does not list the %ss as the code does", lists[i].v->what);
    for (unsigned s = 1; s < CC_DOSSIER_STATE_COUNT_; s++) {
        char needle[64];

        snprintf(needle, sizeof(needle), "`%s`", cc_vocab_name(&cc_dossier_states, s));
        if (strstr(doc, needle) == NULL)
            fail_msg("PROTOCOL.md does not name the dossier state %s", needle);
    }
}

/* Every figure of a report (proto/cc_figures.c) is named in PROTOCOL.md
 * §5.1, the SOS table's as its `sos_<k>_...` pattern. */
static void test_figures_documented(void **state)
{
    static const char *const kinds[] = { "stop", "supp", "refuse", "wdraw" };
    (void)state;

    for (size_t i = 0; i < cc_figures_n; i++) {
        const char *key = cc_figures[i].key;
        char needle[64];

        snprintf(needle, sizeof(needle), "`%s`", key);
        if (strstr(doc, needle))
            continue;
        for (size_t k = 0; k < CC_N(kinds); k++) {
            char pat[64];
            size_t kl = strlen(kinds[k]);

            if (strncmp(key, "sos_", 4) == 0 && strncmp(key + 4, kinds[k], kl) == 0) {
                snprintf(pat, sizeof(pat), "`sos_<k>%s`", key + 4 + kl);
                if (strstr(doc, pat))
                    goto found;
                snprintf(pat, sizeof(pat), "`sos_%s_pend`", kinds[k]);
                if (strstr(doc, pat))
                    goto found;
            }
        }
        fail_msg("PROTOCOL.md does not name the figure %s", needle);
    found:;
    }
}

/* Every indicator and figure of the index (cc_figures.h) is named in
 * PROTOCOL.md §5.6, the indicators with their maximum points. */
static void test_index_documented(void **state)
{
    char needle[96];
    (void)state;

    for (size_t i = 0; i < CC_IX_COUNT_; i++) {
        const cc_indicator_t *ix = &cc_indicators[i];
        const char *row, *eol;
        char line[512], cells[64];

        snprintf(needle, sizeof(needle), "| `%s` | %s", ix->key, ix->group);
        if ((row = strstr(doc, needle)) == NULL)
            fail_msg("PROTOCOL.md §5.6 has no row for the indicator `%s` of group %s", ix->key,
                     ix->group);
        eol = strchr(row, '\n');
        snprintf(line, sizeof(line), "%.*s", (int)(eol ? eol - row : (long)strlen(row)), row);
        if (ix->code[0])
            snprintf(cells, sizeof(cells), "| %s | %u |", ix->code, ix->max_points);
        else
            snprintf(cells, sizeof(cells), "| | %u |", ix->max_points);
        if (strstr(line, cells) == NULL)
            fail_msg("PROTOCOL.md §5.6: `%s` should have code '%s' and max %u", ix->key, ix->code,
                     ix->max_points);
    }
    for (size_t i = 0; i < cc_index_figures_n; i++) {
        snprintf(needle, sizeof(needle), "`%s`", cc_index_figures[i].key);
        if (strstr(doc, needle) == NULL)
            fail_msg("PROTOCOL.md does not name the index figure %s", needle);
    }
}

static int load(void **state)
{
    (void)state;
    doc = read_text_file(PROTOCOL_MD);
    return doc ? 0 : -1;
}

static int unload(void **state)
{
    (void)state;
    free(doc);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dossier_table),         cmocka_unit_test(test_pakn_table),
        cmocka_unit_test(test_daemon_events_illegal), cmocka_unit_test(test_code_lists),
        cmocka_unit_test(test_figures_documented),    cmocka_unit_test(test_index_documented),
    };
    return cmocka_run_group_tests(tests, load, unload);
}
