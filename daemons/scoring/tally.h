/*
 * tally.h - per-unit, per-day counters of scoring (LMDB db "tally").
 *
 * Key:   unit code bytes, 0x00, be32(day ^ 0x80000000)   (day = cc_local_day,
 *        biased so that negative days sort before positive ones; the 0x00
 *        keeps "SO-TP" and "SO-TP2" apart)
 *   and  unit code bytes, 0x01, be32(month ^ 0x80000000)  (month = year * 12
 *        + month - 1): the sum of the unit's days of that month, kept with
 *        them by every sc_tally_add
 * Value: sc_tally_t, a fixed-size struct whose first field is a version. A
 *        new counter is a new version; old state is rebuilt from the logs
 *        (scoring holds derived state only).
 *
 * "Open" is never stored: open at the end of day D for unit U is the sum
 * over days <= D of received + transferred_in - resolved_* -
 * ended_without_class - transferred_out, so backlog and open figures of any
 * range come from the unit's whole history. The months make that cheap:
 * a range reads the unit's months (twelve a year) and the days of its
 * first and last month only, however long the history.
 */
#ifndef SC_TALLY_H
#define SC_TALLY_H

#include <stdbool.h>
#include <stdint.h>

#include "cc_store.h"

/* The counters, in the order of the struct. Names (sc_counter_name) are
 * the report's keys, so they fit the protocol's 16-byte key limit
 * (CC_MAX_KEY): rejected_at_counter is "rejected", ended_without_class
 * "ended_no_class", pakn_answered_on_time "pakn_on_time", contacts by type
 * "contacts_info", "contacts_guide", "contacts_postal", "contacts_pakn",
 * "contacts_other"; version 2: "sos_<kind>_req|ok|deny" with kind stop,
 * supp, refuse, wdraw; "supp_rule_broken", "extended", "apology_in_time",
 * "apology_late", "apology_missing", "paid_cash", "paid_cashless",
 * "paid_online", "digitized_result", "digitized_parts", "rated_very",
 * "rated_ok", "rated_bad", "contacts_phone", "contacts_email",
 * "contacts_app", "contacts_zalo", "contacts_portal", "pakn_to_unit",
 * "pakn_ans_l1".."pakn_ans_l3", "pakn_published", "pakn_pub_late",
 * "pakn_escalated", "pakn_overdue", "pakn_reopened", "pakn_forwarded". */
