/*
 * index.h - the real-time service index of QĐ 766/QĐ-TTg (DOMAIN.md §7.3),
 * per unit, for many units and for their total (PROTOCOL.md §5.6).
 *
 * RULES, as computed here. 100 points in six groups; an indicator's points
 * come from a ratio r = num ÷ den, where num is never taken above den (so
 * 0 <= r <= 1), and are rounded to hundredths of a point, half up. Keys
 * and labels: proto/cc_figures.h (cc_indicators).
 *
 *   group  indicator (code)     max  points            num ÷ den                     den = 0
 *   CKMB   ckmb                  18  -                 (no event carries it)         not measured
 *   TDGQ   tdgq (2.1)            20  20·r              in time ÷ handled             not measured
 *   DVTT   online_share (3.3)     6  min(6, 6·r/0.5)   received online ÷ received    not measured
 *          online_offer (3.1)     2  min(2, 2·r/0.8)   offered online ÷ procedures   not measured
 *          online_used (3.2)      4  4·r               used online ÷ offered online  not measured
 *   TTTT   pay_online (3.6)       6  6·r               paid online ÷ with a fee      not measured
 *          pay_other              4  -                 (no event carries it)         not measured
 *   MDSH   e_result               6  6·r               e-result ÷ resolved           not measured
 *          e_parts                4  4·r               digitized ÷ received          not measured
 *          mdsh_other            12  -                 (no event carries it)         not measured
 *   MDHL   pakn_timely            6  6·r               on time ÷ answered            6 (none)
 *          pakn_sat               6  6·r               satisfied ÷ complaints        6 (none)
 *          dossier_sat            6  min(6, 6·r/0.9)   (in time − bad) ÷ handled     0 (none)
 *
 * coverage = the max points of the indicators that have a value (66 when
 * every one the events carry has data); score = their points; share =
 * score ÷ coverage. The figures, over the period's days, for a unit:
 *
 *  - handled: the dossiers that ended in the period (resolved, or refused,
 *    stopped, withdrawn) and those open at its end: each dossier once, for
 *    the unit that had it when it ended or when the period ended (a
 *    dossier transferred away counts where it went): the report's
 *    to_handle − transferred_out.
 *  - in time: of those, the ones that ended in time or are open within due
 *    at the period's end, and that had at most one supplement request.
 *    "Ended" is the end of processing: the resolution (early or on time is
 *    in time; a dossier is returned only after its resolution), else the
 *    approved refusal, stop or withdrawal, in time when it is not after the
 *    due date in force or comes while the dossier waits for a supplement.
 *    Open within due is the report's open_within: the due date in force at
 *    the period's end, a supplement wait stops the clock and its restart
 *    counts the whole duration again, so supplement time is never counted
 *    against the unit. Two or more supplement requests (sos_requested of
 *    kind supplement, approved or not) make a dossier late whatever its
 *    dates ("guide once, in full"). Counted when the dossier ends
 *    (SC_IX_ENDED_OK, handling unit, day of the end) or, open, by difference
 *    counters whose standing moves at the second request (SC_OPEN_MULTI_*,
 *    subtracted from open_within).
 *  - received, received online: the report's (receiving unit, receipt day).
 *  - procedures: those whose catalog `units` list the unit; offered online:
 *    of them, `online` partial or full; used online: of those, the ones the
 *    unit received at least one dossier of with channel online on a day of
 *    the period (a per unit and procedure list of days, "ixonline").
 *  - with a fee: dossiers received in the period whose procedure has
 *    `has_fee` yes at receipt, or that paid a fee (fee_paid) anyway; paid
 *    online: of them, those with a fee_paid of method online. Both once per
 *    dossier and counted on the receipt day for the receiving unit, so a
 *    payment made later raises the figure of the period of the receipt.
 *  - resolved: the report's; e-result: of the dossiers resolved in the
 *    period, those with a `digitized` of what result (once per dossier,
 *    counted on the day of the resolution for the unit that resolved it).
 *  - digitized: of the dossiers received in the period, those with a
 *    `digitized` of what components (once, receipt day, receiving unit).
 *  - complaints: the report's pakn_to_handle; answered and on time: the
 *    report's pakn_answered and pakn_on_time; satisfied: complaints −
 *    reopened − overdue (floored at 0), where reopened is pakn_reopened
 *    (each time the citizen said "not satisfied", which also makes the
 *    complaint come back: QĐ 766's dissatisfied and repeated, counted once)
 *    and overdue is pakn_overdue (each complaint once).
 *  - bad: dossiers that got a complaint (a PAKN naming the dossier, when
 *    scoring knows it) or a `rated` dissatisfied: once per dossier, for its
 *    handling unit on that day. 1 − r of dossier_sat is the late share
 *    (1 − r of tdgq) plus the share of bad dossiers.
 *
 * A total (a table's, the province's) is computed from the sums of its
 * rows' numerators and denominators, never from their points; for 3.1 and
 * 3.2 it counts (unit, procedure) pairs.
 */
#ifndef SC_INDEX_H
#define SC_INDEX_H

#include <stdbool.h>
#include <stdint.h>

#include "cc_catalog.h"
#include "cc_codec.h"
#include "cc_figures.h"
#include "cc_store.h"
#include "tally.h"

/* The figures of one unit (or a sum of units) the indicators come from;
 * every member is a uint64_t count (sc_index_add adds them one by one). */
typedef struct {
    uint64_t handled, in_time;                  /* tdgq, dossier_sat */
    uint64_t received, received_online;         /* online_share, e_parts */
    uint64_t procedures, offered, used;         /* online_offer, online_used */
    uint64_t with_fee, paid_online;             /* pay_online */
    uint64_t resolved, e_result, e_parts;       /* e_result, e_parts */
    uint64_t pakn_answered, pakn_on_time;       /* pakn_timely */
    uint64_t pakn, pakn_reopened, pakn_overdue; /* pakn_sat */
    uint64_t bad;                               /* dossier_sat */
} sc_index_input_t;

