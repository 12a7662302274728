/*
 * cc_proto.h - constants of the cchc wire protocol, version 1.
 *
 * proto/PROTOCOL.md is the contract; this header names its numbers so that
 * the code and the document cannot drift apart silently (the golden test in
 * tests/unit/test_protocol_doc.c parses the document's hex examples).
 */
#ifndef CC_PROTO_H
#define CC_PROTO_H

#include <stddef.h>
#include <stdint.h>

/* Header frame: 'C' 'H' <version> <message type>. */
#define CC_PROTO_SIG0 0x43
#define CC_PROTO_SIG1 0x48
#define CC_PROTO_VERSION 1
#define CC_HEADER_LEN 4

/* Message types (PROTOCOL.md "Messages"). Requests have the high bit clear,
 * replies and publications have it set. */
typedef enum {
    CC_MSG_HELLO = 0x01,  /* client says who it is, once per connection */
    CC_MSG_EVENT = 0x02,  /* one event to validate, store and acknowledge */
    CC_MSG_READ = 0x03,   /* consumer: events after seq N, long poll */
    CC_MSG_QUERY = 0x04,  /* report, dossier, stats, ping, snapshot, clock */
    CC_MSG_ACK = 0x81,    /* event stored durably (or was already) */
    CC_MSG_BATCH = 0x82,  /* log records answering READ */
    CC_MSG_RESULT = 0x83, /* answer to HELLO or QUERY */
    CC_MSG_ERROR = 0x84,  /* request refused, with code and reasons */
    CC_MSG_ALERT = 0x85,  /* alert change pushed to a watcher (QUERY watch) */
} cc_msg_type_t;

/* Limits on everything a peer controls (PROTOCOL.md "Limits"). */
#define CC_MAX_FRAME 65536   /* bytes in one body frame */
#define CC_MAX_DEPTH 4       /* nesting of maps/arrays in a body */
#define CC_MAX_STR 4096      /* bytes in one string */
#define CC_MAX_KEY 16        /* bytes in one map key */
#define CC_MAX_ITEMS 1024    /* entries in one map or array */
#define CC_MAX_ID 64         /* event id, dossier id, complaint id */
#define CC_MAX_CODE 32       /* unit, procedure, principal codes */
#define CC_MAX_TEXT 2048     /* free text (notes, answers) */
#define CC_MAX_UNITS 256     /* units in one principal's scope */
#define CC_MAX_READ 4096     /* records in one BATCH */
#define CC_MAX_EVS 1024      /* events in one EVENT's `evs` (CC_MAX_ITEMS) */
#define CC_MAX_WAIT_MS 60000 /* longest long-poll wait */

/* Error codes carried in ERROR replies; stable strings on the wire. */
typedef enum {
    CC_ERR_BAD_REQUEST = 1, /* malformed frame or body */
    CC_ERR_BAD_FIELD,       /* a field missing, ill-typed or out of bounds */
    CC_ERR_UNSUPPORTED,     /* unknown message type, query or event type (another
                                   protocol version is bad_request: the decoder refuses it) */
    CC_ERR_NOT_AUTHORIZED,  /* no HELLO yet, or outside the sender's scope */
    CC_ERR_UNKNOWN_UNIT,
    CC_ERR_UNKNOWN_PROCEDURE,
    CC_ERR_PROCEDURE_NOT_HANDLED, /* the unit does not handle that procedure */
    CC_ERR_UNIT_NOT_VALID,        /* the unit did not exist on the event date */
    CC_ERR_UNKNOWN_DOSSIER,
    CC_ERR_DUPLICATE_DOSSIER,    /* received twice under a new event id */
    CC_ERR_ILLEGAL_TRANSITION,   /* the lifecycle does not allow the event */
    CC_ERR_FUTURE_EVENT,         /* dated beyond the tolerance after now */
    CC_ERR_BEFORE_PREVIOUS,      /* dated before the dossier's last event */
    CC_ERR_EVENT_ID_CONFLICT,    /* the sender reused an id for another event */
    CC_ERR_CALENDAR_NOT_COVERED, /* no announced calendar for that year */
    CC_ERR_UNKNOWN_COMPLAINT,
    CC_ERR_UNKNOWN_ALERT, /* scoring: no active alert with that id */
    CC_ERR_OVERLOADED,    /* try again later */
    CC_ERR_INTERNAL,      /* storage failure; nothing was stored */
    CC_ERR_COUNT_
} cc_err_t;

/**
 * cc_err_name - the wire name of an error code ("bad_request", ...).
 * @code: an error code.
 * Returns a static string, "internal" for an unknown value.
 */
const char *cc_err_name(cc_err_t code);

/**
 * cc_err_from_name - parse a wire error name.
 * @name: NUL-terminated name.
 * Returns the code, or 0 if the name is unknown.
 */
cc_err_t cc_err_from_name(const char *name);

/* How messages name a daemon, for people. */
typedef struct {
    const char *name;    /* "intake", as HELLO's RESULT says it */
    const char *program; /* "cchc-intaked" */
    const char *vi;      /* "máy chủ tiếp nhận hồ sơ" */
} cc_daemon_words_t;

/**
 * cc_daemon_words - how to name daemon @name ("intake", "hotline",
 * "scoring") in a message; an unknown name is named as itself.
 */
cc_daemon_words_t cc_daemon_words(const char *name);

/**
 * cc_msg_type_name - human name of a message type ("HELLO", ...).
 * Returns a static string, "?" for an unknown type.
 */
const char *cc_msg_type_name(int type);

#endif
