/*
 * cc_vocab.h - the closed lists of codes of the protocol, defined once.
 *
 * Every enumerated value that crosses a socket or lands in a log record
 * (dossier states and event types, SOS kinds, channels, payment methods,
 * ratings, resolution classes; complaint states and hotline event types,
 * contact types and channels, categories, refusal reasons) is listed here:
 * its C enumerator, its wire name (PROTOCOL.md §3, §4), and the Vietnamese
 * words shown to clerks where there are some. Intake and hotline validate
 * with these lists, scoring reads records with them, the cchc tool offers
 * them, and tests/unit/test_protocol_doc.c checks PROTOCOL.md's lists
 * against them.
 *
 * The index of a name in its list is the value of its enumerator, so a
 * stored byte, an enum and a wire name convert without a table of their
 * own anywhere else.
 */
#ifndef CC_VOCAB_H
#define CC_VOCAB_H

#include <stddef.h>
#include <stdint.h>

/* A closed list of codes. */
typedef struct {
    const char *what;         /* what the codes are, for messages: "dossier state" */
    const char *const *names; /* wire names, index = the enumerator */
    const char *const *vi;    /* Vietnamese, one per name, or NULL */
    size_t n;
} cc_vocab_t;

/** cc_vocab_name - the wire name of value @i of @v, or "?" when out of range. */
const char *cc_vocab_name(const cc_vocab_t *v, unsigned i);

/** cc_vocab_vi - the Vietnamese words of value @i (the wire name when @v has none). */
const char *cc_vocab_vi(const cc_vocab_t *v, unsigned i);

/**
 * cc_vocab_find - the value whose wire name is the @len bytes at @s.
 * Values below @first are not considered (e.g. a "none" that no client may
 * send). Returns the index, or -1.
 */
int cc_vocab_find(const cc_vocab_t *v, unsigned first, const char *s, size_t len);

/**
 * cc_vocab_list - the wire names from @first on, separated by @sep
 * ("a, b, c" or "a|b|c"), into @buf of @len bytes (truncated, always
 * terminated). Returns @buf.
 */
char *cc_vocab_list(const cc_vocab_t *v, unsigned first, const char *sep, char *buf, size_t len);

/* ---- Dossiers (PROTOCOL.md §3) ------------------------------------------------ */

/* The dossier states (§3.2); NONE: the id was never received. */
typedef enum {
    CC_DOSSIER_NONE = 0,
    CC_DOSSIER_PROCESSING,
    CC_DOSSIER_SUPPLEMENT_WAIT,
    CC_DOSSIER_RESOLVED,
    CC_DOSSIER_RETURNED,
    CC_DOSSIER_REFUSED,
    CC_DOSSIER_STOPPED,
    CC_DOSSIER_WITHDRAWN,
    CC_DOSSIER_STATE_COUNT_
} cc_dossier_state_t;
extern const cc_vocab_t cc_dossier_states;

/* The intake event types (§3.1), in the order of PROTOCOL.md's table. */
typedef enum {
    CC_EV_RECEIVED,
    CC_EV_REJECTED_AT_COUNTER,
    CC_EV_TRANSFERRED,
    CC_EV_CONSULT_REQUESTED,
    CC_EV_CONSULT_ANSWERED,
    CC_EV_SOS_REQUESTED,
    CC_EV_SOS_REVIEWED,
    CC_EV_SUPPLEMENT_COMPLETED,
    CC_EV_EXTENDED,
    CC_EV_RESOLVED,
    CC_EV_RETURNED,
    CC_EV_FEE_PAID,
    CC_EV_DIGITIZED,
    CC_EV_RATED,
    CC_EV_KIND_COUNT_
} cc_dossier_event_kind_t;
extern const cc_vocab_t cc_dossier_events;

/* SOS requests (ngừng, bổ sung, không giải quyết, rút); NONE: no request. */
typedef enum {
    CC_SOS_NONE = 0,
    CC_SOS_STOP,
    CC_SOS_SUPPLEMENT,
    CC_SOS_REFUSE,
    CC_SOS_WITHDRAW,
    CC_SOS_KIND_COUNT_
} cc_sos_kind_t;
extern const cc_vocab_t cc_sos_kinds;