typedef enum {
    SC_RECEIVED,
    SC_RECEIVED_DIRECT,
    SC_RECEIVED_ONLINE,
    SC_RECEIVED_POSTAL,
    SC_REJECTED_AT_COUNTER,
    SC_RESOLVED_EARLY,
    SC_RESOLVED_ON_TIME,
    SC_RESOLVED_LATE,
    SC_ENDED_WITHOUT_CLASS,
    SC_TRANSFERRED_IN,
    SC_TRANSFERRED_OUT,
    SC_CONTACTS,
    SC_CONTACTS_INFORMATION,
    SC_CONTACTS_GUIDANCE,
    SC_CONTACTS_POSTAL,
    SC_CONTACTS_COMPLAINT,
    SC_CONTACTS_OTHER,
    SC_PAKN_RECEIVED,
    SC_PAKN_ANSWERED,
    SC_PAKN_ANSWERED_ON_TIME,
    /* version 2 */
    SC_SOS_STOP_REQ,  /* SOS table: requests, approved (ok), denied, */
    SC_SOS_STOP_OK,   /* per kind; the pending figure of a report is */
    SC_SOS_STOP_DENY, /* req - ok - deny summed up to its last day */
    SC_SOS_SUPP_REQ,
    SC_SOS_SUPP_OK,
    SC_SOS_SUPP_DENY,
    SC_SOS_REFUSE_REQ,
    SC_SOS_REFUSE_OK,
    SC_SOS_REFUSE_DENY,
    SC_SOS_WDRAW_REQ,
    SC_SOS_WDRAW_OK,
    SC_SOS_WDRAW_DENY,
    SC_SUPP_RULE_BROKEN, /* supplement requests flagged rule_broken */
    SC_EXTENDED,         /* extensions (apology slips) issued */
    SC_APOLOGY_IN_TIME,  /* late resolutions by their apology: */
    SC_APOLOGY_LATE,
    SC_APOLOGY_MISSING,
    SC_PAID_CASH, /* fee_paid by method */
    SC_PAID_CASHLESS,
    SC_PAID_ONLINE,
    SC_DIGITIZED_RESULT, /* digitized events by what */
    SC_DIGITIZED_PARTS,
    SC_RATED_VERY, /* ratings */
    SC_RATED_OK,
    SC_RATED_BAD,
    SC_CONTACTS_PHONE, /* contacts by channel */
    SC_CONTACTS_EMAIL,
    SC_CONTACTS_APP,
    SC_CONTACTS_ZALO,
    SC_CONTACTS_PORTAL,
    SC_PAKN_TO_UNIT,     /* hotline ("" unit) only: handed to a unit */
    SC_PAKN_ANSWERED_L1, /* first answers by the level at the answer */
    SC_PAKN_ANSWERED_L2,
    SC_PAKN_ANSWERED_L3,
    SC_PAKN_PUBLISHED,
    SC_PAKN_PUBLISHED_LATE,
    SC_PAKN_ESCALATED,
    SC_PAKN_OVERDUE,
    SC_PAKN_REOPENED,
    SC_PAKN_FORWARDED,
    SC_PAKN_REFUSED, /* refused (từ chối tiếp nhận), and those late */
    SC_PAKN_REFUSED_LATE,
    /* version 4 */
    SC_REMINDERS,       /* văn bản nhắc nhở recorded by supervisors, on the document's day */
    SC_CRITICISMS,      /* phê bình */
    SC_REPORTED_COUNT_, /* the counters above are report figures; those below are not */
    /* version 4: open dossiers within / past their due date, as
     * difference counters (sc_tally_open_move): open within due at the
     * end of day D = the sum over days <= D of in_add - in_sub; past due
     * likewise. Monotonic, so that a sum never goes below zero. */
    SC_OPEN_IN_ADD = SC_REPORTED_COUNT_,
    SC_OPEN_IN_SUB,
    SC_OPEN_PAST_ADD,
    SC_OPEN_PAST_SUB,
    /* version 5: the real-time service index (index.h says when each is
     * counted). Open dossiers within due that had more than one supplement
     * request, as difference counters like those above: */
    SC_OPEN_MULTI_IN_ADD,
    SC_OPEN_MULTI_IN_SUB,
    SC_IX_ENDED_OK,   /* ended in time, at most one supplement request */
    SC_IX_FEE,        /* dossiers with a fee, on their receipt day */
    SC_IX_FEE_ONLINE, /* of those, paid online, on their receipt day */
    SC_IX_E_RESULT,   /* electronic results, on the day of the resolution */
    SC_IX_E_PARTS,    /* components digitized, on the receipt day */
    SC_IX_BAD,        /* dossiers with a complaint or a dissatisfied rating */
    SC_COUNTER_COUNT_
} sc_counter_t;

/* Version 2 added the SOS table, apologies, payments, digitization,
 * ratings, contacts by channel and the PAKN figures; version 3 the
 * refused complaints; version 4 the open-within/past-due counters;
 * version 5 the index's; version 6 the months' rows; version 7 keys the
 * notes beside the tallies by sender too. A stored value of another
 * version is never read as this one: sc_state_open() finds the older
 * layout in "meta" and rebuilds all derived state from the logs. */
#define SC_TALLY_VERSION 7u
#define SC_TALLY_KEY_MAX (32 + 1 + 4)

/* One unit's counters on one day, as stored. */
typedef struct {
    uint32_t version; /* SC_TALLY_VERSION */
    uint32_t c[SC_COUNTER_COUNT_];
} sc_tally_t;

/* Counters summed over a range of days. */
typedef struct {
    uint64_t c[SC_COUNTER_COUNT_];
} sc_sum_t;

/** sc_counter_name - the report key of counter @c ("received", ...). */
const char *sc_counter_name(sc_counter_t c);

/**
 * sc_tally_key - build the key of (@unit, @day).
 * @out: SC_TALLY_KEY_MAX bytes.
 * Returns the key length; a unit longer than 32 bytes is cut at 32.
 */
size_t sc_tally_key(uint8_t out[SC_TALLY_KEY_MAX], const char *unit, int32_t day);

/*
 * The counts of a write transaction, gathered in memory: applying a record
 * adds to its unit's day there (a hash lookup), and sc_tally_acc_write
 * adds each day's and month's changes to its stored row once, at the end
 * of the transaction, rows in key order. Nothing reads the rows while
 * records are applied, so the stored figures are those of adding record
 * by record, at the cost of one update per row a transaction touches.
 */
