/*
 * state_priv.h - what the modules of scoring's derived state share
 * (state.c: applying records; tick.c: what time and rates raise). Not for
 * the query modules, which use state.h.
 */
#ifndef SC_STATE_PRIV_H
#define SC_STATE_PRIV_H

#include "cache.h"
#include "index.h"
#include "state.h"
#include "tally.h"

/* What scoring remembers of a dossier (db "dossier"). Version 2 added the
 * SOS, extension and alert fields; version 3 the due-soon, promise and
 * consultation ones; version 4 the service index's entry. */
#define SC_DOSSIER_VERSION 4
typedef struct {
    uint8_t version;
    uint8_t state;         /* cc_dossier_state_t */
    uint8_t overdue;       /* a dossier_overdue alert is active (and it is not in "due") */
    uint8_t sos_kind;      /* cc_sos_kind_t of the request pending review; CC_SOS_NONE none */
    uint8_t extended;      /* an extension (apology slip) was recorded */
    uint8_t rule_alert;    /* a supplement_rule_broken alert is active */
    uint8_t apology_alert; /* an apology_missing alert is active */
    uint8_t soon_alert;    /* a dossier_due_soon alert is active */
    uint8_t promise_alert; /* a promise_missed alert is active */
    uint8_t consults;      /* consultations asked and not answered (db "consult") */
    uint8_t pad[2];
    sc_index_entry_t ix; /* what the service index remembers of it (index.h) */
    int64_t due;
    int64_t received_at;
    int64_t sos_limit;          /* pending request: when it becomes alertable (in "sos") */
    int64_t soon_at;            /* when `due` is due soon: its timer (0: none) */
    int64_t promised;           /* the extension's promised date: its timer (0: none) */
    char unit[CC_MAX_CODE + 1]; /* handling unit */
    char proc[CC_MAX_CODE + 1];
    char sos_unit[CC_MAX_CODE + 1]; /* the unit the pending request was counted for */
} sc_dossier_t;

/* What scoring remembers of a complaint (db "pakn"). Version 2 added the
 * deadline, due-soon and reopened fields, and esc_alert became a level. */
#define SC_PAKN_VERSION 2
typedef struct {
    uint8_t version;
    uint8_t counted;      /* counted as received for a unit (not for the hotline "") */
    uint8_t answered;     /* its first answer was counted */
    uint8_t overdue;      /* counted in pakn_overdue */
    uint8_t published;    /* its first publication was counted */
    uint8_t esc_alert;    /* the level of the active pakn_escalated alert, 0: none */
    uint8_t ovd_alert;    /* a pakn_overdue alert is active */
    uint8_t soon_alert;   /* a pakn_due_soon alert is active */
    uint8_t reopen_alert; /* a pakn_reopened alert is active */
    uint8_t waiting;      /* waiting for an answer (received .. accepted) */
    uint8_t pad[6];
    int64_t due;                /* the deadline in force */
    int64_t soon_at;            /* when `due` is due soon: its timer (0: none) */
    char unit[CC_MAX_CODE + 1]; /* the unit it counts for; "" = the hotline */
} sc_pakn_t;

/* Units whose rate alerts may have changed (a resolution or a rating was
 * counted), evaluated when scoring is caught up. */
typedef struct {
    char (*codes)[CC_MAX_CODE + 1];
    size_t n, cap;
} sc_unit_set_t;

struct sc_state {
    cc_store_t *store;
    const cc_catalog_t *catalog;
    sc_alerts_t *alerts;
    MDB_dbi cursor_dbi, meta_dbi, tally_dbi, dossier_dbi, pakn_dbi, consult_dbi;
    MDB_dbi notes_dbi, grades_dbi; /* supervisors' reminders, criticisms and grade notes */
    sc_tally_acc_t *counts;        /* the tally's counts of the write transaction */
    sc_cache_t *dossiers;          /* the dossiers' snapshots used last (db "dossier") */
    int64_t open_change;           /* and its change of meta "open_dossiers" */
    sc_index_db_t index;           /* the real-time service index's (index.h) */
    uint64_t rebuilt_from;         /* layout found at open when it was rebuilt, else 0 */
    sc_unit_set_t dirty;
};

/* Dossiers' snapshots kept in memory (cache.h): at 168 bytes and a key,
 * about 30 MiB; a month or more of a province's dossiers. */
#define SC_DOSSIER_CACHE 131072

/**
 * sc_state_write - run @fn in a write transaction of the state's store
 * (cc_store_write), with the dossiers' snapshots it changed written back
 * before the commit and the cache told how the transaction ended. Every
 * transaction that reads or writes dossiers goes through it.
 * Returns as cc_store_write.
 */
int sc_state_write(sc_state_t *st, cc_store_write_fn fn, void *arg);

/** sc_load_dossier - a dossier; *@ret_found false (@d zeroed) when unknown. */
int sc_load_dossier(sc_state_t *st, cc_txn_t *txn, const char *id, sc_dossier_t *d,
                    bool *ret_found);

/** sc_put_dossier - store @d as dossier @id. */
int sc_put_dossier(sc_state_t *st, cc_txn_t *txn, const char *id, const sc_dossier_t *d);

/** sc_load_pakn - a complaint; *@ret_found false (@p zeroed) when unknown. */
int sc_load_pakn(sc_state_t *st, cc_txn_t *txn, const char *id, sc_pakn_t *p, bool *ret_found);

/** sc_put_pakn - store @p as complaint @id. */
int sc_put_pakn(sc_state_t *st, cc_txn_t *txn, const char *id, const sc_pakn_t *p);

/** sc_proc_label - a procedure's name for alert texts (its code when unknown). */
const char *sc_proc_label(sc_state_t *st, const char *proc);

/** sc_fmt_time - "HH:MM DD/MM/YYYY" of @t (local time) into @buf. */
void sc_fmt_time(char *buf, size_t size, int64_t t);

/**
 * sc_raise - raise alert @kind about @subject (@detail: NULL or the id's
 * third part) for @unit at @at, with the kind's usual severity unless
 * @severity is given (>= 0), and @text. Returns 0 or a storage error.
 */
int sc_raise(sc_state_t *st, cc_txn_t *txn, cc_alert_kind_t kind, int severity, const char *unit,
             const char *subject, const char *detail, int64_t at, const char *text);

/**
 * sc_due_soon_at - when a deadline @due set at @set_at becomes "due soon"
 * (DOMAIN.md §8, policy due_soon_working_days = N): the start of office
 * hours of the N-th working day before the day of @due. 0 (no alert) when
 * that moment is not after @set_at (a deadline set that close never was
 * "soon"), when N is 0, or when the calendar does not cover those days.
 */
int64_t sc_due_soon_at(sc_state_t *st, int64_t due, int64_t set_at);

/**
 * sc_consult_deadline - the deadline of @dossier's pending consultation of
 * @agency. Returns 0 with *@ret, 1 when there is none, or a storage error.
 */
int sc_consult_deadline(sc_state_t *st, cc_txn_t *txn, const char *dossier, const char *agency,
                        int64_t *ret);

/** sc_unit_set_add - remember @unit (no duplicates). */
void sc_unit_set_add(sc_unit_set_t *s, const char *unit);

#endif
