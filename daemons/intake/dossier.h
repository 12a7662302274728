/*
 * dossier.h - the dossier (hồ sơ) and its legal lifecycle (DOMAIN.md §3-§5).
 *
 * This module is pure: it knows the states, which event each state allows,
 * how the due date moves, and how a resolution is classified. It touches no
 * storage and no socket, so every rule is tested directly
 * (tests/unit/test_dossier.c) and intake.c only stores what it decides.
 *
 * States (cc_vocab.h): processing (received, being handled) ->
 * supplement_wait (an approved supplement request stops the clock) ->
 * processing -> resolved -> returned; terminal alternatives refused,
 * stopped, withdrawn. A pending SOS request (stop, supplement, refuse,
 * withdraw) is a sub-state of processing: the clock keeps running while it
 * waits for review.
 *
 * The lifecycle is a table, [event][state] -> cell (cc_reject.h): the cell
 * refuses the event, or lets it keep or change the state; each event then
 * has one small function for what the table cannot say (the unit to check,
 * the due date to compute). PROTOCOL.md §3.3 prints the same table, and a
 * test compares the two.
 */
#ifndef CC_DOSSIER_H
#define CC_DOSSIER_H

#include <stdbool.h>
#include <stdint.h>

#include "cc_catalog.h"
#include "cc_codec.h"
#include "cc_duedate.h"
#include "cc_reject.h"
#include "cc_vocab.h"

/* The state of one dossier (stored compactly by dossier_store.h). A fixed
 * little struct with a version byte; the log holds the full history, so a
 * new layout can always be rebuilt from it. */
typedef struct {
    uint8_t version;     /* CC_DOSSIER_VERSION */
    uint8_t state;       /* cc_dossier_state_t */
    uint8_t channel;     /* 0 direct, 1 online, 2 postal */
    uint8_t sos_pending; /* cc_sos_kind_t of the request under review */
    uint8_t apology;     /* cc_apology_t of the extension, if any */
    uint8_t supplements; /* supplement requests so far */
    uint8_t klass;       /* cc_class_t + 1 once resolved, else 0 */
    uint8_t consults_open;
    int64_t received_at; /* time of receipt */
    int64_t due_at;      /* legal due date (moves only on supplement restart) */
    int64_t promised_at; /* date promised by the apology (extension), 0 if none */
    int64_t resolved_at;
    int64_t last_at; /* time of the last lifecycle event */
    int64_t sos_at;  /* time of the pending SOS request */
    char proc[CC_MAX_CODE + 1];
    char recv_unit[CC_MAX_CODE + 1];
    char unit[CC_MAX_CODE + 1]; /* handling unit */
} cc_dossier_t;

#define CC_DOSSIER_VERSION 1

/* One event, decoded and checked for shape (not yet for the lifecycle). */
typedef struct {
    cc_dossier_event_kind_t kind;
    int64_t at;
    char dossier[CC_MAX_ID + 1];
    char proc[CC_MAX_CODE + 1];    /* received, rejected_at_counter */
    char unit[CC_MAX_CODE + 1];    /* received, rejected_at_counter: receiving unit */
    char to_unit[CC_MAX_CODE + 1]; /* transferred */
    uint8_t channel;               /* received */
    cc_sos_kind_t sos_kind;        /* sos_requested */
    bool approved;                 /* sos_reviewed */
    int64_t promised;              /* extended */
    int64_t deadline;              /* consult_requested */
    char agency[CC_MAX_CODE + 1];  /* consult_requested/answered */
    uint64_t amount;               /* fee_paid, in đồng */
    uint8_t method; /* fee_paid: cash/cashless/online; returned: counter/post/electronic */
    uint8_t what;   /* digitized: components/result */
    uint8_t rating; /* rated: very_satisfied/satisfied/dissatisfied */
} cc_dossier_event_t;

/* What applying an event decided, for the log record and for scoring. */
typedef struct {
    bool creates;                /* the event creates the dossier record */
    bool stores_state;           /* the dossier record changes */
    bool supplement_rule_broken; /* sos supplement: second one, or > N working days late */
    bool promise_kept;           /* unused unless extended */
} cc_dossier_outcome_t;

/**
 * cc_dossier_event_parse - decode the intake fields of an event map.
 * @ev: the "ev" map (eid, type and at already checked by the core).
 * @ret: the decoded event.
 * @rej: on failure, code bad_field (or unsupported for an unknown type).
 * Returns 0, or 1 when rejected.
 */
int cc_dossier_event_parse(const msgpack_object *ev, cc_dossier_event_t *ret, cc_reject_t *rej);

/**
 * cc_dossier_apply - decide whether @ev may happen to dossier @d and, if so,
 * update @d.
 * @cat: catalogs (procedures, calendar, policy).
 * @d: current state (state CC_DOSSIER_NONE when the id is unknown); on
 *   acceptance it holds the new state; on rejection it is unchanged.
 * @ev: the event.
 * @now: the daemon's clock (for the future-event tolerance).
 * @out: what was decided.
 * @rej: the reason when rejected.
 * Returns 0 accepted, 1 rejected.
 */
int cc_dossier_apply(const cc_catalog_t *cat, cc_dossier_t *d, const cc_dossier_event_t *ev,
                     int64_t now, cc_dossier_outcome_t *out, cc_reject_t *rej);

/**
 * cc_dossier_restore - apply one intake log record (PROTOCOL.md §3.4) to
 * @d without judging it: the record already says what the lifecycle
 * decided (state, units, due date, class, apology), so no catalog is read
 * and a catalog changed since cannot change the result. Replaying a
 * dossier's records in log order gives the state cc_dossier_apply() left,
 * byte for byte: that is how intake rebuilds its dossier state (a new
 * stored layout, `--rebuild`).
 * @d: the dossier as restored so far (zeroed, state NONE, before its
 *   receipt); updated in place.
 * @rec: the record map.
 * @ret_kind: the record's event type.
 * Returns 0 when @d changed (a lifecycle event), 1 when the record leaves
 * the stored state alone (fee_paid, digitized, rated; rejected_at_counter,
 * which has no dossier), -EINVAL for a record that is not a dossier record
 * of this protocol.
 */
int cc_dossier_restore(cc_dossier_t *d, const msgpack_object *rec,
                       cc_dossier_event_kind_t *ret_kind);

/**
 * cc_dossier_transition - the lifecycle table's cell for event @k in state
 * @s (PROTOCOL.md §3.3): what cc_dossier_apply() does before the event's
 * own guards and effects. Exposed for the documentation test.
 */
const cc_transition_t *cc_dossier_transition(cc_dossier_event_kind_t k, cc_dossier_state_t s);

#endif
