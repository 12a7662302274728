/*
 * cc_schema.h - every event type and its fields (PROTOCOL.md §2.2, §3, §4),
 * declared once.
 *
 * The daemons check each event against these tables (intake: dossier
 * events and supervisors' notes; hotline: contacts and complaints), and the
 * cchc tool lists them (`cchc events`, `cchc push --help`), so what the
 * tool says an event needs is what the daemon demands. A field is a check
 * (key, type, required, bounds: cc_field_t) and, for an enumeration, its
 * closed list of codes (cc_vocab.h): a value outside the list is refused
 * naming the allowed ones.
 */
#ifndef CC_SCHEMA_H
#define CC_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "cc_codec.h"
#include "cc_vocab.h"

/* Bounds of the hotline's fields (PROTOCOL.md §4). */
#define CC_PAKN_MAX_ID 58       /* so that "esc:<pakn>:<level>" fits CC_MAX_ID */
#define CC_PAKN_MAX_OUTSIDE 256 /* name of the competent agency outside the province */
#define CC_PAKN_MAX_NAME 128    /* caller_name, bytes */
#define CC_PAKN_MAX_PHONE 32    /* caller_phone, bytes */

/* One field of an event. */
typedef struct {
    cc_field_t check;         /* key, type, required, bounds */
    const cc_vocab_t *values; /* an enumeration: its codes from @first on; NULL if not one */
    unsigned first;
} cc_event_field_t;

/* One event type. */
typedef struct {
    const char *type;               /* its wire name, as its cc_vocab list names it */
    const cc_event_field_t *fields; /* beyond eid, type and at */
    size_t n;
    const char *vi; /* what it records, in Vietnamese and in English (one line) */
    const char *en;
    bool daemon_only; /* raised by the daemon itself; refused from a client */
} cc_event_schema_t;

/* Where an event goes. */
typedef enum { CC_EVENTS_INTAKE, CC_EVENTS_HOTLINE } cc_event_daemon_t;

/* The event types of one kind, for listing them. */
typedef struct {
    cc_event_daemon_t daemon;
    const char *title; /* "dossier events, sent with cchc push" */
    const cc_event_schema_t *schemas;
    size_t n;
} cc_event_group_t;

/* The fields every event has: eid (id), type (code), at (time). */
extern const cc_field_t cc_event_common_fields[3];

/* The event types, indexed by their enumerators (cc_vocab.h). */
extern const cc_event_schema_t cc_dossier_event_schemas[CC_EV_KIND_COUNT_];
extern const cc_event_schema_t cc_unit_event_schemas[CC_UEV_KIND_COUNT_];
extern const cc_event_schema_t cc_hotline_event_schemas[CC_HEV_KIND_COUNT_];

/* The three tables above, in the order PROTOCOL.md gives them. */
extern const cc_event_group_t cc_event_groups[3];

/** cc_event_daemon_name - "intake" or "hotline". */
const char *cc_event_daemon_name(cc_event_daemon_t d);

/**
 * cc_event_schema_find - the event type named by the @len bytes at @type,
 * whichever daemon takes it.
 * @ret_daemon: where it goes (may be NULL).
 * Returns the schema, or NULL for a type no daemon knows.
 */
const cc_event_schema_t *cc_event_schema_find(const char *type, size_t len,
                                              cc_event_daemon_t *ret_daemon);

/**
 * cc_event_fields_explain - check event @ev against @s's fields (not the
 * common ones): each field's type and bounds, then an enumeration's list.
 * @ret_key: the first field at fault.
 * @vi, @en: why, in each language (cc_fields_explain; for a value outside
 *   its list, the allowed values: quoted in the Vietnamese). Either may be
 *   NULL.
 * Returns 0, or -EINVAL.
 */
int cc_event_fields_explain(const cc_event_schema_t *s, const msgpack_object *ev,
                            const char **ret_key, char *vi, size_t vi_len, char *en, size_t en_len);

#endif
