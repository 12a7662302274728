/*
 * cc_reject.h - why an event is refused, and the checks every event domain
 * makes (intake's dossiers, hotline's contacts and complaints), with the
 * same codes and the same reasons in Vietnamese and English.
 *
 * The domain modules (daemons/intake/dossier.h, daemons/hotline/complaint.h)
 * depend on this and on the catalogs only, not on the event daemon core
 * (cc_evd.h) that runs them.
 */
#ifndef CC_REJECT_H
#define CC_REJECT_H

#include <stddef.h>
#include <stdint.h>

#include "cc_auth.h"
#include "cc_catalog.h"
#include "cc_codec.h"
#include "cc_proto.h"
#include "cc_schema.h"
#include "cc_vocab.h"

/* Why an event or query was refused: code, offending field, and the
 * reason in Vietnamese and English (shown to the clerk as is). */
typedef struct {
    cc_err_t code;
    const char *field;
    char vi[512];
    char en[512];
} cc_reject_t;

/**
 * cc_reject - fill @rej. @vi_fmt and @en_fmt are printf formats that must
 * take the same arguments in the same order.
 * Returns 1 (the "rejected" result of the domain callbacks), for
 * `return cc_reject(...)`.
 */
int cc_reject(cc_reject_t *rej, cc_err_t code, const char *field, const char *vi_fmt,
              const char *en_fmt, ...);

/**
 * cc_reject_transition - fill @rej for an event the lifecycle does not
 * allow (illegal_transition, field "type"), in both languages.
 * @event: the event type ("resolved").
 * @subject_vi, @subject_en: what it is about ("hồ sơ" / "dossier").
 * @id: the dossier or complaint id.
 * @state_vi, @state_en: its current state in each language.
 * @why_vi, @why_en: why the state does not allow the event.
 * Returns 1, like cc_reject().
 */
int cc_reject_transition(cc_reject_t *rej, const char *event, const char *subject_vi,
                         const char *subject_en, const char *id, const char *state_vi,
                         const char *state_en, const char *why_vi, const char *why_en);

/*
 * Checks every event domain makes, with the same codes and reasons.
 * Each returns 0 when the check passes, else 1 with @rej filled.
 */

/** cc_reject_calendar_gap - calendar_not_covered for a deadline from @t. */
int cc_reject_calendar_gap(cc_reject_t *rej, int64_t t);

/**
 * cc_reject_date_error - judge the result @r of a due-date or deadline
 * computation for an event at @at: 0 when @r >= 0; else 1 with @rej filled,
 * calendar_not_covered for -ERANGE, internal ("Could not compute @en_what")
 * for anything else.
 */
int cc_reject_date_error(cc_reject_t *rej, int r, int64_t at, const char *vi_what,
                         const char *en_what);

/**
 * cc_check_not_future - future_event when @at is later than @now plus the
 * policy's future_tolerance_seconds; the reason says the server's time.
 */
int cc_check_not_future(const cc_catalog_t *cat, int64_t at, int64_t now, cc_reject_t *rej);

/**
 * cc_check_not_before - before_previous when @at is earlier than @floor,
 * the time of the previous event of the @subject_vi / @subject_en
 * ("hồ sơ" / "dossier").
 */
int cc_check_not_before(int64_t at, int64_t floor, const char *subject_vi, const char *subject_en,
                        cc_reject_t *rej);

/**
 * cc_check_unit - unknown_unit when @code is not in the unit catalog,
 * unit_not_valid when it did not exist on @at's local day; @field names
 * the event's field.
 */
int cc_check_unit(const cc_catalog_t *cat, const char *field, const char *code, int64_t at,
                  cc_reject_t *rej);

/**
 * cc_reject_fields - bad_field unless map @body passes the checks @fields:
 * "@what_vi: <why>" / "@what_en: <why>" in each language
 * (cc_fields_explain), naming the field.
 * @what_vi, @what_en: what was refused ("Truy vấn báo cáo không hợp lệ" /
 *   "Invalid report query").
 * Returns 0 when the map passes, else 1 with @rej filled.
 */
int cc_reject_fields(cc_reject_t *rej, const msgpack_object *body, const cc_field_t *fields,
                     size_t n, const char *what_vi, const char *what_en);

/**
 * cc_reject_event_fields - bad_field unless event @ev has the fields of its
 * type @s (cc_event_fields_explain: enumerations name their values).
 * Returns 0 when it does, else 1 with @rej filled.
 */
