/*
 * report.h - the queries a supervisor reads the province's verdict with
 * (PROTOCOL.md §5.1, §5.4-§5.5):
 *
 *   report   one unit's figures for a period (from/to, or a named period)
 *   table    many units in one answer, one row each (an explicit list, all,
 *            a kind, the children of a parent, each with its children),
 *            ranked by a figure, with their total; with `grades`, each
 *            row's grade (DOMAIN.md §7.2) and what decided it
 *   index    the real-time service index (QĐ 766, index.h) of many units,
 *            one row each, ranked, with their total
 *   notes    the reminders and criticisms recorded for a unit
 *
 * Every figure comes from the per-day tallies (tally.h) summed over the
 * period; a total is the sum of its rows' tallies, so its rates are the
 * rates of the sums, never averages of rates. The keys and their labels
 * are proto/cc_figures.h. A named period is resolved per unit, with the
 * unit's own cut-off day when it has one.
 */
#ifndef SC_REPORT_H
#define SC_REPORT_H

/* The unit code that asks for the hotline's own figures: contacts without a
 * unit and complaints not (yet) attributed to a unit, which scoring keeps
 * under the empty code (operator, or a supervisor of all units). */
#define SC_REPORT_HOTLINE "-"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cc_auth.h"
#include "cc_codec.h"
#include "cc_reject.h"
#include "state.h"

/**
 * sc_rate_format - "NN.NN" for @num / @den with two decimals (rounded half
 * up), or "no data" when @den is 0.
 * @buf: at least 16 bytes.
 */
void sc_rate_format(uint64_t num, uint64_t den, char *buf, size_t size);

/**
 * sc_table_query - answer a table query (many units, ranked, total,
 * grades). Who: operator, or supervisor (only units in scope; an explicit
 * unit outside it is refused). Returns as sc_report_query.
 */
int sc_table_query(sc_state_t *st, const cc_principal_t *who, const msgpack_object *body,
                   uint64_t rid, cc_enc_t *out, cc_reject_t *rej);

/**
 * sc_index_query - answer an index query: the units chosen as for a table,
 * each row with its indicators (index.h), ranked by `sort`, and their
 * total from the sums of the rows' figures. Who and returns as
 * sc_table_query.
 */
int sc_index_query(sc_state_t *st, const cc_principal_t *who, const msgpack_object *body,
                   uint64_t rid, cc_enc_t *out, cc_reject_t *rej);

/**
 * sc_notes_query - the reminders and criticisms of one unit over a period.
 * Returns as sc_report_query.
 */
int sc_notes_query(sc_state_t *st, const cc_principal_t *who, const msgpack_object *body,
                   uint64_t rid, cc_enc_t *out, cc_reject_t *rej);

/**
 * sc_report_query - answer a report query.
 * @who: the asking principal (not NULL).
 * @body: the QUERY body.
 * @out: receives the whole RESULT map.
 * @rej: filled when refused.
 * Returns 0, 1 when refused (@rej), or a negative storage error.
 */
int sc_report_query(sc_state_t *st, const cc_principal_t *who, const msgpack_object *body,
                    uint64_t rid, cc_enc_t *out, cc_reject_t *rej);

#endif