/* The apology (Mẫu 04) of an extension: none, issued in time, late. */
typedef enum { CC_APOLOGY_NONE = 0, CC_APOLOGY_IN_TIME, CC_APOLOGY_LATE } cc_apology_t;
extern const cc_vocab_t cc_apologies;

/* How a dossier reached the counter. */
typedef enum { CC_CHANNEL_DIRECT, CC_CHANNEL_ONLINE, CC_CHANNEL_POSTAL } cc_channel_t;
extern const cc_vocab_t cc_channels;

/* How a fee was paid (fee_paid.method). */
typedef enum { CC_FEE_CASH, CC_FEE_CASHLESS, CC_FEE_ONLINE } cc_fee_method_t;
extern const cc_vocab_t cc_fee_methods;

/* How a result was handed over (returned.method). */
typedef enum { CC_RETURN_COUNTER, CC_RETURN_POST, CC_RETURN_ELECTRONIC } cc_return_method_t;
extern const cc_vocab_t cc_return_methods;

/* What was digitized (digitized.what). */
typedef enum { CC_DIGITIZED_COMPONENTS, CC_DIGITIZED_RESULT } cc_digitized_t;
extern const cc_vocab_t cc_digitized;

/* The citizen's rating at the counter tablet (rated.rating). */
typedef enum { CC_RATING_VERY_SATISFIED, CC_RATING_SATISFIED, CC_RATING_DISSATISFIED } cc_rating_t;
extern const cc_vocab_t cc_ratings;

/* A resolution's class against its due date (DOMAIN.md §5). */
typedef enum { CC_CLASS_EARLY, CC_CLASS_ON_TIME, CC_CLASS_LATE } cc_class_t;
extern const cc_vocab_t cc_classes;

/* ---- Units (DOMAIN.md §2.1) ----------------------------------------------------- */

/* The kinds of unit of units.tsv; the catalog's cc_unit_kind_t is the index. */
extern const cc_vocab_t cc_unit_kinds;

/* ---- Supervisors' notes on units (PROTOCOL.md §3.5) ---------------------------- */

/* The intake event types about a unit rather than a dossier. */
typedef enum { CC_UEV_REMINDER, CC_UEV_GRADE_NOTE, CC_UEV_KIND_COUNT_ } cc_unit_event_kind_t;
extern const cc_vocab_t cc_unit_events;

/* What a supervisor's document is: văn bản nhắc nhở, or phê bình. */
typedef enum { CC_NOTE_REMINDER, CC_NOTE_CRITICISM } cc_note_kind_t;
extern const cc_vocab_t cc_note_kinds;

/* The grades of DOMAIN.md §7.2, best first. */
typedef enum { CC_GRADE_APLUS, CC_GRADE_A, CC_GRADE_B, CC_GRADE_C } cc_grade_t;
extern const cc_vocab_t cc_grades;

/* ---- Hotline 1022 (PROTOCOL.md §4) --------------------------------------------- */

/* The complaint (PAKN) states; NONE: the id was never received. */
typedef enum {
    CC_PAKN_NONE = 0,
    CC_PAKN_RECEIVED,
    CC_PAKN_CLASSIFIED,
    CC_PAKN_ASSIGNED,
    CC_PAKN_ACCEPTED,
    CC_PAKN_ANSWERED,
    CC_PAKN_PUBLISHED,
    CC_PAKN_CLOSED,
    CC_PAKN_FORWARDED,
    CC_PAKN_REFUSED,
    CC_PAKN_STATE_COUNT_
} cc_pakn_state_t;
extern const cc_vocab_t cc_pakn_states;

/* The hotline event types; the last two are raised by the daemon only. */
typedef enum {
    CC_HEV_CONTACT,
    CC_HEV_CONTACT_CLOSED,
    CC_HEV_PAKN_RECEIVED,
    CC_HEV_PAKN_CLASSIFIED,
    CC_HEV_PAKN_ASSIGNED,
    CC_HEV_PAKN_FORWARDED,
    CC_HEV_PAKN_ACCEPTED,
    CC_HEV_PAKN_ANSWERED,
    CC_HEV_PAKN_PUBLISHED,
    CC_HEV_PAKN_CLOSED,
    CC_HEV_PAKN_REOPENED,
    CC_HEV_PAKN_REFUSED,
    CC_HEV_PAKN_ESCALATED,
    CC_HEV_PAKN_OVERDUE,
    CC_HEV_KIND_COUNT_
} cc_hotline_event_kind_t;
extern const cc_vocab_t cc_hotline_events;

