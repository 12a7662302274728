/*
 * complaint.h - hotline 1022 contacts and the PAKN (phản ánh, kiến nghị)
 * lifecycle, levels and deadlines (DOMAIN.md §6).
 *
 * Pure, like dossier.h: states, which event each state allows and who may
 * send it, level deadlines from the policy (computed with the intake
 * calendar: cc_deadline_working_days / cc_deadline_working_hours), and
 * escalation. No storage, no socket, no logging; hotline.c stores what this
 * module decides and tests/unit/test_hotline_complaint.c tests it directly.
 *
 * PAKN states:
 *   received -> classified -> assigned -> accepted -> answered -> published
 *   -> closed;  classified -> answered (level 1: the hotline answers itself);
 *   received|classified -> forwarded (outside the province's competence)
 *   -> closed;  received|classified -> refused (not a PAKN the province
 *   takes up: anonymous, unclear, already handled, a khiếu nại/tố cáo;
 *   final, late after pakn_refusal_working_days [2] from receipt);
 *   answered|published|closed -> reopened (the citizen is not
 *   satisfied): back to assigned when the complaint has a unit, else to
 *   classified, with a new deadline at its current level.
 * Levels: 1 on receipt; 2 on assignment to a unit; +1 (at most 3) when the
 * current level's deadline passes while the complaint is still waiting
 * for an answer (received, classified, assigned, accepted): escalation.
 * At level 3 there is no next level: the passed deadline marks the
 * complaint overdue, once per round (a reopening starts a new round).
 * Deadline of a level started at t (policy, defaults in brackets): level 1
 * cc_deadline_working_days(t, pakn_level1_working_days [0 = same working
 * day]); level 2 pakn_level2_working_days [15]; level 3
 * pakn_level3_working_days [15]; an urgent complaint's deadline is the
 * earlier of that and cc_deadline_working_hours(t, pakn_level2_urgent_hours
 * [4]). An escalation starts the next level at the moment the previous
 * deadline passed (not when the tick noticed), so it is deterministic.
 * Roles: agents (hotline) log contacts and do everything on a complaint
 * except what belongs to the unit: accepting, and answering once the
 * complaint is assigned; a unit contact point may only accept and answer
 * complaints assigned to one of its units (HELLO units).
 */
#ifndef CC_COMPLAINT_H
#define CC_COMPLAINT_H

#include <stdbool.h>
#include <stdint.h>

#include "cc_auth.h"
#include "cc_catalog.h"
#include "cc_codec.h"
#include "cc_reject.h"
#include "cc_schema.h"
#include "cc_vocab.h"

/* Bounds of the hotline fields: cc_schema.h (CC_PAKN_MAX_ID ...). */
#define CC_PAKN_MAX_LEVEL 3
#define CC_HOTLINE_RESERVED_EID "esc:" /* event ids the daemon raises itself */

/* A contact (LMDB "contact", key = contact id). */
typedef struct {
    uint8_t version; /* CC_CONTACT_VERSION */
    uint8_t ctype;   /* cc_ctype_t */
    uint8_t channel; /* cc_hotline_channel_t */
    uint8_t closed;
    uint8_t exists;
    uint8_t pad_[3];
    int64_t at;
    int64_t closed_at;
    char agent[CC_MAX_CODE + 1];
    char unit[CC_MAX_CODE + 1]; /* "" if none */
} cc_contact_t;

#define CC_CONTACT_VERSION 1

/* A complaint's non-personal state (LMDB "pakn", key = pakn id). Caller
 * details and texts live in the "personal" database, never here. */
typedef struct {
    uint8_t version;  /* CC_PAKN_VERSION */
    uint8_t state;    /* cc_pakn_state_t */
    uint8_t level;    /* 1..3 */
    uint8_t category; /* cc_pakn_category_t */
    uint8_t urgent;
    uint8_t on_time;   /* answer: 0 none yet, 1 on time, 2 late */
    uint8_t pub_late;  /* publication: 0 none yet, 1 in time, 2 late */
    uint8_t fwd_late;  /* forwarding: 0 none, 1 in time, 2 late */
    uint16_t reopened; /* times the citizen was not satisfied */
    uint16_t escalations;
    uint8_t overdue;  /* level 3's deadline passed in this round (pakn_overdue raised) */
    uint8_t refusal;  /* cc_pakn_refusal_t */
    uint8_t ref_late; /* refusal: 0 none, 1 in time, 2 late */
    uint8_t pad_[1];
    int64_t received_at;
    int64_t due_at;   /* deadline of the current level */
    int64_t level_at; /* when the current level (or the reopened round) started */
    int64_t answered_at;
    int64_t published_at;
    int64_t closed_at;
    int64_t last_at;                       /* time of the last event sent by a person */
    char unit[CC_MAX_CODE + 1];            /* "" until assigned */
    char dossier[CC_MAX_ID + 1];           /* "" if none */
    char contact[CC_MAX_ID + 1];           /* "" if none */
    char outside[CC_PAKN_MAX_OUTSIDE + 1]; /* forwarded: competent agency */
} cc_pakn_t;

#define CC_PAKN_VERSION 1