/* One indicator's value. */
typedef struct {
    bool measured; /* false: "not measured" (no event carries it, or no data) */
    uint64_t num, den;
    uint32_t points; /* hundredths of a point */
} sc_indicator_value_t;

/* The index of one unit or total. */
typedef struct {
    sc_indicator_value_t v[CC_IX_COUNT_];
    uint32_t score;    /* hundredths of a point, the sum of the indicators' */
    uint32_t coverage; /* points measurable */
} sc_index_t;

/**
 * sc_index_compute - apply the rules above to @in.
 * @ret: every indicator, the score and the coverage.
 */
void sc_index_compute(const sc_index_input_t *in, sc_index_t *ret);

/**
 * sc_index_add - add @b's figures to @a (a total is the sum of its rows').
 */
void sc_index_add(sc_index_input_t *a, const sc_index_input_t *b);

/* ---- What the index remembers, and counts from the logs ------------------------ */

/* The layout of what the index keeps: part of scoring's layout (state.h),
 * so that a store of another one is rebuilt from the logs. Version 2 keeps
 * a dossier's entry in the dossier's snapshot instead of "ixdossier". */
#define SC_INDEX_VERSION 2u

/* What the index remembers of a dossier, kept in scoring's snapshot of it
 * (state_priv.h, db "dossier"): read and written with it, so counting a
 * record costs no lookup of its own. The receiving unit and the receipt's
 * day come with each record (runit, received_at). */
typedef struct {
    uint8_t supplements; /* supplement requests so far (at most 255 are told apart) */
    uint8_t flags;       /* what was counted once: with a fee, paid online, e-result, ... */
    uint8_t resolved;    /* resolved_day is set */
    uint8_t pad;
    int32_t resolved_day; /* the day of its resolution */
} sc_index_entry_t;

/* The databases of the index in scoring's environment (derived state,
 * emptied with the rest on a layout change):
 *   ixonline   unit, 0x00, procedure -> the sorted local days (int32) on
 *              which the unit received a dossier of it online
 *   ixdossier  retired with version 1 (the entries are in the dossiers'
 *              snapshots): opened only so that a rebuild empties it */
typedef struct {
    sc_tally_acc_t *counts; /* where the index's counters go (tally.h's, borrowed) */
    MDB_dbi retired, online;
} sc_index_db_t;

/**
 * sc_index_open - open (creating) the index's databases in @store.
 * @counts: the counts of the write transaction (the state's). Returns 0 or
 * a negative storage error.
 */
int sc_index_open(cc_store_t *store, sc_tally_acc_t *counts, sc_index_db_t *ret);

/* One applied dossier record, as scoring's state read it. */
typedef struct {
    int kind;            /* cc_dossier_event_kind_t */
    const char *dossier; /* its id */
    const char *unit;    /* the handling unit after the record */
    const char *proc;    /* the procedure ("" when the record has none) */
    int64_t at, received_at;
    int channel;  /* sc_counter_t of the receipt channel (SC_RECEIVED_ONLINE...), -1 none */
    int klass;    /* sc_counter_t of a resolution's class (SC_RESOLVED_EARLY...), -1 none */
    int figure;   /* sc_counter_t of a payment, digitization or rating, -1 none */
    int sos_kind; /* cc_sos_kind_t of a request, -1 none */
    const sc_open_t *before; /* where it stood before the record; NULL: unknown then */
    const sc_open_t *after;  /* and after it */
    const char *runit;       /* the record's receiving unit ("" when none) */
    sc_index_entry_t *entry; /* the dossier's entry (zeroed for a new one), updated */
} sc_index_rec_t;

/**
 * sc_index_dossier - count @rec for the index inside @txn (the rules
 * above): receipts, supplement requests, ends, payments, digitization and
 * dissatisfied ratings; @rec->entry is updated (the caller stores it with
 * the dossier).
 * @cat: the catalog (has_fee of the procedure at receipt; may be NULL).
 * Returns 0 or a negative storage error.
 */
int sc_index_dossier(const sc_index_db_t *ix, const cc_catalog_t *cat, cc_txn_t *txn,
                     const sc_index_rec_t *rec);

/**
 * sc_index_complaint - a complaint is first seen on @day and names a
 * dossier that scoring knows (its entry @entry): that dossier is "bad"
 * (once), counted for @unit (the dossier's handling unit).
 * Returns whether @entry changed (the caller stores it with the dossier).
 */
bool sc_index_complaint(const sc_index_db_t *ix, sc_index_entry_t *entry, const char *unit,
                        int32_t day);

/**
 * sc_index_input - the figures of @u over the days [@from_day, @to_day]
 * from its summed counters (@before: the days before @from_day, @within:
 * the period, @upto: up to the moment its open dossiers are judged) and
 * the index's databases. Returns 0 or a negative storage error.
 */
int sc_index_input(const sc_index_db_t *ix, const cc_catalog_t *cat, cc_txn_t *txn,
                   const cc_unit_t *u, int32_t from_day, int32_t to_day, const sc_sum_t *before,
                   const sc_sum_t *within, const sc_sum_t *upto, sc_index_input_t *ret);

/**
 * sc_index_encode - the pairs of @ix (PROTOCOL.md §5.6): for each
 * indicator <k>_num, <k>_den (not for those no event carries), <k>_pts,
 * <k>_max; then index_score, index_coverage, index_share.
 */
void sc_index_encode(cc_enc_t *out, const sc_index_t *ix);

#endif