int cc_reject_event_fields(cc_reject_t *rej, const cc_event_schema_t *s, const msgpack_object *ev);

/**
 * cc_reject_type - unsupported (field "type") for an event type @type that
 * this daemon (@here) does not take: when the other daemon takes it, the
 * reason names the mistake and where it goes ("'pakn_received' is a
 * hotline event: send it to cchc-hotlined"); else "unknown event type".
 * Returns 1.
 */
int cc_reject_type(cc_reject_t *rej, cc_event_daemon_t here, cc_str_t type);

/**
 * cc_reject_period - bad_field "period" for a period name @spec that
 * cc_period_parse() refused with @why (English); the Vietnamese gives the
 * forms a period takes.
 * Returns 1.
 */
int cc_reject_period(cc_reject_t *rej, const char *spec, const char *why);

/**
 * cc_role_vi - the Vietnamese name of a role ("tổng đài viên" for agent),
 * for the reasons shown to clerks.
 */
const char *cc_role_vi(cc_role_t role);

/**
 * cc_field_enum - read the string field @key of @ev as one of the codes of
 * @v from @first on (the field must already be checked to be a string,
 * cc_fields_check).
 * @ret: the code's value (its index in @v).
 * Returns 0, or 1 with @rej filled (bad_field, listing the allowed values).
 */
int cc_field_enum(const msgpack_object *ev, const char *key, const cc_vocab_t *v, unsigned first,
                  uint8_t *ret, cc_reject_t *rej);

/*
 * Lifecycles as tables (PROTOCOL.md §3.3 and §4): a domain keeps one cell
 * per [event][state] saying what the event does there. What a table does
 * not list is refused as illegal_transition (the zero cell). Guards and
 * effects that need more than the state (a unit to check, a date to
 * compute) are the event's own small functions, run after the cell allows
 * the event; the cell's @note names the PROTOCOL.md footnote that describes
 * them. tests/unit/test_protocol_doc.c renders every cell with
 * cc_transition_text() and compares it with PROTOCOL.md's tables.
 */
typedef enum {
    CC_TR_ILLEGAL = 0, /* ✗: illegal_transition */
    CC_TR_STAY,        /* "=": allowed, the state does not change */
    CC_TR_MOVE,        /* "→ next": allowed, the state becomes @next */
    CC_TR_DECIDE,      /* allowed; the event's effect decides the next state */
    CC_TR_REFUSE,      /* refused with @code (duplicate_dossier, unknown_dossier, ...) */
} cc_tr_kind_t;

/* One cell of a lifecycle table. */
typedef struct {
    uint8_t kind;       /* cc_tr_kind_t */
    uint8_t next;       /* CC_TR_MOVE: the new state */
    uint8_t code;       /* CC_TR_REFUSE: the cc_err_t */
    char note;          /* PROTOCOL.md's footnote letter for this cell, 0 if none */
    const char *why_vi; /* CC_TR_ILLEGAL: why, when it differs from the event's reason */
    const char *why_en;
} cc_transition_t;

/* Cells, for the tables' initializers. */
#define CC_TR_TO(state, note)                                                                      \
    {                                                                                              \
        CC_TR_MOVE, (state), 0, (note), NULL, NULL                                                 \
    }
#define CC_TR_SAME(note)                                                                           \
    {                                                                                              \
        CC_TR_STAY, 0, 0, (note), NULL, NULL                                                       \
    }
#define CC_TR_BY_EFFECT(note)                                                                      \
    {                                                                                              \
        CC_TR_DECIDE, 0, 0, (note), NULL, NULL                                                     \
    }
#define CC_TR_REFUSED(code)                                                                        \
    {                                                                                              \
        CC_TR_REFUSE, 0, (code), 0, NULL, NULL                                                     \
    }
#define CC_TR_NOT(vi, en)                                                                          \
    {                                                                                              \
        CC_TR_ILLEGAL, 0, 0, 0, (vi), (en)                                                         \
    }

_Static_assert(CC_ERR_COUNT_ <= 256, "an error code fits a cell's uint8_t");

/**
 * cc_transition_text - the cell @t as PROTOCOL.md writes it, without its
 * comments: "→ processing (f)", "= (a)", "=", "(e)", "✗" or
 * "`duplicate_dossier`". @states names the states. Returns @buf.
 */
const char *cc_transition_text(const cc_transition_t *t, const cc_vocab_t *states, char *buf,
                               size_t len);

#endif
