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

#include "cc_catalog.h"
#include "cc_codec.h"

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
 * cc_check_not_future - future_event when @at is later than @now plus the
 * policy's future_tolerance_seconds.
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
 * cc_field_enum - read the string field @key of @ev as one of @names.
 * The field must already be checked to be a string (cc_fields_check).
 * @ret: its index in @names.
 * Returns 0, or 1 with @rej filled (bad_field, listing the allowed values).
 */
int cc_field_enum(const msgpack_object *ev, const char *key, const char *const *names, size_t n,
                  uint8_t *ret, cc_reject_t *rej);

#endif