/* What a 1022 contact is (contact.ctype). */
typedef enum {
    CC_CTYPE_INFORMATION,
    CC_CTYPE_GUIDANCE,
    CC_CTYPE_POSTAL,
    CC_CTYPE_PAKN,
    CC_CTYPE_COUNT_
} cc_ctype_t;
extern const cc_vocab_t cc_ctypes;

/* How a contact reached the hotline (contact.channel). */
typedef enum {
    CC_HCHANNEL_PHONE,
    CC_HCHANNEL_EMAIL,
    CC_HCHANNEL_APP,
    CC_HCHANNEL_ZALO,
    CC_HCHANNEL_PORTAL,
    CC_HCHANNEL_COUNT_
} cc_hotline_channel_t;
extern const cc_vocab_t cc_hotline_channels;

/* What a complaint is about; NONE ("") until classified. */
typedef enum {
    CC_CATEGORY_NONE = 0,
    CC_CATEGORY_PROCEDURE,
    CC_CATEGORY_CONDUCT,
    CC_CATEGORY_PROPOSAL
} cc_pakn_category_t;
extern const cc_vocab_t cc_pakn_categories;

/* Why a complaint is refused (từ chối tiếp nhận); NONE ("") unless refused. */
typedef enum {
    CC_REFUSAL_NONE = 0,
    CC_REFUSAL_ANONYMOUS, /* no name or address to answer to */
    CC_REFUSAL_UNCLEAR,   /* content too unclear to act on */
    CC_REFUSAL_HANDLED,   /* the same matter was already answered */
    CC_REFUSAL_NOT_PAKN,  /* a khiếu nại or tố cáo: another law's procedure */
    CC_REFUSAL_OTHER
} cc_pakn_refusal_t;
extern const cc_vocab_t cc_pakn_refusals;

/* ---- Alerts (PROTOCOL.md §5.3, DOMAIN.md §8) ---------------------------------- */

/* How urgent an alert is, least first (a filter "at least warning" keeps
 * warning and critical). */
typedef enum { CC_SEV_INFO, CC_SEV_WARNING, CC_SEV_CRITICAL, CC_SEV_COUNT_ } cc_severity_t;
extern const cc_vocab_t cc_severities;

/* What an alert is about. */
typedef enum {
    CC_SUBJECT_DOSSIER,
    CC_SUBJECT_PAKN,
    CC_SUBJECT_UNIT,
    CC_SUBJECT_FEED
} cc_alert_subject_t;
extern const cc_vocab_t cc_alert_subjects;

/* The alert kinds, in the order of PROTOCOL.md §5.3's table. */
typedef enum {
    CC_ALERT_DOSSIER_DUE_SOON,
    CC_ALERT_DOSSIER_OVERDUE,
    CC_ALERT_APOLOGY_MISSING,
    CC_ALERT_PROMISE_MISSED,
    CC_ALERT_SOS_PENDING,
    CC_ALERT_SUPPLEMENT_RULE_BROKEN,
    CC_ALERT_CONSULT_LATE,
    CC_ALERT_UNIT_BELOW_TARGET,
    CC_ALERT_SATISFACTION_BELOW_TARGET,
    CC_ALERT_PAKN_DUE_SOON,
    CC_ALERT_PAKN_ESCALATED,
    CC_ALERT_PAKN_OVERDUE,
    CC_ALERT_PAKN_REOPENED,
    CC_ALERT_FEED_LAGGING,
    CC_ALERT_KIND_COUNT_
} cc_alert_kind_t;

/* The wire names and Vietnamese names of the kinds. */
extern const cc_vocab_t cc_alert_kinds;

/* What defines one kind besides its names. */
typedef struct {
    uint8_t severity; /* cc_severity_t: the usual one */
    uint8_t raised;   /* cc_severity_t: the highest it can take (pakn_escalated at
                         level 3, feed_lagging on a rollback) */
    uint8_t subject;  /* cc_alert_subject_t */
    const char *en;   /* English name */
} cc_alert_kind_info_t;

/* One entry per kind, indexed by cc_alert_kind_t. */
extern const cc_alert_kind_info_t cc_alert_kind_info[CC_ALERT_KIND_COUNT_];

#endif