/* One event, decoded and checked for shape. Personal fields are slices
 * borrowed from the message (valid while it lives). */
typedef struct {
    cc_hotline_event_kind_t kind;
    int64_t at;
    char contact[CC_MAX_ID + 1];
    char pakn[CC_MAX_ID + 1];
    char unit[CC_MAX_CODE + 1];
    char agent[CC_MAX_CODE + 1];
    char dossier[CC_MAX_ID + 1];
    char outside[CC_PAKN_MAX_OUTSIDE + 1];
    uint8_t ctype, channel, category, refusal;
    bool urgent;
    bool closed;
    cc_str_t text, caller_name, caller_phone, answer; /* personal; len 0 if absent */
} cc_hotline_event_t;

/* What applying an event decided, for the record and the indexes. */
typedef struct {
    bool stores_contact;
    bool stores_pakn;
    bool stores_personal; /* received (caller, text) or answered (answer) */
    bool publishes;       /* published: store the redacted answer */
    int64_t due_before;   /* for the due indexes */
    uint8_t state_before;
} cc_hotline_outcome_t;

/**
 * cc_hotline_event_parse - decode the hotline fields of an event map.
 * @ev: the "ev" map (eid, type and at already checked by the core).
 * @ret: the decoded event (its slices borrow from @ev).
 * @rej: code unsupported for an unknown type, not_authorized for a type
 *   only the daemon raises, bad_field for a missing, ill-typed, out of
 *   bounds or unknown enumerated value. Reasons never quote personal data.
 * Returns 0, or 1 when rejected.
 */
int cc_hotline_event_parse(const msgpack_object *ev, cc_hotline_event_t *ret, cc_reject_t *rej);

/**
 * cc_hotline_authorize - whether @who may send @ev for complaint @p (state
 * NONE for a new or contact event) by role and unit scope.
 * Returns 0 allowed, 1 rejected (not_authorized) with @rej filled.
 */
int cc_hotline_authorize(const cc_principal_t *who, const cc_pakn_t *p,
                         const cc_hotline_event_t *ev, cc_reject_t *rej);

/**
 * cc_contact_apply - decide a contact or contact_closed event.
 * @c: the stored contact (exists 0 when unknown); updated on acceptance.
 * Returns 0 accepted, 1 rejected.
 */
int cc_contact_apply(const cc_catalog_t *cat, cc_contact_t *c, const cc_hotline_event_t *ev,
                     const cc_principal_t *who, int64_t now, cc_reject_t *rej);

/**
 * cc_pakn_apply - decide a pakn_* event (not pakn_escalated) for @p.
 * @cat: catalogs (units, calendar, policy).
 * @p: current state (CC_PAKN_NONE when unknown); the new state on
 *   acceptance, unchanged on rejection.
 * @link: for pakn_received with a contact: that contact (else NULL).
 * @now: the daemon's clock (future-event tolerance).
 * @out: what was decided.
 * Returns 0 accepted, 1 rejected.
 */
int cc_pakn_apply(const cc_catalog_t *cat, cc_pakn_t *p, const cc_hotline_event_t *ev,
                  const cc_contact_t *link, int64_t now, cc_hotline_outcome_t *out,
                  cc_reject_t *rej);

/**
 * cc_pakn_level_deadline - deadline of @level started at @start.
 * Returns 0 with *@ret, -ERANGE when the calendar does not cover a needed
 * year, -EINVAL for a bad level.
 */
int cc_pakn_level_deadline(const cc_catalog_t *cat, int level, bool urgent, int64_t start,
                           int64_t *ret);

/** cc_pakn_waiting - whether @p waits for an answer (received .. accepted). */
bool cc_pakn_waiting(const cc_pakn_t *p);

/**
 * cc_pakn_timed - whether the tick watches @p's deadline: it waits for an
 * answer, below level 3 or not yet overdue at level 3.
 */
bool cc_pakn_timed(const cc_pakn_t *p);

/* What cc_pakn_escalate() did. */
#define CC_PAKN_ESCALATED 1 /* one level up */
#define CC_PAKN_OVERDUE 2   /* level 3's deadline passed: marked overdue */

/**
 * cc_pakn_escalate - act on @p's deadline if it passed before @now
 * (due < now): below level 3, raise it one level, the new level starting
 * at the old deadline; at level 3, mark it overdue for this round.
 * @ret_at: the moment it happened (the old deadline).
 * Returns CC_PAKN_ESCALATED, CC_PAKN_OVERDUE, 0 nothing to do, or -ERANGE
 * (calendar gap; @p unchanged).
 */
int cc_pakn_escalate(const cc_catalog_t *cat, cc_pakn_t *p, int64_t now, int64_t *ret_at);

/** cc_pakn_open - not closed, forwarded or refused. */
bool cc_pakn_open(const cc_pakn_t *p);

/**
 * cc_pakn_transition - the lifecycle table's cell for event @k in state @s
 * (PROTOCOL.md §4, "Lifecycle"): what cc_pakn_apply() does before the
 * event's own guards and effects. Exposed for the documentation test.
 */
const cc_transition_t *cc_pakn_transition(cc_hotline_event_kind_t k, cc_pakn_state_t s);

#endif
