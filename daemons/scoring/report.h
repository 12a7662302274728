/*
 * report.h - the unit report query (QUERY q=report).
 *
 * Request: {rid, q: "report", unit (code), from, to (Unix seconds)}; the days
 * are the local days (UTC+7) of from and to, both inclusive.
 * Who: an operator, or a supervisor with @unit in scope.
 * RESULT (keys within the protocol's 16-byte limit, CC_MAX_KEY):
 *   {rid, unit, unit_name, from, to, received, received_direct,
 *   received_online, received_postal, rejected (at the counter), resolved,
 *   resolved_early, resolved_on_time, resolved_late, ended_no_class
 *   (refused/stopped/withdrawn), transferred_in, transferred_out,
 *   backlog_at_start, to_handle, open_at_end, on_time_num, on_time_den,
 *   on_time_rate, pakn_received, pakn_answered, pakn_on_time (answered on
 *   time), contacts, contacts_info, contacts_guide, contacts_postal,
 *   contacts_pakn, contacts_other}
 * backlog_at_start: open at the end of the day before `from`;
 * open_at_end: open at the end of `to`'s day; to_handle = backlog_at_start +
 * received + transferred_in (transfers in are work to handle too; with no
 * transfer it is the seeds' "tồn đầu kỳ + tiếp nhận mới");
 * on_time_rate = (early + on_time) / resolved as "93.01", or "no data" when
 * nothing was resolved.
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