typedef struct sc_tally_acc sc_tally_acc_t;

/** sc_tally_acc_new - an empty accumulator (sc_tally_acc_destroy). */
sc_tally_acc_t *sc_tally_acc_new(void);

/** sc_tally_acc_destroy - free; accepts NULL, nulls the pointer. */
void sc_tally_acc_destroy(sc_tally_acc_t **self_p);

/** sc_tally_acc_reset - forget the counts gathered (a transaction starts again). */
void sc_tally_acc_reset(sc_tally_acc_t *acc);

/**
 * sc_tally_add - add @n to counter @c of @unit on @day (and so to the row
 * of that day's month), in @acc. A unit longer than 32 bytes is cut at 32,
 * as in its key.
 */
void sc_tally_add(sc_tally_acc_t *acc, const char *unit, int32_t day, sc_counter_t c, uint32_t n);

/**
 * sc_tally_acc_write - add the counts gathered in @acc to the rows of @dbi
 * inside @txn (each day row and month row once), then empty @acc.
 * Returns 0, MDB_CORRUPTED for a stored value of another layout, or a
 * negative storage error (sticky in @txn; @acc is emptied all the same).
 */
int sc_tally_acc_write(sc_tally_acc_t *acc, cc_txn_t *txn, MDB_dbi dbi);

/**
 * sc_tally_range - sum the counters of @unit over the days before @from
 * (into @ret_before) and over [@from, @to] inclusive (into @ret_within):
 * the whole months from the months' rows, the days of @from's and @to's
 * months from their days' rows. Either output may be NULL. Days after @to
 * are not read.
 * Returns 0 or a negative storage error (MDB_CORRUPTED for a bad value).
 */
int sc_tally_range(cc_txn_t *txn, MDB_dbi dbi, const char *unit, int32_t from, int32_t to,
                   sc_sum_t *ret_before, sc_sum_t *ret_within);

/* Where an open dossier stands for the within/past-due counters. */
typedef struct {
    const char *unit; /* handling unit */
    bool open;        /* in processing or supplement_wait (else nothing counts) */
    bool paused;      /* supplement_wait: the clock is stopped, never past due */
    int64_t due;      /* the due date in force */
} sc_open_t;

/* The difference counters a standing is kept in: within due (add, sub)
 * and past due (add, sub; SC_COUNTER_COUNT_ when only "within" is kept). */
typedef struct {
    sc_counter_t in_add, in_sub, past_add, past_sub;
} sc_open_counters_t;

/* The report's counters (SC_OPEN_*), and the index's for dossiers with more
 * than one supplement request (within due only). */
extern const sc_open_counters_t sc_open_all, sc_open_multi;

/**
 * sc_tally_open_move - a dossier's standing changes on @day from @before
 * (NULL: it was not counted) to @after (NULL: no longer counted): move it
 * between the within-due and past-due counters @set from @day on, including
 * the day its due date passes (DOMAIN.md §5, "open within / past due at to":
 * at the end of a day, a dossier in processing whose due date is before
 * that moment is past due; one waiting for a supplement is within due).
 * The counts go to @acc.
 */
void sc_tally_open_move(sc_tally_acc_t *acc, const sc_open_counters_t *set, int32_t day,
                        const sc_open_t *before, const sc_open_t *after);

/**
 * sc_sum_open_within, sc_sum_open_past - the open dossiers within and past
 * their due date implied by @s, the sum over every day up to the end of a
 * period.
 */
uint64_t sc_sum_open_within(const sc_sum_t *s);
uint64_t sc_sum_open_past(const sc_sum_t *s);

/**
 * sc_sum_open_multi_within - of sc_sum_open_within(@s), the dossiers that
 * had more than one supplement request.
 */
uint64_t sc_sum_open_multi_within(const sc_sum_t *s);

/**
 * sc_sum_pakn_to_handle - the complaints a unit had to handle in @s:
 * received, less those the hotline handed to a unit (its own figure only).
 */
uint64_t sc_sum_pakn_to_handle(const sc_sum_t *s);

/**
 * sc_sum_open - the open count implied by @s (received + transferred_in -
 * ended - transferred_out), clamped at 0.
 */
uint64_t sc_sum_open(const sc_sum_t *s);

#endif
